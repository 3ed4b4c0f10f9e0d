import { ValidationError } from '@sift/common';

/** A version as the API names it: a number, or the latest. */
export type VersionRef = number | 'latest';

/** Parses a version path segment: 1 … 2^31-1, `latest`, or -1 (latest). */
export function parseVersion(text: string): VersionRef {
  if (text === 'latest' || text === '-1') return 'latest';
  if (/^\d+$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && version <= 2 ** 31 - 1) return version;
  }
  throw new ValidationError(
    'SIFT_REGISTRY_VERSION_INVALID',
    `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
}

/** Refuses subject names a registry cannot store: empty, or holding control characters. */
export function checkSubject(subject: string): void {
  // eslint-disable-next-line no-control-regex
  if (subject.length === 0 || /[\u0000-\u001f\u007f]/.test(subject)) {
    throw new ValidationError(
      'SIFT_REGISTRY_SUBJECT_INVALID',
      `The specified subject '${subject}' is not a valid subject name`,
    );
  }
}
