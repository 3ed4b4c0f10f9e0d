/**
 * Every error code Sift raises, with what it means. Listed once here and once in
 * docs/errors.md; a test fails when the two disagree.
 */
export const errorCatalogue = {
  SIFT_INTERNAL: 'An unexpected failure inside Sift; the log has the cause.',
  SIFT_CONFIG_INVALID: 'One or more SIFT_* environment variables are missing or malformed.',
  SIFT_REQUEST_INVALID: 'The request body or parameters are not what the endpoint accepts.',
  SIFT_REQUEST_TOO_LARGE: 'The request body is larger than the configured limit.',
  SIFT_SCHEMA_TYPE_UNSUPPORTED: 'The schema type is not one Sift supports (AVRO, JSON).',
  SIFT_SCHEMA_INVALID: 'The schema text does not parse or is not a valid schema of its type.',
  SIFT_REGISTRY_SUBJECT_NOT_FOUND: 'The registry has no such subject.',
  SIFT_REGISTRY_VERSION_NOT_FOUND: 'The subject has no such version.',
  SIFT_REGISTRY_SCHEMA_NOT_FOUND: 'The registry has no schema with that id.',
  SIFT_REGISTRY_VERSION_INVALID: 'A version must be a positive integer or "latest".',
  SIFT_REGISTRY_STORE_FAILED: 'The registry could not read or write its schema store.',
  SIFT_REGISTRY_SCHEMA_INCOMPATIBLE:
    'The schema is not compatible with earlier versions under the compatibility level.',
  SIFT_REGISTRY_SUBJECT_SOFT_DELETED:
    'The subject is already soft-deleted; delete it with permanent=true to remove it.',
  SIFT_REGISTRY_SUBJECT_NOT_SOFT_DELETED:
    'A subject must be soft-deleted before it is deleted permanently.',
  SIFT_REGISTRY_VERSION_SOFT_DELETED:
    'The version is already soft-deleted; delete it with permanent=true to remove it.',
  SIFT_REGISTRY_VERSION_NOT_SOFT_DELETED:
    'A version must be soft-deleted before it is deleted permanently.',
  SIFT_REGISTRY_CONFIG_NOT_FOUND: 'The subject has no compatibility setting of its own.',
  SIFT_REGISTRY_MODE_NOT_FOUND: 'The subject has no mode of its own.',
  SIFT_REGISTRY_COMPATIBILITY_INVALID: 'The compatibility level is not one the registry knows.',
  SIFT_REGISTRY_MODE_INVALID: 'The mode is not READWRITE, READONLY or IMPORT.',
  SIFT_REGISTRY_OPERATION_NOT_PERMITTED:
    'The mode forbids the operation (READONLY, or an id given outside IMPORT).',
  SIFT_REGISTRY_REFERENCE_EXISTS: 'Other schemas still reference the version.',
  SIFT_REGISTRY_ID_MISMATCH: 'The id or version given in IMPORT mode already holds another schema.',
  SIFT_REGISTRY_SCHEMAVER_CONFLICT:
    'An Iglu schema came out of SchemaVer order, or its SchemaVer is already registered with other content.',
  SIFT_REGISTRY_SUBJECT_INVALID: 'The subject name is empty or holds control characters.',
  SIFT_REGISTRY_FORWARD_FAILED: 'This registry instance could not forward the write to the leader.',
  SIFT_REGISTRY_LEADER_UNKNOWN:
    'No registry instance is known to lead, so writes cannot be served.',
  SIFT_REGISTRY_UNAUTHORIZED: 'The registry refused the request: credentials missing or wrong.',
  SIFT_REGISTRY_UNREACHABLE: 'The schema registry did not answer, or answered with a server error.',
  SIFT_WIRE_FORMAT_INVALID:
    'A message is not in Confluent wire format (magic byte 0, 4-byte schema id).',
  SIFT_EVENT_LOG_UNAVAILABLE:
    'The event log (Kafka or the local log) did not accept or deliver records.',
  SIFT_EVENT_STORE_UNAVAILABLE:
    'The event store (Elasticsearch or the local store) did not answer.',
  SIFT_CONSOLE_BAD_EVENT_NOT_FOUND: 'The console found no bad event with the id asked for.',
  SIFT_INDEX_MAPPING_CONFLICT:
    'An index maps a field of the event data with another type than its schema gives.',
  SIFT_KIBANA_IMPORT_FAILED: 'Kibana did not import the saved objects, or did not answer.',
  SIFT_EVENT_NOT_FOUND: 'The event store holds no event with the id asked for.',
  SIFT_WAIT_TIMED_OUT: 'No matching event arrived before the wait ended.',
  SIFT_CONSOLE_RESET_DISABLED:
    'This console does not delete stored events; SIFT_CONSOLE_ALLOW_RESET turns reset on.',
  SIFT_REQUEST_FORBIDDEN:
    "A web page of another site may not change the server's state, and the Host must be one of its names.",
  SIFT_CONSOLE_RESET_INCOMPLETE:
    'Events received before the reset were still being stored when the wait ended; nothing was deleted: try again.',
} as const;

/** A stable, documented error code: callers branch on this, never on message text. */
export type ErrorCode = keyof typeof errorCatalogue;

/** Options every Sift error takes. */
export interface SiftErrorOptions {
  /** The foreign error this one wraps. */
  cause?: unknown;
  /** Structured facts for logs and API bodies. */
  details?: Record<string, unknown>;
  /** Whether trying again later may succeed. */
  retriable?: boolean;
}

/** Root of Sift's error hierarchy: a stable `code`, `retriable`, optional `details`, native `cause`. */
export class SiftError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SiftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }
}

/** Bad configuration: the process cannot start. */
export class ConfigError extends SiftError {
  constructor(message: string, options?: SiftErrorOptions) {
    super('SIFT_CONFIG_INVALID', message, options);
  }
}

/** Input that breaks a rule: a malformed request or an invalid schema. */
export class ValidationError extends SiftError {}

/** Something looked up does not exist. */
export class NotFoundError extends SiftError {}

/** The request conflicts with the current state. */
export class ConflictError extends SiftError {}

/** A service Sift depends on failed or did not answer; retriable unless said otherwise. */
export class UpstreamError extends SiftError {
  constructor(code: ErrorCode, message: string, options: SiftErrorOptions = {}) {
    super(code, message, { retriable: true, ...options });
  }
}

/** Whether a value is a Sift error, across package copies. */
export function isSiftError(value: unknown): value is SiftError {
  return value instanceof SiftError;
}
