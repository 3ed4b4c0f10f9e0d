import {
  buildPageView,
  buildSelfDescribingEvent,
  buildStructEvent,
  newTracker,
} from '@snowplow/node-tracker';
import { listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import type { MemoryEventLog } from '@sift/event-log';
import type { RegistryClient } from '@sift/registry-client';
import {
  badEvents,
  goodEvents,
  snowplowCollector,
  startSnowplowRegistry,
} from '../../support/snowplow-setup';

let registry: RunningServer;
let client: RegistryClient;
let schemaIds: Record<string, number>;

beforeAll(async () => {
  ({ registry, client } = await startSnowplowRegistry());
  const idOf = async (subject: string, version: number) =>
    (await client.version(subject, version)).id;
  schemaIds = {
    pageView: await idOf('com.snowplowanalytics.snowplow.page_view', 1),
    signup100: await idOf('com.acme.signup', 1),
    signup101: await idOf('com.acme.signup', 2),
    user: await idOf('com.acme.user', 1),
    device: await idOf('com.acme.device', 1),
  };
});
afterAll(() => registry.close());

/** A listening collector over an in-memory log, and an unmodified node tracker pointed at it. */
async function trackerAgainstCollector(
  eventMethod: 'post' | 'get',
  encodeBase64: boolean,
): Promise<{
  log: MemoryEventLog;
  tracker: ReturnType<typeof newTracker>;
  collector: RunningServer;
}> {
  const { app, log } = snowplowCollector(client);
  const collector = await listen(app, 0, '127.0.0.1');
  const tracker = newTracker(
    { namespace: 'sift-test', appId: 'shop', encodeBase64 },
    { endpoint: collector.url, eventMethod, bufferSize: 1 },
  );
  return { log, tracker, collector };
}

const signup = (version: string, data: Record<string, unknown>) =>
  buildSelfDescribingEvent({
    event: { schema: `iglu:com.acme/signup/jsonschema/${version}`, data },
  });

describe.each([
  ['post', true],
  ['post', false],
  ['get', true],
  ['get', false],
] as const)('the Snowplow node tracker by %s, base64 %s', (eventMethod, encodeBase64) => {
  let log: MemoryEventLog;
  let tracker: ReturnType<typeof newTracker>;
  let collector: RunningServer;
  beforeAll(async () => {
    ({ log, tracker, collector } = await trackerAgainstCollector(eventMethod, encodeBase64));
    tracker.setUserId('user-7');
    tracker.track(buildPageView({ pageUrl: 'https://shop.example/cart', pageTitle: 'Cart' }));
    tracker.track(buildStructEvent({ category: 'shop', action: 'add', label: 'sku-1', value: 2 }));
    tracker.track(signup('1-0-1', { method: 'email', plan: 'free' }), [
      { schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: { id: 'u-1' } },
      { schema: 'iglu:com.acme/device/jsonschema/1-0-0', data: { model: 'pixel' } },
    ]);
    tracker.track(
      buildSelfDescribingEvent({
        event: { schema: 'iglu:com.acme/unregistered/jsonschema/1-0-0', data: { a: 1 } },
      }),
    );
    tracker.track(signup('1-0-0', { method: 'email' }), [
      { schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: { id: 42 } },
    ]);
    tracker.track(signup('1-0-0', { method: 7 }));
    tracker.track(signup('1-0-2', { method: 'email' }));
    await tracker.flush();
  });
  afterAll(() => collector.close());

  it('writes a page view, a structured event and a self-describing event with two entities as good events', () => {
    const good = goodEvents(log);
    expect(good.map((event) => event.headers['sift-event-type'])).toEqual([
      'com.snowplowanalytics.snowplow.page_view',
      'com.snowplowanalytics.snowplow.structured_event',
      'com.acme.signup',
    ]);
    const [pageView, structured, signedUp] = good;
    expect(pageView?.schemaId).toBe(schemaIds['pageView']);
    expect(pageView?.data).toEqual({ page_url: 'https://shop.example/cart', page_title: 'Cart' });
    expect(pageView?.headers['sift-user-id']).toBe('user-7');
    expect(pageView?.headers['sift-page-url']).toBe('https://shop.example/cart');
    expect(pageView?.snowplow).toMatchObject({ e: 'pv', aid: 'shop', p: 'srv', tna: 'sift-test' });
    expect(pageView?.snowplow['tv']).toMatch(/^node-/);
    expect(structured?.data).toEqual({ category: 'shop', action: 'add', label: 'sku-1', value: 2 });
    // Exactly the SchemaVer sent: 1-0-1 is the subject's version 2.
    expect(signedUp?.schemaId).toBe(schemaIds['signup101']);
    expect(signedUp?.headers['sift-schema-version']).toBe('2');
    expect(signedUp?.data).toEqual({ method: 'email', plan: 'free' });
    expect(signedUp?.entities).toEqual([
      { schemaId: schemaIds['user'], data: { id: 'u-1' } },
      { schemaId: schemaIds['device'], data: { model: 'pixel' } },
    ]);
  });

  it('gives an unregistered schema, an invalid entity, a wrong field and an unknown SchemaVer each their bad event', () => {
    const bad = badEvents(log);
    expect(bad.map((event) => [event.event, event.kind])).toEqual([
      ['com.acme.unregistered', 'unknown_event'],
      ['com.acme.signup', 'schema_violation'],
      ['com.acme.signup', 'schema_violation'],
      ['com.acme.signup', 'unknown_version'],
    ]);
    const [, entity, wrongField, unknownVersion] = bad;
    expect(entity?.errors[0]).toMatchObject({ path: '/co/data/0/data/id', keyword: 'type' });
    expect(entity?.errors[0]?.message).toContain('entity 0 (iglu:com.acme/user/jsonschema/1-0-0)');
    expect(wrongField?.version).toBe(1);
    expect(wrongField?.errors[0]).toMatchObject({ path: '/method', keyword: 'type' });
    expect(unknownVersion?.errors[0]?.message).toContain('1-0-2');
    // Each keeps the tracker's own map of the event (and the POST's payload_data).
    for (const event of bad) {
      const payload = JSON.parse(event.payload) as Record<string, unknown>;
      const map = (eventMethod === 'post' ? payload['event'] : payload) as Record<string, string>;
      expect(map['e']).toBe('ue');
      expect(map[encodeBase64 ? 'ue_px' : 'ue_pr']).toBeDefined();
      if (eventMethod === 'post') {
        expect((payload['payload_data'] as { data: unknown[] }).data).toContainEqual(map);
      }
    }
  });

  it('keeps the tracker event id as the Sift event id', () => {
    for (const event of badEvents(log)) {
      const payload = JSON.parse(event.payload) as Record<string, unknown>;
      const map = (eventMethod === 'post' ? payload['event'] : payload) as Record<string, string>;
      expect(event.id).toBe(map['eid']);
    }
  });
});
