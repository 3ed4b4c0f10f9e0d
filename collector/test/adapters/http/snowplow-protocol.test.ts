import request from 'supertest';
import { UpstreamError } from '@sift/common';
import type { RunningServer } from '@sift/common';
import type { EventLog } from '@sift/event-log';
import { ANONYMOUS_NUID, SNOWPLOW_POST_PATH } from '@sift/collector';
import type { RegistryClient } from '@sift/registry-client';
import {
  badEvents,
  goodEvents,
  snowplowCollector,
  startSnowplowRegistry,
} from '../../support/snowplow-setup';

let registry: RunningServer;
let client: RegistryClient;
beforeAll(async () => {
  ({ registry, client } = await startSnowplowRegistry());
});
afterAll(() => registry.close());

const now = () => new Date('2026-12-04T12:00:00.000Z');
const eid = '3c6b2f5e-8f43-4d7a-9a0e-0c1d2e3f4a5b';
const nuid = '9d0e8b1a-1111-4222-8333-444455556666';
const pageView = {
  e: 'pv',
  eid,
  url: 'https://shop.example/',
  aid: 'shop',
  p: 'web',
  tv: 'js-4.1.0',
};
const payloadData = (...data: Record<string, string>[]) => ({
  schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
  data,
});
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Snowplow tracker paths', () => {
  it('answers a tracker POST 200 text/plain ok and sets the sp cookie as Snowplow does', async () => {
    const { app, log } = snowplowCollector(client);
    const answer = await request(app)
      .post(SNOWPLOW_POST_PATH)
      .set('Content-Type', 'application/json; charset=UTF-8')
      .send(payloadData(pageView))
      .expect(200)
      .expect('Content-Type', /^text\/plain/);
    expect(answer.text).toBe('ok');
    const cookie = answer.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(
      /^sp=[0-9a-f-]{36}; Max-Age=31536000; Path=\/; SameSite=None; Secure; HttpOnly$/,
    );
    const [good] = goodEvents(log);
    expect(good?.headers['sift-event-id']).toBe(eid);
    expect(good?.snowplow['nuid']).toBe(cookie.slice(3, 39));
  });

  it('answers GET and HEAD /i and /ice.png with the never-cached GIF', async () => {
    const { app, log } = snowplowCollector(client);
    for (const path of ['/i', '/ice.png']) {
      const answer = await request(app)
        .get(path)
        .query(pageView)
        .expect(200)
        .expect('Content-Type', 'image/gif')
        .expect('Cache-Control', 'no-cache, no-store, must-revalidate');
      expect((answer.body as Buffer).subarray(0, 6).toString()).toBe('GIF89a');
    }
    await request(app)
      .head('/ice.png')
      .query(pageView)
      .expect(200)
      .expect('Content-Type', 'image/gif');
    expect(goodEvents(log)).toHaveLength(3);
  });

  it("keeps Sift's own pixel on /i when e is a dotted event type", async () => {
    const { app, log } = snowplowCollector(client);
    await request(app)
      .get('/i')
      .query({ e: 'com.acme.nothing', d: base64url({ a: 1 }) })
      .expect(200)
      .expect('Cache-Control', 'no-store, max-age=0');
    const [bad] = badEvents(log);
    expect(bad).toMatchObject({ kind: 'unknown_event', event: 'com.acme.nothing' });
    expect(bad?.source.endpoint).toBe('GET /i');
    expect(JSON.parse(bad?.payload ?? '')).toEqual({ event: 'com.acme.nothing', data: { a: 1 } });
  });

  it('answers a preflight from an allowed origin with credentials, SP-Anonymous and max-age 3600', async () => {
    const { app } = snowplowCollector(client, { corsOrigins: ['https://shop.example'] });
    const answer = await request(app)
      .options(SNOWPLOW_POST_PATH)
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .expect(200);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'Content-Type, SP-Anonymous',
      'access-control-max-age': '3600',
    });
    await request(app).options('/i').set('Origin', 'https://evil.example').expect(403);
    const posted = await request(app)
      .post(SNOWPLOW_POST_PATH)
      .set('Origin', 'https://shop.example')
      .send(payloadData(pageView))
      .expect(200);
    expect(posted.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(posted.headers['access-control-allow-credentials']).toBe('true');
  });

  it('takes the network user id from nuid, else the sp cookie, with the configured cookie settings', async () => {
    const { app, log } = snowplowCollector(client, {
      spCookieDays: 30,
      spCookieDomain: '.shop.example',
      spCookieSameSite: 'Lax',
      spCookieSecure: false,
    });
    const fromCookie = await request(app)
      .get('/ice.png')
      .query(pageView)
      .set('Cookie', `other=1; sp=${nuid}`)
      .expect(200);
    expect(fromCookie.headers['set-cookie']?.[0]).toBe(
      `sp=${nuid}; Max-Age=2592000; Path=/; Domain=.shop.example; SameSite=Lax; HttpOnly`,
    );
    const other = '7a7a7a7a-1111-4222-8333-444455556666';
    await request(app)
      .get('/ice.png')
      .query({ ...pageView, nuid: other })
      .set('Cookie', `sp=${nuid}`)
      .expect(200);
    const fresh = await request(app)
      .get('/ice.png')
      .query(pageView)
      .set('Cookie', 'sp=%E0%A4%A')
      .expect(200);
    expect(fresh.headers['set-cookie']?.[0]).toMatch(/^sp=[0-9a-f-]{36};/);
    expect(goodEvents(log).map((event) => event.snowplow['nuid'])).toEqual([
      nuid,
      other,
      fresh.headers['set-cookie']?.[0]?.slice(3, 39),
    ]);
  });

  it('with SP-Anonymous zeroes the network user id, drops the address and expires the cookie', async () => {
    const { app, log } = snowplowCollector(client, { ipAnonymization: 'none' });
    const answer = await request(app)
      .post(SNOWPLOW_POST_PATH)
      .set('SP-Anonymous', '*')
      .set('Cookie', `sp=${nuid}`)
      .send(payloadData(pageView, { ...pageView, e: 'zz', eid: 'not-a-uuid' }))
      .expect(200);
    expect(answer.headers['set-cookie']?.[0]).toMatch(/^sp=; Max-Age=0; Path=\//);
    const [good] = goodEvents(log);
    expect(good?.snowplow['nuid']).toBe(ANONYMOUS_NUID);
    expect(good?.headers['sift-client-ip']).toBeUndefined();
    const [bad] = badEvents(log);
    expect(bad?.source.ip).toBeUndefined();
    // An eid that is not a UUID is replaced by a new one.
    expect(bad?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });

  it('corrects the event time for device clock skew: dtm + (received − stm)', async () => {
    const { app, log } = snowplowCollector(client, {}, now);
    // The device clock runs an hour fast; the event waited 5 s on the device.
    const stm = Date.parse('2026-12-04T13:00:00.000Z');
    await request(app)
      .get('/ice.png')
      .query({ ...pageView, dtm: String(stm - 5000), stm: String(stm) })
      .expect(200);
    expect(goodEvents(log)[0]?.headers['sift-event-time']).toBe('2026-12-04T11:59:55.000Z');
  });

  it('reads ue_px and cx as unpadded base64url and a bad entity names its index, URI and field', async () => {
    const { app, log } = snowplowCollector(client);
    const ue = {
      schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
      data: { schema: 'iglu:com.acme/signup/jsonschema/1-0-0', data: { method: 'sso' } },
    };
    const cx = {
      schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
      data: [
        { schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: { id: 'u' } },
        { schema: 'iglu:com.acme/nowhere/jsonschema/1-0-0', data: {} },
      ],
    };
    await request(app)
      .get('/i')
      .query({ e: 'ue', eid, ue_px: base64url(ue), cx: base64url(cx) })
      .expect(200);
    const [bad] = badEvents(log);
    expect(bad).toMatchObject({ id: eid, kind: 'unknown_event', event: 'com.acme.signup' });
    expect(bad?.errors[0]).toMatchObject({
      path: '/co/data/1/schema',
      value: 'iglu:com.acme/nowhere/jsonschema/1-0-0',
    });
    expect(bad?.errors[0]?.message).toContain('entity 1');
  });

  it('keeps an unknown tracker event code and malformed base64 as bad events with their map', async () => {
    const { app, log } = snowplowCollector(client);
    await request(app)
      .post(SNOWPLOW_POST_PATH)
      .send(payloadData({ e: 'xx', eid }, { e: 'ue', ue_px: '!!!' }))
      .expect(200);
    const [unknown, malformed] = badEvents(log);
    expect(unknown).toMatchObject({ id: eid, kind: 'invalid_envelope' });
    expect(unknown?.errors[0]).toMatchObject({ path: '/e', keyword: 'enum' });
    expect(JSON.parse(unknown?.payload ?? '')).toMatchObject({ event: { e: 'xx', eid } });
    expect(malformed?.errors[0]).toMatchObject({ path: '/ue_px', keyword: 'json' });
  });

  it('answers a POST body that is not payload_data 400 and keeps it as a bad event', async () => {
    const { app, log } = snowplowCollector(client);
    await request(app)
      .post(SNOWPLOW_POST_PATH)
      .set('Content-Type', 'application/json')
      .send('{"not":"payload_data"}')
      .expect(400);
    await request(app)
      .post(SNOWPLOW_POST_PATH)
      .set('Content-Type', 'application/json')
      .send('{oops')
      .expect(400);
    expect(badEvents(log).map((event) => [event.kind, event.payload])).toEqual([
      ['invalid_envelope', '{"not":"payload_data"}'],
      ['malformed_json', '{oops'],
    ]);
  });

  it('answers 503 (a GIF for the pixel) while the event log is down, so trackers retry', async () => {
    const down: EventLog = {
      ensureTopics: async () => undefined,
      append: async () => {
        throw new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', 'Kafka did not accept');
      },
      consume: async () => ({ stop: async () => undefined }),
      close: async () => undefined,
    };
    const { app } = snowplowCollector(client, {}, undefined, down);
    await request(app)
      .get('/ice.png')
      .query(pageView)
      .expect(503)
      .expect('Content-Type', 'image/gif');
    await request(app).post(SNOWPLOW_POST_PATH).send(payloadData(pageView)).expect(503);
  });

  it("counts only the event's own map against the event size limit, not its whole request", async () => {
    const { app, log } = snowplowCollector(client, { maxEventBytes: 1024 });
    const title = 'x'.repeat(300);
    const events = Array.from({ length: 5 }, () => ({ ...pageView, page: title }));
    await request(app)
      .post(SNOWPLOW_POST_PATH)
      .send(payloadData(...events, { ...pageView, page: 'y'.repeat(1100) }))
      .expect(200);
    expect(goodEvents(log)).toHaveLength(5);
    expect(badEvents(log).map((event) => event.kind)).toEqual(['size_violation']);
  });

  it('refuses a POST with more events than the batch limit as one size_violation', async () => {
    const { app, log } = snowplowCollector(client, { maxBatchEvents: 2 });
    await request(app)
      .post(SNOWPLOW_POST_PATH)
      .send(payloadData(pageView, pageView, pageView))
      .expect(400);
    expect(badEvents(log).map((event) => event.kind)).toEqual(['size_violation']);
  });

  it('answers /r/tp2 404 while redirects are off', async () => {
    const { app } = snowplowCollector(client);
    await request(app).get('/r/tp2').query({ u: 'https://shop.example/' }).expect(404);
  });

  it('redirects /r/tp2 only to allowed domains, and records the click as an event', async () => {
    const { app, log } = snowplowCollector(client, { redirectDomains: ['shop.example'] });
    await request(app)
      .get('/r/tp2')
      .query({ u: 'https://www.shop.example/sale', aid: 'mail' })
      .expect(302)
      .expect('Location', 'https://www.shop.example/sale');
    await request(app).get('/r/tp2').query({ u: 'https://evil.example/' }).expect(400);
    await request(app).get('/r/tp2').query({ u: 'javascript:alert(1)' }).expect(400);
    await request(app).get('/r/tp2').expect(400);
    await request(app)
      .get('/r/tp2')
      .query({ u: 'https://shop.example/a\r\nSet-Cookie: x=1' })
      .expect(302)
      .expect('Location', 'https://shop.example/aSet-Cookie:%20x=1');
    // Each click that was redirected is a uri_redirect event (a schema Sift ships).
    expect(badEvents(log)).toEqual([]);
    expect(goodEvents(log).map((good) => [good.headers['sift-event-type'], good.data])).toEqual([
      ['com.snowplowanalytics.snowplow.uri_redirect', { uri: 'https://www.shop.example/sale' }],
      [
        'com.snowplowanalytics.snowplow.uri_redirect',
        { uri: 'https://shop.example/aSet-Cookie:%20x=1' },
      ],
    ]);
  });
});
