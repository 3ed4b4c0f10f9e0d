export { createTracker, Tracker, TEST_ID_HEADER } from './tracker';
export type {
  BatchResult,
  EventEnvelope,
  FetchLike,
  RejectedVerdict,
  TrackerOptions,
  TrackerProblem,
} from './tracker';
export { appErrorData, captureErrors } from './error-capture';
export type { AppErrorData, AppErrorSink } from './error-capture';
export { EventViolationError, throwOnViolation } from './validation';
export type { EventValidator, Violation, ViolationHandler } from './validation';
export { browserStorage, memoryStorage } from './storage';
export type { KeyValueStorage } from './storage';
export type { components as CollectorApi, paths as CollectorPaths } from './collector-api';
