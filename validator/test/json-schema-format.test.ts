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
        {
          path: '/plan',
          jsonPath: '$.plan',
          keyword: 'required',
          message: '/plan is required',
          expected: '{"enum":["free","pro","team"]}',
        },
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
        jsonPath: '$.plan',
        keyword: 'enum',
        message: '/plan must be equal to one of the allowed values: "free", "pro", "team"',
        expected: 'one of "free", "pro", "team"',
        value: 'gold',
      },
    ]);
  });

  it('gives each violation a JSONPath, the expected constraint and the offending value', () => {
    const { issues } = compiled.validate({ email: 'not-an-email', age: 9, extra: 1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/email',
          jsonPath: '$.email',
          keyword: 'format',
          message: '/email must match format "email"',
          expected: 'format email',
          value: 'not-an-email',
        }),
        {
          path: '/age',
          jsonPath: '$.age',
          keyword: 'minimum',
          message: '/age must be >= 13',
          expected: '>= 13',
          value: 9,
        },
        {
          path: '/extra',
          jsonPath: '$.extra',
          keyword: 'additionalProperties',
          message: '/extra is not an allowed property',
          expected: 'only "email", "plan", "age"',
          value: 1,
        },
      ]),
    );
    expect(issues.find((issue) => issue.keyword === 'required')).not.toHaveProperty('value');
  });

  it('compiles an Iglu Central schema with its self-describing meta-schema', () => {
    const iglu = readFileSync(
      join(
        __dirname,
        '../../test/fixtures/iglu-central/schemas/com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
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

describe('jsonSchemaFormat issue details', () => {
  const order = jsonSchemaFormat.compile({
    schema: readFileSync(join(__dirname, 'fixtures/order.json'), 'utf8'),
  });

  it('points into array items by index, with the failing type, limit or missing property', () => {
    const { issues } = order.validate({
      order_id: 'o-1',
      items: [{ sku: 'a' }, { sku: 2, price: -1 }],
    });
    expect(issues).toEqual([
      {
        path: '/items/0/price',
        jsonPath: '$.items[0].price',
        keyword: 'required',
        message: '/items/0/price is required',
        expected: '{"type":"number","minimum":0}',
      },
      {
        path: '/items/1/sku',
        jsonPath: '$.items[1].sku',
        keyword: 'type',
        message: '/items/1/sku must be string',
        expected: '"type": "string"',
        value: 2,
      },
      {
        path: '/items/1/price',
        jsonPath: '$.items[1].price',
        keyword: 'minimum',
        message: '/items/1/price must be >= 0',
        expected: '>= 0',
        value: -1,
      },
    ]);
  });

  it('names maxLength and enum limits and quotes names that are not identifiers', () => {
    const { issues } = order.validate({
      order_id: 'o'.repeat(40),
      currency: 'YEN',
      items: [],
      attributes: { 'weird key': 1, "it's": 2, '0': 3 },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: '/order_id',
        jsonPath: '$.order_id',
        keyword: 'maxLength',
        expected: 'maxLength 32',
        value: 'o'.repeat(40),
      }),
      expect.objectContaining({
        path: '/currency',
        keyword: 'enum',
        expected: 'one of "EUR", "USD"',
        value: 'YEN',
      }),
      expect.objectContaining({
        path: '/attributes/0',
        jsonPath: "$.attributes['0']",
        keyword: 'type',
      }),
      expect.objectContaining({
        path: '/attributes/weird key',
        jsonPath: "$.attributes['weird key']",
        keyword: 'type',
        expected: '"type": "string"',
        value: 1,
      }),
      expect.objectContaining({
        path: "/attributes/it's",
        jsonPath: "$.attributes['it\\'s']",
        value: 2,
      }),
    ]);
  });

  it('caps long strings and gives objects and arrays as capped JSON text', () => {
    const { issues } = order.validate({
      order_id: 'x'.repeat(500),
      currency: { code: 'EUR' },
      items: { sku: 'y'.repeat(300) },
    });
    const valueAt = (path: string): unknown => issues.find((issue) => issue.path === path)?.value;
    expect(valueAt('/order_id')).toBe(`${'x'.repeat(199)}…`);
    expect(valueAt('/currency')).toBe('{"code":"EUR"}');
    expect(valueAt('/items')).toBe(`{"sku":"${'y'.repeat(191)}…`);
    expect(String(valueAt('/items'))).toHaveLength(200);
  });

  it('names the whole document as $', () => {
    expect(order.validate('just text').issues).toEqual([
      {
        path: '',
        jsonPath: '$',
        keyword: 'type',
        message: 'the event must be object',
        expected: '"type": "object"',
        value: 'just text',
      },
    ]);
  });
});

describe('jsonSchemaFormat with well-known metaschemas', () => {
  const igluSchemas = join(__dirname, '../../test/fixtures/iglu-central/schemas');
  const iglu = (path: string): string => readFileSync(join(igluSchemas, path), 'utf8');

  it("validates instances against draft-07's metaschema through $ref, from the local copy", () => {
    const compiled = jsonSchemaFormat.compile({
      schema: JSON.stringify({
        type: 'object',
        properties: { definition: { $ref: 'http://json-schema.org/draft-07/schema#' } },
      }),
    });
    expect(compiled.validate({ definition: { type: 'string', maxLength: 3 } }).issues).toEqual([]);
    const { issues } = compiled.validate({ definition: { type: 'strin', maxLength: -1 } });
    expect(issues.map(({ keyword, path }) => `${keyword} ${path}`)).toEqual(
      expect.arrayContaining(['minimum /definition/maxLength', 'anyOf /definition/type']),
    );
  });

  it.each([
    ['draft-04', 'http://json-schema.org/draft-04/schema#'],
    ['draft-06', 'http://json-schema.org/draft-06/schema#'],
    ['draft-07 over https', 'https://json-schema.org/draft-07/schema'],
    ['2019-09', 'https://json-schema.org/draft/2019-09/schema'],
    ['2020-12', 'https://json-schema.org/draft/2020-12/schema'],
  ])('resolves a $ref to the %s metaschema', (_name, url) => {
    const compiled = jsonSchemaFormat.compile({ schema: JSON.stringify({ $ref: url }) });
    expect(compiled.validate({ type: 'object', required: ['a'] }).issues).toEqual([]);
    expect(compiled.validate({ type: 42 }).issues).not.toEqual([]);
  });

  it("registers Iglu's self-describing metaschema, which $refs draft-04", () => {
    const text = iglu('com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0');
    expect(() => jsonSchemaFormat.canonicalize({ schema: text })).not.toThrow();
  });

  it("validates Sauna commands against Iglu's instance-iglu-only metaschema", () => {
    const compiled = jsonSchemaFormat.compile({
      schema: iglu('com.snowplowanalytics.sauna.commands/command/jsonschema/1-0-0'),
    });
    const envelope = { schema: 'iglu:com.acme/envelope/jsonschema/1-0-0', data: {} };
    expect(compiled.validate({ envelope, command: envelope }).issues).toEqual([]);
    const { issues } = compiled.validate({ envelope: { schema: 'nope', data: {} }, command: {} });
    expect(issues.map(({ keyword, path }) => `${keyword} ${path}`)).toEqual([
      'pattern /envelope/schema',
      'required /command/schema',
      'required /command/data',
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
