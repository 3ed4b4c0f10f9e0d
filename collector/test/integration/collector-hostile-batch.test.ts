import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { decodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';
import { cleanUp, KAFKA, readTopic } from './integration-support';

// A batch with an event nested 5000 levels deep, through the real collector into real Kafka.
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
    await cleanUp([topics.good, topics.bad]);
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
    const goodValues = (await readTopic(topics.good, 2)).map((record) => record.value);
    // Keyed by event id, the two may land on different partitions: their order is not kept.
    expect(goodValues.map((value) => decode.decode(decodeWireFormat(value).payload))).toEqual(
      expect.arrayContaining([{ path: '/before' }, { path: '/after' }]),
    );
    const [bad] = (await readTopic(topics.bad, 1))
      .map((record) => record.value)
      .map((value) => JSON.parse(value.toString('utf8')) as BadEvent);
    expect(bad).toMatchObject({
      kind: 'size_violation',
      errors: [{ keyword: 'maxDepth', path: `/data${'/a'.repeat(63)}` }],
    });
    expect(bad?.errors[0]?.message).toMatch(/more than 64 levels/);
    // The event is 30 kB: kept as sent up to the 16 kB event limit.
    expect(bad?.payload).toBe(deep.slice(0, 16384));
  });
});
