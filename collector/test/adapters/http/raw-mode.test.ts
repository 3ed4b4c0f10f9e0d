import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { buildCollectorApp, RAW_TOPIC, readRawRecord, ValidateStage } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { pageViewSchemas } from '../../support/page-view-schemas';

const schemas = pageViewSchemas;
const logger = createLogger('raw-mode-test', 'silent');
const topics = { good: GOOD_TOPIC, bad: BAD_TOPIC };

function rawCollector() {
  const log = new MemoryEventLog();
  const app = buildCollectorApp(
    {
      maxBodyBytes: 2048,
      goodTopic: GOOD_TOPIC,
      badTopic: BAD_TOPIC,
      mode: 'raw',
      rawTopic: RAW_TOPIC,
    },
    { schemas, log, logger },
  );
  return { app, log };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const batch = {
  events: [
    { event: 'com.acme.page_view', data: { path: '/pricing' } },
    { event: 'com.acme.page_view', data: { path: 42 } },
    { event: 'com.acme.unknown', data: {} },
  ],
};

describe('raw mode', () => {
  it('records each request whole on the raw topic and answers 202 without verdicts', async () => {
    const { app, log } = rawCollector();
    const answer = await request(app)
      .post('/v1/events')
      .set('User-Agent', 'raw-agent')
      .set('X-Sift-Test-Id', 'suite-1')
      .send(batch)
      .expect(202);
    expect(answer.body).toEqual({ status: 'recorded' });
    expect(log.records(GOOD_TOPIC)).toEqual([]);
    const [raw] = log.records(RAW_TOPIC).map(readRawRecord);
    expect(JSON.parse(raw?.body ?? '')).toEqual(batch);
    expect(raw?.source).toMatchObject({ endpoint: 'POST /v1/events', user_agent: 'raw-agent' });
    expect(raw?.testId).toBe('suite-1');
  });

  it('records a pixel as its one-event body and still answers the GIF', async () => {
    const { app, log } = rawCollector();
    const answer = await request(app)
      .get(`/i?e=com.acme.page_view&v=1&d=${b64({ path: '/p' })}`)
      .set('Referer', 'https://shop.example/p')
      .expect(200);
    expect(answer.headers['content-type']).toBe('image/gif');
    const [raw] = log.records(RAW_TOPIC).map(readRawRecord);
    expect(JSON.parse(raw?.body ?? '')).toEqual({
      events: [
        {
          event: 'com.acme.page_view',
          version: 1,
          data: { path: '/p' },
          context: { page_url: 'https://shop.example/p' },
        },
      ],
    });
  });

  it('keeps what cannot be recorded as text as bad events at once: oversize bodies, unreadable pixels', async () => {
    const { app, log } = rawCollector();
    await request(app).post('/v1/events').type('text/plain').send('x'.repeat(5000)).expect(413);
    await request(app).get('/i?e=com.acme.page_view&d=%%%').expect(200);
    const bad = log.records(BAD_TOPIC).map((r) => JSON.parse(r.value.toString()) as BadEvent);
    expect(bad.map((event) => event.kind)).toEqual(['size_violation', 'malformed_json']);
    expect(log.records(RAW_TOPIC)).toEqual([]);
  });

  it('gives, through sift validate, the verdicts the validating collector gives', async () => {
    const { app, log } = rawCollector();
    await request(app).post('/v1/events').set('X-Sift-Test-Id', 't').send(batch).expect(202);
    const stage = new ValidateStage(
      { rawTopic: RAW_TOPIC, topics, groupId: 'raw-mode-test' },
      { log, schemas, logger },
    );
    const result = await stage.handleBatch(
      log.records(RAW_TOPIC).map((record, offset) => ({
        ...record,
        topic: RAW_TOPIC,
        partition: 0,
        offset: String(offset),
        timestamp: Date.now(),
      })),
    );
    expect(result.good).toBe(1);
    expect(result.bad.map((event) => [event.kind, event.test_id])).toEqual([
      ['schema_violation', 't'],
      ['unknown_event', 't'],
    ]);
    const [good] = log.records(GOOD_TOPIC);
    expect(good?.headers?.['sift-test-id']).toBe('t');
    expect(good?.headers?.['sift-client-ip']).toMatch(/\.0$/);
  });
});
