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
