import { deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { buildCollectorApp } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { pageViewSchemas } from '../../support/page-view-schemas';

const schemas = pageViewSchemas;
const logger = createLogger('inputs-test', 'silent');

function setup(extra: Record<string, unknown> = {}) {
  const log = new MemoryEventLog();
  const app = buildCollectorApp(
    {
      maxBodyBytes: 4096,
      goodTopic: GOOD_TOPIC,
      badTopic: BAD_TOPIC,
      corsOrigins: ['https://shop.example'],
      maxBatchEvents: 5,
      maxEventBytes: 512,
      ...extra,
    },
    { schemas, log, logger },
  );
  const bad = () => log.records(BAD_TOPIC).map((r) => JSON.parse(r.value.toString()) as BadEvent);
  return { app, log, bad };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('GET /i pixel', () => {
  it('answers a 1×1 GIF and records a valid event with the embedding page', async () => {
    const { app, log } = setup();
    const answer = await request(app)
      .get(`/i?e=com.acme.page_view&v=1&d=${b64({ path: '/pricing' })}`)
      .set('Referer', 'https://shop.example/pricing')
      .expect(200);
    expect(answer.headers['content-type']).toBe('image/gif');
    expect(answer.headers['cache-control']).toContain('no-store');
    expect(answer.body.subarray(0, 6).toString()).toBe('GIF89a');
    const [record] = log.records(GOOD_TOPIC);
    expect(record?.headers?.['sift-page-url']).toBe('https://shop.example/pricing');
  });

  it('still answers the GIF, and keeps a bad event, for data that is not base64url JSON', async () => {
    const { app, bad } = setup();
    const answer = await request(app).get('/i?e=com.acme.page_view&d=%%%not-json').expect(200);
    expect(answer.headers['content-type']).toBe('image/gif');
    expect(bad()).toEqual([
      expect.objectContaining({
        kind: 'malformed_json',
        payload: 'e=com.acme.page_view&d=%%%not-json',
      }),
    ]);
  });

  it('records a pixel without an event type, or with data that breaks the schema, as bad', async () => {
    const { app, bad } = setup();
    await request(app)
      .get(`/i?d=${b64({ path: '/' })}`)
      .expect(200);
    await request(app)
      .get(`/i?e=com.acme.page_view&d=${b64({ path: 7 })}`)
      .expect(200);
    expect(bad().map((event) => event.kind)).toEqual(['invalid_envelope', 'schema_violation']);
  });
});

describe('test ids', () => {
  it('tags good and bad events with the X-Sift-Test-Id header', async () => {
    const { app, log, bad } = setup();
    await request(app)
      .post('/v1/events')
      .set('X-Sift-Test-Id', ' checkout-suite-7 ')
      .send({
        events: [
          { event: 'com.acme.page_view', data: { path: '/' } },
          { event: 'com.acme.page_view', data: { path: 1 } },
          { event: 'com.acme.nope', data: {} },
        ],
      })
      .expect(200);
    expect(log.records(GOOD_TOPIC).map((r) => r.headers?.['sift-test-id'])).toEqual([
      'checkout-suite-7',
    ]);
    expect(bad().map((event) => event.test_id)).toEqual(['checkout-suite-7', 'checkout-suite-7']);
  });

  it("takes an event's context.test_id when the request has no header", async () => {
    const { app, log, bad } = setup();
    await request(app)
      .post('/v1/events')
      .send({
        events: [
          { event: 'com.acme.page_view', context: { test_id: 'a' }, data: { path: '/' } },
          { event: 'com.acme.page_view', data: { path: '/' } },
          { event: 'com.acme.page_view', context: { test_id: 'b' }, data: {} },
        ],
      })
      .expect(200);
    const good = log.records(GOOD_TOPIC);
    expect(good.map((r) => r.headers?.['sift-test-id'])).toEqual(['a', undefined]);
    expect(bad().map((event) => event.test_id)).toEqual(['b']);
  });

  it('keeps the header test id on a body that is not JSON, and reads tid on a pixel', async () => {
    const { app, log, bad } = setup();
    await request(app)
      .post('/v1/events')
      .set('X-Sift-Test-Id', 'broken-body')
      .type('text/plain')
      .send('{nope')
      .expect(400);
    await request(app)
      .get(`/i?e=com.acme.page_view&tid=pixel-run&d=${b64({ path: '/p' })}`)
      .expect(200);
    expect(bad().map((event) => [event.kind, event.test_id])).toEqual([
      ['malformed_json', 'broken-body'],
    ]);
    expect(log.records(GOOD_TOPIC)[0]?.headers?.['sift-test-id']).toBe('pixel-run');
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin and refuses others', async () => {
    const { app } = setup();
    const ok = await request(app)
      .options('/v1/events')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type')
      .expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(ok.headers['access-control-allow-methods']).toContain('POST');
    await request(app).options('/v1/events').set('Origin', 'https://evil.example').expect(403);
  });

  it('lets an allowed origin read the answer of a POST', async () => {
    const { app } = setup();
    const answer = await request(app)
      .post('/v1/events')
      .set('Origin', 'https://shop.example')
      .send({ events: [{ event: 'com.acme.page_view', data: { path: '/' } }] })
      .expect(200);
    expect(answer.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await request(app)
      .post('/v1/events')
      .set('Origin', 'https://other.example')
      .send({ events: [] })
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('limits', () => {
  it('keeps an oversize body as one size_violation bad event, cut at the limit, and answers 413', async () => {
    const { app, bad } = setup();
    const body = JSON.stringify({
      events: [{ event: 'com.acme.page_view', data: { path: 'x'.repeat(6000) } }],
    });
    const answer = await request(app)
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(413);
    expect(answer.body).toMatchObject({
      accepted: 0,
      rejected: 1,
      events: [{ kind: 'size_violation' }],
    });
    const [event] = bad();
    expect(event?.payload).toBe(body.slice(0, 4096));
    expect(event?.errors[0]?.message).toContain(`${body.length} bytes; the limit is 4096`);
  });

  it('refuses a batch longer than the limit as a whole, and an oversize event on its own', async () => {
    const { app, bad } = setup();
    const six = Array.from({ length: 6 }, () => ({
      event: 'com.acme.page_view',
      data: { path: '/' },
    }));
    await request(app).post('/v1/events').send({ events: six }).expect(413);
    expect(bad()[0]?.errors[0]?.message).toContain('6 events; the limit is 5');

    const answer = await request(app)
      .post('/v1/events')
      .send({
        events: [
          { event: 'com.acme.page_view', data: { path: 'y'.repeat(600) } },
          { event: 'com.acme.page_view', data: { path: '/ok' } },
        ],
      })
      .expect(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(answer.body.events[0]).toMatchObject({ status: 'rejected', kind: 'size_violation' });
  });

  it('reads deflate bodies and keeps a body in an unknown content encoding as a bad event', async () => {
    const { app, log, bad } = setup();
    const body = JSON.stringify({ events: [{ event: 'com.acme.page_view', data: { path: '/' } }] });
    await request(app)
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'deflate')
      .serialize(((bytes: Buffer) => bytes) as unknown as (body: unknown) => string)
      .send(deflateSync(body))
      .expect(200);
    expect(log.records(GOOD_TOPIC)).toHaveLength(1);
    const refused = await request(app)
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br')
      .send(body)
      .expect(400);
    expect(refused.body.events[0].errors[0].message).toContain('Content-Encoding br');
    expect(Buffer.from(bad()[0]!.payload, 'base64').toString()).toBe(body);
  });
});

describe('undecodable bodies', () => {
  it('keeps a corrupt gzip body as a bad event holding the bytes as sent', async () => {
    const { app, bad } = setup();
    const corrupt = Buffer.concat([
      gzipSync('{"events": []}').subarray(0, 12),
      Buffer.from('garbage!'),
    ]);
    const answer = await request(app)
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(((bytes: Buffer) => bytes) as unknown as (body: unknown) => string)
      .send(corrupt)
      .expect(400);
    expect(answer.body.events[0].errors[0].message).toContain('the gzip body is corrupt');
    expect(Buffer.from(bad()[0]!.payload, 'base64')).toEqual(corrupt);
  });
});

describe('/metrics', () => {
  it('keeps received equal to good plus bad', async () => {
    const { app } = setup();
    await request(app)
      .post('/v1/events')
      .send({
        events: [
          { event: 'com.acme.page_view', data: { path: '/' } },
          { event: 'com.acme.nope', data: {} },
          { data: {} },
        ],
      });
    await request(app).post('/v1/events').set('Content-Type', 'application/json').send('{oops');
    await request(app).get(`/i?e=com.acme.page_view&d=${b64({ path: '/' })}`);
    const text = (await request(app).get('/metrics')).text;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    const received = value(/^sift_collector_received_total\{[^}]*\} (\d+)$/m);
    const good = value(/^sift_collector_events_total\{verdict="good"[^}]*\} (\d+)$/m);
    const bad = [
      ...text.matchAll(/^sift_collector_events_total\{verdict="bad"[^}]*\} (\d+)$/gm),
    ].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(received).toBe(5);
    expect(good).toBe(2);
    expect(bad).toBe(3);
  });
});
