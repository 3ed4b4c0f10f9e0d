import express from 'express';
import request from 'supertest';
import { SqliteEventStore } from '@sift/sinks';
import type { EventFilter, EventPage } from '@sift/sinks';
import { microRouter } from '../../../src/adapters/http/micro-router';
import { goodEvent } from '../../support/events';

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
  it.each([
    ['an Iglu URI', { schema: 'iglu:com.acme/search/jsonschema/2-0-0' }],
    ['a Sift schema key', { schema: 'com.acme.search/2' }],
    [
      'an event type and an Iglu URI',
      { event_type: 'com.acme.search', schema: 'iglu:com.acme/search/jsonschema/2-1-0' },
    ],
  ])('asks the store for the event type and version of %s, in one query', async (_, body) => {
    expect(await ids(body)).toEqual(['wanted-1', 'wanted-2']);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.filter).toEqual({
      verdict: 'good',
      eventType: 'com.acme.search',
      schemaVersion: 2,
    });
  });

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
