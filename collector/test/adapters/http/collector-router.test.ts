import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC, UpstreamError } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { buildCollectorApp, anonymizeIp } from '@sift/collector';
import type { ResolvedSchema, SchemaMiss, SchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { EventLog } from '@sift/event-log';
import { decodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';

const checkout = JSON.stringify({
  type: 'record',
  name: 'CheckoutCompleted',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'total', type: 'double' },
  ],
});

/** Schemas by event type: version → schema; the last version is latest. */
class MemorySchemaSource implements SchemaSource {
  constructor(private readonly schemas: Record<string, ResolvedSchema[]>) {}
  async resolve(
    eventType: string,
    version: number | undefined,
  ): Promise<ResolvedSchema | SchemaMiss> {
    const versions = this.schemas[eventType];
    if (!versions) return 'unknown_event';
    const found =
      version === undefined ? versions.at(-1) : versions.find((v) => v.version === version);
    return found ?? 'unknown_version';
  }
}

const schemas = new MemorySchemaSource({
  'com.acme.checkout_completed': [
    { id: 11, version: 1, schemaType: 'AVRO', schema: checkout, references: [] },
  ],
});
const logger = createLogger('collector-test', 'silent');
const now = () => new Date('2026-11-23T10:00:00.000Z');
const eventId = '0f8b8a4e-3c1a-4c4e-9a53-6a1f2a0b9c11';

function setup(log: EventLog = new MemoryEventLog(), source: SchemaSource = schemas) {
  return buildCollectorApp(
    { maxBodyBytes: 64 * 1024, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC },
    { schemas: source, log, logger, now },
  );
}

function badEvents(log: MemoryEventLog): BadEvent[] {
  return log.records(BAD_TOPIC).map((record) => JSON.parse(record.value.toString()) as BadEvent);
}

describe('POST /v1/events', () => {
  it('writes a valid event to the good topic in Confluent wire format with its headers', async () => {
    const log = new MemoryEventLog();
    const answer = await request(setup(log))
      .post('/v1/events')
      .set('User-Agent', 'jest')
      .send({
        events: [
          {
            event: 'com.acme.checkout_completed',
            id: eventId,
            sent_at: '2026-11-23T09:59:59.000Z',
            context: { user_id: 'u-1', page_url: 'https://shop.example/cart' },
            data: { order_id: 'o-1', total: 9.5 },
          },
        ],
      })
      .expect(200);
    expect(answer.body).toEqual({
      accepted: 1,
      rejected: 0,
      events: [{ index: 0, id: eventId, status: 'accepted' }],
    });

    const [record] = log.records(GOOD_TOPIC);
    expect(record?.key).toBe('u-1');
    const { schemaId, payload } = decodeWireFormat(record!.value);
    expect(schemaId).toBe(11);
    expect(avroFormat.compile({ schema: checkout }).decode(payload)).toEqual({
      order_id: 'o-1',
      total: 9.5,
    });
    expect(record?.headers).toMatchObject({
      'sift-event-id': eventId,
      'sift-event-type': 'com.acme.checkout_completed',
      'sift-schema-id': '11',
      'sift-schema-version': '1',
      'sift-received-at': '2026-11-23T10:00:00.000Z',
      'sift-sent-at': '2026-11-23T09:59:59.000Z',
      'sift-user-agent': 'jest',
      'sift-page-url': 'https://shop.example/cart',
      'sift-user-id': 'u-1',
    });
    expect(log.records(BAD_TOPIC)).toEqual([]);
  });

  it('turns each bad event of a batch into a bad event with its reasons and original payload', async () => {
    const log = new MemoryEventLog();
    const wrong = { event: 'com.acme.checkout_completed', id: eventId, data: { order_id: 7 } };
    const answer = await request(setup(log))
      .post('/v1/events')
      .send({
        events: [
          wrong,
          { event: 'com.acme.unknown', data: {} },
          { event: 'com.acme.checkout_completed', version: 4, data: {} },
          { data: {} },
          { event: 'com.acme.checkout_completed', data: { order_id: 'ok', total: 1 } },
        ],
      })
      .expect(200);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected).toBe(4);
    expect(
      answer.body.events.map((v: { status: string; kind?: string }) => v.kind ?? v.status),
    ).toEqual([
      'schema_violation',
      'unknown_event',
      'unknown_version',
      'invalid_envelope',
      'accepted',
    ]);

    const bad = badEvents(log);
    expect(bad).toHaveLength(4);
    expect(bad[0]).toMatchObject({
      id: eventId,
      stage: 'validator',
      kind: 'schema_violation',
      event: 'com.acme.checkout_completed',
      version: 1,
      received_at: '2026-11-23T10:00:00.000Z',
      source: { endpoint: 'POST /v1/events' },
    });
    expect(JSON.parse(bad[0]!.payload)).toEqual(wrong);
    expect(bad[0]!.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/order_id', keyword: 'type' }),
        expect.objectContaining({ path: '/total', keyword: 'required' }),
      ]),
    );
    expect(log.records(GOOD_TOPIC)).toHaveLength(1);
  });

  it('keeps a malformed body whole as one bad event', async () => {
    const log = new MemoryEventLog();
    const body = '{"events": [{"event": "com.acme.checkout_completed",';
    const answer = await request(setup(log))
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
    expect(answer.body).toMatchObject({
      accepted: 0,
      rejected: 1,
      events: [{ index: null, kind: 'malformed_json' }],
    });
    expect(badEvents(log)).toEqual([
      expect.objectContaining({ kind: 'malformed_json', payload: body, stage: 'collector' }),
    ]);
  });

  it('accepts sendBeacon text/plain bodies and gzip-encoded bodies', async () => {
    const log = new MemoryEventLog();
    const body = JSON.stringify({
      events: [{ event: 'com.acme.checkout_completed', data: { order_id: 'a', total: 2 } }],
    });
    await request(setup(log))
      .post('/v1/events')
      .set('Content-Type', 'text/plain;charset=UTF-8')
      .send(body)
      .expect(200);
    await request(setup(log))
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(((bytes: Buffer) => bytes) as unknown as (body: unknown) => string)
      .send(gzipSync(body))
      .expect(200);
    expect(log.records(GOOD_TOPIC)).toHaveLength(2);
  });

  it('answers 503 with Retry-After, accepting nothing, when the log refuses the events', async () => {
    const down: EventLog = {
      ensureTopics: async () => undefined,
      append: async () => {
        throw new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', 'Kafka did not accept');
      },
      consume: async () => ({ stop: async () => undefined }),
      close: async () => undefined,
    };
    const answer = await request(setup(down))
      .post('/v1/events')
      .send({
        events: [{ event: 'com.acme.checkout_completed', data: { order_id: 'a', total: 2 } }],
      })
      .expect(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body.error.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
  });

  it('refuses a body over the size limit with 413', async () => {
    await request(setup())
      .post('/v1/events')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ events: [{ event: 'a.b', data: 'x'.repeat(70 * 1024) }] }))
      .expect(413);
  });

  it('counts good and bad events on /metrics', async () => {
    const app = setup();
    await request(app)
      .post('/v1/events')
      .send({
        events: [
          { event: 'com.acme.checkout_completed', data: { order_id: 'a', total: 2 } },
          { event: 'x.y', data: 1 },
        ],
      });
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /sift_collector_events_total\{verdict="good",kind="",service="collector"\} 1/,
    );
    expect(metrics.text).toMatch(
      /sift_collector_events_total\{verdict="bad",kind="unknown_event",service="collector"\} 1/,
    );
  });
});

describe('anonymizeIp', () => {
  it('drops the host part of IPv4 and IPv6 addresses', () => {
    expect(anonymizeIp('203.0.113.7')).toBe('203.0.113.0');
    expect(anonymizeIp('::ffff:198.51.100.23')).toBe('198.51.100.0');
    expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(anonymizeIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(anonymizeIp('not an ip')).toBeUndefined();
  });
});
