import express from 'express';
import request from 'supertest';
import { createLogger } from '@sift/common';
import { buildConsoleApp } from '@sift/console';
import { SqliteEventStore } from '@sift/sinks';
import { badEvent, goodEvent } from '../../support/events';

let store: SqliteEventStore;
let recovered: number;

/** The console app on a full store, with a stand-in UI route that changes state. */
function consoleApp(
  config: { allowedHosts?: string[]; allowedOrigins?: string[]; host?: string } = {},
) {
  const ui = express.Router();
  ui.post('/ui/api/bad-events/recover', (_req, res) => {
    recovered++;
    res.json({ recovered: 1 });
  });
  return buildConsoleApp(
    { maxWaitMs: 1000, allowReset: true, ...config },
    { query: store, logger: createLogger('test', 'silent'), routers: [ui] },
  );
}

beforeEach(async () => {
  store = new SqliteEventStore({ file: ':memory:' });
  await store.index([goodEvent('g1'), badEvent('b1')]);
  recovered = 0;
});

afterEach(() => store.close());

const full = { total: 2, good: 1, bad: 1 };

describe('console: requests from web pages of other sites', () => {
  it('refuses the GET an <img src=…/micro/reset> on another site sends, and keeps the store', async () => {
    const answer = await request(consoleApp())
      .get('/micro/reset')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Sec-Fetch-Mode', 'no-cors')
      .set('Sec-Fetch-Dest', 'image')
      .set('Referer', 'http://evil.example/')
      .expect(403);
    expect(answer.body.error.code).toBe('SIFT_REQUEST_FORBIDDEN');
    expect(answer.body.error.message).toMatch(/web page/);
    expect(await store.counts()).toEqual(full);
  });

  it('refuses an <img> reset from an old browser that sends only a Referer', async () => {
    await request(consoleApp())
      .get('/MICRO/reset/')
      .set('Referer', 'http://evil.example/page')
      .expect(403);
    expect(await store.counts()).toEqual(full);
  });

  it('refuses a text/plain cross-site POST to every reset path', async () => {
    const app = consoleApp();
    for (const [method, path] of [
      ['post', '/api/reset'],
      ['post', '/micro/reset'],
      ['delete', '/api/events'],
    ] as const) {
      const agent = request(app);
      const answer = await agent[method](path)
        .set('Origin', 'http://evil.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Content-Type', 'text/plain')
        .send('{}')
        .expect(403);
      expect(answer.body.error.code).toBe('SIFT_REQUEST_FORBIDDEN');
    }
    expect(await store.counts()).toEqual(full);
  });

  it('refuses a page on another port of the same host (same-site), unless its origin is allowed', async () => {
    const page = (app: express.Express) =>
      request(app)
        .post('/api/reset')
        .set('Origin', 'http://localhost:3000')
        .set('Sec-Fetch-Site', 'same-site')
        .set('Content-Type', 'text/plain');
    await page(consoleApp()).expect(403);
    expect(await store.counts()).toEqual(full);
    await page(consoleApp({ allowedOrigins: ['http://localhost:3000'] })).expect(200);
    expect((await store.counts()).total).toBe(0);
  });

  it('refuses state changes of the UI (recovery) from another site, and lets the console UI itself do them', async () => {
    const app = consoleApp();
    await request(app)
      .post('/ui/api/bad-events/recover')
      .set('Origin', 'http://evil.example')
      .send({ ids: ['b1'] })
      .expect(403);
    expect(recovered).toBe(0);
    await request(app)
      .post('/ui/api/bad-events/recover')
      .set('Host', '127.0.0.1:8082')
      .set('Origin', 'http://127.0.0.1:8082')
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ ids: ['b1'] })
      .expect(200);
    expect(recovered).toBe(1);
  });

  it('lets reads from other sites through: they change nothing', async () => {
    await request(consoleApp())
      .get('/api/counts')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'http://evil.example')
      .expect(200);
  });
});

describe('console: DNS rebinding', () => {
  it('refuses a Host that is none of its names, for reads and resets alike', async () => {
    const app = consoleApp();
    const read = await request(app).get('/api/events').set('Host', 'evil.example:8082').expect(403);
    expect(read.body.error.code).toBe('SIFT_REQUEST_FORBIDDEN');
    expect(read.body.error.message).toMatch(/host name/);
    // After rebinding, the page is same-origin with the name it rebound.
    await request(app)
      .post('/micro/reset')
      .set('Host', 'evil.example:8082')
      .set('Origin', 'http://evil.example:8082')
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(403);
    await request(app).get('/micro/reset').set('Host', 'evil.example').expect(403);
    expect(await store.counts()).toEqual(full);
  });

  it('answers to localhost, loopback and other addresses, the bind host and the allowed names', async () => {
    const app = consoleApp({ host: 'sift.internal', allowedHosts: ['console.example'] });
    for (const host of [
      'localhost:8082',
      '127.0.0.1:8082',
      '[::1]:8082',
      '10.1.2.3',
      'app.localhost:8082',
      'sift.internal:8082',
      'CONSOLE.example',
    ]) {
      await request(app).get('/api/counts').set('Host', host).expect(200);
    }
    await request(app).get('/api/counts').set('Host', 'other.example').expect(403);
  });

  it('answers to any name when the allowed hosts hold *', async () => {
    await request(consoleApp({ allowedHosts: ['*'] }))
      .get('/api/counts')
      .set('Host', 'evil.example')
      .expect(200);
  });
});

describe('console: clients that are not browsers', () => {
  it('resets for curl, test suites and Micro clients (no Origin, no Sec-Fetch-*)', async () => {
    const app = consoleApp();
    await request(app).get('/micro/reset').expect(200);
    expect((await store.counts()).total).toBe(0);
    await store.index([goodEvent('g2')]);
    const answer = await request(app)
      .post('/api/reset')
      .set('Content-Type', 'text/plain')
      .send('')
      .expect(200);
    expect(answer.body).toEqual({ total: 0, good: 0, bad: 0 });
  });

  it('resets from an address typed in the browser (Sec-Fetch-Site: none)', async () => {
    await request(consoleApp()).get('/micro/reset').set('Sec-Fetch-Site', 'none').expect(200);
    expect((await store.counts()).total).toBe(0);
  });
});
