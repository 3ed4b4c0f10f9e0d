import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { avroFormat, jsonSchemaFormat } from '@sift/validator';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

const pageView = avroFormat.compile({
  schema: JSON.stringify({
    type: 'record',
    name: 'PageView',
    fields: [
      { name: 'path', type: 'string' },
      { name: 'title', type: ['null', 'string'], default: null },
      { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    ],
  }),
});

describe('validateAndEncode', () => {
  it('gives the bytes of validate then encode for valid Avro data, natural or Avro-JSON', () => {
    for (const data of [
      { path: '/a', title: 'A', tags: ['x'] },
      { path: '/a', title: { string: 'A' }, tags: ['x'] },
      { path: '/b' },
    ]) {
      const { issues, encoded } = pageView.validateAndEncode(data);
      expect(issues).toEqual([]);
      expect(encoded).toEqual(pageView.encode(pageView.validate(data).value));
      expect(pageView.decode(encoded as Buffer)).toEqual(pageView.decode(pageView.encode(data)));
    }
  });

  it('gives the issues of validate, and no bytes, for invalid Avro data', () => {
    const data = { path: 7, extra: true };
    const checked = pageView.validateAndEncode(data);
    expect(checked.encoded).toBeUndefined();
    expect(checked.issues).toEqual(pageView.validate(data).issues);
    expect(checked.issues.map((issue) => issue.path).sort()).toEqual(['/extra', '/path']);
  });

  it('gives the JSON text for valid JSON Schema data and the issues for invalid data', () => {
    const signup = jsonSchemaFormat.compile({ schema: fixture('signup.json') });
    const valid = signup.validateAndEncode({ email: 'ada@example.com', plan: 'free' });
    const invalid = signup.validateAndEncode({ email: 7 });
    expect([valid.issues, invalid.encoded]).toEqual([[], undefined]);
    expect(JSON.parse((valid.encoded as Buffer).toString('utf8'))).toEqual({
      email: 'ada@example.com',
      plan: 'free',
    });
    expect(invalid.issues).toEqual(signup.validate({ email: 7 }).issues);
  });
});

describe('Avro bytes and fixed', () => {
  const blob = avroFormat.compile({
    schema: JSON.stringify({
      type: 'record',
      name: 'Blob',
      fields: [
        { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 4 } },
        { name: 'body', type: ['null', 'bytes'], default: null },
      ],
    }),
  });

  it("takes Avro's JSON encoding (one character per byte) and decodes to the bytes", () => {
    const data = { digest: '\u0000\u00ff\u0010A', body: 'h\u00e9llo' };
    const { issues, encoded } = blob.validateAndEncode(data);
    expect(issues).toEqual([]);
    // Decoded bytes stay bytes: a sink writes them as base64, Elasticsearch's binary.
    expect(blob.decode(encoded as Buffer)).toEqual({
      digest: Buffer.from(data.digest, 'latin1'),
      body: Buffer.from(data.body, 'latin1'),
    });
  });

  it('refuses text with characters beyond one byte and a fixed of the wrong size', () => {
    expect(blob.validate({ digest: 'abcd', body: 'snow ☃' }).issues.map((i) => i.path)).toEqual([
      '/body',
    ]);
    expect(blob.validate({ digest: 'abc' }).issues.map((i) => i.path)).toEqual(['/digest']);
  });
});
