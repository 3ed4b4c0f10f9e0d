import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createLogger, decodeEntitiesHeader } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { decodeWireFormat } from '@sift/registry-client';
import type { RegistryClient } from '@sift/registry-client';
import { launchChromium } from '../../../test/browser/chromium';
import type { LaunchedChromium } from '../../../test/browser/chromium';
import { startSnowplowRegistry } from '../support/snowplow-setup';
import { cleanUp, KAFKA, readTopic } from './integration-support';
import type { ReadRecord } from './integration-support';

// The unmodified Snowplow browser tracker (its UMD bundle) in headless Chromium, on a page of
// another site, through the collector to real Kafka topics.
const run = randomUUID().slice(0, 8);
const topics = { good: `sift-sp-browser-${run}.good`, bad: `sift-sp-browser-${run}.bad` };
const TRACKER_JS = readFileSync(
  require.resolve('@snowplow/browser-tracker/dist/index.umd.min.js'),
  'utf8',
);
const SIGNUP = 'iglu:com.acme/signup/jsonschema/1-0-0';
const USER = 'iglu:com.acme/user/jsonschema/1-0-0';

/** The little of the page's globals the test reads (compiled without DOM types). */
interface PageGlobals {
  __sent?: number[];
  __failed?: string[];
}

/** The Snowplow fields of a good record (`aid`, `e`, `nuid`, …). */
const snowplowOf = (record: ReadRecord | undefined): Record<string, string> =>
  JSON.parse(record?.headers['sift-snowplow'] ?? '{}') as Record<string, string>;

/** A good record's entities, each with its schema id. */
const entitiesOf = (record: ReadRecord | undefined) =>
  decodeEntitiesHeader(record?.headers['sift-entities'] ?? '').map((bytes) => {
    const entity = decodeWireFormat(bytes);
    return { schemaId: entity.schemaId, data: JSON.parse(entity.payload.toString()) as unknown };
  });

/**
 * The page: the tracker with its defaults (POST, `credentials: 'include'`, the webPage context),
 * app id `app`; `all` sends a page view, a signup with an entity and an invalid signup, else
 * only a page view.
 */
function trackerPage(endpoint: string, app: string, all: boolean): string {
  return `<!doctype html><title>shop</title>
<script src="/sp.js"></script>
<script>
window.__sent = [];
window.__failed = [];
const sp = window.snowplowBrowserTracking;
sp.newTracker('web', '${endpoint}', {
  appId: '${app}',
  onRequestSuccess: (batch) => window.__sent.push(batch.length),
  onRequestFailure: (failure) => window.__failed.push(String(failure.status)),
});
sp.trackPageView();
${
  all
    ? `sp.trackSelfDescribingEvent({
  event: { schema: '${SIGNUP}', data: { method: 'email' } },
  context: [{ schema: '${USER}', data: { id: 'u-1' } }],
});
sp.trackSelfDescribingEvent({ event: { schema: '${SIGNUP}', data: { method: 7 } } });`
    : ''
}
</script>`;
}

describe('the Snowplow browser tracker in Chromium against the collector on real Kafka', () => {
  let registry: RunningServer;
  let client: RegistryClient;
  let collector: RunningServer;
  let site: Server;
  let sitePort: number;
  let browser: LaunchedChromium;
  const seen: string[] = [];
  const collectorPort = () => (collector.server.address() as AddressInfo).port;

  /**
   * Opens the page at `origin` (which sends to the collector on localhost) and waits until the
   * tracker has had an answer for `events` events; returns the counts and the `Set-Cookie`
   * answers the collector gave.
   */
  async function visit(origin: string, app: string, all: boolean, events: number) {
    const page = await browser.context.newPage();
    const answers: Promise<string | null>[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`http://localhost:${collectorPort()}/`)) {
        answers.push(response.headerValue('set-cookie'));
      }
    });
    await page.goto(`${origin}/?app=${app}&all=${all}`);
    await page.waitForFunction((n) => {
      const globals = globalThis as unknown as PageGlobals;
      const sent = (globals.__sent ?? []).reduce((sum, count) => sum + count, 0);
      return sent + (globals.__failed ?? []).length >= n;
    }, events);
    const outcome = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals;
      return { sent: globals.__sent ?? [], failed: globals.__failed ?? [] };
    });
    const cookies = (await Promise.all(answers)).filter((value) => value !== null);
    await page.close();
    return { ...outcome, cookies };
  }

  beforeAll(async () => {
    ({ registry, client } = await startSnowplowRegistry());
    site = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://site');
      if (url.pathname === '/sp.js') {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(TRACKER_JS);
        return;
      }
      res.setHeader('Content-Type', 'text/html');
      res.end(
        trackerPage(
          `http://localhost:${collectorPort()}`,
          url.searchParams.get('app') ?? 'shop',
          url.searchParams.get('all') === 'true',
        ),
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;
    collector = await startCollector(
      loadCollectorConfig({
        SIFT_COLLECTOR_PORT: '0',
        SIFT_COLLECTOR_CORS_ORIGINS: `http://localhost:${sitePort},http://127.0.0.1:${sitePort}`,
        SIFT_REGISTRY_URL: registry.url,
        SIFT_KAFKA_BROKERS: KAFKA,
        SIFT_GOOD_TOPIC: topics.good,
        SIFT_BAD_TOPIC: topics.bad,
      }),
      createLogger('snowplow-browser-test', 'warn'),
    );
    collector.server.on('request', (req: { method?: string; url?: string }) =>
      seen.push(`${req.method} ${req.url}`),
    );
    browser = await launchChromium();
  });

  beforeEach(async () => {
    seen.length = 0;
    await browser.context.clearCookies();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await collector?.close();
    await registry?.close();
    await cleanUp([topics.good, topics.bad]);
  });

  it('from another origin of the same site: preflight passes, the sp cookie is kept and sent back, each event gets its verdict', async () => {
    const ids = {
      pageView: (await client.version('com.snowplowanalytics.snowplow.page_view', 1)).id,
      webPage: (await client.version('com.snowplowanalytics.snowplow.web_page', 1)).id,
      signup: (await client.version('com.acme.signup', 1)).id,
      user: (await client.version('com.acme.user', 1)).id,
    };
    // localhost:<site> and localhost:<collector>: cross-origin (CORS applies), same site.
    const first = await visit(`http://localhost:${sitePort}`, 'same-site', true, 3);
    // Every answer passed CORS (an answer the browser blocks is a failure with status 0).
    expect(first.failed).toEqual([]);
    expect(first.sent.reduce((sum, n) => sum + n, 0)).toBe(3);
    // The JSON POST was preflighted, and the preflight let it through.
    expect(seen).toEqual(
      expect.arrayContaining([
        'OPTIONS /com.snowplowanalytics.snowplow/tp2',
        'POST /com.snowplowanalytics.snowplow/tp2',
      ]),
    );
    // Chromium keeps a Secure cookie from http://localhost (a secure context).
    const cookie = (await browser.context.cookies(`http://localhost:${collectorPort()}`)).find(
      (c) => c.name === 'sp',
    );
    expect(cookie).toMatchObject({ name: 'sp', httpOnly: true, sameSite: 'None', secure: true });
    // The next visit sends it back: the same network user id.
    const second = await visit(`http://localhost:${sitePort}`, 'same-site', false, 1);
    expect(second.failed).toEqual([]);

    const good = await readTopic(
      topics.good,
      3,
      (record) => snowplowOf(record)['aid'] === 'same-site',
    );
    expect(good.map((record) => snowplowOf(record)['nuid'])).toEqual([
      cookie?.value,
      cookie?.value,
      cookie?.value,
    ]);
    const byType = (type: string) => good.filter((r) => r.headers['sift-event-type'] === type);
    const [pageView] = byType('com.snowplowanalytics.snowplow.page_view');
    expect(decodeWireFormat(pageView?.value ?? Buffer.alloc(0)).schemaId).toBe(ids.pageView);
    expect(snowplowOf(pageView)).toMatchObject({ e: 'pv', tna: 'web', p: 'web' });
    expect(entitiesOf(pageView)).toEqual([
      { schemaId: ids.webPage, data: { id: expect.any(String) } },
    ]);
    const [signedUp] = byType('com.acme.signup');
    const value = decodeWireFormat(signedUp?.value ?? Buffer.alloc(0));
    expect(value.schemaId).toBe(ids.signup);
    expect(JSON.parse(value.payload.toString())).toEqual({ method: 'email' });
    const signupEntities = entitiesOf(signedUp);
    expect(signupEntities).toHaveLength(2);
    expect(signupEntities).toEqual(
      expect.arrayContaining([
        { schemaId: ids.user, data: { id: 'u-1' } },
        { schemaId: ids.webPage, data: entitiesOf(pageView)[0]?.data },
      ]),
    );

    const [bad] = (
      await readTopic(topics.bad, 1, (record) => record.value.includes('same-site'))
    ).map((record) => JSON.parse(record.value.toString()) as BadEvent);
    expect(bad).toMatchObject({ kind: 'schema_violation', event: 'com.acme.signup' });
    expect(bad?.errors[0]).toMatchObject({ path: '/method', keyword: 'type' });
    expect(JSON.parse(bad?.payload ?? '{}')).toMatchObject({
      event: { e: 'ue', aid: 'same-site' },
    });
  });

  it('from another site: preflight passes and events arrive; the collector offers the sp cookie, Chromium refuses it as third-party', async () => {
    // 127.0.0.1:<site> and localhost:<collector>: another site to the browser.
    const outcome = await visit(`http://127.0.0.1:${sitePort}`, 'cross-site', true, 3);
    expect(outcome.failed).toEqual([]);
    expect(outcome.sent.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        'OPTIONS /com.snowplowanalytics.snowplow/tp2',
        'POST /com.snowplowanalytics.snowplow/tp2',
      ]),
    );
    expect(outcome.cookies).toEqual([
      expect.stringMatching(
        /^sp=[0-9a-f-]{36}; Max-Age=31536000; Path=\/; SameSite=None; Secure; HttpOnly$/,
      ),
    ]);
    // Chromium blocks third-party cookies by default; the answer's cookie is not stored.
    const stored = await browser.context.cookies(`http://localhost:${collectorPort()}`);
    expect(stored.map((c) => c.name)).not.toContain('sp');

    const good = await readTopic(
      topics.good,
      2,
      (record) => snowplowOf(record)['aid'] === 'cross-site',
    );
    expect(good.map((record) => record.headers['sift-event-type']).sort()).toEqual([
      'com.acme.signup',
      'com.snowplowanalytics.snowplow.page_view',
    ]);
    const bad = await readTopic(topics.bad, 1, (record) => record.value.includes('cross-site'));
    expect(JSON.parse(bad[0]?.value.toString() ?? '{}')).toMatchObject({
      kind: 'schema_violation',
      event: 'com.acme.signup',
    });
  });
});
