import { ValidationError } from '@sift/common';
import { jsonSchemaFormat } from '../src/formats/json-schema/json-schema-format';
import { jsonSchemaReaderIncompatibilities } from '../src/formats/json-schema/json-schema-compatibility';
import { compilePattern, translatePattern } from '../src/formats/json-schema/safe-pattern';

/** The keywords and paths of the issues a schema finds in data. */
function issues(schema: object, data: unknown): string[] {
  return jsonSchemaFormat
    .compile({ schema: JSON.stringify(schema) })
    .validate(data)
    .issues.map(({ keyword, path }) => `${keyword} ${path}`);
}

function refusal(schema: object): ValidationError {
  try {
    jsonSchemaFormat.canonicalize({ schema: JSON.stringify(schema) });
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the schema was accepted');
}

// 10 000 'a's and a '!': a backtracking engine needs about 2^10000 steps to refuse this
// against ^(a+)+$ (28 characters already take 1.5 s); RE2 takes one pass.
const evil = `${'a'.repeat(10_000)}!`;

describe('JSON Schema patterns on RE2', () => {
  it('refuses a catastrophic-backtracking input to ^(a+)+$ with a verdict', () => {
    expect(issues({ type: 'string', pattern: '^(a+)+$' }, evil)).toEqual(['pattern ']);
    expect(issues({ type: 'string', pattern: '^(a+)+$' }, 'aaaa')).toEqual([]);
  });

  it('checks each pattern of a schema with its own expression', () => {
    const schema = {
      type: 'object',
      properties: {
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        price: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$' },
      },
    };
    expect(issues(schema, { currency: 'EUR', price: '1.00' })).toEqual([]);
    expect(issues(schema, { currency: 'euro', price: '1.5' })).toEqual([
      'pattern /currency',
      'pattern /price',
    ]);
  });

  it('matches property names against patternProperties on RE2 too', () => {
    const schema = {
      type: 'object',
      patternProperties: { '^(a+)+$': { type: 'integer' } },
      additionalProperties: false,
    };
    expect(issues(schema, { [evil]: 1, aaa: 2 })).toEqual([`additionalProperties /${evil}`]);
    expect(issues(schema, { aaa: 'x' })).toEqual(['type /aaa']);
  });

  it('compares schemas whose patternProperties backtrack catastrophically, with a verdict', () => {
    const writer = {
      type: 'object',
      patternProperties: { '^(a+)+$': { type: 'integer' } },
      additionalProperties: false,
    };
    const adding = (name: string): string[] =>
      jsonSchemaReaderIncompatibilities(
        { ...writer, properties: { [name]: { type: 'string' } } },
        writer,
      ).map((incompatibility) => incompatibility.keyword);
    // The old schema allowed `aaa` as an integer; the new one wants a string.
    expect(adding('aaa')).toEqual([
      'TYPE_CHANGED',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    ]);
    // The old schema refused a property of that name: adding it refuses nothing written.
    expect(adding(evil)).toEqual([]);
  });

  describe('keeps ECMA-262 (u flag) meanings', () => {
    const cases: [string, string, boolean][] = [
      ['^\\d+$', '0123456789', true],
      ['^\\d$', '٣', false], // Arabic-Indic digit: \d is ASCII in ECMA-262
      ['^\\w+$', 'snake_case9', true],
      ['^\\w$', 'é', false],
      ['^\\p{L}+$', '日本語é', true],
      ['^\\p{Letter}+$', 'abc', true],
      ['^\\p{Lu}$', 'a', false],
      ['^\\p{Script=Greek}+$', 'αβγ', true],
      ['^.$', '😀', true], // one code point beyond the BMP
      ['^..$', '😀', false],
      ['^[😀-😂]$', '😁', true],
      ['^\\u{1F600}$', '😀', true],
      ['^\\uD83D\\uDE00$', '😀', true],
      ['^\\u00e9$', 'é', true],
      ['^.$', '\n', false],
      ['^.$', '\r', false],
      ['^.$', '\u2028', false],
      ['^\\s$', '\u00a0', true],
      ['^\\s$', '\ufeff', true],
      ['^\\s$', '\v', true],
      ['^\\S$', '\u00a0', false],
      ['^[\\S]$', 'x', true],
      ['^[\\s]$', '\u3000', true],
      ['^a$', 'a\n', false],
      ['^(?<year>\\d{4})$', '2024', true],
      ['^[^]$', 'x', true],
      ['^[]$', 'x', false],
      ['^[[:a]$', '[', true], // a class of '[', ':' and 'a', not the start of a POSIX class
      ['^\\cJ$', '\n', true],
      ['^[\\b]$', '\b', true],
      ['^\\/$', '/', true],
      ['^iglu:[a-zA-Z0-9-_.]+/[a-zA-Z0-9-_]+$', 'iglu:com.acme/click', true],
      ['^[0-9-_]$', ':', false],
    ];
    it.each(cases)('%j on %j → %s', (pattern, text, expected) => {
      expect(compilePattern(pattern).test(text)).toBe(expected);
      expect(new RegExp(pattern, 'u').test(text)).toBe(expected);
    });
  });

  it('translates . into ECMA-262 any-but-a-line-terminator', () => {
    expect(translatePattern('a.b')).toBe('a[^\\x{a}\\x{d}\\x{2028}-\\x{2029}]b');
  });

  describe('refuses at registration what RE2 cannot run, naming the pattern and its pointer', () => {
    it.each([
      ['(?=a)a', 'a lookahead'],
      ['(?!a)b', 'a lookahead'],
      ['(?<=a)b', 'a lookbehind'],
      ['(?<!a)b', 'a lookbehind'],
      ['(a)\\1', 'a backreference'],
      ['(?<x>a)\\k<x>', 'a named backreference'],
    ])('%j (%s)', (pattern, what) => {
      const error = refusal({
        type: 'object',
        properties: { code: { type: 'string', pattern } },
      });
      expect(error.code).toBe('SIFT_SCHEMA_INVALID');
      expect(error.message).toContain(`the pattern ${JSON.stringify(pattern)}`);
      expect(error.message).toContain('at /properties/code/pattern');
      expect(error.message).toContain(what);
    });

    it('names a patternProperties name by its pointer', () => {
      const error = refusal({
        type: 'object',
        definitions: { tags: { patternProperties: { '^(?!x)': {} } } },
      });
      expect(error.message).toContain('at /definitions/tags/patternProperties/^(?!x)');
    });

    it('does not look for patterns in enum, const, default or examples', () => {
      expect(() =>
        jsonSchemaFormat.canonicalize({
          schema: JSON.stringify({
            enum: [{ pattern: '(?=a)' }],
            default: { pattern: '(?=a)' },
            examples: [{ patternProperties: { '(?=a)': {} } }],
          }),
        }),
      ).not.toThrow();
    });

    it('refuses a repetition RE2 does not allow', () => {
      expect(refusal({ type: 'string', pattern: 'a{1001}' }).message).toContain(
        'the pattern "a{1001}" at /pattern',
      );
    });
  });
});
