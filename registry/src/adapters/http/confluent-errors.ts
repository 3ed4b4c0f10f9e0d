import { isSiftError } from '@sift/common';
import type { ErrorCode } from '@sift/common';

/** Confluent Schema Registry's HTTP status and `error_code` for each Sift error code. */
const confluentCodes: Partial<Record<ErrorCode, [status: number, errorCode: number]>> = {
  SIFT_REGISTRY_SUBJECT_NOT_FOUND: [404, 40401],
  SIFT_REGISTRY_VERSION_NOT_FOUND: [404, 40402],
  SIFT_REGISTRY_SCHEMA_NOT_FOUND: [404, 40403],
  SIFT_REGISTRY_SUBJECT_SOFT_DELETED: [404, 40404],
  SIFT_REGISTRY_SUBJECT_NOT_SOFT_DELETED: [404, 40405],
  SIFT_REGISTRY_VERSION_SOFT_DELETED: [404, 40406],
  SIFT_REGISTRY_VERSION_NOT_SOFT_DELETED: [404, 40407],
  SIFT_REGISTRY_CONFIG_NOT_FOUND: [404, 40408],
  SIFT_REGISTRY_MODE_NOT_FOUND: [404, 40409],
  // Confluent's newest releases say 40901; Karapace and most releases clients meet say 409.
  SIFT_REGISTRY_SCHEMA_INCOMPATIBLE: [409, 409],
  SIFT_REGISTRY_SCHEMAVER_CONFLICT: [409, 409],
  SIFT_SCHEMA_INVALID: [422, 42201],
  SIFT_SCHEMA_TYPE_UNSUPPORTED: [422, 42201],
  SIFT_REGISTRY_VERSION_INVALID: [422, 42202],
  SIFT_REGISTRY_COMPATIBILITY_INVALID: [422, 42203],
  SIFT_REGISTRY_MODE_INVALID: [422, 42204],
  SIFT_REGISTRY_OPERATION_NOT_PERMITTED: [422, 42205],
  SIFT_REGISTRY_REFERENCE_EXISTS: [422, 42206],
  SIFT_REGISTRY_ID_MISMATCH: [422, 42207],
  SIFT_REGISTRY_SUBJECT_INVALID: [422, 42208],
  SIFT_REQUEST_INVALID: [422, 422],
  SIFT_REQUEST_TOO_LARGE: [413, 413],
  SIFT_REGISTRY_STORE_FAILED: [500, 50001],
  SIFT_REGISTRY_FORWARD_FAILED: [500, 50003],
  SIFT_REGISTRY_LEADER_UNKNOWN: [500, 50004],
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
