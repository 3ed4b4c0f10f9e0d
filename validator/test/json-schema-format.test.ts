import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFormat, ValidatorCache } from '@sift/validator';

const schema = readFileSync(join(__dirname, 'fixtures/signup.json'), 'utf8');

describe('jsonSchemaFormat', () => {
  const compiled = jsonSchemaFormat.compile({ schema });

  it('accepts valid data and encodes it as UTF-8 JSON', () => {
    const data = { email: 'ada@example.com', plan: 'pro' };
    expect(compiled.validate(data).issues).toEqual([]);
    expect(compiled.decode(compiled.encode(data))).toEqual(data);
  });

  it('reports each violation with a JSON pointer, keyword and message', () => {
    const { issues } = compiled.validate({ email: 'not-an-email', age: 9, extra: 1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '/plan', keyword: 'required', message: '/plan is required' },
        expect.objectContaining({ path: '/email', keyword: 'format' }),
        expect.objectContaining({
          path: '/age',
          keyword: 'minimum',
          message: '/age must be >= 13',
        }),
        expect.objectContaining({ path: '/extra', keyword: 'additionalProperties' }),
      ]),
    );
  });

  it('names the allowed values of an enum', () => {
    const { issues } = compiled.validate({ email: 'a@b.co', plan: 'gold' });
    expect(issues).toEqual([
      {
        path: '/plan',
        keyword: 'enum',
        message: '/plan must be equal to one of the allowed values: "free", "pro", "team"',
      },
    ]);
  });

  it('compiles an Iglu Central schema with its self-describing meta-schema', () => {
    const iglu = readFileSync(
      join(
        __dirname,
        '../../../shared/fixtures/iglu-central/schemas/com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
      ),
      'utf8',
    );
    const link = jsonSchemaFormat.compile({ schema: iglu });
    expect(link.validate({ targetUrl: 'https://example.com' }).issues).toEqual([]);
    expect(link.validate({ elementId: 'x' }).issues).toEqual([
      expect.objectContaining({ path: '/targetUrl', keyword: 'required' }),
    ]);
  });
});

describe('ValidatorCache', () => {
  it('compiles a schema once per id', () => {
    const cache = new ValidatorCache();
    const first = cache.get(7, 'JSON', schema);
    expect(cache.get(7, 'JSON', schema)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('refuses an unsupported schema type', () => {
    expect(() => new ValidatorCache().get(1, 'PROTOBUF', 'syntax = "proto3";')).toThrow(
      expect.objectContaining({ code: 'SIFT_SCHEMA_TYPE_UNSUPPORTED' }),
    );
  });
});
