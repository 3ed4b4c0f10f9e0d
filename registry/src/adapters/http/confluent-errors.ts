import { isSiftError } from '@sift/common';
import type { ErrorCode } from '@sift/common';

/** Confluent Schema Registry's HTTP status and `error_code` for each Sift error code. */
const confluentCodes: Partial<Record<ErrorCode, [status: number, errorCode: number]>> = {
  SIFT_REGISTRY_SUBJECT_NOT_FOUND: [404, 40401],
  SIFT_REGISTRY_VERSION_NOT_FOUND: [404, 40402],
  SIFT_REGISTRY_SCHEMA_NOT_FOUND: [404, 40403],
  SIFT_SCHEMA_INVALID: [422, 42201],
  SIFT_SCHEMA_TYPE_UNSUPPORTED: [422, 42201],
  SIFT_REGISTRY_VERSION_INVALID: [422, 42202],
  SIFT_REQUEST_INVALID: [400, 400],
  SIFT_REQUEST_TOO_LARGE: [413, 413],
  SIFT_REGISTRY_STORE_FAILED: [500, 50001],
};

/** The answer Confluent's clients expect for an error: status and `{error_code, message}`. */
export function toConfluentError(error: unknown): {
  status: number;
  body: { error_code: number; message: string };
} {
  if (isSiftError(error)) {
    const [status, errorCode] = confluentCodes[error.code] ?? [500, 50001];
    return { status, body: { error_code: errorCode, message: error.message } };
  }
  return { status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } };
}
