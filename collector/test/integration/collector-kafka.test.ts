import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createLogger } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { decodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';
import { cleanUp, KAFKA, readTopic } from './integration-support';

// The collector over real Kafka: every input format and every bad-event kind, read back from the topics.
const run = randomUUID().slice(0, 8);
const topics = { good: `sift-collector-it-${run}.good`, bad: `sift-collector-it-${run}.bad` };
const eventType = `com.sift_it_${run}.page_view`;
const logger = createLogger('collector-kafka-test', 'warn');
const pageView = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'com.acme',
  fields: [
    { name: 'path', type: 'string' },
    { name: 'title', type: ['null', 'string'], default: null },
  ],
});

describe('collector on real Kafka', () => {
  let registry: RunningServer;
  let collector: RunningServer;

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(
          mkdtempSync(join(tmpdir(), 'sift-collector-it-')),
          'schemas.jsonl',
        ),
      }),
      logger,
    );
    collector = await startCollector(
      loadCollectorConfig({
        SIFT_COLLECTOR_PORT: '0',
        SIFT_REGISTRY_URL: registry.url,
        SIFT_KAFKA_BROKERS: KAFKA,
        SIFT_GOOD_TOPIC: topics.good,
        SIFT_BAD_TOPIC: topics.bad,
        SIFT_COLLECTOR_MAX_BODY_BYTES: '8192',
        SIFT_COLLECTOR_MAX_EVENT_BYTES: '1024',
      }),
      logger,
    );
    const registered = await fetch(`${registry.url}/subjects/${eventType}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: pageView }),
    });
    expect(registered.status).toBe(200);
  });

  afterAll(async () => {
    await collector?.close();
    await registry?.close();
    await cleanUp([topics.good, topics.bad]);
  });

  it('takes JSON, sendBeacon text, gzip and pixel input, and routes every kind of bad input', async () => {
    const post = (body: string | Buffer, headers: Record<string, string>) =>
      fetch(`${collector.url}/v1/events`, { method: 'POST', headers, body });
    const event = (path: unknown, extra: object = {}) => ({
      event: eventType,
      data: { path },
      ...extra,
    });
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const json = { 'content-type': 'application/json', 'user-agent': iphone };

    const batch = await post(
      JSON.stringify({
        events: [
          event('/json', {
            id: '4a3c2a4e-8a8f-4a57-9a5b-2f1c0d6e7b11',
            sent_at: '2026-01-01T00:00:10.000Z',
            context: {
              user_id: 'u-1',
              created_at: '2026-01-01T00:00:00.000Z',
              page_url:
                'https://shop.example/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
              referrer: 'https://mail.google.com/mail/u/0/',
            },
          }),
          event(42),
          { event: `com.sift_it_${run}.unknown`, data: {} },
          event('/v9', { version: 9 }),
          { data: { path: '/no-type' } },
          event('z'.repeat(1200)),
        ],
      }),
      json,
    );
    // A 500 here has its cause in the answer body.
    if (batch.status !== 200) throw new Error(`${batch.status}: ${await batch.text()}`);
    expect(batch.status).toBe(200);
    const answer = (await batch.json()) as {
      accepted: number;
      rejected: number;
      events: { kind?: string }[];
    };
    expect(answer).toMatchObject({ accepted: 1, rejected: 5 });
    expect(answer.events.map((verdict) => verdict.kind ?? 'accepted')).toEqual([
      'accepted',
      'schema_violation',
      'unknown_event',
      'unknown_version',
      'invalid_envelope',
      'size_violation',
    ]);

    expect(
      (
        await post(JSON.stringify({ events: [event('/beacon')] }), {
          'content-type': 'text/plain;charset=UTF-8',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(gzipSync(JSON.stringify({ events: [event('/gzip')] })), {
          ...json,
          'content-encoding': 'gzip',
        })
      ).status,
    ).toBe(200);
    const data = Buffer.from(JSON.stringify({ path: '/pixel' })).toString('base64url');
    const pixel = await fetch(`${collector.url}/i?e=${eventType}&v=1&d=${data}`);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect((await post('{"events": [', json)).status).toBe(400);
    expect((await post(JSON.stringify({ events: [event('x'.repeat(9000))] }), json)).status).toBe(
      413,
    );

    const good = await readTopic(topics.good, 4);
    const type = avroFormat.compile({ schema: pageView });
    const paths = good.map((record) => {
      const { payload } = decodeWireFormat(record.value);
      return (type.decode(payload) as { path: string }).path;
    });
    expect(paths.sort()).toEqual(['/beacon', '/gzip', '/json', '/pixel']);
    const first = good.find(
      (record) => record.headers['sift-event-id'] === '4a3c2a4e-8a8f-4a57-9a5b-2f1c0d6e7b11',
    );
    expect(first?.key).toBe('u-1');
    expect(first?.headers).toMatchObject({
      'sift-event-type': eventType,
      'sift-schema-version': '1',
      'sift-user-agent': iphone,
      'sift-ua-name': 'Mobile Safari',
      'sift-ua-os-name': 'iOS',
      'sift-ua-device-type': 'mobile',
      'sift-ua-bot': 'false',
      'sift-client-ip': '127.0.0.0',
      'sift-url-domain': 'shop.example',
      'sift-url-path': '/pricing',
      'sift-utm-source': 'newsletter',
      'sift-utm-campaign': 'spring',
      'sift-source-category': 'email',
      'sift-referrer-domain': 'mail.google.com',
    });
    // Sent 10 s after it was created on the device: the event time is 10 s before it arrived.
    const arrived = Date.parse(first!.headers['sift-received-at']!);
    expect(Date.parse(first!.headers['sift-event-time']!)).toBe(arrived - 10_000);

    const bad = (await readTopic(topics.bad, 7)).map(
      (record) => JSON.parse(record.value.toString()) as BadEvent,
    );
    expect(bad.map((event) => event.kind).sort()).toEqual(
      [
        'invalid_envelope',
        'malformed_json',
        'schema_violation',
        'size_violation',
        'size_violation',
        'unknown_event',
        'unknown_version',
      ].sort(),
    );
    const violation = bad.find((event) => event.kind === 'schema_violation');
    expect(JSON.parse(violation!.payload)).toEqual(event(42));
    expect(violation?.errors).toEqual([
      expect.objectContaining({ path: '/path', keyword: 'type' }),
    ]);
    expect(bad.find((event) => event.kind === 'malformed_json')?.payload).toBe('{"events": [');
  });
});
