import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
