import express from 'express';
import request from 'supertest';
import { createLogger } from '@sift/common';
import { buildConsoleApp } from '@sift/console';
import { SqliteEventStore } from '@sift/sinks';
import { badEvent, goodEvent } from './support/events';

let store: SqliteEventStore;
let app: express.Express;

beforeEach(() => {
  store = new SqliteEventStore({ file: ':memory:' });
  app = buildConsoleApp(
    { maxWaitMs: 5000 },
    { query: store, logger: createLogger('test', 'silent') },
  );
});

afterEach(async () => {
  await store.close();
});

const later = (ms: number, action: () => Promise<unknown>) =>
  new Promise<void>((resolve) => setTimeout(() => void action().then(() => resolve()), ms));

describe('test API', () => {
  it('lists events newest first, filtered by test id, verdict, event type, version and kind', async () => {
    await store.index([
      goodEvent('g1', { testId: 'run-1' }),
      goodEvent('g2', { type: 'com.acme.search', version: 2, testId: 'run-1' }),
      badEvent('b1', { testId: 'run-1', kind: 'unknown_event' }),
      goodEvent('g3', { testId: 'run-2' }),
    ]);
    const ids = async (query: string) =>
      (await request(app).get(`/api/events?${query}`).expect(200)).body.events.map(
        (event: { id: string }) => event.id,
      );
    expect(await ids('test_id=run-1')).toEqual(['b1', 'g2', 'g1']);
    expect(await ids('test_id=run-1&verdict=good')).toEqual(['g2', 'g1']);
    expect(await ids('event=com.acme.search')).toEqual(['g2']);
    expect(await ids('version=2')).toEqual(['g2']);
    expect(await ids('kind=unknown_event')).toEqual(['b1']);
    expect(await ids('limit=2&offset=1&order=oldest')).toEqual(['g2', 'b1']);
    const { body } = await request(app).get('/api/events?test_id=run-2').expect(200);
    expect(body).toMatchObject({
      total: 1,
      events: [
        {
          id: 'g3',
          verdict: 'good',
          event: 'com.acme.page_view',
          version: 1,
          test_id: 'run-2',
          document: { data: { com_acme_page_view: { path: '/g3' } } },
        },
      ],
    });
  });

  it('answers one event by id, and 404 with a code for an unknown id', async () => {
    await store.index([badEvent('b1')]);
    const { body } = await request(app).get('/api/events/b1').expect(200);
    expect(body).toMatchObject({ id: 'b1', verdict: 'bad', kind: 'schema_violation' });
    expect(body.document.failure.errors[0].path).toBe('/path');
    const missing = await request(app).get('/api/events/nope').expect(404);
    expect(missing.body.error.code).toBe('SIFT_EVENT_NOT_FOUND');
  });

  it('holds a get by id until the event is stored when given timeout_ms', async () => {
    const arriving = later(100, () => store.index([goodEvent('late')]));
    const { body } = await request(app).get('/api/events/late?timeout_ms=3000').expect(200);
    expect(body.id).toBe('late');
    await arriving;
  });

  it('counts by verdict and resets to nothing', async () => {
    await store.index([goodEvent('g1', { testId: 't' }), goodEvent('g2'), badEvent('b1')]);
    expect((await request(app).get('/api/counts').expect(200)).body).toEqual({
      total: 3,
      good: 2,
      bad: 1,
    });
    expect((await request(app).get('/api/counts?test_id=t').expect(200)).body).toEqual({
      total: 1,
      good: 1,
      bad: 0,
    });
    expect((await request(app).post('/api/reset').expect(200)).body).toEqual({
      total: 0,
      good: 0,
      bad: 0,
    });
    expect((await request(app).get('/api/counts').expect(200)).body.total).toBe(0);
  });

  it('holds a wait until a matching event is stored, ignoring events that do not match', async () => {
    const arriving = later(50, async () => {
      await store.index([goodEvent('other', { testId: 'someone-else' })]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.index([badEvent('mine', { testId: 'me' })]);
    });
    const started = Date.now();
    const { body } = await request(app).get('/api/wait?test_id=me&timeout_ms=4000').expect(200);
    expect(body.total).toBe(1);
    expect(body.events[0]).toMatchObject({ id: 'mine', verdict: 'bad', test_id: 'me' });
    // It answered on the store's news, long before its timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    await arriving;
  });

  it('waits for as many events as count asks', async () => {
    await store.index([goodEvent('a', { testId: 'c' })]);
    const arriving = later(50, () => store.index([goodEvent('b', { testId: 'c' })]));
    const { body } = await request(app)
      .get('/api/wait?test_id=c&count=2&timeout_ms=4000')
      .expect(200);
    expect(body.events.map((event: { id: string }) => event.id)).toEqual(['b', 'a']);
    await arriving;
  });

  it('answers a wait that ends without a match with 408, the code and what did arrive', async () => {
    await store.index([goodEvent('a', { testId: 'x' })]);
    const { body } = await request(app)
      .get('/api/wait?test_id=x&count=2&timeout_ms=100')
      .expect(408);
    expect(body.error.code).toBe('SIFT_WAIT_TIMED_OUT');
    expect(body.total).toBe(1);
  });

  it('refuses malformed filters and a timeout past the limit with 400', async () => {
    for (const query of [
      'verdict=maybe',
      'version=two',
      'since=yesterday',
      'limit=0',
      'test_id=a&test_id=b',
    ]) {
      const { body } = await request(app).get(`/api/events?${query}`).expect(400);
      expect(body.error.code).toBe('SIFT_REQUEST_INVALID');
    }
    await request(app).get('/api/wait?timeout_ms=999999').expect(400);
  });
});

describe('Snowplow Micro paths', () => {
  beforeEach(async () => {
    await store.index([
      goodEvent('g1', { type: 'com.acme.page_view', version: 1 }),
      goodEvent('g2', { type: 'com.acme.checkout_completed', version: 2 }),
      goodEvent('g3', { type: 'com.acme.page_view', version: 2 }),
      badEvent('b1', { type: 'com.acme.page_view', version: 1 }),
      badEvent('b2', { type: 'org.other.thing', version: 3 }),
    ]);
  });

  it('counts everything on /micro/all', async () => {
    for (const method of ['get', 'post'] as const) {
      expect((await request(app)[method]('/micro/all').expect(200)).body).toEqual({
        total: 5,
        good: 3,
        bad: 2,
      });
    }
  });

  it('lists good events in Micro shape, oldest first, filtered by event_type, schema and limit', async () => {
    const all = (await request(app).get('/micro/good').expect(200)).body;
    expect(all).toHaveLength(3);
    expect(all[0]).toEqual({
      rawEvent: expect.objectContaining({ event_id: 'g1', data: { path: '/g1' } }),
      event: expect.objectContaining({ event: expect.objectContaining({ id: 'g1' }) }),
      eventType: 'com.acme.page_view',
      schema: 'com.acme.page_view/1',
      contexts: [],
    });
    const ids = async (body: object) =>
      (await request(app).post('/micro/good').send(body).expect(200)).body.map(
        (event: { rawEvent: { event_id: string } }) => event.rawEvent.event_id,
      );
    expect(await ids({ event_type: 'page_view' })).toEqual(['g1', 'g3']);
    expect(await ids({ event_type: 'com.acme.checkout_completed' })).toEqual(['g2']);
    expect(await ids({ schema: 'iglu:com.acme/page_view/jsonschema/2-0-0' })).toEqual(['g3']);
    expect(await ids({ schema: 'com.acme.page_view/1' })).toEqual(['g1']);
    expect(await ids({ limit: 2 })).toEqual(['g2', 'g3']);
    expect(await ids({ contexts: ['iglu:com.acme/user/jsonschema/1-0-0'] })).toEqual([]);
  });

  it('lists bad events in Micro shape with their errors as text, filtered by vendor and version', async () => {
    const all = (await request(app).get('/micro/bad').expect(200)).body;
    expect(all).toHaveLength(2);
    expect(all[0]).toEqual({
      collectorPayload: expect.objectContaining({
        path: 'POST /v1/events',
        userAgent: 'jest',
        body: expect.stringContaining('"path":42'),
      }),
      rawEvent: expect.objectContaining({
        failure: expect.objectContaining({ kind: 'schema_violation' }),
      }),
      errors: ['/path must be string, got 42'],
    });
    const ids = async (body: object) =>
      (await request(app).post('/micro/bad').send(body).expect(200)).body.map(
        (event: { rawEvent: { event: { id: string } } }) => event.rawEvent.event.id,
      );
    expect(await ids({ vendor: 'com.acme' })).toEqual(['b1']);
    expect(await ids({ version: 3 })).toEqual(['b2']);
    expect(await ids({ limit: 1 })).toEqual(['b2']);
  });

  it('empties the store on /micro/reset and answers zero counts', async () => {
    expect((await request(app).get('/micro/reset').expect(200)).body).toEqual({
      total: 0,
      good: 0,
      bad: 0,
    });
    expect((await request(app).get('/micro/good').expect(200)).body).toEqual([]);
  });
});

describe('console app', () => {
  it('refuses to reset when reset is off, and keeps every event', async () => {
    await store.index([goodEvent('kept')]);
    const guarded = buildConsoleApp(
      { maxWaitMs: 1000, allowReset: false },
      { query: store, logger: createLogger('test', 'silent') },
    );
    for (const path of ['/api/reset', '/micro/reset']) {
      const { body } = await request(guarded).post(path).expect(403);
      expect(body.error.code).toBe('SIFT_CONSOLE_RESET_DISABLED');
    }
    await request(guarded).delete('/api/events').expect(403);
    expect(await store.counts()).toEqual({ total: 1, good: 1, bad: 0 });
  });

  it('answers a body past the limit 413 and a charset it cannot read 415, never a 500', async () => {
    const big = await request(app)
      .post('/micro/good')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ event_type: 'x'.repeat(70_000) }))
      .expect(413);
    expect(big.body.error.code).toBe('SIFT_REQUEST_TOO_LARGE');
    const charset = await request(app)
      .post('/micro/bad')
      .set('content-type', 'application/json; charset=klingon')
      .send('{}')
      .expect(415);
    expect(charset.body.error.code).toBe('SIFT_REQUEST_INVALID');
  });

  it('passes requests it does not serve to the routers mounted after it, such as the UI', async () => {
    const ui = express.Router();
    ui.get('/', (_req, res) => {
      res.send('console UI');
    });
    const withUi = buildConsoleApp(
      { maxWaitMs: 1000 },
      { query: store, logger: createLogger('test', 'silent'), routers: [ui] },
    );
    expect((await request(withUi).get('/').expect(200)).text).toBe('console UI');
    await request(withUi).get('/api/counts').expect(200);
    await request(withUi).get('/healthz').expect(200);
  });
});
