import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import express from 'express';
import { createLogger, goodEventHeaders, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { FolderSchemaSource, RegistryCodegenSource, selectSchemas } from '@sift/codegen';
import { buildCollectorApp, RegistrySchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { ConsumedRecord } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { launchChromium } from '../../../test/browser/chromium';
import type { LaunchedChromium } from '../../../test/browser/chromium';
import {
  generateIntoTemp,
  loadGenerated,
  REAL_SCHEMAS,
  removeTempDirs,
  ROOT,
} from '../support/generated-code';

// End to end: code generated from a registry holding the real schemas/ folder, sending through
// a real collector (in-memory event log) from Node and from a page in headless Chromium.
const logger = createLogger('tracker-e2e', 'warn');
const topics = { good: 'sift.events.good', bad: 'sift.events.bad' };

describe('generated tracker against a running collector', () => {
  let registry: RunningServer;
  let collector: RunningServer;
  let log: MemoryEventLog;
  let dir: string;
  let versions: Record<string, number>;

  const goodFor = (testId: string): ConsumedRecord[] =>
    log.records(topics.good).filter((r) => r.headers?.[goodEventHeaders.testId] === testId);
  const badFor = (testId: string): unknown[] =>
    log
      .records(topics.bad)
      .map((r) => JSON.parse(r.value.toString('utf8')) as { test_id?: string })
      .filter((bad) => bad.test_id === testId);

  async function waitFor(
    what: string,
    done: () => boolean,
    timeoutMs = 15_000,
    state: () => string = () => '',
  ): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what} ${state()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    const { app: registryApp } = await buildRegistryApp(
      {},
      { store: new MemorySchemaStore(), logger },
    );
    registry = await listen(registryApp, 0, '127.0.0.1');
    const client = new RegistryClient({ url: registry.url, latestTtlMs: 0 });
    const folder = new FolderSchemaSource(REAL_SCHEMAS);
    const eventTypes = await folder.eventTypes();
    for (const eventType of eventTypes) {
      const latest = await folder.resolve(eventType, 'latest');
      for (let version = 1; version <= latest.version; version++) {
        const schema = await folder.resolve(eventType, version);
        await client.register(eventType, schema.schema, schema.schemaType);
      }
    }
    log = new MemoryEventLog();
    const collectorApp = buildCollectorApp(
      { maxBodyBytes: 1024 * 1024, goodTopic: topics.good, badTopic: topics.bad },
      { schemas: new RegistrySchemaSource(new RegistryClient({ url: registry.url })), log, logger },
    );
    // The test page is served from the collector's origin, as a site proxying its collector would.
    const site = express();
    site.get('/page', (_req, res) => {
      res.type('html').send(PAGE);
    });
    site.get('/app.js', (_req, res) => {
      res.sendFile(join(dir, 'app.js'));
    });
    site.use(collectorApp);
    collector = await listen(site, 0, '127.0.0.1');
    const schemas = await selectSchemas(
      new RegistryCodegenSource(new RegistryClient({ url: registry.url })),
      eventTypes.map((event) => ({ event, version: 'latest' as const })),
    );
    dir = await generateIntoTemp(schemas);
    versions = loadGenerated(dir).tracker.eventVersions;
  }, 60_000);

  afterAll(async () => {
    await collector?.close();
    await registry?.close();
  });

  it('sends from Node: every event arrives as a good event with the version it was compiled for', async () => {
    const { tracker, validators } = loadGenerated(dir);
    const testId = `node-${randomUUID()}`;
    const sift = tracker.createSiftTracker({
      collectorUrl: collector.url,
      testId,
      validators: validators.validators,
    });
    const call = (method: string, data: unknown): void =>
      (sift[method] as (data: unknown) => void).call(sift, data);
    call('pageView', { path: '/pricing', page_type: 'home' });
    call('signup', { method: 'email', plan: 'pro', marketing_opt_in: true });
    call('checkoutCompleted', {
      order_id: 'o-1',
      items: [{ sku: 'sku-1', name: 'Socks', quantity: 2, unit_price_minor: 500 }],
      currency: 'EUR',
      subtotal_minor: 1000,
      total_minor: 1000,
      completed_at: Date.now(),
    });
    sift.track('com.acme.search', { query: 'socks', results_count: 3 });
    await sift.shutdown();
    const good = goodFor(testId);
    expect(badFor(testId)).toEqual([]);
    expect(
      good
        .map((r) => [
          r.headers?.[goodEventHeaders.eventType],
          r.headers?.[goodEventHeaders.schemaVersion],
        ])
        .sort(),
    ).toEqual(
      [
        'com.acme.checkout_completed',
        'com.acme.page_view',
        'com.acme.search',
        'com.acme.signup',
      ].map((event) => [event, String(versions[event])]),
    );
    expect(versions['com.acme.checkout_completed']).toBe(3);
  });

  describe('in headless Chromium', () => {
    let browser: LaunchedChromium;

    beforeAll(async () => {
      const entry = join(dir, 'app.ts');
      writeFileSync(
        entry,
        "import { createSiftTracker } from './tracker';\n" +
          "import { validators } from './validators';\n" +
          '(globalThis as Record<string, unknown>).SiftApp = { createSiftTracker, validators };\n',
      );
      await build({
        entryPoints: [entry],
        outfile: join(dir, 'app.js'),
        bundle: true,
        minify: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2020',
        alias: { '@sift/tracker': join(ROOT, 'tracker/src/index.ts') },
        logLevel: 'silent',
      });
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('sends batches with fetch, an uncaught error as app_error, and the rest by sendBeacon on page hide', async () => {
      const testId = `browser-${randomUUID()}`;
      const page = await browser.context.newPage();
      const pageLog: string[] = [];
      page.on('console', (message) => pageLog.push(message.text()));
      page.on('pageerror', (error) => pageLog.push(String(error)));
      page.on('response', (response) => pageLog.push(`${response.status()} ${response.url()}`));
      await page.goto(`${collector.url}/page?test_id=${testId}`);
      await page.waitForFunction(
        () => (globalThis as { flushed?: boolean }).flushed === true,
        undefined,
        {
          timeout: 15_000,
        },
      );
      await waitFor(
        'the fetched batch and the app_error',
        () => goodFor(testId).length >= 3,
        15_000,
        () =>
          JSON.stringify({
            good: log.records(topics.good).map((r) => r.headers),
            bad: log.records(topics.bad).map((r) => r.value.toString()),
            console: pageLog,
          }),
      );
      // Queued with a long flush interval: only the page hide can send it now.
      await page.evaluate(() => (globalThis as unknown as { queueLast: () => void }).queueLast());
      expect(goodFor(testId)).toHaveLength(3);
      await page.goto('about:blank');
      await waitFor('the beacon', () => goodFor(testId).length >= 4);
      expect(badFor(testId)).toEqual([]);
      const byType = Object.fromEntries(
        goodFor(testId).map((r) => [r.headers?.[goodEventHeaders.eventType], r]),
      );
      expect(Object.keys(byType).sort()).toEqual([
        'com.acme.app_error',
        'com.acme.link_click',
        'com.acme.page_view',
        'com.acme.signup',
      ]);
      expect(byType['com.acme.link_click']?.headers?.[goodEventHeaders.pageUrl]).toContain('/page');
      expect(byType['com.acme.app_error']?.headers?.[goodEventHeaders.schemaVersion]).toBe(
        String(versions['com.acme.app_error']),
      );
      await page.close();
    });
  });
});

const PAGE = `<!doctype html>
<html><head><title>Sift test shop</title><script src="/app.js"></script></head>
<body><a id="docs" href="https://example.com/docs">Docs</a>
<script>
  const testId = new URLSearchParams(location.search).get('test_id');
  const tracker = SiftApp.createSiftTracker({
    collectorUrl: location.origin,
    testId,
    flushIntervalMs: 60000,
    validators: SiftApp.validators,
    onProblem: (problem) => console.error('tracker problem', JSON.stringify(problem)),
  });
  tracker.captureErrors({ appVersion: '1.0.0' });
  tracker.pageView({ path: location.pathname, title: document.title });
  tracker.signup({ method: 'google', plan: 'free' });
  setTimeout(() => { throw new TypeError('checkout button is undefined'); }, 0);
  setTimeout(() => tracker.flush().then(() => { window.flushed = true; }), 50);
  window.queueLast = () => tracker.linkClick({ target_url: 'https://example.com/docs', link_text: 'Docs', outbound: true });
</script></body></html>`;

afterAll(removeTempDirs);
