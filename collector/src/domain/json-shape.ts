import type { BadEventKind, ValidationIssue } from '@sift/common';

/** Levels of nesting an event may have by default, the event object itself counting as one. */
export const DEFAULT_MAX_EVENT_DEPTH = 64;

/** Why an event's JSON cannot be taken as it is, before anything else looks at it. */
export interface ShapeIssue {
  kind: BadEventKind;
  issue: ValidationIssue;
}

/** Escapes one JSON pointer segment (RFC 6901). */
function segment(key: string | number): string {
  return `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * Checks a parsed event without recursion, so any depth is safe: it must be nested at most
 * `maxDepth` levels (the event object is level 1) and hold only finite numbers (`JSON.parse`
 * turns a number beyond a double's range, such as `1e400`, into ±Infinity). Returns the first
 * issue found, with its JSON pointer in the event, or undefined.
 */
export function inspectEventShape(event: unknown, maxDepth: number): ShapeIssue | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const stack: { value: object; path: string; depth: number }[] = [
    { value: event, path: '', depth: 1 },
  ];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path, depth } = top;
    if (depth > maxDepth) {
      return {
        kind: 'size_violation',
        issue: {
          path,
          keyword: 'maxDepth',
          message: `the event is nested more than ${maxDepth} levels deep (at ${path}); flatten it`,
        },
      };
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof child === 'number' && !Number.isFinite(child)) {
        const at = path + segment(key);
        return {
          kind: 'malformed_json',
          issue: {
            path: at,
            keyword: 'number',
            message: `${at} is a number out of range: beyond ±1.8e308, a double cannot hold it; send it as a string`,
          },
        };
      }
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, path: path + segment(key), depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Whether a character code is JSON whitespace. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * The source text of each element of the top-level `events` array of a JSON body that
 * `JSON.parse` accepted (the last `events` key wins, as in `JSON.parse`), so an event can be
 * kept exactly as sent; undefined when the body has no such array. One pass, no recursion.
 */
export function eventTexts(body: string): string[] | undefined {
  let depth = 0;
  let expectKey = false;
  let key: string | undefined;
  let found: string[] | undefined;
  let collecting: string[] | undefined;
  let start = -1;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (isSpace(code) || code === 0x3a /* : */) continue;
    const char = body[i];
    const closing = char === ']' || char === '}' || char === ',';
    if (collecting !== undefined && depth === 2 && start === -1 && !closing) start = i;
    if (depth === 1 && !expectKey && char !== ',' && char !== '}') {
      // A value of the top-level object begins.
      if (key === 'events' && char === '[') {
        collecting = [];
        start = -1;
      }
      key = undefined;
    }
    if (char === '"') {
      let end = i + 1;
      while (body[end] !== '"' && end < body.length) end += body[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        key = JSON.parse(body.slice(i, end + 1)) as string;
        expectKey = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      depth++;
      if (depth === 1) expectKey = char === '{';
    } else if (char === '}' || char === ']') {
      if (collecting !== undefined && depth === 2) {
        if (start !== -1) collecting.push(body.slice(start, i).trimEnd());
        found = collecting;
        collecting = undefined;
      }
      depth--;
    } else if (char === ',') {
      if (depth === 1) expectKey = true;
      if (collecting !== undefined && depth === 2) {
        collecting.push(body.slice(start, i).trimEnd());
        start = -1;
      }
    }
  }
  return found;
}

/**
 * JSON text of a value whatever its depth: containers deeper than `maxDepth` become the
 * string `"…"`, so serializing cannot exhaust the stack. For payloads of events that came
 * without their source text.
 */
export function boundedJson(value: unknown, maxDepth: number): string {
  const depths = new WeakMap<object, number>();
  return (
    JSON.stringify(value, function (this: unknown, _key: string, child: unknown) {
      if (typeof child !== 'object' || child === null) return child;
      const holder = typeof this === 'object' && this !== null ? depths.get(this) : undefined;
      const depth = holder === undefined ? 1 : holder + 1;
      if (depth > maxDepth) return '…';
      depths.set(child, depth);
      return child;
    }) ?? 'undefined'
  );
}

/** The text cut to at most `limitBytes` of UTF-8 (a character split at the cut is replaced). */
export function cutToBytes(text: string, limitBytes: number): string {
  if (text.length <= limitBytes / 3 || Buffer.byteLength(text) <= limitBytes) return text;
  return Buffer.from(text, 'utf8').subarray(0, limitBytes).toString('utf8');
}
