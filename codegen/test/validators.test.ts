import { EventViolationError } from '@sift/tracker';
import { schemaFormat } from '@sift/validator';
import { generate } from '@sift/codegen';
import type { SelectedSchema } from '@sift/codegen';
import {
  exampleSchemas,
  generateIntoTemp,
  loadGenerated,
  removeTempDirs,
} from './support/generated-code';
import type { GeneratedTracker, GeneratedValidators } from './support/generated-code';

// The validators precompiled at generation time must agree with the collector's own validation
// (ajv and avsc through @sift/validator) on every sample below, valid and invalid.
const samples: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  'com.acme.signup': {
    valid: [
      { method: 'email', plan: 'free' },
      {
        method: 'github',
        plan: 'team',
        referral_code: 'abc',
        signed_up_at: '2026-01-02T03:04:05Z',
      },
    ],
    invalid: [
      { plan: 'free' },
      { method: 'myspace', plan: 'free' },
      { method: 'email', plan: 'free', extra: 1 },
      { method: 'email', plan: 'free', referral_code: 'x'.repeat(33) },
      { method: 'email', plan: 'free', signed_up_at: 'yesterday' },
    ],
  },
  'com.acme.add_to_cart': {
    valid: [{ cart_id: 'c', currency: 'EUR', item: { sku: 's', unit_price: '1.00', quantity: 1 } }],
    invalid: [
      { cart_id: 'c', currency: 'euro', item: { sku: 's', unit_price: '1.00', quantity: 1 } },
      { cart_id: 'c', currency: 'EUR', item: { sku: 's', unit_price: '1.5', quantity: 1 } },
      { cart_id: 'c', currency: 'EUR', item: { sku: 's', unit_price: '1.00', quantity: 0 } },
    ],
  },
  'com.acme.app_error': {
    valid: [{ message: 'boom', url: 'https://shop.example/cart', severity: 'fatal' }],
    invalid: [{ message: '' }, { message: 'boom', url: 'not a url' }, { message: 'x', lineno: -1 }],
  },
  'com.acme.checkout_completed': {
    valid: [
      {
        order_id: 'o',
        items: [{ sku: 's', name: 'n', quantity: 1, unit_price_minor: 100, category: null }],
        currency: 'EUR',
        subtotal_minor: 100,
        total_minor: 100,
        completed_at: 1_700_000_000_000,
        payment_method: 'card',
      },
    ],
    invalid: [
      { order_id: 'o', items: [], currency: 'EUR', subtotal_minor: 1, total_minor: 1 },
      {
        order_id: 'o',
        items: [{ sku: 's', name: 'n', quantity: 1.5, unit_price_minor: 1 }],
        currency: 'EUR',
        subtotal_minor: 1,
        total_minor: 1,
        completed_at: 1,
      },
      {
        order_id: 'o',
        items: [],
        currency: 'EUR',
        subtotal_minor: 1,
        total_minor: 1,
        completed_at: 1,
        payment_method: 'cash',
      },
    ],
  },
  'com.acme.page_view': {
    valid: [{ path: '/' }, { path: '/p', title: 'T', load_ms: 5, page_type: 'product' }],
    invalid: [{ path: 1 }, {}, { path: '/', load_ms: 2 ** 31 }, { path: '/', page_type: 'nope' }],
  },
  'com.example.formats': {
    valid: [
      {
        day: '2024-02-29',
        at: '2026-01-02T03:04:05.5+01:00',
        lasted: 'P1DT2H',
        pattern: '^a+$',
        link: 'https://shop.example/{id}',
        pointer: '/a/b~1c',
        relative: '0/a',
        fragment: '#/a',
      },
      { day: '2000-02-29', at: '2024-12-31t23:59:60Z', lasted: 'P3W' },
    ],
    invalid: [
      { day: '2026-02-30' },
      { day: '2025-02-29' },
      { day: '1900-02-29' },
      { day: '2026-04-31' },
      { day: '2026-13-01' },
      { day: '2026-00-10' },
      { at: '2026-02-30T03:04:05Z' },
      { at: '2026-06-31T03:04:05Z' },
      { lasted: 'P' },
      { lasted: '1 day' },
      { pattern: '(' },
      { link: 'https://shop.example/{id' },
      { pointer: 'a/b' },
      { relative: '/a' },
      { fragment: '/a' },
    ],
  },
  'com.example.binary_blob': {
    valid: [
      { price: '\u0000\u00ff', hash: 'abcd' },
      { price: '', hash: '\u00e9\u0000\u0001\u00ff' },
    ],
    invalid: [
      { price: '\u0100', hash: 'abcd' },
      { price: 'x', hash: 'ab\u20ac' },
      { price: 'x', hash: 'abc\u0100' },
      { price: 'x', hash: 'abc' },
    ],
  },
  'com.example.kitchen_sink': {
    valid: [
      {
        id: 'u',
        count: 1,
        ratio: 0.5,
        flag: true,
        day: 1,
        created: 1,
        color: 'RED',
        shape: { side: 1 },
        tags: { a: 1 },
        again: { radius: 2 },
      },
    ],
    invalid: [
      {
        id: 'u',
        count: 1,
        ratio: 0.5,
        flag: true,
        day: 1,
        created: 1,
        color: 'RED',
        shape: { side: 'x' },
      },
      {
        id: 'u',
        count: 1,
        ratio: 0.5,
        flag: true,
        day: 1,
        created: 1,
        color: 'RED',
        shape: { side: 1 },
        again: { diameter: 2 },
      },
      {
        id: 'u',
        count: 1,
        ratio: 0.5,
        flag: true,
        day: 1,
        created: 1,
        color: 'RED',
        shape: { side: 1 },
        tags: { a: 'x' },
      },
    ],
  },
};

describe('precompiled validators', () => {
  let schemas: SelectedSchema[];
  let generated: { tracker: GeneratedTracker; validators: GeneratedValidators };

  beforeAll(async () => {
    schemas = await exampleSchemas();
    generated = loadGenerated(await generateIntoTemp(schemas));
  }, 60_000);

  it('give the same verdict as the collector on valid and invalid data', () => {
    const verdicts: string[] = [];
    const expected: string[] = [];
    for (const [eventType, { valid, invalid }] of Object.entries(samples)) {
      const schema = schemas.find((s) => s.eventType === eventType);
      if (!schema) throw new Error(`no schema for ${eventType}`);
      const collector = schemaFormat(schema.schemaType).compile(schema);
      const validate = generated.validators.validators[eventType];
      if (!validate) throw new Error(`no validator for ${eventType}`);
      for (const data of [...valid, ...invalid]) {
        const label = `${eventType} ${JSON.stringify(data)}`;
        expected.push(`${label}: ${collector.validate(data).issues.length === 0}`);
        verdicts.push(`${label}: ${validate(data).length === 0}`);
      }
    }
    expect(verdicts).toEqual(expected);
    expect(verdicts.filter((v) => v.endsWith('false')).length).toBe(
      Object.values(samples).reduce((n, s) => n + s.invalid.length, 0),
    );
  });

  it('are not generated for a format they cannot check, naming the schema and the path', async () => {
    const schema = (format: string): SelectedSchema => ({
      eventType: 'com.example.unchecked',
      version: 3,
      schemaType: 'JSON',
      schema: JSON.stringify({
        type: 'object',
        properties: { link: { type: 'string', format } },
      }),
      references: [],
      pinned: false,
    });
    for (const format of ['iri', 'idn-email', 'url', 'int32']) {
      await expect(generate([schema(format)])).rejects.toThrow(
        new RegExp(
          `com\\.example\\.unchecked v3: .*format "${format}" at #/properties/link is not`,
        ),
      );
    }
    // Not a format the collector or JSON Schema checks (Iglu's): an annotation, as there.
    await expect(generate([schema('jsonschema')])).resolves.toBeDefined();
  }, 60_000);

  it('point at the offending field', () => {
    const { validators } = generated.validators;
    expect(validators['com.acme.signup']?.({ method: 'myspace', plan: 'free' })).toEqual([
      expect.objectContaining({ path: '/method', keyword: 'enum' }),
    ]);
    expect(
      validators['com.acme.checkout_completed']?.({
        order_id: 'o',
        items: [{ sku: 's', name: 'n', quantity: 'one', unit_price_minor: 1 }],
        currency: 'EUR',
        subtotal_minor: 1,
        total_minor: 1,
        completed_at: 1,
      }),
    ).toEqual([expect.objectContaining({ path: '/items/0/quantity', keyword: 'type' })]);
  });

  it('make the tracker throw before sending when the violation handler throws', async () => {
    const sent: string[] = [];
    const tracker = generated.tracker.createSiftTracker({
      collectorUrl: 'http://collector.test',
      validators: generated.validators.validators,
      fetch: async (_url: string, init: { body: string }) => {
        sent.push(init.body);
        return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
      },
    });
    expect(() => tracker.track('com.acme.signup', { method: 'myspace', plan: 'free' })).toThrow(
      EventViolationError,
    );
    tracker.track('com.acme.signup', { method: 'email', plan: 'free' });
    await tracker.flush();
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0] ?? '{}').events).toEqual([
      expect.objectContaining({
        event: 'com.acme.signup',
        version: 2,
        data: { method: 'email', plan: 'free' },
      }),
    ]);
  });

  it('hand violations to a custom handler and still send the event (the collector keeps it as bad)', async () => {
    const seen: string[] = [];
    let posted = 0;
    const tracker = generated.tracker.createSiftTracker({
      collectorUrl: 'http://collector.test',
      validators: generated.validators.validators,
      onViolation: (eventType: string, version: number, violations: { path: string }[]) =>
        seen.push(`${eventType}@${version}${violations.map((v) => v.path).join(',')}`),
      fetch: async (_url: string, init: { body: string }) => {
        posted += JSON.parse(init.body).events.length;
        return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
      },
    });
    tracker.track('com.acme.page_view', { path: 42 });
    await tracker.shutdown();
    expect(seen).toEqual(['com.acme.page_view@2/path']);
    expect(posted).toBe(1);
  });
});

afterAll(removeTempDirs);
