import { avroFormat, jsonSchemaFormat, schemaIndexField } from '@sift/validator';
import {
  cappedValue,
  MAX_SCHEMA_DEPTH,
  pointerSegments,
  toJsonPath,
  toPointer,
} from '../src/formats/parse-json';

describe('toJsonPath', () => {
  it('writes identifiers with dots, indices in brackets and the root as $', () => {
    expect(toJsonPath([])).toBe('$');
    expect(toJsonPath(['items', 0, 'price'])).toBe('$.items[0].price');
    expect(toJsonPath(['_private', 'a1'])).toBe('$._private.a1');
  });

  it('quotes names that are not identifiers, escaping quotes, backslashes and control characters', () => {
    expect(toJsonPath(['weird key'])).toBe("$['weird key']");
    expect(toJsonPath(['0', '1st', 'a-b', ''])).toBe("$['0']['1st']['a-b']['']");
    expect(toJsonPath(["it's", 'back\\slash'])).toBe("$['it\\'s']['back\\\\slash']");
    expect(toJsonPath(['line\nbreak', 'bell\u0007'])).toBe("$['line\\nbreak']['bell\\u0007']");
  });
});

describe('JSON pointers', () => {
  it('escapes ~ and / and reads them back', () => {
    const segments = ['a/b', 'c~d', 'plain'];
    expect(toPointer(segments)).toBe('/a~1b/c~0d/plain');
    expect(pointerSegments(toPointer(segments))).toEqual(segments);
    expect(pointerSegments('')).toEqual([]);
  });
});

describe('cappedValue', () => {
  it('keeps short strings, numbers, booleans and null as they are', () => {
    expect(cappedValue('x'.repeat(200))).toBe('x'.repeat(200));
    expect(cappedValue(1.5)).toBe(1.5);
    expect(cappedValue(false)).toBe(false);
    expect(cappedValue(null)).toBeNull();
    expect(cappedValue(undefined)).toBeUndefined();
  });

  it('cuts strings over 200 characters to 200 with …, never through a surrogate pair', () => {
    expect(cappedValue('x'.repeat(201))).toBe(`${'x'.repeat(199)}…`);
    expect(cappedValue(`${'x'.repeat(197)}😀tail`)).toBe(`${'x'.repeat(197)}😀…`);
    expect(cappedValue(`${'x'.repeat(198)}😀tail`)).toBe(`${'x'.repeat(198)}…`);
  });

  it('gives objects and arrays as JSON text, capped the same way', () => {
    expect(cappedValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(cappedValue([])).toBe('[]');
    expect(cappedValue(Array.from({ length: 100 }, (_, i) => i))).toHaveLength(200);
  });
});

describe('schema depth', () => {
  /** A JSON Schema of `levels` levels of JSON: `{"items": {"items": … {} …}}`. */
  const nestedJsonSchema = (levels: number): string =>
    `${'{"items":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
  /** An Avro schema of `levels` levels of JSON: arrays of arrays of … strings. */
  const nestedAvroSchema = (levels: number): string =>
    `${'{"type":"array","items":'.repeat(levels)}"string"${'}'.repeat(levels)}`;

  it(`compiles, compares and maps schemas up to ${MAX_SCHEMA_DEPTH} levels deep`, () => {
    const json = { schema: nestedJsonSchema(MAX_SCHEMA_DEPTH) };
    expect(jsonSchemaFormat.compile(json).validate({}).issues).toEqual([]);
    expect(jsonSchemaFormat.readerIncompatibilities(json, json)).toEqual([]);
    expect(() => schemaIndexField('JSON', json)).not.toThrow();
    const avro = { schema: nestedAvroSchema(MAX_SCHEMA_DEPTH) };
    expect(() => avroFormat.compile(avro)).not.toThrow();
    expect(avroFormat.readerIncompatibilities(avro, avro)).toEqual([]);
    expect(() => schemaIndexField('AVRO', avro)).not.toThrow();
  });

  it('refuses a deeper schema with the level and where, instead of overflowing the stack', () => {
    for (const [format, text] of [
      [jsonSchemaFormat, nestedJsonSchema(5_000)],
      [avroFormat, nestedAvroSchema(5_000)],
    ] as const) {
      expect(() => format.canonicalize({ schema: text })).toThrow(
        expect.objectContaining({
          code: 'SIFT_SCHEMA_INVALID',
          message: expect.stringMatching(
            new RegExp(`schema: nested more than ${MAX_SCHEMA_DEPTH} levels deep \\(at /`),
          ),
        }),
      );
    }
  });
});
