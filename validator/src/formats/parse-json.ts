import { ValidationError } from '@sift/common';

/**
 * Levels of JSON nesting a schema may have. Real schemas stay far below (Iglu Central's deepest
 * has 23); past it the recursive walks of parsing, compatibility and mapping would overflow the
 * stack, so such a schema is refused up front with a clear reason.
 */
export const MAX_SCHEMA_DEPTH = 256;

/** The JSON pointer of the first value nested deeper than `max` levels, found without recursion. */
function tooDeepAt(value: unknown, max: number): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (typeof top.value !== 'object' || top.value === null) continue;
    if (top.depth > max) return top.path;
    for (const [key, child] of Object.entries(top.value)) {
      stack.push({
        value: child,
        path: `${top.path}/${pointerSegment(key)}`,
        depth: top.depth + 1,
      });
    }
  }
  return undefined;
}

/** Parses schema text as JSON, or throws `SIFT_SCHEMA_INVALID` with the parser's reason. */
export function parseSchemaJson(text: string, schemaType: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Invalid ${schemaType} schema: not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  const deep = tooDeepAt(parsed, MAX_SCHEMA_DEPTH);
  if (deep !== undefined) {
    throw new ValidationError(
      'SIFT_SCHEMA_INVALID',
      `Invalid ${schemaType} schema: nested more than ${MAX_SCHEMA_DEPTH} levels deep (at ${deep})`,
    );
  }
  return parsed;
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

/** One step into a JSON value: a property name, or an array index. */
export type PathSegment = string | number;

/** Splits a JSON pointer (RFC 6901) into its unescaped segments; `""` gives none. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The JSON pointer (RFC 6901) of a path; `""` is the whole document. */
export function toPointer(segments: readonly PathSegment[]): string {
  return segments.map((segment) => `/${pointerSegment(segment)}`).join('');
}

const SHORTHAND_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A name as a JSONPath string literal in single quotes, escaped as RFC 9535 escapes it. */
function quotedName(name: string): string {
  const escaped = Array.from(
    name,
    (char) =>
      ESCAPES[char] ??
      (char < ' ' ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char),
  ).join('');
  return `['${escaped}']`;
}

/** The JSONPath of a path: `$.items[0].price`, `$['weird key']`; `$` is the whole document. */
export function toJsonPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(
    (path, segment) =>
      typeof segment === 'number'
        ? `${path}[${segment}]`
        : SHORTHAND_NAME.test(segment)
          ? `${path}.${segment}`
          : `${path}${quotedName(segment)}`,
    '$',
  );
}

/** The most characters an issue keeps of an offending value, `…` included. */
export const ISSUE_VALUE_MAX_CHARS = 200;

function capText(text: string): string {
  if (text.length <= ISSUE_VALUE_MAX_CHARS) return text;
  let end = ISSUE_VALUE_MAX_CHARS - 1;
  // Never split a surrogate pair: half an emoji is not valid text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * An offending value as an issue carries it: strings longer than 200 characters cut with
 * `…`, objects and arrays replaced by their JSON text cut the same way, other values kept.
 */
export function cappedValue(value: unknown): unknown {
  if (typeof value === 'string') return capText(value);
  if (value !== null && typeof value === 'object') return capText(JSON.stringify(value) ?? '');
  return value;
}
