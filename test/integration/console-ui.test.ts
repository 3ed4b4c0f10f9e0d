import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { badDocument } from '@sift/sinks';
import { launchChromium } from '../browser/chromium';
import type { LaunchedChromium } from '../browser/chromium';
import { startConsoleStack } from '../e2e/console-stack';
import type { ConsoleStack } from '../e2e/console-stack';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'console-ui');
const SUBJECT = 'com.acme.checkout';

// Markup that would run if any view rendered a payload or message as HTML.
const SCRIPT = '<script>window.__siftXss = "script"</script>';
const IMG = '<img src=x onerror="window.__siftXss = \'img\'">';
/** How the markup reads inside JSON text, as payloads and event data are shown. */
const asJson = (text: string) => JSON.stringify(text).slice(1, -1);

const record = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'checkout', namespace: 'com.acme', fields });
// Schema docs carry markup too: schemas are shown as text like payloads.
const orderId = { name: 'order_id', type: 'string', doc: `The order id, not ${IMG}` };
const v1 = record([orderId]);
const refused = record([orderId, { name: 'total', type: 'double' }]);
const v2 = record([orderId, { name: 'coupon', type: ['null', 'string'], default: null }]);
const v3 = record([
  orderId,
  { name: 'coupon', type: ['null', 'string'], default: null },
  { name: 'note', type: ['null', 'string'], default: null },
]);

interface Sent {
  id: string;
  status: string;
}

async function send(stack: ConsoleStack, events: unknown[]): Promise<Sent[]> {
  const answer = await fetch(`${stack.collector.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  return ((await answer.json()) as { events: Sent[] }).events;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The little of the page's globals these tests read (the test code is compiled without DOM types). */
interface PageGlobals {
  __siftXss?: string;
  document: {
    querySelectorAll(selector: string): { length: number };
    activeElement: { textContent: string | null } | null;
  };
}

/** Fails when any payload or message became markup: injected elements, or script that ran. */
async function expectNoInjectedMarkup(page: Page): Promise<void> {
  const injected = await page.evaluate(() => {
    const { __siftXss, document } = globalThis as unknown as PageGlobals;
    return {
      ran: __siftXss ?? null,
      inlineScripts: document.querySelectorAll('script:not([src])').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
      images: document.querySelectorAll('main img').length,
    };
  });
  expect(injected).toEqual({ ran: null, inlineScripts: 0, handlers: 0, images: 0 });
}

describe('console UI in headless Chromium', () => {
  let stack: ConsoleStack;
  let browser: LaunchedChromium;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startConsoleStack();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const go = (to: string) => page.goto(`${stack.console.url}/ui${to}`);
  // Every page photographed is first checked for markup that became HTML.
  const shot = async (name: string) => {
    await expectNoInjectedMarkup(page);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };

  it('walks a contributor and QA through registry, playground, bad events, recovery and good events', async () => {
    // Register a new subject.
    await go('/register');
    await page.getByLabel('Event type (subject)').fill(SUBJECT);
    await page.getByLabel('Schema', { exact: true }).fill(v1);
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await expect(page.getByRole('status').getByText(/New subject/)).toBeTruthy();
    await page.getByText(/New subject/).waitFor();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByText(`Registered under ${SUBJECT} with schema id 1`).waitFor();

    // A version that breaks BACKWARD is refused before saving, with the registry's reason.
    await page.getByLabel('Schema', { exact: true }).fill(refused);
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await page.getByRole('heading', { name: /Incompatible \(level BACKWARD\)/ }).waitFor();
    expect(await page.locator('.reasons li').first().textContent()).toMatch(/total/);
    expect(await page.getByRole('button', { name: 'Register', exact: true }).isDisabled()).toBe(
      true,
    );
    await shot('register-refused');

    // A compatible version registers.
    await page.getByLabel('Schema', { exact: true }).fill(v2);
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await page.getByRole('heading', { name: /^Compatible/ }).waitFor();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByText(`Registered under ${SUBJECT} with schema id 2`).waitFor();

    // The subjects list, searchable.
    await go('/subjects');
    await page.getByLabel('Search event types').fill('checkout');
    const row = page.getByRole('row', { name: new RegExp(SUBJECT) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/AVRO.*2.*2.*BACKWARD/);
    await shot('subjects');

    // The subject page: diff of versions 1 and 2.
    await row.getByRole('link', { name: SUBJECT }).click();
    await page.getByRole('heading', { name: 'Version 2 (schema id 2)' }).waitFor();
    await page.getByLabel('From version', { exact: true }).selectOption('1');
    await page.getByLabel('To version', { exact: true }).selectOption('2');
    const added = page.locator('.diff-added');
    expect(await added.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('"name": "coupon"')]),
    );
    expect(await page.locator('.diff-removed').count()).toBe(0);
    expect(await page.getByLabel('Schema of version 2').textContent()).toContain(asJson(IMG));
    await shot('subject-diff');

    // The playground places each error at its path in the payload.
    await go('/playground');
    await page.getByLabel('Event type').selectOption(SUBJECT);
    await page.getByLabel('Version').selectOption('2');
    await page
      .getByLabel('Payload (the event data, JSON)')
      .fill(JSON.stringify({ order_id: 42, coupon: SCRIPT }));
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/1 validation error against com.acme.checkout version 2/).waitFor();
    const flagged = page.locator('li.has-issue');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.getAttribute('data-pointer')).toBe('/order_id');
    expect(await flagged.textContent()).toMatch(/"order_id": 42.*\/order_id must be string/);
    await shot('playground');

    // Events arrive: one fixable by a schema change, one that stays bad; both carry markup.
    const [fixable, broken] = await send(stack, [
      { event: SUBJECT, data: { order_id: `A-1 ${IMG}`, coupon: null, note: SCRIPT } },
      { event: SUBJECT, data: { order_id: [IMG], coupon: SCRIPT } },
    ]);
    expect([fixable?.status, broken?.status]).toEqual(['rejected', 'rejected']);
    await until('the bad events in the store', async () => {
      const answer = await fetch(`${stack.console.url}/ui/api/bad-events`);
      const body = (await answer.json()) as { total: number };
      return body.total === 2 ? true : undefined;
    });

    // QA finds them, grouped by message, and reads the reason.
    await go('/bad-events');
    await page.getByLabel('Text').fill('note');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page
      .locator('table.bad-list')
      .getByRole('cell', { name: /^\/note is not a field of record/ })
      .waitFor();
    expect(await page.locator('table.bad-list tbody tr').count()).toBe(1);
    await page.getByLabel('Text').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1–2 of 2, newest first').waitFor();
    await page.getByRole('rowheader', { name: /\/order_id must be string, got \["<img/ }).waitFor();
    expect(await page.locator('table.groups tbody tr').count()).toBe(2);
    // A group's events, one click away.
    await page.getByRole('button', { name: /Show the events with: \/note is not a field/ }).click();
    await page.getByText('1–1 of 1, newest first').waitFor();
    await page.getByLabel('Text').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1–2 of 2, newest first').waitFor();
    await expectNoInjectedMarkup(page);
    await shot('bad-events');

    // One bad event: its errors beside the original payload, markup shown as text.
    await page.getByRole('link', { name: `Details of ${fixable?.id.slice(0, 8)}` }).click();
    await page.getByRole('heading', { name: `Bad event ${fixable?.id}` }).waitFor();
    const payload = page.getByRole('group', { name: 'Original payload with its errors' });
    expect(await payload.textContent()).toContain(asJson(SCRIPT));
    expect(await payload.textContent()).toContain(asJson(IMG));
    expect(await page.locator('li.has-issue').getAttribute('data-pointer')).toBe('/data/note');
    await expectNoInjectedMarkup(page);
    await shot('bad-event');

    // The contributor fixes the schema: v3 adds `note`.
    await go(`/register?subject=${SUBJECT}`);
    await page.getByLabel('Schema', { exact: true }).fill(v3);
    await page.getByRole('button', { name: 'Check compatibility' }).click();
    await page.getByRole('heading', { name: /^Compatible/ }).waitFor();
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByText(`Registered under ${SUBJECT} with schema id 3`).waitFor();

    // QA selects both and sends them through recovery: one passes now, one is still bad.
    await go('/good-events');
    await page.getByText('Live: new events appear at the top.').waitFor();
    await go('/bad-events');
    await page.getByLabel(`Select bad event ${fixable?.id}`).check();
    await page.getByLabel(`Select bad event ${broken?.id}`).check();
    await page.getByRole('button', { name: 'Recover selected (2)' }).click();
    await page.getByText('1 recovered (sent on as good events), 1 still bad, 0 skipped.').waitFor();
    expect(await page.locator('.recovery li').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${fixable?.id}.*recovered`)),
        expect.stringMatching(new RegExp(`${broken?.id}.*still bad \\(schema_violation\\)`)),
      ]),
    );
    await expectNoInjectedMarkup(page);
    await shot('recovery');

    // The recovered event arrives among the good events, under its own id, live.
    await go('/good-events');
    await page.getByText('Live: new events appear at the top.').waitFor();
    const arrived = page.getByRole('row', { name: new RegExp(fixable?.id ?? '-') });
    await arrived.waitFor();
    expect(await arrived.textContent()).toContain(asJson(SCRIPT));
    await page.getByRole('row', { name: new RegExp(`${SUBJECT}\\s*1`) }).waitFor();
    // A new event sent now shows up without reloading.
    const [live] = await send(stack, [
      { event: SUBJECT, data: { order_id: `B-2 ${IMG}`, note: null } },
    ]);
    expect(live?.status).toBe('accepted');
    await page.getByRole('row', { name: new RegExp(live?.id ?? '-') }).waitFor();
    await expectNoInjectedMarkup(page);
    await shot('good-events');

    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  }, 120_000);

  it('soft-deletes a version only after a confirmation and changes the compatibility level', async () => {
    const subject = 'com.acme.refund';
    for (const schema of [v1, v2]) {
      const answer = await fetch(`${stack.registry.url}/subjects/${subject}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: schema.replace('"checkout"', '"refund"') }),
      });
      expect(answer.status).toBe(200);
    }
    await go(`/subjects/${subject}`);
    await page.getByRole('button', { name: 'Delete version 1' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm deleting version 1' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('row', { name: /Version 1/ }).textContent()).toMatch(/live/);
    await page.getByRole('button', { name: 'Delete version 1' }).click();
    await page.getByRole('button', { name: 'Yes, soft-delete version 1' }).click();
    await page.getByText('Version 1 soft-deleted.').waitFor();
    expect(await page.getByRole('row', { name: /Version 1/ }).textContent()).toMatch(
      /soft-deleted/,
    );

    await page.getByLabel('Compatibility level').selectOption('FULL');
    await page.getByRole('button', { name: 'Save level' }).click();
    await page.getByText('Compatibility level set to FULL.').waitFor();
    const level = await fetch(`${stack.registry.url}/config/${subject}`);
    expect(await level.json()).toEqual({ compatibilityLevel: 'FULL' });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('pages through many bad events, older and back newer', async () => {
    const type = 'com.acme.paging';
    const start = Date.now() - 3600_000;
    await stack.store.index(
      Array.from({ length: 120 }, (_, n) =>
        badDocument({
          id: `paging-${String(n).padStart(3, '0')}`,
          received_at: new Date(start + n * 1000).toISOString(),
          stage: 'collector',
          kind: 'schema_violation',
          event: type,
          errors: [{ path: '/n', keyword: 'type', message: `/n must be string, got ${n}` }],
          payload: JSON.stringify({ event: type, data: { n } }),
          source: { endpoint: '/v1/events' },
        }),
      ),
    );
    await go('/bad-events');
    await page.getByLabel('Event type', { exact: true }).fill(type);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1–50 of 120, newest first').waitFor();
    expect(await page.locator('table.bad-list tbody tr').first().textContent()).toContain(
      'got 119',
    );
    const older = page.getByRole('button', { name: 'Older' });
    await older.click();
    await page.getByText('51–100 of 120, newest first').waitFor();
    await older.click();
    await page.getByText('101–120 of 120, newest first').waitFor();
    expect(await page.locator('table.bad-list tbody tr').last().textContent()).toContain('got 0');
    expect(await older.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText('51–100 of 120, newest first').waitFor();
    expect(await page.locator('table.bad-list tbody tr').first().textContent()).toContain('got 69');
  }, 30_000);

  it('can be used from the keyboard: skip link, then the sections in order', async () => {
    await go('/subjects');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.activeElement?.textContent,
      ),
    ).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.activeElement?.textContent,
      ),
    ).toBe('Subjects');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Register a schema' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/ui/register');
  }, 30_000);
});
