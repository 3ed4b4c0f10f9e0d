import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPageView, buildSelfDescribingEvent, newTracker } from '@snowplow/node-tracker';
import { buildCli, freePorts, startSiftUp } from '../../cli/test/support/sift-process';
import type { SiftProcess } from '../../cli/test/support/sift-process';

// A suite as a Snowplow Micro user writes it: reset, send with Snowplow's own tracker, ask
// `/micro/good` for one schema and read the canonical enriched event, against `sift up`.

const linkClick = 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1';
const webPage = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';

interface MicroGoodEvent {
  eventType: string;
  schema: string;
  contexts: string[];
  rawEvent: { parameters: Record<string, string> };
  event: {
    app_id: string;
    event_id: string;
    event_name: string;
    page_url?: string;
    unstruct_event?: { schema: string; data: { schema: string; data: Record<string, unknown> } };
    contexts?: { schema: string; data: { schema: string; data: Record<string, unknown> }[] };
  };
}

let sift: SiftProcess;
let dataDir: string;
let micro: string;

beforeAll(async () => {
  buildCli();
  dataDir = await mkdtemp(join(tmpdir(), 'sift-micro-user-'));
  sift = await startSiftUp({ dataDir, ports: await freePorts() });
  micro = `http://127.0.0.1:${sift.ports.console}/micro`;
}, 300_000);

afterAll(async () => {
  await sift?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${micro}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Asks `/micro/all` again until `total` events are stored, as Micro users' helpers do. */
async function stored(total: number): Promise<{ total: number; good: number; bad: number }> {
  for (;;) {
    const counts = (await (await fetch(`${micro}/all`)).json()) as { total: number };
    if (counts.total >= total) return counts as { total: number; good: number; bad: number };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('finds a link click by its schema in /micro/good with its unstruct_event, entity and app_id', async () => {
  expect(await (await fetch(`${micro}/reset`)).json()).toEqual({ total: 0, good: 0, bad: 0 });

  const tracker = newTracker(
    { namespace: 'micro-user', appId: 'shop', encodeBase64: true },
    { endpoint: `http://127.0.0.1:${sift.ports.collector}`, eventMethod: 'post', bufferSize: 1 },
  );
  tracker.track(buildPageView({ pageUrl: 'https://shop.example/cart', pageTitle: 'Cart' }));
  tracker.track(
    buildSelfDescribingEvent({
      event: { schema: linkClick, data: { targetUrl: 'https://docs.example/start' } },
    }),
    [{ schema: webPage, data: { id: '0a6c5c8e-6f7e-4b1e-9f9e-1f2d3c4b5a69' } }],
  );
  await tracker.flush();

  const counts = await stored(2);
  // A bad event would show its errors here.
  expect([counts, counts.bad === 0 ? [] : await post('/bad', {})]).toEqual([
    { total: 2, good: 2, bad: 0 },
    [],
  ]);
  const [click, ...others] = await post<MicroGoodEvent[]>('/good', { schema: linkClick });
  expect(others).toEqual([]);
  expect(click?.event.unstruct_event?.data.data['targetUrl']).toBe('https://docs.example/start');
  expect(click?.event.unstruct_event?.data.schema).toBe(linkClick);
  expect(click?.contexts).toEqual([webPage]);
  expect(click?.event.contexts?.data).toEqual([
    { schema: webPage, data: { id: '0a6c5c8e-6f7e-4b1e-9f9e-1f2d3c4b5a69' } },
  ]);
  expect(click?.event.app_id).toBe('shop');
  expect(click).toMatchObject({ eventType: 'link_click', schema: linkClick });
  expect(click?.rawEvent.parameters['e']).toBe('ue');

  const [pageView] = await post<MicroGoodEvent[]>('/good', { event_type: 'page_view' });
  expect(pageView?.event).toMatchObject({
    app_id: 'shop',
    event_name: 'page_view',
    page_url: 'https://shop.example/cart',
  });
}, 120_000);

it('serves a registered schema at /micro/iglu and 404 for one the registry does not hold', async () => {
  const found = await fetch(
    `${micro}/iglu/com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1`,
  );
  expect(found.status).toBe(200);
  expect(((await found.json()) as { self: unknown }).self).toEqual({
    vendor: 'com.snowplowanalytics.snowplow',
    name: 'link_click',
    format: 'jsonschema',
    version: '1-0-1',
  });
  const missing = await fetch(
    `${micro}/iglu/com.snowplowanalytics.snowplow/link_click/jsonschema/9-9-9`,
  );
  expect(missing.status).toBe(404);
});

it('lists a link click without its targetUrl in /micro/bad under the tracker API, with its parameters and errors', async () => {
  await fetch(`${micro}/reset`);
  const tracker = newTracker(
    { namespace: 'micro-user', appId: 'shop', encodeBase64: false },
    { endpoint: `http://127.0.0.1:${sift.ports.collector}`, eventMethod: 'post', bufferSize: 1 },
  );
  tracker.track(buildSelfDescribingEvent({ event: { schema: linkClick, data: {} } }));
  await tracker.flush();
  await stored(1);
  const bad = await post<
    { rawEvent: { api: unknown; parameters: Record<string, string> }; errors: string[] }[]
  >('/bad', { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' });
  expect(bad).toHaveLength(1);
  expect(bad[0]?.rawEvent.api).toEqual({
    vendor: 'com.snowplowanalytics.snowplow',
    version: 'tp2',
  });
  expect(bad[0]?.rawEvent.parameters).toMatchObject({ e: 'ue', aid: 'shop' });
  expect(bad[0]?.rawEvent.parameters['ue_pr']).toContain(linkClick);
  expect(bad[0]?.errors.join(' ')).toContain('targetUrl');
});
