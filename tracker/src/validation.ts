/** One way event data breaks its schema, found by a generated validator. */
export interface Violation {
  /** JSON pointer into the event data; `""` is the whole data. */
  path: string;
  /** The schema rule that failed, e.g. `required`, `type`, `enum`. */
  keyword: string;
  message: string;
}

/** A validator precompiled by `sift codegen`: the violations of some event data, none when valid. */
export type EventValidator = (data: unknown) => Violation[];

/** Called with an event's violations before it is sent; it may throw to stop the call. */
export type ViolationHandler = (
  eventType: string,
  version: number,
  violations: Violation[],
) => void;

/** Thrown by `throwOnViolation`: an event that does not match the schema it was compiled for. */
export class EventViolationError extends Error {
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly violations: Violation[],
  ) {
    super(
      `${eventType} v${version} does not match its schema: ` +
        violations.map((v) => `${v.path || '/'} ${v.message}`).join('; '),
    );
    this.name = 'EventViolationError';
  }
}

/** A violation handler for tests and development: throws an EventViolationError. */
export const throwOnViolation: ViolationHandler = (eventType, version, violations) => {
  throw new EventViolationError(eventType, version, violations);
};
