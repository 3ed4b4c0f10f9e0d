import { RE2JS } from 're2js';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import { ValidationError } from '@sift/common';
import { pointerSegment } from '../parse-json';

// JSON Schema patterns are ECMA-262 regular expressions with the `u` flag. They run on RE2
// (linear time, no catastrophic backtracking), after a translation that keeps ECMA-262's
// meaning where RE2's differs: `.` and `\s` follow ECMA-262's line terminators and white space,
// `\u` escapes become code points. Lookaround and backreferences have no RE2 equivalent: a
// schema that uses them is refused.

/** ECMA-262 WhiteSpace and LineTerminator: what `\s` matches, as RE2 class content. */
const WHITE_SPACE: readonly [number, number][] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

const MAX_CODE_POINT = 0x10ffff;

function hex(codePoint: number): string {
  return `\\x{${codePoint.toString(16)}}`;
}

function classContent(ranges: readonly [number, number][]): string {
  return ranges.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('');
}

function complement(ranges: readonly [number, number][]): [number, number][] {
  const result: [number, number][] = [];
  let next = 0;
  for (const [from, to] of ranges) {
    if (from > next) result.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

const SPACE = classContent(WHITE_SPACE);
const NON_SPACE = classContent(complement(WHITE_SPACE));
/** ECMA-262's `.` without the `s` flag: anything but a line terminator. */
const DOT = `[^${classContent([
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
])}]`;
const ANY = `[${hex(0)}-${hex(MAX_CODE_POINT)}]`;

/** Long names of Unicode general categories ECMA-262 accepts, with RE2's short name. */
const GENERAL_CATEGORIES: Record<string, string> = {
  Letter: 'L',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

/** Why a pattern cannot run on RE2, with no JSON pointer yet. */
export class UnsupportedPatternError extends Error {}

/** The RE2 name of an ECMA-262 `\p{…}` property; throws when RE2 has no equivalent. */
function propertyName(name: string): string {
  const [key, value] = name.includes('=') ? name.split('=', 2) : [undefined, name];
  if (key === 'Script_Extensions' || key === 'scx') {
    throw new UnsupportedPatternError(`the property \\p{${name}} is not supported`);
  }
  const bare = value ?? name;
  return key === 'Script' || key === 'sc' ? bare : (GENERAL_CATEGORIES[bare] ?? bare);
}

function isHex(text: string): boolean {
  return /^[0-9a-fA-F]+$/.test(text);
}

/**
 * Translates an ECMA-262 pattern (`u` flag) into RE2 syntax with the same meaning. Throws a
 * SyntaxError when it is no valid ECMA-262 pattern and an UnsupportedPatternError when RE2
 * cannot run it (lookaround, backreferences).
 */
export function translatePattern(pattern: string): string {
  // Compiling (never running) the native pattern checks its ECMA-262 syntax.
  new RegExp(pattern, 'u');
  let out = '';
  let inClass = false;
  let i = 0;
  const unsupported = (what: string): never => {
    throw new UnsupportedPatternError(`it uses ${what}, which RE2 cannot run in linear time`);
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i += 2;
      switch (next) {
        case 's':
          out += inClass ? SPACE : `[${SPACE}]`;
          break;
        case 'S':
          out += inClass ? NON_SPACE : `[^${SPACE}]`;
          break;
        case 'b':
          out += inClass ? hex(8) : '\\b';
          break;
        case 'u': {
          let codePoint: number;
          if (pattern[i] === '{') {
            const end = pattern.indexOf('}', i);
            codePoint = parseInt(pattern.slice(i + 1, end), 16);
            i = end + 1;
          } else {
            codePoint = parseInt(pattern.slice(i, i + 4), 16);
            i += 4;
            const low = pattern.slice(i + 2, i + 6);
            if (
              codePoint >= 0xd800 &&
              codePoint <= 0xdbff &&
              pattern.startsWith('\\u', i) &&
              isHex(low) &&
              parseInt(low, 16) >= 0xdc00 &&
              parseInt(low, 16) <= 0xdfff
            ) {
              codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (parseInt(low, 16) - 0xdc00);
              i += 6;
            }
          }
          out += hex(codePoint);
          break;
        }
        case 'c':
          out += hex(pattern.charCodeAt(i) % 32);
          i += 1;
          break;
        case '0':
          out += hex(0);
          break;
        case 'k':
          unsupported('a named backreference');
          break;
        case 'p':
        case 'P': {
          const end = pattern.indexOf('}', i);
          out += `\\${next}{${propertyName(pattern.slice(i + 1, end))}}`;
          i = end + 1;
          break;
        }
        default:
          if (/[1-9]/.test(next)) unsupported('a backreference');
          // \d \D \w \W \B \t \n \v \f \r \xHH and escaped syntax characters mean the same.
          out += `\\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      // RE2 reads `[:alpha:]` inside a class as a POSIX class; ECMA-262 as characters.
      out += c === '[' ? '\\[' : c;
      i += 1;
      continue;
    }
    if (c === '[') {
      const negated = pattern[i + 1] === '^';
      const start = negated ? i + 2 : i + 1;
      // ECMA-262's `[]` matches nothing and `[^]` anything; RE2 reads a leading `]` literally.
      if (pattern[start] === ']') {
        out += negated ? ANY : `[^${ANY.slice(1, -1)}]`;
        i = start + 1;
        continue;
      }
      out += negated ? '[^' : '[';
      inClass = true;
      i = start;
      continue;
    }
    if (c === '.') {
      out += DOT;
      i += 1;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) unsupported('a lookahead');
      if (kind === '<=' || kind === '<!') unsupported('a lookbehind');
      if (kind.startsWith('<')) {
        out += '(?P<';
        i += 3;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/** Compiles a JSON Schema pattern to run on RE2; throws like `translatePattern`, or when RE2 refuses it. */
export function compilePattern(pattern: string): RegExpLike {
  const translated = translatePattern(pattern);
  try {
    const compiled = RE2JS.compile(translated);
    // ajv keys compiled patterns by their string form: each needs its own, or the first
    // pattern of a schema would stand in for all the others.
    const like: RegExpLike & { toString(): string } = {
      test: (text: string) => compiled.test(text),
      toString: () => `/${pattern}/u`,
    };
    return like;
  } catch (error) {
    throw new UnsupportedPatternError((error as Error).message, { cause: error });
  }
}

function engine(pattern: string): RegExpLike {
  return compilePattern(pattern);
}

/** ajv's `code.regExp`: every `pattern` and `patternProperties` runs on RE2. */
export const safeRegExpEngine: RegExpEngine = Object.assign(engine, {
  code: 'require("@sift/validator").compilePattern',
});

/** Schema keywords holding one subschema. */
const SCHEMA_KEYWORDS = [
  'additionalProperties',
  'additionalItems',
  'unevaluatedItems',
  'unevaluatedProperties',
  'items',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
];
/** Schema keywords holding a list of subschemas. */
const LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
/** Schema keywords holding subschemas by name. */
const MAP_KEYWORDS = [
  'properties',
  'patternProperties',
  'definitions',
  '$defs',
  'dependentSchemas',
  'dependencies',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every pattern of a schema (`pattern` values, `patternProperties` names) with its JSON pointer. */
function patternsOf(schema: unknown, at = ''): { pointer: string; pattern: string }[] {
  if (!isObject(schema)) return [];
  const found: { pointer: string; pattern: string }[] = [];
  const below = (...segments: string[]): string =>
    at + segments.map((segment) => `/${pointerSegment(segment)}`).join('');
  if (typeof schema['pattern'] === 'string') {
    found.push({ pointer: below('pattern'), pattern: schema['pattern'] });
  }
  if (isObject(schema['patternProperties'])) {
    for (const name of Object.keys(schema['patternProperties'])) {
      found.push({ pointer: below('patternProperties', name), pattern: name });
    }
  }
  for (const keyword of SCHEMA_KEYWORDS) {
    found.push(...patternsOf(schema[keyword], below(keyword)));
  }
  for (const keyword of LIST_KEYWORDS) {
    const list = schema[keyword];
    if (Array.isArray(list)) {
      list.forEach((item, index) => found.push(...patternsOf(item, below(keyword, String(index)))));
    }
  }
  for (const keyword of MAP_KEYWORDS) {
    const map = schema[keyword];
    if (!isObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      found.push(...patternsOf(value, below(keyword, name)));
    }
  }
  return found;
}

/**
 * Refuses a schema with a pattern that is not valid ECMA-262 or that RE2 cannot run:
 * a ValidationError (`SIFT_SCHEMA_INVALID`) naming the pattern and its JSON pointer.
 */
export function checkPatterns(schema: unknown, what = ''): void {
  for (const { pointer, pattern } of patternsOf(schema)) {
    try {
      compilePattern(pattern);
    } catch (error) {
      const why =
        error instanceof UnsupportedPatternError
          ? `${error.message}; Sift runs patterns on RE2 so that no pattern can stall validation (rewrite it without lookaround or backreferences)`
          : `it is not a valid ECMA-262 regular expression (${(error as Error).message})`;
      throw new ValidationError(
        'SIFT_SCHEMA_INVALID',
        `Invalid JSON schema${what}: the pattern ${JSON.stringify(pattern)} at ${pointer || '/'} cannot be used: ${why}`,
        { cause: error },
      );
    }
  }
}
