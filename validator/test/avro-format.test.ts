import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'avsc';
import type { Schema } from 'avsc';
import { avroFormat } from '@sift/validator';

const schema = readFileSync(join(__dirname, 'fixtures/checkout.avsc'), 'utf8');
const compiled = avroFormat.compile({ schema });
const good = {
  order_id: 'o-1',
  total: 42.5,
  currency: 'EUR',
  items: [{ sku: 'sku-1', quantity: 2 }],
};

describe('avroFormat', () => {
  it('accepts natural JSON and fills defaults of left-out fields', () => {
    const { value, issues } = compiled.validate(good);
    expect(issues).toEqual([]);
    expect(value).toEqual({ ...good, coupon: null });
  });

  it('round-trips accepted data through Avro binary', () => {
    const { value } = compiled.validate({ ...good, coupon: 'SPRING' });
    expect(compiled.decode(compiled.encode(value))).toEqual({ ...good, coupon: 'SPRING' });
  });

  it('reports a missing field, a wrong type, a bad enum symbol and an unknown field with pointers', () => {
    const { issues } = compiled.validate({
      total: 'lots',
      currency: 'YEN',
      items: [{ sku: 'a', quantity: 1.5 }],
      gift: true,
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/order_id', keyword: 'required' }),
        expect.objectContaining({ path: '/total', keyword: 'type' }),
        expect.objectContaining({ path: '/currency', keyword: 'enum' }),
        expect.objectContaining({ path: '/items/0/quantity', keyword: 'type' }),
        expect.objectContaining({ path: '/gift', keyword: 'additionalProperties' }),
      ]),
    );
    expect(issues.find((issue) => issue.path === '/currency')?.message).toContain(
      '"EUR", "USD", "GBP"',
    );
  });

  it('gives each issue a JSONPath, the expected type and the offending value', () => {
    const { issues } = compiled.validate({
      total: 'lots',
      currency: 'YEN',
      items: [{ sku: 'a', quantity: 1.5 }],
      gift: true,
    });
    expect(issues).toHaveLength(5);
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: '/order_id',
          jsonPath: '$.order_id',
          keyword: 'required',
          message: '/order_id is required (string)',
          expected: 'string',
        },
        {
          path: '/total',
          jsonPath: '$.total',
          keyword: 'type',
          message: '/total must be double, got "lots"',
          expected: 'double',
          value: 'lots',
        },
        {
          path: '/currency',
          jsonPath: '$.currency',
          keyword: 'enum',
          message: '/currency must be one of "EUR", "USD", "GBP"',
          expected: 'one of "EUR", "USD", "GBP"',
          value: 'YEN',
        },
        {
          path: '/items/0/quantity',
          jsonPath: '$.items[0].quantity',
          keyword: 'type',
          message: '/items/0/quantity must be int (32-bit integer), got 1.5',
          expected: 'int (32-bit integer)',
          value: 1.5,
        },
        {
          path: '/gift',
          jsonPath: '$.gift',
          keyword: 'additionalProperties',
          message: '/gift is not a field of record com.acme.CheckoutCompleted',
          expected:
            'only the fields "order_id", "total", "currency", "coupon", "items" of record com.acme.CheckoutCompleted',
          value: true,
        },
      ]),
    );
  });

  it('names the record a value should have been and caps long values', () => {
    const { issues } = compiled.validate({
      ...good,
      order_id: 'x'.repeat(500),
      total: { amount: 'y'.repeat(300) },
      items: ['sku-1'],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: '/total',
        keyword: 'type',
        expected: 'double',
        value: `{"amount":"${'y'.repeat(188)}…`,
      }),
      expect.objectContaining({
        path: '/items/0',
        jsonPath: '$.items[0]',
        keyword: 'type',
        expected: 'record com.acme.Item',
        value: 'sku-1',
      }),
    ]);
    expect(String(issues[0]?.value)).toHaveLength(200);

    const long = compiled.validate({
      ...good,
      order_id: 7,
      coupon: 'c'.repeat(500),
      extra: 'z'.repeat(201),
    });
    expect(long.issues.find((issue) => issue.path === '/extra')?.value).toBe(`${'z'.repeat(199)}…`);
  });

  it('refuses schema text that is not Avro, saying why', () => {
    expect(() => avroFormat.compile({ schema: '{"type":"record","name":"X"}' })).toThrow(
      /Invalid AVRO schema/,
    );
    expect(() => avroFormat.compile({ schema: '{not json' })).toThrow(
      expect.objectContaining({ code: 'SIFT_SCHEMA_INVALID' }),
    );
  });

  it('gives the same canonical form to the same schema written differently', () => {
    const spaced = JSON.stringify(JSON.parse(schema), null, 4);
    expect(avroFormat.canonicalize({ schema: spaced })).toBe(avroFormat.canonicalize({ schema }));
  });
});

describe('avroFormat unions', () => {
  const text = readFileSync(join(__dirname, 'fixtures/shipment.avsc'), 'utf8');
  const shipment = avroFormat.compile({ schema: text });
  /** Reads bytes with every union wrapped, to see which branch was written. */
  const branches = Type.forSchema(JSON.parse(text) as Schema, { wrapUnions: 'always' });
  const base = { reference: 'r-1', payment: { iban: 'DE00' }, weight: 5, volume: 1.5 };
  const defaults = { note: null, gift: null, discount: null, tags: [], labels: {} };

  function written(value: unknown): Record<string, unknown> {
    return branches.fromBuffer(shipment.encode(value)) as Record<string, unknown>;
  }

  function roundTrip(data: unknown): unknown {
    const { value, issues } = shipment.validate(data);
    expect(issues).toEqual([]);
    return shipment.decode(shipment.encode(value));
  }

  it('accepts natural JSON for every union and decodes to natural JSON', () => {
    const data = {
      reference: 'r-1',
      note: 'fragile',
      gift: { to: 'Ada' },
      payment: { last4: '4242', brand: 'visa' },
      discount: { code: 'SPRING' },
      tags: [null, 'x', 3],
      labels: { floor: 2 },
      weight: 5,
      volume: 1.5,
    };
    expect(roundTrip(data)).toEqual({ ...data, gift: { to: 'Ada', message: null } });
    expect(roundTrip({ ...base, reference: 42 })).toEqual({ ...base, ...defaults, reference: 42 });
  });

  it("accepts Avro's JSON encoding of unions and decodes it to natural JSON", () => {
    const data = {
      reference: { string: 'r-1' },
      note: { string: 'fragile' },
      gift: { 'com.acme.Gift': { to: 'Ada', message: { string: 'hi' } } },
      payment: { 'com.acme.Card': { last4: '4242', brand: 'visa' } },
      tags: [{ null: null }, { string: 'x' }, { int: 3 }],
      weight: { int: 5 },
      volume: { float: 1.5 },
    };
    expect(roundTrip(data)).toEqual({
      reference: 'r-1',
      note: 'fragile',
      gift: { to: 'Ada', message: 'hi' },
      payment: { last4: '4242', brand: 'visa' },
      discount: null,
      tags: [null, 'x', 3],
      labels: {},
      weight: 5,
      volume: 1.5,
    });
    expect(roundTrip({ ...base, reference: { int: 42 } })).toMatchObject({ reference: 42 });
  });

  it('returns natural JSON from validate, with defaults inside union branches filled', () => {
    const { value } = shipment.validate({ ...base, gift: { 'com.acme.Gift': { to: 'Ada' } } });
    expect(value).toEqual({ ...base, ...defaults, gift: { to: 'Ada', message: null } });
  });

  it('tells two records of a union apart by their fields', () => {
    expect(written({ ...base, payment: { last4: '4242', brand: 'visa' } })['payment']).toEqual({
      'com.acme.Card': { last4: '4242', brand: 'visa' },
    });
    expect(written({ ...base, payment: { iban: 'DE00' } })['payment']).toEqual({
      'com.acme.Transfer': { iban: 'DE00' },
    });
  });

  it('picks the first record that fits for records of the same shape, unless the data names one', () => {
    expect(written({ ...base, discount: { code: 'X' } })['discount']).toEqual({
      'com.acme.Voucher': { code: 'X' },
    });
    const named = shipment.validate({ ...base, discount: { 'com.acme.Coupon': { code: 'X' } } });
    expect(named.issues).toEqual([]);
    // Natural JSON would be read as a Voucher, so the value keeps the branch the sender named.
    expect(named.value).toMatchObject({ discount: { 'com.acme.Coupon': { code: 'X' } } });
    expect(written(named.value)['discount']).toEqual({ 'com.acme.Coupon': { code: 'X' } });
    expect(shipment.decode(shipment.encode(named.value))).toMatchObject({
      discount: { code: 'X' },
    });
  });

  it('writes a number to the first branch that holds it exactly: int before long, float before double', () => {
    expect(written({ ...base, weight: 5 })['weight']).toEqual({ int: 5 });
    expect(written({ ...base, weight: 2 ** 40 })['weight']).toEqual({ long: 2 ** 40 });
    expect(written({ ...base, volume: 1.5 })['volume']).toEqual({ float: 1.5 });
    expect(written({ ...base, volume: 0.1 })['volume']).toEqual({ double: 0.1 });
    expect(roundTrip({ ...base, weight: 2 ** 40, volume: 0.1 })).toMatchObject({
      weight: 2 ** 40,
      volume: 0.1,
    });
  });

  it('keeps a numeric branch the data names, though natural JSON would pick another', () => {
    const { value, issues } = shipment.validate({
      ...base,
      weight: { long: 5 },
      volume: { double: 1.5 },
    });
    expect(issues).toEqual([]);
    expect(value).toMatchObject({ weight: { long: 5 }, volume: { double: 1.5 } });
    expect(written(value)).toMatchObject({ weight: { long: 5 }, volume: { double: 1.5 } });
    expect(shipment.decode(shipment.encode(value))).toMatchObject({ weight: 5, volume: 1.5 });
  });

  it('reports issues inside the union branch the data comes closest to', () => {
    const { issues } = shipment.validate({
      ...base,
      reference: true,
      gift: { to: 7 },
      payment: { last4: '4242' },
      tags: ['ok', 1.5, { int: 'x' }],
      labels: { 'weird key': 'high' },
      weight: 1.5,
    });
    expect(issues).toEqual([
      {
        path: '/reference',
        jsonPath: '$.reference',
        keyword: 'type',
        message: '/reference must be string or int (32-bit integer), got true',
        expected: 'string or int (32-bit integer)',
        value: true,
      },
      expect.objectContaining({
        path: '/gift/to',
        jsonPath: '$.gift.to',
        expected: 'string',
        value: 7,
      }),
      {
        path: '/payment/brand',
        jsonPath: '$.payment.brand',
        keyword: 'required',
        message: '/payment/brand is required (string)',
        expected: 'string',
      },
      expect.objectContaining({
        path: '/tags/1',
        jsonPath: '$.tags[1]',
        keyword: 'type',
        expected: 'int (32-bit integer)',
        value: 1.5,
      }),
      expect.objectContaining({ path: '/tags/2', jsonPath: '$.tags[2]', value: 'x' }),
      expect.objectContaining({
        path: '/labels/weird key',
        jsonPath: "$.labels['weird key']",
        expected: 'int (32-bit integer)',
        value: 'high',
      }),
      expect.objectContaining({
        path: '/weight',
        expected: 'int (32-bit integer) or long (64-bit integer)',
        value: 1.5,
      }),
    ]);
  });

  it('refuses a field of neither record, naming the record it comes closest to', () => {
    expect(shipment.validate({ ...base, payment: { iban: 'DE00', last4: '4242' } }).issues).toEqual(
      [
        {
          path: '/payment/last4',
          jsonPath: '$.payment.last4',
          keyword: 'additionalProperties',
          message: '/payment/last4 is not a field of record com.acme.Transfer',
          expected: 'only the fields "iban" of record com.acme.Transfer',
          value: '4242',
        },
      ],
    );
    expect(shipment.validate({ ...base, payment: 'cash' }).issues).toEqual([
      expect.objectContaining({
        path: '/payment',
        keyword: 'type',
        expected: 'record com.acme.Card or record com.acme.Transfer',
        value: 'cash',
      }),
    ]);
  });
});
