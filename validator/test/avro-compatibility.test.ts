import { Type, types } from 'avsc';
import type { Schema } from 'avsc';
import { avroReaderIncompatibilities } from '../src/formats/avro/avro-compatibility';

type WrapUnions = 'auto' | true;

/** A registered logical type, so avsc builds a real `LogicalType` around the long. */
class TimestampMillis extends types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }

  protected override _toValue(value: Date): number {
    return value.getTime();
  }
}

function avro(schema: unknown, wrapUnions: WrapUnions = 'auto'): Type {
  return Type.forSchema(schema as Schema, {
    wrapUnions,
    logicalTypes: { 'timestamp-millis': TimestampMillis },
  });
}

function incompatibilities(reader: unknown, writer: unknown, wrapUnions: WrapUnions = 'auto') {
  return avroReaderIncompatibilities(avro(reader, wrapUnions), avro(writer, wrapUnions));
}

function order(fields: unknown[], extra: Record<string, unknown> = {}): object {
  return { type: 'record', name: 'Order', namespace: 'com.acme', fields, ...extra };
}

/** One field `value` of the given type in a record `Order`. */
function holding(type: unknown): object {
  return order([{ name: 'value', type }]);
}

const item = {
  type: 'record',
  name: 'Item',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'quantity', type: 'int' },
  ],
};

const checkout = order([
  { name: 'order_id', type: 'string' },
  { name: 'total', type: 'double' },
  { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD', 'GBP'] } },
  { name: 'coupon', type: ['null', 'string'], default: null },
  { name: 'items', type: { type: 'array', items: item } },
  { name: 'tags', type: { type: 'map', values: 'string' } },
  { name: 'digest', type: { type: 'fixed', name: 'Digest', size: 16 } },
]);

const currency = (symbols: string[], extra: Record<string, unknown> = {}) => ({
  type: 'enum',
  name: 'Currency',
  symbols,
  ...extra,
});

describe('avroReaderIncompatibilities', () => {
  describe('records', () => {
    it('accepts identical schemas', () => {
      expect(incompatibilities(checkout, checkout)).toEqual([]);
    });

    it('accepts a new field that has a default, including a null default', () => {
      const writer = order([{ name: 'order_id', type: 'string' }]);
      const reader = order([
        { name: 'order_id', type: 'string' },
        { name: 'coupon', type: ['null', 'string'], default: null },
        { name: 'channel', type: 'string', default: 'web' },
      ]);
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses a new field without a default', () => {
      const writer = order([{ name: 'order_id', type: 'string' }]);
      const reader = order([
        { name: 'order_id', type: 'string' },
        { name: 'coupon', type: ['null', 'string'] },
      ]);
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/coupon',
          message:
            'field "coupon" is not in the writer\'s schema and has no default, ' +
            "so data written with the writer's schema cannot be read",
        },
      ]);
    });

    it('lets the reader drop a field the writer still has', () => {
      const writer = order([
        { name: 'order_id', type: 'string' },
        { name: 'legacy_code', type: 'int' },
      ]);
      const reader = order([{ name: 'order_id', type: 'string' }]);
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('reads a renamed field through its alias', () => {
      const writer = order([{ name: 'total', type: 'double' }]);
      const reader = order([{ name: 'amount', type: 'double', aliases: ['total'] }]);
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses a renamed field without an alias or a default', () => {
      const writer = order([{ name: 'total', type: 'double' }]);
      const reader = order([{ name: 'amount', type: 'double' }]);
      expect(incompatibilities(reader, writer)).toEqual([
        { path: '/fields/amount', message: expect.stringContaining('field "amount"') },
      ]);
    });

    it('checks a field found through its alias against the writer field type', () => {
      const writer = order([{ name: 'total', type: 'string' }]);
      const reader = order([{ name: 'amount', type: 'double', aliases: ['total'] }]);
      expect(incompatibilities(reader, writer)).toEqual([
        { path: '/fields/amount', message: expect.stringContaining('written as string') },
      ]);
    });

    it('refuses a record renamed without an alias', () => {
      const writer = order([]);
      const reader = { type: 'record', name: 'Purchase', namespace: 'com.acme', fields: [] };
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/name',
          message: expect.stringContaining(
            'written as record com.acme.Order but read as record com.acme.Purchase',
          ),
        },
      ]);
    });

    it.each([
      ['a qualified alias', ['com.acme.Order']],
      ['an unqualified alias', ['Order']],
    ])('reads a record renamed with %s', (_label, aliases) => {
      const writer = order([{ name: 'order_id', type: 'string' }]);
      const reader = {
        type: 'record',
        name: 'Purchase',
        namespace: 'com.acme',
        aliases,
        fields: [{ name: 'order_id', type: 'string' }],
      };
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('compares record names without their namespace, as Java does', () => {
      const writer = order([], { namespace: 'com.acme.v1' });
      const reader = order([], { namespace: 'com.acme.v2' });
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('points into nested records and names the record of a nested field', () => {
      const reader = order([
        {
          name: 'items',
          type: {
            type: 'array',
            items: { ...item, fields: [...item.fields, { name: 'price', type: 'double' }] },
          },
        },
      ]);
      const writer = order([{ name: 'items', type: { type: 'array', items: item } }]);
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/items/items/fields/price',
          message: expect.stringMatching(/^field "price" of record Item is not in the writer/),
        },
      ]);
    });

    it('reports every incompatibility and does not descend into a mismatched pair', () => {
      const writer = order([
        { name: 'total', type: 'string' },
        { name: 'shipping', type: { type: 'record', name: 'Address', fields: [] } },
      ]);
      const reader = order([
        { name: 'total', type: 'double' },
        { name: 'shipping', type: 'string' },
        { name: 'channel', type: 'string' },
      ]);
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/total',
          message:
            'field "total": written as string but read as double, and double cannot read string',
        },
        {
          path: '/fields/shipping',
          message: expect.stringContaining('written as record com.acme.Address but read as string'),
        },
        { path: '/fields/channel', message: expect.stringContaining('field "channel"') },
      ]);
    });

    it('reports a problem in a shared named type at every place that uses it', () => {
      const address = (fields: unknown[]) => ({ type: 'record', name: 'Address', fields });
      const writer = order([
        { name: 'billing', type: address([{ name: 'city', type: 'string' }]) },
        { name: 'shipping', type: 'Address' },
      ]);
      const reader = order([
        { name: 'billing', type: address([{ name: 'city', type: 'int' }]) },
        { name: 'shipping', type: 'Address' },
      ]);
      expect(incompatibilities(reader, writer).map((found) => found.path)).toEqual([
        '/fields/billing/fields/city',
        '/fields/shipping/fields/city',
      ]);
    });
  });

  describe('primitives', () => {
    it.each([
      ['int', 'long'],
      ['int', 'float'],
      ['int', 'double'],
      ['long', 'float'],
      ['long', 'double'],
      ['float', 'double'],
      ['string', 'bytes'],
      ['bytes', 'string'],
    ])('reads %s data as %s', (written, read) => {
      expect(incompatibilities(holding(read), holding(written))).toEqual([]);
    });

    it.each([
      ['long', 'int'],
      ['double', 'float'],
      ['float', 'long'],
      ['string', 'int'],
      ['boolean', 'int'],
      ['null', 'string'],
    ])('refuses to read %s data as %s', (written, read) => {
      expect(incompatibilities(holding(read), holding(written))).toEqual([
        {
          path: '/fields/value',
          message: `field "value": written as ${written} but read as ${read}, and ${read} cannot read ${written}`,
        },
      ]);
    });

    it('reports a mismatch of whole schemas at the empty path', () => {
      expect(incompatibilities('int', 'long')).toEqual([
        { path: '', message: expect.stringContaining('written as long but read as int') },
      ]);
    });
  });

  describe('enums', () => {
    it('accepts a symbol added to the reader', () => {
      const writer = holding(currency(['EUR', 'USD']));
      const reader = holding(currency(['EUR', 'USD', 'GBP']));
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses a symbol the writer has and the reader lacks, one finding per symbol', () => {
      const writer = holding(currency(['EUR', 'USD', 'GBP', 'JPY']));
      const reader = holding(currency(['EUR', 'USD']));
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value/symbols',
          message:
            'field "value": symbol "GBP" of enum Currency is missing from the reader ' +
            '(and the reader has no default)',
        },
        { path: '/fields/value/symbols', message: expect.stringContaining('symbol "JPY"') },
      ]);
    });

    it('accepts a symbol the reader lacks when the reader enum has a default', () => {
      const writer = holding(currency(['EUR', 'USD', 'GBP']));
      const reader = holding(currency(['EUR', 'USD'], { default: 'EUR' }));
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses an enum renamed without an alias', () => {
      const writer = holding(currency(['EUR']));
      const reader = holding({ ...currency(['EUR']), name: 'Money' });
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value/name',
          message: expect.stringContaining(
            'written as enum com.acme.Currency but read as enum com.acme.Money',
          ),
        },
      ]);
    });
  });

  describe('fixed', () => {
    it('refuses a changed size', () => {
      const writer = holding({ type: 'fixed', name: 'Digest', size: 16 });
      const reader = holding({ type: 'fixed', name: 'Digest', size: 32 });
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value/size',
          message:
            'field "value": fixed Digest is 16 bytes in the writer but 32 bytes in the reader',
        },
      ]);
    });

    it('accepts the same size and name', () => {
      const digest = holding({ type: 'fixed', name: 'Digest', size: 16 });
      expect(incompatibilities(digest, digest)).toEqual([]);
    });
  });

  describe('arrays and maps', () => {
    it('accepts array items that are promoted', () => {
      const writer = holding({ type: 'array', items: 'int' });
      const reader = holding({ type: 'array', items: 'long' });
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses array items that cannot be read', () => {
      const writer = holding({ type: 'array', items: 'string' });
      const reader = holding({ type: 'array', items: 'int' });
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value/items',
          message: expect.stringMatching(/^the items of field "value": written as string/),
        },
      ]);
    });

    it('accepts map values that are promoted', () => {
      const writer = holding({ type: 'map', values: 'float' });
      const reader = holding({ type: 'map', values: 'double' });
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses map values that cannot be read', () => {
      const writer = holding({ type: 'map', values: 'double' });
      const reader = holding({ type: 'map', values: 'float' });
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value/values',
          message: expect.stringMatching(/^the values of field "value": written as double/),
        },
      ]);
    });

    it('refuses an array read as a map', () => {
      const writer = holding({ type: 'array', items: 'string' });
      const reader = holding({ type: 'map', values: 'string' });
      expect(incompatibilities(reader, writer)).toEqual([
        { path: '/fields/value', message: expect.stringContaining('written as array of string') },
      ]);
    });
  });

  describe.each<WrapUnions>(['auto', true])('unions (wrapUnions: %s)', (wrapUnions) => {
    const check = (reader: unknown, writer: unknown) =>
      incompatibilities(holding(reader), holding(writer), wrapUnions);

    it('accepts a branch added to the reader', () => {
      expect(check(['null', 'string', 'int'], ['null', 'string'])).toEqual([]);
    });

    it('refuses removing a branch the writer can produce', () => {
      expect(check(['null', 'string'], ['null', 'string', 'int'])).toEqual([
        {
          path: '/fields/value/int',
          message:
            'field "value": union branch "int" of the writer has no matching branch in the reader',
        },
      ]);
    });

    it('reads a writer branch through a promoted reader branch', () => {
      expect(check(['null', 'double'], ['null', 'int'])).toEqual([]);
    });

    it('reads a non-union writer with a union reader that has a matching branch', () => {
      expect(check(['null', 'string'], 'string')).toEqual([]);
      expect(check(['null', 'long'], 'int')).toEqual([]);
    });

    it('refuses a non-union writer that no reader branch can read', () => {
      expect(check(['null', 'string'], 'int')).toEqual([
        {
          path: '/fields/value',
          message:
            'field "value": written as int, and no branch of the reader\'s union of null, string ' +
            'can read it',
        },
      ]);
    });

    it('reads a union writer with a non-union reader that reads every branch', () => {
      expect(check('double', ['int', 'long', 'float'])).toEqual([]);
    });

    it('refuses making a nullable field non-null', () => {
      expect(check('string', ['null', 'string'])).toEqual([
        {
          path: '/fields/value/null',
          message: 'field "value": union branch "null" of the writer cannot be read as string',
        },
      ]);
    });

    it('points into the record branch of a nullable record that changed', () => {
      const reader = [
        'null',
        { ...item, fields: [...item.fields, { name: 'price', type: 'float' }] },
      ];
      expect(check(reader, ['null', item])).toEqual([
        {
          path: '/fields/value/com.acme.Item/fields/price',
          message: expect.stringContaining('field "price" of record Item'),
        },
      ]);
    });

    it('points into the reader branch when a plain record becomes nullable and changes', () => {
      const reader = ['null', { ...item, fields: [{ name: 'sku', type: 'int' }] }];
      expect(check(reader, item)).toEqual([
        {
          path: '/fields/value/com.acme.Item/fields/sku',
          message: expect.stringContaining('field "sku" of record Item: written as string'),
        },
      ]);
    });
  });

  describe('recursive records', () => {
    const node = (fields: unknown[]) => ({
      type: 'record',
      name: 'Node',
      fields: [...fields, { name: 'next', type: ['null', 'Node'], default: null }],
    });

    it('accepts a linked list read with itself', () => {
      const list = node([{ name: 'value', type: 'int' }]);
      expect(incompatibilities(list, list)).toEqual([]);
    });

    it('accepts an evolved linked list with a promoted value and a defaulted new field', () => {
      const writer = node([{ name: 'value', type: 'int' }]);
      const reader = node([
        { name: 'value', type: 'long' },
        { name: 'label', type: 'string', default: '' },
      ]);
      expect(incompatibilities(reader, writer)).toEqual([]);
    });

    it('refuses an evolved linked list once, without looping', () => {
      const writer = node([{ name: 'value', type: 'long' }]);
      const reader = node([{ name: 'value', type: 'int' }]);
      expect(incompatibilities(reader, writer)).toEqual([
        {
          path: '/fields/value',
          message: expect.stringContaining('written as long but read as int'),
        },
      ]);
    });
  });

  describe('logical types', () => {
    const timestamp = { type: 'long', logicalType: 'timestamp-millis' };

    it('builds a real logical type for the tests below', () => {
      expect(avro(timestamp).typeName).toBe('logical:timestamp-millis');
    });

    const localMillis = { type: 'long', logicalType: 'local-timestamp-millis' };

    it.each([
      ['long', 'timestamp-millis', 'long', timestamp],
      ['timestamp-millis', 'long', timestamp, 'long'],
      ['timestamp-millis', 'timestamp-millis', timestamp, timestamp],
      ['unregistered local-timestamp-millis', 'long', localMillis, 'long'],
      ['int', 'timestamp-millis', 'int', timestamp],
    ])('reads %s data as %s by the underlying type', (_written, _read, written, read) => {
      expect(incompatibilities(holding(read), holding(written))).toEqual([]);
    });

    it('refuses a timestamp-millis read as int, naming the underlying long', () => {
      expect(incompatibilities(holding('int'), holding(timestamp))).toEqual([
        {
          path: '/fields/value',
          message: expect.stringContaining('written as long but read as int'),
        },
      ]);
    });
  });
});
