export {
  errorCatalogue,
  SiftError,
  ConfigError,
  ValidationError,
  NotFoundError,
  ConflictError,
  UpstreamError,
  isSiftError,
} from './errors';
export type { ErrorCode, SiftErrorOptions } from './errors';
export { loadConfig } from './config';
export type { EnvField, EnvMap, JSONSchemaType } from './config';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { createMetricsRegistry } from './metrics';
export { listen } from './http-server';
export { parseBasicCredentials } from './basic-credentials';
export type { BasicCredentials } from './basic-credentials';
export { requestGuard, requestRefusal } from './request-guard';
export type { RequestGuardOptions, RequestRefusal } from './request-guard';
export type { RunningServer } from './http-server';
export {
  GOOD_TOPIC,
  BAD_TOPIC,
  DEFAULT_INDEX_PREFIX,
  defaultTopics,
  goodEventHeaders,
  indexName,
  encodeEntitiesHeader,
  decodeEntitiesHeader,
} from './contracts/topics';
export type { SnowplowFields, Topics, Verdict } from './contracts/topics';
export type {
  BadEvent,
  BadEventKind,
  BadEventSource,
  BadEventStage,
  ValidationIssue,
} from './contracts/bad-event';
