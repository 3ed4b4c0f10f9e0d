import express from 'express';
import request from 'supertest';
import { badDocument, goodDocument, SqliteEventStore } from '@sift/sinks';
import type { EventFilter, EventPage } from '@sift/sinks';
import { microIgluRouter, microRouter } from '../../../src/adapters/http/micro-router';
import { badEvent, goodEvent } from '../../support/events';

let store: SqliteEventStore;
let asked: { filter: EventFilter; page: EventPage | undefined }[];
let app: express.Express;

beforeAll(async () => {
  store = new SqliteEventStore({ file: ':memory:' });
  // The two events asked for are the oldest, under 12 000 newer events of another type.
  await store.index([
    goodEvent('wanted-1', { type: 'com.acme.search', version: 2 }),
    goodEvent('wanted-2', { type: 'com.acme.search', version: 2 }),
    goodEvent('old-version', { type: 'com.acme.search', version: 1 }),
  ]);
  for (let batch = 0; batch < 12; batch += 1) {
    await store.index(
      Array.from({ length: 1000 }, (_, i) => goodEvent(`noise-${batch}-${i}`, { version: 2 })),
    );
  }
});

afterAll(() => store.close());

beforeEach(() => {
  asked = [];
  const list = store.list.bind(store);
  app = express();
  app.use(express.json());
  app.use(
    microRouter({
      query: {
        list: (filter, page) => {
          asked.push({ filter, page });
          return list(filter, page);
        },
        get: (id) => store.get(id),
        counts: (filter) => store.counts(filter),
        deleteAll: () => store.deleteAll(),
      },
      reset: { query: store, allowReset: false, guard: {}, resetTimeoutMs: 1000 },
    }),
  );
});

const ids = async (body: object): Promise<string[]> =>
  (await request(app).post('/micro/good').send(body).expect(200)).body.map(
    (event: { rawEvent: { event_id: string } }) => event.rawEvent.event_id,
  );

describe('micro router: /micro/good', () => {
  it('asks the store for the event type and version of a Sift schema key, in one query', async () => {
    expect(await ids({ schema: 'com.acme.search/2' })).toEqual(['wanted-1', 'wanted-2']);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.filter).toEqual({
      verdict: 'good',
      eventType: 'com.acme.search',
      schemaVersion: 2,
    });
  });

  it.each([
    ['an Iglu URI', { schema: 'iglu:com.acme/search/jsonschema/2-0-0' }],
    [
      'an event type and an Iglu URI',
      { event_type: 'com.acme.search', schema: 'iglu:com.acme/search/jsonschema/2-1-0' },
    ],
  ])(
    'asks the store for the event type of %s and keeps its model for events without an Iglu URI, in one query',
    async (_, body) => {
      expect(await ids(body)).toEqual(['wanted-1', 'wanted-2']);
      expect(asked).toHaveLength(1);
      expect(asked[0]?.filter).toEqual({ verdict: 'good', eventType: 'com.acme.search' });
    },
  );

  it('asks the store for a whole event type', async () => {
    expect(await ids({ event_type: 'com.acme.search' })).toEqual([
      'wanted-1',
      'wanted-2',
      'old-version',
    ]);
    expect(asked).toEqual([
      { filter: { verdict: 'good', eventType: 'com.acme.search' }, page: { limit: 1000 } },
    ]);
  });

  it('answers none without reading the store for filters nothing can match', async () => {
    expect(await ids({ schema: 'not a schema' })).toEqual([]);
    expect(await ids({ event_type: 'page_view', schema: 'com.acme.search/2' })).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('reads no further than the first 10 000 events for an event name without vendor', async () => {
    expect(await ids({ event_type: 'page_view', limit: 20 })).toHaveLength(20);
    // The matches lie past the window Elasticsearch allows: not found rather than refused.
    expect(await ids({ event_type: 'search' })).toEqual([]);
    for (const { page } of asked) {
      expect((page?.offset ?? 0) + (page?.limit ?? 100)).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('micro router: Snowplow tracker events in Micro shapes', () => {
  const linkClick = 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1';
  const webPage = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
  let trackerStore: SqliteEventStore;
  let trackerApp: express.Express;

  const trackerEvent = (
    id: string,
    code: string,
    eventType: string,
    data: unknown,
    iglu: { event?: string; contexts?: string[]; version?: number },
    entities?: Record<string, unknown[]>,
  ) => {
    const request = goodDocument(
      {
        'sift-event-id': id,
        'sift-event-type': eventType,
        'sift-schema-id': '3',
        'sift-schema-version': String(iglu.version ?? 1),
        'sift-received-at': new Date().toISOString(),
        'sift-page-url': 'https://shop.example/cart',
        'sift-user-id': 'u-1',
        'sift-snowplow': JSON.stringify({
          e: code,
          aid: 'shop',
          p: 'web',
          duid: 'd-1',
          nuid: 'n-1',
        }),
      },
      data,
      undefined,
      undefined,
      Object.entries(entities ?? {}).flatMap(([key, list]) =>
        list.map((entity, index) => ({
          key,
          data: entity,
          ...(iglu.contexts?.[index] ? { uri: iglu.contexts[index] } : {}),
        })),
      ),
      iglu.event,
    );
    return request;
  };

  beforeAll(async () => {
    trackerStore = new SqliteEventStore({ file: ':memory:' });
    await trackerStore.index([
      trackerEvent(
        'pv-1',
        'pv',
        'com.snowplowanalytics.snowplow.page_view',
        { page_url: 'https://shop.example/cart', page_title: 'Cart' },
        { event: 'iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0' },
      ),
      trackerEvent(
        'se-1',
        'se',
        'com.snowplowanalytics.snowplow.structured_event',
        { category: 'shop', action: 'add' },
        { event: 'iglu:com.snowplowanalytics.snowplow/structured_event/jsonschema/1-0-0' },
      ),
      trackerEvent(
        'lc-0',
        'ue',
        'com.snowplowanalytics.snowplow.link_click',
        { targetUrl: 'https://old.example' },
        { event: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-0' },
      ),
      trackerEvent(
        'lc-1',
        'ue',
        'com.snowplowanalytics.snowplow.link_click',
        { targetUrl: 'https://docs.example' },
        { event: linkClick, contexts: [webPage], version: 2 },
        { com_snowplowanalytics_snowplow_web_page: [{ id: 'page-1' }] },
      ),
      goodEvent('sift-1', { type: 'com.acme.search', version: 1 }),
    ]);
    trackerApp = express();
    trackerApp.use(express.json());
    trackerApp.use(
      microRouter({
        query: trackerStore,
        reset: { query: trackerStore, allowReset: false, guard: {}, resetTimeoutMs: 1000 },
      }),
    );
  });

  afterAll(() => trackerStore.close());

  const good = async (body: object) =>
    (await request(trackerApp).post('/micro/good').send(body).expect(200)).body as {
      eventType: string;
      schema: string;
      contexts: string[];
      rawEvent: { parameters?: Record<string, string>; event_id?: string };
      event: Record<string, unknown>;
    }[];

  it('answers a self-describing event with its Iglu schema, contexts, unstruct_event and canonical fields', async () => {
    const [event, ...rest] = await good({ schema: linkClick });
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventType: 'link_click',
      schema: linkClick,
      contexts: [webPage],
      event: {
        app_id: 'shop',
        platform: 'web',
        event: 'unstruct',
        event_id: 'lc-1',
        event_name: 'link_click',
        event_vendor: 'com.snowplowanalytics.snowplow',
        event_version: '1-0-1',
        page_url: 'https://shop.example/cart',
        user_id: 'u-1',
        domain_userid: 'd-1',
        network_userid: 'n-1',
        unstruct_event: {
          schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
          data: { schema: linkClick, data: { targetUrl: 'https://docs.example' } },
        },
        contexts: {
          schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
          data: [{ schema: webPage, data: { id: 'page-1' } }],
        },
      },
      rawEvent: {
        parameters: { e: 'ue', eid: 'lc-1', aid: 'shop', url: 'https://shop.example/cart' },
      },
    });
  });

  it('matches a schema filter to exactly its SchemaVer for tracker events', async () => {
    const older = await good({
      schema: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-0',
    });
    expect(older.map((event) => event.event['event_id'])).toEqual(['lc-0']);
  });

  it('keeps only events that carry every entity a contexts filter lists', async () => {
    expect((await good({ contexts: [webPage] })).map((event) => event.event['event_id'])).toEqual([
      'lc-1',
    ]);
    expect(await good({ contexts: [webPage, 'iglu:com.acme/other/jsonschema/1-0-0'] })).toEqual([]);
  });

  it.each([
    ['page_view', 'pv-1'],
    ['struct', 'se-1'],
  ])('filters by Micro event_type %s', async (eventType, id) => {
    const events = await good({ event_type: eventType });
    expect(events.map((event) => event.event['event_id'])).toEqual([id]);
    expect(events[0]?.eventType).toBe(eventType);
  });

  it('answers a structured event with se_category and se_action', async () => {
    const [event] = await good({ event_type: 'struct' });
    expect(event?.event).toMatchObject({
      event: 'struct',
      event_name: 'event',
      se_category: 'shop',
      se_action: 'add',
    });
  });

  it("keeps Sift's own events in their shape", async () => {
    const [event] = await good({ event_type: 'com.acme.search' });
    expect(event).toMatchObject({
      eventType: 'com.acme.search',
      schema: 'com.acme.search/1',
      contexts: [],
      rawEvent: { event_id: 'sift-1' },
    });
  });
});

describe('micro router: /micro/iglu', () => {
  const schema = JSON.stringify({
    self: { vendor: 'com.acme', name: 'signup', format: 'jsonschema', version: '1-0-1' },
  });
  const asked: string[] = [];
  const igluApp = express().use(
    microIgluRouter({
      igluSchema: async (uri) => {
        asked.push(uri);
        return uri === 'iglu:com.acme/signup/jsonschema/1-0-1' ? { schema } : undefined;
      },
    }),
  );

  it('answers the registered schema of that SchemaVer as JSON', async () => {
    const response = await request(igluApp)
      .get('/micro/iglu/com.acme/signup/jsonschema/1-0-1')
      .expect(200);
    expect(response.body).toEqual(JSON.parse(schema));
  });

  it('answers 404 for a SchemaVer the registry does not hold, and for a path that is no SchemaVer without asking', async () => {
    await request(igluApp).get('/micro/iglu/com.acme/signup/jsonschema/1-0-2').expect(404);
    asked.length = 0;
    await request(igluApp).get('/micro/iglu/com.acme/signup/jsonschema/latest').expect(404);
    expect(asked).toEqual([]);
  });
});

describe('micro router: bad tracker events in Micro shapes', () => {
  let badStore: SqliteEventStore;
  let badApp: express.Express;
  const trackerMap = {
    e: 'ue',
    eid: 'b-tracker',
    aid: 'shop',
    ue_pr: '{"schema":"iglu:com.acme/signup/jsonschema/1-0-0","data":{}}',
  };

  beforeAll(async () => {
    badStore = new SqliteEventStore({ file: ':memory:' });
    await badStore.index([
      badDocument({
        id: 'b-tracker',
        received_at: new Date().toISOString(),
        stage: 'collector',
        kind: 'schema_violation',
        event: 'com.acme.signup',
        version: 1,
        errors: [
          { path: '/plan', keyword: 'required', message: "must have required property 'plan'" },
        ],
        payload: JSON.stringify({ event: trackerMap, payload_data: { data: [trackerMap] } }),
        source: {
          endpoint: 'POST /com.snowplowanalytics.snowplow/tp2',
          ip: '10.0.0.0',
          user_agent: 'node',
        },
      }),
      badEvent('b-sift', { type: 'com.acme.search', version: 1 }),
    ]);
    badApp = express();
    badApp.use(express.json());
    badApp.use(
      microRouter({
        query: badStore,
        reset: { query: badStore, allowReset: false, guard: {}, resetTimeoutMs: 1000 },
      }),
    );
  });

  afterAll(() => badStore.close());

  const bad = async (body: object) =>
    (await request(badApp).post('/micro/bad').send(body).expect(200)).body as {
      collectorPayload: Record<string, unknown>;
      rawEvent: { api?: unknown; parameters?: Record<string, unknown>; event?: { id: string } };
      errors: string[];
    }[];

  it('answers a bad tracker event with the tracker API and parameters as rawEvent and its errors as text', async () => {
    const [tracker, sift] = await bad({});
    expect(tracker).toMatchObject({
      collectorPayload: { path: 'POST /com.snowplowanalytics.snowplow/tp2', ipAddress: '10.0.0.0' },
      rawEvent: {
        api: { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' },
        parameters: trackerMap,
      },
      errors: ["must have required property 'plan'"],
    });
    expect(sift?.rawEvent.event?.id).toBe('b-sift');
  });

  it.each([
    [
      'the tracker API vendor and version',
      { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' },
    ],
    ['the tracker API version', { version: 'tp2' }],
  ])('keeps only bad tracker events for %s, as Micro users filter', async (_, body) => {
    const events = await bad(body);
    expect(events.map((event) => event.rawEvent.parameters?.['eid'])).toEqual(['b-tracker']);
  });
});
