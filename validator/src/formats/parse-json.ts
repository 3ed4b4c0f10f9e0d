import { ValidationError } from '@sift/common';

/** Parses schema text as JSON, or throws `SIFT_SCHEMA_INVALID` with the parser's reason. */
export function parseSchemaJson(text: string, schemaType: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Invalid ${schemaType} schema: not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A copy of a JSON value with every object's keys sorted, so key order stops mattering. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
