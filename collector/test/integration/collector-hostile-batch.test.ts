import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { decodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';

// A batch with an event nested 5000 levels deep, through the real collector into real Kafka.
const KAFKA = '127.0.0.1:9092';
const run = randomUUID().slice(0, 8);
const topics = { good: `sift-hostile-it-${run}.good`, bad: `sift-hostile-it-${run}.bad` };
const eventType = `com.sift_it_${run}.page_view`;
const logger = createLogger('collector-hostile-test', 'warn');
const pageView = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'com.acme',
  fields: [{ name: 'path', type: 'string' }],
});

/** Reads `count` record values of a topic from its beginning (30 s at most). */
async function readValues(topic: string, count: number): Promise<Buffer[]> {
  const kafka = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const found: Buffer[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${found.length} of ${count} records on ${topic}`)),
        30_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          found.push(message.value ?? Buffer.alloc(0));
          if (found.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

describe('collector on real Kafka, hostile batches', () => {
  let registry: RunningServer;
  let collector: RunningServer;

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'sift-hostile-it-')), 's.jsonl'),
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
        SIFT_COLLECTOR_MAX_EVENT_BYTES: '16384',
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
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.good, topics.bad] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('sends the good neighbours of a 5000-level event to the good topic and the deep one, cut, to the bad topic', async () => {
    const good = (path: string) => `{"event":"${eventType}","data":{"path":"${path}"}}`;
    const deep = `{"event":"${eventType}","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const answer = await fetch(`${collector.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"events":[${good('/before')},${deep},${good('/after')}]}`,
    });

    expect(answer.status).toBe(200);
    const verdicts = (await answer.json()) as { accepted: number; rejected: number };
    expect(verdicts).toMatchObject({ accepted: 2, rejected: 1 });

    const decode = avroFormat.compile({ schema: pageView });
    const goodValues = await readValues(topics.good, 2);
    // Keyed by event id, the two may land on different partitions: their order is not kept.
    expect(goodValues.map((value) => decode.decode(decodeWireFormat(value).payload))).toEqual(
      expect.arrayContaining([{ path: '/before' }, { path: '/after' }]),
    );
    const [bad] = (await readValues(topics.bad, 1)).map(
      (value) => JSON.parse(value.toString('utf8')) as BadEvent,
    );
    expect(bad).toMatchObject({
      kind: 'size_violation',
      errors: [{ keyword: 'maxDepth', path: `/data${'/a'.repeat(63)}` }],
    });
    expect(bad?.errors[0]?.message).toMatch(/more than 64 levels/);
    // The event is 30 kB: kept as sent up to the 16 kB event limit.
    expect(bad?.payload).toBe(deep.slice(0, 16384));
  });
});
