import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaReaderIncompatibilities } from '../src/formats/json-schema/json-schema-compatibility';
import type {
  JsonSchemaDocument,
  RefResolver,
} from '../src/formats/json-schema/json-schema-compatibility';

/** `KEYWORD /path` for each incompatibility, in order. */
function found(
  reader: JsonSchemaDocument,
  writer: JsonSchemaDocument,
  resolve?: RefResolver,
): string[] {
  return jsonSchemaReaderIncompatibilities(reader, writer, resolve).map(
    ({ keyword, path }) => `${keyword} ${path}`,
  );
}

function closed(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type: 'object', properties, additionalProperties: false, ...extra };
}

function open(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type: 'object', properties, ...extra };
}

const iglu = (vendor: string, name: string, version: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(
      join(
        __dirname,
        '../../test/fixtures/iglu-central/schemas',
        vendor,
        name,
        'jsonschema',
        version,
      ),
      'utf8',
    ),
  ) as Record<string, unknown>;

describe('jsonSchemaReaderIncompatibilities', () => {
  describe('identical and annotated schemas', () => {
    const order = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { money: { type: 'number', minimum: 0 } },
      properties: {
        id: { type: 'string', pattern: '^o-[0-9]+$', maxLength: 20 },
        total: { $ref: '#/definitions/money' },
        plan: { enum: ['free', 'pro', 'team'] },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        payment: { oneOf: [{ type: 'string' }, { type: 'object', required: ['card'] }] },
      },
      required: ['id', 'total'],
      additionalProperties: false,
    };

    it('finds nothing between identical schemas', () => {
      expect(found(order, structuredClone(order))).toEqual([]);
    });

    it('ignores title, description, $comment, examples, default and Iglu self', () => {
      const annotated = {
        ...structuredClone(order),
        title: 'Order',
        description: 'An order',
        $comment: 'v2',
        examples: [{ id: 'o-1' }],
        self: { vendor: 'com.acme', name: 'order', format: 'jsonschema', version: '1-0-1' },
      };
      annotated.properties.id = { ...annotated.properties.id, default: 'o-0' } as never;
      expect(found(annotated, order)).toEqual([]);
      expect(found(order, annotated)).toEqual([]);
    });
  });

  describe('properties and content models', () => {
    it('accepts an optional property added to a closed content model', () => {
      expect(
        found(
          closed({ sku: { type: 'string' }, coupon: { type: 'string' } }),
          closed({ sku: { type: 'string' } }),
        ),
      ).toEqual([]);
    });

    it('refuses a required property added to a closed content model', () => {
      const reader = closed(
        { sku: { type: 'string' }, coupon: { type: 'string' } },
        { required: ['coupon'] },
      );
      expect(
        jsonSchemaReaderIncompatibilities(reader, closed({ sku: { type: 'string' } })),
      ).toEqual([
        {
          path: '/properties/coupon',
          keyword: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
          message:
            'property "coupon" was added as required: data written without it would be refused',
        },
      ]);
    });

    describe('a property made required with a default', () => {
      const sku = { type: 'string' };
      const coupon = { type: 'string', default: 'none' };
      const added = closed({ sku, coupon }, { required: ['coupon'] });
      const becameRequired = closed({ sku, coupon }, { required: ['sku', 'coupon'] });
      const optional = closed({ sku, coupon }, { required: ['sku'] });

      it('accepts it, as Confluent does (REQUIRED_..._WITH_DEFAULT_ADDED)', () => {
        expect(found(added, closed({ sku }))).toEqual([]);
        expect(found(becameRequired, optional)).toEqual([]);
      });

      it('refuses it with strictRequired, since Sift fills no defaults', () => {
        const strict = (reader: JsonSchemaDocument, writer: JsonSchemaDocument): string[] =>
          jsonSchemaReaderIncompatibilities(reader, writer, undefined, {
            strictRequired: true,
          }).map(({ keyword, path }) => `${keyword} ${path}`);
        expect(strict(added, closed({ sku }))).toEqual([
          'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL /properties/coupon',
        ]);
        expect(strict(becameRequired, optional)).toEqual(['REQUIRED_ATTRIBUTE_ADDED /required/1']);
      });

      it('still refuses a property with a schema added to an open content model', () => {
        expect(found(open({ sku, coupon }, { required: ['coupon'] }), open({ sku }))).toEqual([
          'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/coupon',
        ]);
      });
    });

    it('refuses a property with a schema added to an open content model', () => {
      expect(found(open({ sku: {}, coupon: { type: 'string' } }), open({ sku: {} }))).toEqual([
        'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/coupon',
      ]);
    });

    it('refuses a required property added to an open content model even with an empty schema', () => {
      expect(found(open({ coupon: {} }, { required: ['coupon'] }), open({}))).toEqual([
        'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/coupon',
      ]);
    });

    it('accepts a property with an empty schema added to an open content model', () => {
      expect(
        found(open({ sku: {}, note: { description: 'free text' } }), open({ sku: {} })),
      ).toEqual([]);
    });

    it('accepts a property removed from an open content model', () => {
      expect(found(open({ sku: {} }), open({ sku: {}, coupon: { type: 'string' } }))).toEqual([]);
    });

    it('refuses a property removed from a closed content model', () => {
      const [incompatibility] = jsonSchemaReaderIncompatibilities(
        closed({ sku: {} }),
        closed({ sku: {}, coupon: { type: 'string' } }),
      );
      expect(incompatibility).toEqual({
        path: '/properties/coupon',
        keyword: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        message: expect.stringContaining('data written with it would be refused') as string,
      });
    });

    it('accepts removing a property whose schema was false from a closed content model', () => {
      expect(found(closed({ sku: {} }), closed({ sku: {}, legacy: false }))).toEqual([]);
    });

    it('judges a property added to a partially open model against its additionalProperties schema', () => {
      const writer = open({ sku: {} }, { additionalProperties: { type: 'string' } });
      const covered = open(
        { sku: {}, coupon: { type: 'string' } },
        { additionalProperties: { type: 'string' } },
      );
      const notCovered = open(
        { sku: {}, coupon: { type: 'string', maxLength: 8 } },
        { additionalProperties: { type: 'string' } },
      );
      expect(found(covered, writer)).toEqual([]);
      expect(found(notCovered, writer)).toEqual([
        'MAX_LENGTH_ADDED /properties/coupon/maxLength',
        'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/coupon',
      ]);
    });

    it('judges a property removed into a partially open model against the new additionalProperties schema', () => {
      const writer = closed({ sku: {}, coupon: { type: 'string' } });
      expect(
        found(open({ sku: {} }, { additionalProperties: { type: 'string' } }), writer),
      ).toEqual([]);
      expect(
        found(open({ sku: {} }, { additionalProperties: { type: 'number' } }), writer),
      ).toEqual([
        'TYPE_CHANGED /additionalProperties/type',
        'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/coupon',
      ]);
    });

    it('uses the patternProperties schema that matches the property name', () => {
      const writer = closed({}, { patternProperties: { '^x_': { type: 'string' } } });
      const reader = closed(
        { x_code: { type: 'string', maxLength: 3 }, label: { type: 'string' } },
        { patternProperties: { '^x_': { type: 'string' } } },
      );
      expect(found(reader, writer)).toEqual([
        'MAX_LENGTH_ADDED /properties/x_code/maxLength',
        'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/x_code',
      ]);
    });

    it('escapes property names in JSON pointers', () => {
      expect(
        found(open({ 'a/b~c': { type: 'integer' } }), open({ 'a/b~c': { type: 'number' } })),
      ).toEqual(['TYPE_NARROWED /properties/a~1b~0c/type']);
    });
  });

  describe('required', () => {
    it('refuses a property that became required', () => {
      const properties = { sku: { type: 'string' }, coupon: { type: 'string' } };
      expect(
        jsonSchemaReaderIncompatibilities(
          closed(properties, { required: ['sku', 'coupon'] }),
          closed(properties, { required: ['sku'] }),
        ),
      ).toEqual([
        {
          path: '/required/1',
          keyword: 'REQUIRED_ATTRIBUTE_ADDED',
          message: 'property "coupon" became required: data written without it would be refused',
        },
      ]);
    });

    it('accepts a property that is no longer required', () => {
      const properties = { sku: { type: 'string' }, coupon: { type: 'string' } };
      expect(
        found(
          closed(properties, { required: ['sku'] }),
          closed(properties, { required: ['sku', 'coupon'] }),
        ),
      ).toEqual([]);
    });

    it('refuses a required name that has no property schema', () => {
      expect(found(open({}, { required: ['sku'] }), open({}))).toEqual([
        'REQUIRED_ATTRIBUTE_ADDED /required/0',
      ]);
    });
  });

  describe('type', () => {
    it('refuses a type narrowed from a union', () => {
      expect(
        jsonSchemaReaderIncompatibilities(
          open({ total: { type: 'number' } }),
          open({ total: { type: ['number', 'string'] } }),
        ),
      ).toEqual([
        {
          path: '/properties/total/type',
          keyword: 'TYPE_NARROWED',
          message:
            'type of "total" narrowed from ["number","string"] to "number": string values would be refused',
        },
      ]);
    });

    it('accepts a type widened to a union', () => {
      expect(
        found(
          open({ total: { type: ['number', 'string', 'null'] } }),
          open({ total: { type: 'number' } }),
        ),
      ).toEqual([]);
    });

    it('reads integers as numbers but not numbers as integers', () => {
      expect(found({ type: 'number' }, { type: 'integer' })).toEqual([]);
      expect(jsonSchemaReaderIncompatibilities({ type: 'integer' }, { type: 'number' })).toEqual([
        {
          path: '/type',
          keyword: 'TYPE_NARROWED',
          message:
            'type of the root schema narrowed from "number" to "integer": non-integer number values would be refused',
        },
      ]);
    });

    it('refuses a type changed to an unrelated one', () => {
      expect(
        found(open({ paid: { type: 'boolean' } }), open({ paid: { type: 'string' } })),
      ).toEqual(['TYPE_CHANGED /properties/paid/type']);
    });

    it('refuses a type added where any type was allowed', () => {
      expect(found(open({ note: { type: 'string' } }), open({ note: {} }))).toEqual([
        'TYPE_NARROWED /properties/note/type',
      ]);
    });

    it('infers the type a writer writes from its enum values', () => {
      expect(found({ type: 'string', enum: ['a', 'b'] }, { enum: ['a', 'b'] })).toEqual([]);
      expect(found({ type: 'string', enum: ['a', 1] }, { enum: ['a', 1] })).toEqual([
        'TYPE_NARROWED /type',
      ]);
    });

    it('skips string limits when the writer writes no strings', () => {
      expect(found({ type: ['number', 'string'], maxLength: 3 }, { type: 'number' })).toEqual([]);
      expect(found({ type: ['number', 'string'], maxLength: 3 }, { type: 'string' })).toEqual([
        'MAX_LENGTH_ADDED /maxLength',
      ]);
    });
  });

  describe('enum and const', () => {
    it('accepts an enum that gained values', () => {
      expect(
        found(
          open({ plan: { enum: ['free', 'pro', 'team'] } }),
          open({ plan: { enum: ['free', 'pro'] } }),
        ),
      ).toEqual([]);
    });

    it('refuses an enum that lost a value', () => {
      expect(
        jsonSchemaReaderIncompatibilities(
          open({ plan: { enum: ['free', 'pro'] } }),
          open({ plan: { enum: ['free', 'pro', 'team'] } }),
        ),
      ).toEqual([
        {
          path: '/properties/plan/enum',
          keyword: 'ENUM_ARRAY_NARROWED',
          message: '"plan" can no longer be "team": the enum lost that value',
        },
      ]);
    });

    it('refuses an enum whose values were swapped', () => {
      expect(found({ enum: ['free', 'business'] }, { enum: ['free', 'team'] })).toEqual([
        'ENUM_ARRAY_CHANGED /enum',
      ]);
    });

    it('refuses an enum added to an unrestricted property', () => {
      expect(found({ type: 'string', enum: ['a'] }, { type: 'string' })).toEqual([
        'ENUM_ARRAY_NARROWED /enum',
      ]);
    });

    it('compares const as a one-value enum', () => {
      expect(found({ enum: ['a', 'b'] }, { const: 'a' })).toEqual([]);
      expect(found({ const: 'b' }, { const: 'a' })).toEqual(['ENUM_ARRAY_CHANGED /const']);
      expect(found({ const: 'a' }, { enum: ['a', 'b'] })).toEqual(['ENUM_ARRAY_NARROWED /const']);
    });
  });

  describe('string keywords', () => {
    it.each([
      ['refuses a maxLength added', undefined, 10, ['MAX_LENGTH_ADDED /maxLength']],
      ['accepts a maxLength increased', 10, 20, []],
      ['refuses a maxLength decreased', 20, 10, ['MAX_LENGTH_DECREASED /maxLength']],
      ['accepts a maxLength removed', 10, undefined, []],
    ])('%s', (_name, before, after, expected) => {
      expect(
        found({ type: 'string', maxLength: after }, { type: 'string', maxLength: before }),
      ).toEqual(expected);
    });

    it('refuses a minLength raised and accepts one lowered or set to 0', () => {
      expect(found({ type: 'string', minLength: 3 }, { type: 'string', minLength: 1 })).toEqual([
        'MIN_LENGTH_INCREASED /minLength',
      ]);
      expect(found({ type: 'string', minLength: 1 }, { type: 'string', minLength: 3 })).toEqual([]);
      expect(found({ type: 'string', minLength: 0 }, { type: 'string' })).toEqual([]);
    });

    it('refuses a pattern added or changed and accepts one removed', () => {
      expect(found({ type: 'string', pattern: '^a' }, { type: 'string' })).toEqual([
        'PATTERN_ADDED /pattern',
      ]);
      expect(found({ type: 'string', pattern: '^b' }, { type: 'string', pattern: '^a' })).toEqual([
        'PATTERN_CHANGED /pattern',
      ]);
      expect(found({ type: 'string' }, { type: 'string', pattern: '^a' })).toEqual([]);
    });
  });

  describe('numeric keywords', () => {
    it('refuses a minimum raised and accepts one lowered', () => {
      expect(
        jsonSchemaReaderIncompatibilities(
          open({ age: { type: 'integer', minimum: 18 } }),
          open({ age: { type: 'integer', minimum: 13 } }),
        ),
      ).toEqual([
        {
          path: '/properties/age/minimum',
          keyword: 'MINIMUM_INCREASED',
          message: 'minimum of "age" raised from 13 to 18: numbers below 18 would be refused',
        },
      ]);
      expect(found({ type: 'integer', minimum: 13 }, { type: 'integer', minimum: 18 })).toEqual([]);
    });

    it('refuses a maximum added or lowered and accepts one raised or removed', () => {
      expect(found({ type: 'number', maximum: 5 }, { type: 'number' })).toEqual([
        'MAXIMUM_ADDED /maximum',
      ]);
      expect(found({ type: 'number', maximum: 5 }, { type: 'number', maximum: 9 })).toEqual([
        'MAXIMUM_DECREASED /maximum',
      ]);
      expect(found({ type: 'number', maximum: 9 }, { type: 'number', maximum: 5 })).toEqual([]);
      expect(found({ type: 'number' }, { type: 'number', maximum: 5 })).toEqual([]);
    });

    it('compares exclusive bounds, reading the draft-04 boolean form as a limit', () => {
      expect(found({ type: 'number', exclusiveMinimum: 0 }, { type: 'number' })).toEqual([
        'EXCLUSIVE_MINIMUM_ADDED /exclusiveMinimum',
      ]);
      expect(
        found({ type: 'number', exclusiveMaximum: 10 }, { type: 'number', exclusiveMaximum: 5 }),
      ).toEqual([]);
      expect(
        found(
          { type: 'number', maximum: 10, exclusiveMaximum: true },
          { type: 'number', maximum: 10 },
        ),
      ).toEqual(['EXCLUSIVE_MAXIMUM_ADDED /exclusiveMaximum']);
    });

    it('accepts a multipleOf reduced to a divisor and refuses other changes', () => {
      expect(
        found({ type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 1.5 }),
      ).toEqual([]);
      expect(found({ type: 'number', multipleOf: 4 }, { type: 'number', multipleOf: 2 })).toEqual([
        'MULTIPLE_OF_EXPANDED /multipleOf',
      ]);
      expect(found({ type: 'number', multipleOf: 3 }, { type: 'number', multipleOf: 2 })).toEqual([
        'MULTIPLE_OF_CHANGED /multipleOf',
      ]);
      expect(found({ type: 'number', multipleOf: 3 }, { type: 'number' })).toEqual([
        'MULTIPLE_OF_ADDED /multipleOf',
      ]);
    });
  });

  describe('arrays', () => {
    const tags = (items: unknown, extra: Record<string, unknown> = {}) =>
      open({ tags: { type: 'array', items, ...extra } });

    it('refuses an items schema that narrowed and accepts one that widened', () => {
      expect(found(tags({ type: 'integer' }), tags({ type: 'number' }))).toEqual([
        'TYPE_NARROWED /properties/tags/items/type',
      ]);
      expect(found(tags({ type: 'number' }), tags({ type: 'integer' }))).toEqual([]);
    });

    it('refuses an items schema added where any item was allowed', () => {
      expect(found(tags({ type: 'string' }), open({ tags: { type: 'array' } }))).toEqual([
        'SCHEMA_ADDED /properties/tags/items',
      ]);
    });

    it('applies the content model rules to tuple items', () => {
      const pair = [{ type: 'string' }, { type: 'number' }];
      const closedPair = { type: 'array', items: pair, additionalItems: false };
      const closedSingle = { type: 'array', items: [{ type: 'string' }], additionalItems: false };
      expect(found(closedPair, closedSingle)).toEqual([]);
      expect(found(closedSingle, closedPair)).toEqual([
        'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL /items/1',
      ]);
      expect(
        found({ type: 'array', items: pair }, { type: 'array', items: [{ type: 'string' }] }),
      ).toEqual(['ITEM_ADDED_TO_OPEN_CONTENT_MODEL /items/1']);
    });

    it('applies the same rules to 2020-12 prefixItems', () => {
      const two = {
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        items: false,
      };
      const one = { type: 'array', prefixItems: [{ type: 'string' }], items: false };
      expect(found(two, one)).toEqual([]);
      expect(found(one, two)).toEqual(['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL /prefixItems/1']);
      expect(found({ ...one, items: { type: 'number' } }, two)).toEqual([]);
      expect(found({ ...one, items: { type: 'string' } }, two)).toEqual([
        'TYPE_CHANGED /items/type',
        'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /prefixItems/1',
      ]);
    });

    it('refuses additionalItems narrowed to a schema or removed, and accepts them added', () => {
      const tuple = { type: 'array', items: [{ type: 'string' }] };
      expect(found({ ...tuple, additionalItems: { type: 'string' } }, tuple)).toEqual([
        'ADDITIONAL_ITEMS_NARROWED /additionalItems',
      ]);
      expect(found({ ...tuple, additionalItems: false }, tuple)).toEqual([
        'ADDITIONAL_ITEMS_REMOVED /additionalItems',
      ]);
      expect(found(tuple, { ...tuple, additionalItems: false })).toEqual([]);
    });

    it('refuses tuple items added after a single items schema, as Confluent (open content model)', () => {
      const strings = { type: 'array', items: { type: 'string' } };
      expect(found({ type: 'array', items: [{ type: 'string' }, {}] }, strings)).toEqual([
        'ITEM_ADDED_TO_OPEN_CONTENT_MODEL /items/0',
      ]);
      expect(found({ type: 'array', prefixItems: [{ type: 'string' }] }, strings)).toEqual([
        'ITEM_ADDED_TO_OPEN_CONTENT_MODEL /prefixItems/0',
      ]);
      // additionalItems: false beside the single schema closes the content model.
      expect(
        found(
          { type: 'array', items: [{ type: 'string' }] },
          { ...strings, additionalItems: false },
        ),
      ).toEqual([]);
    });

    it('refuses additionalItems made false beside a single items schema or none, as Confluent', () => {
      const strings = { type: 'array', items: { type: 'string' } };
      expect(found({ ...strings, additionalItems: false }, strings)).toEqual([
        'ADDITIONAL_ITEMS_REMOVED /additionalItems',
      ]);
      expect(
        found({ ...strings, additionalItems: false }, { ...strings, additionalItems: true }),
      ).toEqual(['ADDITIONAL_ITEMS_REMOVED /additionalItems']);
      expect(found({ type: 'array', additionalItems: false }, { type: 'array' })).toEqual([
        'ADDITIONAL_ITEMS_REMOVED /additionalItems',
      ]);
      expect(found({ ...strings, additionalItems: { type: 'string' } }, strings)).toEqual([
        'ADDITIONAL_ITEMS_NARROWED /additionalItems',
      ]);
      expect(found(strings, { ...strings, additionalItems: false })).toEqual([]);
    });

    it('refuses maxItems lowered, minItems raised and uniqueItems added', () => {
      const list = { type: 'array', items: { type: 'string' } };
      expect(found({ ...list, maxItems: 3 }, { ...list, maxItems: 5 })).toEqual([
        'MAX_ITEMS_DECREASED /maxItems',
      ]);
      expect(found({ ...list, minItems: 2 }, { ...list, minItems: 1 })).toEqual([
        'MIN_ITEMS_INCREASED /minItems',
      ]);
      expect(found({ ...list, uniqueItems: true }, list)).toEqual([
        'UNIQUE_ITEMS_ADDED /uniqueItems',
      ]);
      expect(found(list, { ...list, uniqueItems: true, maxItems: 3, minItems: 2 })).toEqual([]);
    });
  });

  describe('object keywords', () => {
    it('compares additionalProperties as Confluent does', () => {
      const base = { type: 'object', properties: { sku: {} } };
      expect(found({ ...base, additionalProperties: false }, base)).toEqual([
        'ADDITIONAL_PROPERTIES_REMOVED /additionalProperties',
      ]);
      expect(found(base, { ...base, additionalProperties: false })).toEqual([]);
      expect(found({ ...base, additionalProperties: { type: 'string' } }, base)).toEqual([
        'ADDITIONAL_PROPERTIES_NARROWED /additionalProperties',
      ]);
      expect(
        found(
          { ...base, additionalProperties: { type: ['string', 'null'] } },
          { ...base, additionalProperties: { type: 'string' } },
        ),
      ).toEqual([]);
    });

    it('refuses maxProperties lowered and minProperties raised', () => {
      expect(
        found({ type: 'object', maxProperties: 2 }, { type: 'object', maxProperties: 4 }),
      ).toEqual(['MAX_PROPERTIES_DECREASED /maxProperties']);
      expect(found({ type: 'object', minProperties: 2 }, { type: 'object' })).toEqual([
        'MIN_PROPERTIES_ADDED /minProperties',
      ]);
      expect(
        found({ type: 'object' }, { type: 'object', minProperties: 2, maxProperties: 4 }),
      ).toEqual([]);
    });

    it('refuses property dependencies added or extended and accepts them narrowed or removed', () => {
      const card = open({ card: {}, cvc: {}, expiry: {} });
      expect(found({ ...card, dependentRequired: { card: ['cvc'] } }, card)).toEqual([
        'DEPENDENCY_ARRAY_ADDED /dependentRequired/card',
      ]);
      expect(
        found(
          { ...card, dependencies: { card: ['cvc', 'expiry'] } },
          { ...card, dependencies: { card: ['cvc'] } },
        ),
      ).toEqual(['DEPENDENCY_ARRAY_EXTENDED /dependencies/card']);
      expect(
        found(
          { ...card, dependencies: { card: ['cvc'] } },
          { ...card, dependencies: { card: ['cvc', 'expiry'] } },
        ),
      ).toEqual([]);
      expect(found(card, { ...card, dependentRequired: { card: ['cvc'] } })).toEqual([]);
    });

    it('refuses a dependent schema added and compares one kept', () => {
      const card = open({ card: {} });
      expect(found({ ...card, dependentSchemas: { card: { required: ['cvc'] } } }, card)).toEqual([
        'DEPENDENCY_SCHEMA_ADDED /dependentSchemas/card',
      ]);
      expect(
        found(
          { ...card, dependencies: { card: { properties: { cvc: { type: 'integer' } } } } },
          { ...card, dependencies: { card: { properties: { cvc: { type: 'number' } } } } },
        ),
      ).toEqual(['TYPE_NARROWED /dependencies/card/properties/cvc/type']);
      expect(found(card, { ...card, dependentSchemas: { card: { required: ['cvc'] } } })).toEqual(
        [],
      );
    });
  });

  describe('combined schemas', () => {
    const payment = (...branches: unknown[]) => open({ payment: { oneOf: branches } });
    const card = {
      type: 'object',
      properties: { number: { type: 'string' } },
      required: ['number'],
    };
    const iban = { type: 'string', pattern: '^[A-Z]{2}' };

    it('accepts a oneOf branch added', () => {
      expect(found(payment(card, iban, { type: 'null' }), payment(card, iban))).toEqual([]);
    });

    it('refuses a oneOf branch removed', () => {
      expect(found(payment(card), payment(card, iban))).toEqual([
        'SUM_TYPE_NARROWED /properties/payment/oneOf',
      ]);
    });

    it('refuses a oneOf branch that changed incompatibly', () => {
      const stricter = { ...iban, maxLength: 34 };
      const [incompatibility] = jsonSchemaReaderIncompatibilities(
        payment(card, stricter),
        payment(card, iban),
      );
      expect(incompatibility).toEqual({
        path: '/properties/payment/oneOf/1',
        keyword: 'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
        message: expect.stringContaining('oneOf branch 1 of "payment"') as string,
      });
    });

    it('accepts oneOf turned into anyOf and refuses anyOf turned into oneOf', () => {
      expect(found({ anyOf: [card, iban] }, { oneOf: [card, iban] })).toEqual([]);
      expect(found({ oneOf: [card, iban] }, { anyOf: [card, iban] })).toEqual([
        'COMBINED_TYPE_CHANGED /oneOf',
      ]);
    });

    it('refuses an allOf branch added and accepts one removed', () => {
      const named = { required: ['name'] };
      const dated = { required: ['date'] };
      expect(found({ allOf: [named, dated] }, { allOf: [named] })).toEqual([
        'PRODUCT_TYPE_EXTENDED /allOf',
      ]);
      expect(found({ allOf: [named] }, { allOf: [named, dated] })).toEqual([]);
    });

    it('reads a type union and the equivalent anyOf as one another', () => {
      const union = { anyOf: [{ type: 'string' }, { type: 'null' }] };
      expect(found(union, { type: 'string' })).toEqual([]);
      expect(found(union, { type: ['string', 'null'] })).toEqual([]);
      expect(found({ type: ['string', 'null'] }, union)).toEqual([]);
      expect(found({ type: 'string' }, union)).toEqual(['TYPE_CHANGED /anyOf/1/type']);
    });

    it('refuses an anyOf added when no branch reads what was written', () => {
      expect(found({ anyOf: [{ type: 'number' }, { type: 'null' }] }, { type: 'string' })).toEqual([
        'TYPE_CHANGED /anyOf',
      ]);
    });

    it('accepts a not that refuses less and refuses one that refuses more', () => {
      const notSpam = { type: 'string', not: { enum: ['spam'] } };
      const notString = { not: { type: 'string' } };
      expect(found({ not: { enum: ['x'] } }, notString)).toEqual([]);
      expect(found(notString, { not: { enum: ['x'] } })).toEqual(['NOT_TYPE_EXTENDED /not']);
      expect(found(notSpam, { type: 'string' })).toEqual(['NOT_TYPE_EXTENDED /not']);
    });
  });

  describe('$ref', () => {
    const withAddress = (zip: Record<string, unknown>, keyword = 'definitions') => ({
      type: 'object',
      [keyword]: {
        address: { type: 'object', properties: { zip }, required: ['zip'] },
      },
      properties: {
        address: { $ref: `#/${keyword}/address` },
      },
    });

    it('follows a $ref to a local definition that changed', () => {
      expect(
        jsonSchemaReaderIncompatibilities(
          withAddress({ type: 'integer' }),
          withAddress({ type: ['integer', 'string'] }),
        ),
      ).toEqual([
        {
          path: '/properties/address/properties/zip/type',
          keyword: 'TYPE_NARROWED',
          message:
            'type of "address.zip" narrowed from ["integer","string"] to "integer": string values would be refused',
        },
      ]);
      expect(found(withAddress({ type: 'string' }), withAddress({ type: 'string' }))).toEqual([]);
    });

    it('follows 2020-12 $defs', () => {
      expect(
        found(
          withAddress({ type: 'string', maxLength: 5 }, '$defs'),
          withAddress({ type: 'string' }, '$defs'),
        ),
      ).toEqual(['MAX_LENGTH_ADDED /properties/address/properties/zip/maxLength']);
    });

    it('follows $refs into other documents through the resolver', () => {
      const documents: Record<string, JsonSchemaDocument> = {
        'customer-v1.json': { definitions: { id: { type: 'string' } } },
        'customer-v2.json': {
          definitions: { id: { type: 'string', format: 'uuid', minLength: 36 } },
        },
      };
      const resolve: RefResolver = (ref) => documents[ref];
      const writer = open({ customer: { $ref: 'customer-v1.json#/definitions/id' } });
      const reader = open({ customer: { $ref: 'customer-v2.json#/definitions/id' } });
      expect(found(reader, writer, resolve)).toEqual([
        'MIN_LENGTH_ADDED /properties/customer/minLength',
      ]);
      expect(found(writer, reader, resolve)).toEqual([]);
    });

    it('throws SIFT_SCHEMA_INVALID for a $ref it cannot resolve', () => {
      const reader = open({ customer: { $ref: 'customer-v2.json' } });
      const writer = open({ customer: { $ref: 'customer-v1.json' } });
      expect(() => jsonSchemaReaderIncompatibilities(reader, writer)).toThrow(
        expect.objectContaining({ code: 'SIFT_SCHEMA_INVALID' }) as Error,
      );
    });

    it('takes the same $ref to an unknown document as equal, even among allOf branches', () => {
      const metaSchema = iglu('com.snowplowanalytics.self-desc', 'schema', '1-0-0');
      expect(JSON.stringify(metaSchema)).toContain(
        '"$ref":"http://json-schema.org/draft-04/schema#"',
      );
      expect(found(metaSchema, structuredClone(metaSchema))).toEqual([]);
    });

    it('applies constraints written beside a $ref', () => {
      const definitions = { code: { type: 'string' } };
      expect(
        found(
          { definitions, $ref: '#/definitions/code', maxLength: 3 },
          { definitions, $ref: '#/definitions/code' },
        ),
      ).toEqual(['MAX_LENGTH_ADDED /maxLength']);
    });

    it('terminates on a recursive schema and still finds changes inside it', () => {
      const tree = (name: Record<string, unknown>) => ({
        type: 'object',
        properties: {
          name,
          children: { type: 'array', items: { $ref: '#' } },
        },
      });
      expect(found(tree({ type: 'string' }), tree({ type: 'string' }))).toEqual([]);
      expect(found(tree({ type: 'string', maxLength: 9 }), tree({ type: 'string' }))).toEqual([
        'MAX_LENGTH_ADDED /properties/name/maxLength',
      ]);
    });
  });

  describe('boolean schemas', () => {
    it('reads anything with true and nothing with false', () => {
      expect(found(true, { type: 'string' })).toEqual([]);
      expect(found({}, { type: 'string' })).toEqual([]);
      expect(found(false, { type: 'string' })).toEqual(['TYPE_CHANGED ']);
      expect(found(false, false)).toEqual([]);
    });

    it('reads a writer of false with anything and a writer of true only with true', () => {
      expect(found({ type: 'string', maxLength: 1 }, false)).toEqual([]);
      expect(found({ type: 'object' }, true)).toEqual(['TYPE_NARROWED /type']);
      expect(found(open({ item: false }), open({ item: { type: 'string' } }))).toEqual([
        'TYPE_CHANGED /properties/item',
      ]);
    });
  });

  describe('Iglu Central schemas', () => {
    const vendor = 'com.snowplowanalytics.snowplow';

    it('accepts geolocation_context 1-1-0 reading 1-0-0 and refuses the other way round', () => {
      const v100 = iglu(vendor, 'geolocation_context', '1-0-0');
      const v110 = iglu(vendor, 'geolocation_context', '1-1-0');
      // 1-1-0 adds the optional "timestamp" to a closed model and lets five numbers be null.
      expect(found(v110, v100)).toEqual([]);
      expect(found(v100, v110).sort()).toEqual(
        [
          'TYPE_NARROWED /properties/altitude/type',
          'TYPE_NARROWED /properties/altitudeAccuracy/type',
          'TYPE_NARROWED /properties/bearing/type',
          'TYPE_NARROWED /properties/latitudeLongitudeAccuracy/type',
          'TYPE_NARROWED /properties/speed/type',
          'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL /properties/timestamp',
        ].sort(),
      );
    });

    it('flags the maxLength that client_session 1-0-1 added, as Confluent STRICT does', () => {
      // Besides the maxLength, 1-0-1 adds an optional property to a closed model, descriptions,
      // and `"type": "string"` beside an enum of strings: none of which refuses old data.
      expect(
        found(iglu(vendor, 'client_session', '1-0-1'), iglu(vendor, 'client_session', '1-0-0')),
      ).toEqual(['MAX_LENGTH_ADDED /properties/userId/maxLength']);
    });

    it('accepts mobile_context 1-0-2 reading 1-0-1, where an enum and its type gained null', () => {
      expect(
        found(iglu(vendor, 'mobile_context', '1-0-2'), iglu(vendor, 'mobile_context', '1-0-1')),
      ).toEqual([]);
    });
  });
});
