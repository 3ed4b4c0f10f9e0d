import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileStrict,
  exampleSchemas,
  generateIntoTemp,
  removeTempDirs,
} from './support/generated-code';
import type { CompileError } from './support/generated-code';

// Type-level tests: code generated from the real schemas/ folder and the fixtures compiles
// under --strict, right calls compile, and each wrong call fails for the reason marked beside
// it. A marked line without its error fails the test, so the errors cannot silently disappear.
const RIGHT = `
import { throwOnViolation } from '@sift/tracker';
import { createSiftTracker, eventVersions } from './tracker';
import type { SiftEvents } from './tracker';
import type { CheckoutCompleted, PageViewPageType } from './events';
import { validators } from './validators';

const tracker = createSiftTracker({ collectorUrl: 'http://127.0.0.1:8080', validators, onViolation: throwOnViolation });
const stop: () => void = tracker.captureErrors({ appVersion: '1.0.0' });
stop();
tracker.pageView({ path: '/pricing' });
tracker.pageView({ path: '/', title: null, load_ms: 120, page_type: 'home' as PageViewPageType, viewed_at: 1700000000000 });
tracker.signup({ method: 'github', plan: 'pro', marketing_opt_in: true });
tracker.addToCart({ cart_id: 'c1', currency: 'EUR', item: { sku: 's', unit_price: '9.99', quantity: 2 }, source: 'wishlist' });
tracker.linkClick({ target_url: 'https://example.com', element_classes: ['a'] });
tracker.search({ query: 'socks', results_count: 3 });
tracker.appError({ message: 'boom', severity: 'fatal', source: 'manual' });
const order: CheckoutCompleted = { order_id: 'o1', items: [{ sku: 's', name: 'n', quantity: 1, unit_price_minor: 999 }], currency: 'EUR', subtotal_minor: 999, total_minor: 999, completed_at: 1700000000000, payment_method: 'card' };
tracker.checkoutCompleted(order);
tracker.track('com.acme.signup', { method: 'email', plan: 'free' });
tracker.kitchenSink({ id: 'u', count: 1, ratio: 0.5, flag: true, day: 19000, created: 1700000000000, color: 'GREEN', shape: { side: 2 }, again: { radius: 1 } });
tracker.binaryBlob({ price: '1.00', hash: 'abcd' });
tracker.legacyForm({ fields: [{ name: 'n', kind: 'date' }] });
const v3: 3 = eventVersions['com.acme.checkout_completed'];
const data: SiftEvents['com.acme.page_view'] = { path: '/' };
void [v3, data];
`;

const WRONG = `
import { createSiftTracker } from './tracker';

const tracker = createSiftTracker({ collectorUrl: 'http://127.0.0.1:8080' });
tracker.signup({ plan: 'pro' }); // EXPECT: Property 'method' is missing
tracker.pageView({ path: 42 }); // EXPECT: 'number' is not assignable to type 'string'
tracker.track('com.acme.no_such_event', {}); // EXPECT: no_such_event"' is not assignable to parameter of type 'keyof SiftEvents'
tracker.noSuchEvent({}); // EXPECT: Property 'noSuchEvent' does not exist
tracker.signup({ method: 'myspace', plan: 'pro' }); // EXPECT: '"myspace"' is not assignable
tracker.kitchenSink({ id: 'u', count: 1, ratio: 0.5, flag: true, day: 1, created: 1, color: 'BLUE', shape: { side: 2 } }); // EXPECT: '"BLUE"' is not assignable
tracker.checkoutCompleted({ order_id: 'o', items: [], currency: 'EUR', subtotal_minor: 1, total_minor: 1 }); // EXPECT: Property 'completed_at' is missing
tracker.checkoutCompleted({ order_id: 'o', items: [], currency: 'EUR', subtotal_minor: 1, total_minor: 1, completed_at: 1, payment_method: 'cash' }); // EXPECT: '"cash"' is not assignable
tracker.addToCart({ cart_id: 'c', currency: 'EUR', item: { sku: 's', unit_price: '1.00', quantity: '2' } }); // EXPECT: 'string' is not assignable to type 'number'
tracker.signup({ method: 'email', plan: 'free', colour: 'red' }); // EXPECT: 'colour' does not exist
tracker.track('com.acme.signup', { method: 'email' }); // EXPECT: Property 'plan' is missing
tracker.legacyForm({ fields: [{ name: 'n', kind: 'colour' }] }); // EXPECT: '"colour"' is not assignable
tracker.kitchenSink({ id: 'u', count: 1, ratio: 0.5, flag: true, day: 1, created: 1, color: 'RED', shape: { radius: 'big' } }); // EXPECT: not assignable
`;

function errorsIn(errors: CompileError[], file: string): CompileError[] {
  return errors.filter((error) => error.file === file);
}

describe('generated TypeScript', () => {
  let dir: string;
  let errors: CompileError[];

  beforeAll(async () => {
    dir = await generateIntoTemp(await exampleSchemas());
    writeFileSync(join(dir, 'right.ts'), RIGHT);
    writeFileSync(join(dir, 'wrong.ts'), WRONG);
    errors = compileStrict([join(dir, 'right.ts'), join(dir, 'wrong.ts')]);
  }, 120_000);

  it('compiles under --strict, with every right call accepted', () => {
    const elsewhere = errors.filter((error) => !error.file.endsWith('wrong.ts'));
    expect(elsewhere).toEqual([]);
  });

  it('refuses each wrong call (missing field, wrong type, unknown event, wrong enum value) for the marked reason', () => {
    const lines = WRONG.split('\n');
    const wrongErrors = errorsIn(errors, join(dir, 'wrong.ts'));
    const marked = lines
      .map((text, index) => ({ text, line: index + 1 }))
      .filter(({ text }) => text.includes('// EXPECT: '));
    expect(marked.length).toBe(13);
    for (const { text, line } of marked) {
      const expected = text.slice(text.indexOf('// EXPECT: ') + '// EXPECT: '.length);
      const onLine = wrongErrors.filter((error) => error.line === line).map((e) => e.message);
      const found = onLine.some((message) => new RegExp(expected).test(message));
      expect({ line: text, found, errors: found ? [] : onLine }).toEqual({
        line: text,
        found: true,
        errors: [],
      });
    }
    const unmarked = wrongErrors.filter((error) => !marked.some((m) => m.line === error.line));
    expect(unmarked).toEqual([]);
  });

  it('generates the latest version of an evolved event type, and says so in the header', () => {
    const tracker = readFileSync(join(dir, 'tracker.ts'), 'utf8');
    expect(tracker).toMatch(/^\/\/ Generated by sift codegen .*do not edit/);
    expect(tracker).toContain("'com.acme.checkout_completed': 3,".replace(/'/g, '"'));
    expect(tracker).toMatch(
      /\/\/ {3}com\.acme\.checkout_completed v3 \(AVRO, schemas folder, sha256:/,
    );
  });

  it('turns schema descriptions into doc comments and enums into string-literal unions', () => {
    const events = readFileSync(join(dir, 'events.ts'), 'utf8');
    expect(events).toContain('/** A visitor completed a purchase. */');
    expect(events).toContain('@description How the account was created.');
    expect(events).toMatch(/export type KitchenSinkColor = "RED" \| "GREEN";/);
    expect(events).toMatch(/method: "email" \| "google" \| "github";/);
  });

  it('keeps ajv out of the generated validators', () => {
    const validators = readFileSync(join(dir, 'validators.ts'), 'utf8');
    expect(validators).not.toMatch(/require\(|from 'ajv|from "ajv/);
  });
});

afterAll(removeTempDirs);
