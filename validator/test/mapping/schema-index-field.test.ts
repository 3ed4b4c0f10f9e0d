import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  avroIndexField,
  jsonSchemaIndexField,
  mergeIndexFields,
  schemaIndexField,
} from '@sift/validator';
import type { IndexField } from '@sift/validator';

const keyword = { type: 'keyword', ignore_above: 1024 };
const text = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };

describe('avroIndexField', () => {
  it('maps every Avro type to its Elasticsearch type', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Checkout',
      namespace: 'com.acme',
      fields: [
        { name: 'order_id', type: 'string' },
        { name: 'note', type: 'string', 'sift.index': 'text' },
        { name: 'quantity', type: 'int' },
        { name: 'big', type: 'long' },
        { name: 'total', type: 'double' },
        { name: 'ratio', type: 'float' },
        { name: 'paid', type: 'boolean' },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'] } },
        { name: 'coupon', type: ['null', 'string'], default: null },
        { name: 'amount', type: ['int', 'double'] },
        { name: 'odd', type: ['string', { type: 'record', name: 'Odd', fields: [] }] },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attributes', type: { type: 'map', values: 'string' } },
        { name: 'raw', type: 'bytes' },
        {
          name: 'items',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Item',
              fields: [
                { name: 'sku', type: 'string' },
                { name: 'price', type: 'double' },
              ],
            },
          },
        },
        { name: 'first_item', type: ['null', 'Item'], default: null },
        { name: 'again', type: { type: 'array', items: 'com.acme.Currency' } },
      ],
    });
    expect(avroIndexField({ schema })).toEqual({
      type: 'object',
      properties: {
        order_id: keyword,
        note: text,
        quantity: { type: 'long' },
        big: { type: 'long' },
        total: { type: 'double' },
        ratio: { type: 'double' },
        paid: { type: 'boolean' },
        at: { type: 'date' },
        currency: keyword,
        coupon: keyword,
        amount: { type: 'double' },
        odd: { type: 'object', enabled: false },
        tags: keyword,
        attributes: { type: 'flattened' },
        raw: { type: 'binary' },
        items: {
          type: 'nested',
          properties: { sku: keyword, price: { type: 'double' } },
        },
        first_item: {
          type: 'object',
          properties: { sku: keyword, price: { type: 'double' } },
        },
        again: keyword,
      },
    });
  });

  it('stops at a recursive record and keeps that part unindexed', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'label', type: 'string' },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    expect(avroIndexField({ schema })).toEqual({
      type: 'object',
      properties: { label: keyword, next: { type: 'object', enabled: false } },
    });
  });

  it('resolves named types from the schemas it references', () => {
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'com.acme',
      fields: [{ name: 'city', type: 'string' }],
    });
    const schema = JSON.stringify({
      type: 'record',
      name: 'Signup',
      namespace: 'com.acme',
      fields: [{ name: 'home', type: 'Address' }],
    });
    expect(
      avroIndexField({ schema, references: [{ name: 'com.acme.Address', schema: address }] }),
    ).toEqual({
      type: 'object',
      properties: { home: { type: 'object', properties: { city: keyword } } },
    });
  });

  it('refuses a schema that names an undefined type', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'A',
      fields: [{ name: 'b', type: 'com.acme.Missing' }],
    });
    expect(() => avroIndexField({ schema })).toThrow(
      expect.objectContaining({ code: 'SIFT_SCHEMA_INVALID' }),
    );
  });
});

describe('jsonSchemaIndexField', () => {
  it('lets a date or ip Elasticsearch cannot parse go unindexed instead of refusing the event', () => {
    // ajv accepts `2024-01-01 10:00:00Z`, `t`/`z`, 23:59:60Z and long fractions; Elasticsearch does not.
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        v4: { type: 'string', format: 'ipv4' },
        v6: { type: 'string', format: 'ipv6' },
        either: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
      },
    });
    const date = { type: 'date', ignore_malformed: true };
    const ip = { type: 'ip', ignore_malformed: true };
    expect(jsonSchemaIndexField({ schema })).toEqual({
      type: 'object',
      properties: { at: date, day: date, v4: ip, v6: ip, either: date },
    });
  });

  it('maps JSON Schema types and formats to Elasticsearch types', () => {
    const schema = JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        path: { type: 'string' },
        body: { type: 'string', maxLength: 5000 },
        title: { type: 'string', 'x-sift-index': 'text' },
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        ip: { type: 'string', format: 'ipv4' },
        count: { type: 'integer' },
        price: { type: ['number', 'null'] },
        ok: { type: 'boolean' },
        plan: { enum: ['free', 'pro'] },
        level: { enum: [1, 2, 3] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        empty: { type: 'object', properties: {}, additionalProperties: false },
        tags: { type: 'array', items: { type: 'string' } },
        lines: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
          },
        },
        mixed: { type: ['string', 'object'] },
        anything: true,
        money: { $ref: '#/$defs/money' },
        both: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } } },
            { properties: { b: { type: 'number' } } },
          ],
        },
        either: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
      },
      $defs: {
        money: { type: 'object', properties: { amount: { type: 'number' } } },
      },
    });
    expect(jsonSchemaIndexField({ schema })).toEqual({
      type: 'object',
      properties: {
        path: keyword,
        body: text,
        title: text,
        at: { type: 'date', ignore_malformed: true },
        day: { type: 'date', ignore_malformed: true },
        ip: { type: 'ip', ignore_malformed: true },
        count: { type: 'long' },
        price: { type: 'double' },
        ok: { type: 'boolean' },
        plan: keyword,
        level: { type: 'long' },
        labels: { type: 'flattened' },
        empty: { type: 'object', properties: {} },
        tags: keyword,
        lines: { type: 'nested', properties: { sku: keyword, qty: { type: 'long' } } },
        mixed: { type: 'object', enabled: false },
        money: { type: 'object', properties: { amount: { type: 'double' } } },
        both: {
          type: 'object',
          properties: { a: keyword, b: { type: 'double' } },
        },
        either: { type: 'double' },
      },
    });
  });

  it('follows $ref into referenced schemas and stops at recursion', () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        address: { $ref: 'address.json' },
        tree: { $ref: '#/definitions/tree' },
      },
      definitions: {
        tree: {
          type: 'object',
          properties: { name: { type: 'string' }, child: { $ref: '#/definitions/tree' } },
        },
      },
    });
    const address = JSON.stringify({
      type: 'object',
      properties: { city: { type: 'string' } },
    });
    expect(
      jsonSchemaIndexField({ schema, references: [{ name: 'address.json', schema: address }] }),
    ).toEqual({
      type: 'object',
      properties: {
        address: { type: 'object', properties: { city: keyword } },
        tree: {
          type: 'object',
          properties: { name: keyword, child: { type: 'object', enabled: false } },
        },
      },
    });
  });
});

describe('mergeIndexFields', () => {
  it('widens numbers, merges object properties and gives up on objects beside scalars', () => {
    expect(mergeIndexFields({ type: 'long' }, { type: 'double' })).toEqual({ type: 'double' });
    expect(mergeIndexFields({ type: 'date' }, keyword)).toEqual(keyword);
    expect(
      mergeIndexFields(
        { type: 'object', properties: { a: { type: 'long' } } },
        { type: 'nested', properties: { b: keyword } },
      ),
    ).toEqual({ type: 'nested', properties: { a: { type: 'long' }, b: keyword } });
    expect(mergeIndexFields({ type: 'object', properties: {} }, keyword)).toEqual({
      type: 'object',
      enabled: false,
    });
  });
});

const leafTypes = new Set([
  'keyword',
  'text',
  'long',
  'double',
  'boolean',
  'date',
  'ip',
  'binary',
  'flattened',
]);

/** Every problem with a derived field: unknown types, objects without properties. */
function problems(field: IndexField, path: string): string[] {
  if (field.type === 'object' || field.type === 'nested') {
    if (field.enabled === false) return [];
    if (!field.properties) return [`${path}: ${field.type} without properties`];
    return Object.entries(field.properties).flatMap(([name, child]) =>
      problems(child, `${path}.${name}`),
    );
  }
  return leafTypes.has(field.type) ? [] : [`${path}: unknown type ${field.type}`];
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? schemaFiles(path) : [path];
  });
}

describe('schemaIndexField on Iglu Central', () => {
  const root = join(__dirname, '../../../test/fixtures/iglu-central/schemas');
  const files = schemaFiles(root);

  it('maps every one of the real schemas to a valid mapping without throwing', () => {
    expect(files.length).toBeGreaterThan(600);
    const found: string[] = [];
    let objects = 0;
    for (const file of files) {
      const field = schemaIndexField('JSON', { schema: readFileSync(file, 'utf8') });
      if (!field) continue;
      if (field.type === 'object' && field.properties) objects++;
      found.push(...problems(field, file.slice(root.length + 1)));
    }
    expect(found).toEqual([]);
    // Nearly all Iglu schemas describe objects with declared properties.
    expect(objects).toBeGreaterThan(files.length * 0.9);
  });
});
