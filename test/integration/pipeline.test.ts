import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { loadSinkConfig, startSink } from '@sift/sinks';

// One event end to end over real Kafka and Elasticsearch (started by test/services/global-setup.mjs).
const KAFKA = '127.0.0.1:9092';
const ELASTICSEARCH = 'http://127.0.0.1:9200';
const run = randomUUID().slice(0, 8);
const prefix = `sift-it-${run}`;
const topics = { good: `sift-it-${run}.good`, bad: `sift-it-${run}.bad` };
const eventType = `com.sift_it_${run}.checkout_completed`;
const logger = createLogger(
  'pipeline-test',
  process.env['SIFT_TEST_LOG_LEVEL'] === 'debug' ? 'debug' : 'warn',
);

const checkoutSchema = {
  type: 'record',
  name: 'CheckoutCompleted',
  namespace: 'com.acme',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'] } },
    { name: 'coupon', type: ['null', 'string'], default: null },
  ],
};

async function findDocument(
  index: string,
  id: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(`${ELASTICSEARCH}/${index}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { ids: { values: [id] } } }),
    });
    if (answer.ok) {
      const body = (await answer.json()) as {
        hits: { hits: { _index: string; _source: Record<string, unknown> }[] };
      };
      const hit = body.hits.hits[0];
      if (hit) return { _index: hit._index, ...hit._source };
    }
    if (Date.now() > deadline)
      throw new Error(`document ${id} did not reach ${index} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('pipeline over real Kafka and Elasticsearch', () => {
  const running: RunningServer[] = [];
  let registry: RunningServer;
  let collector: RunningServer;

  beforeAll(async () => {
    const env = {
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_ELASTICSEARCH_URL: ELASTICSEARCH,
      SIFT_GOOD_TOPIC: topics.good,
      SIFT_BAD_TOPIC: topics.bad,
      SIFT_INDEX_PREFIX: prefix,
    };
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'sift-it-')), 'schemas.jsonl'),
      }),
      logger,
    );
    running.push(registry);
    const serviceEnv = { ...env, SIFT_REGISTRY_URL: registry.url };
    collector = await startCollector(
      loadCollectorConfig({ ...serviceEnv, SIFT_COLLECTOR_PORT: '0' }),
      logger,
    );
    running.push(collector);
    for (const kind of ['good', 'bad'] as const) {
      const sink = await startSink(
        loadSinkConfig({
          ...serviceEnv,
          SIFT_SINK_KIND: kind,
          SIFT_SINK_PORT: '0',
          SIFT_SINK_TOPIC: topics[kind],
          SIFT_SINK_GROUP_ID: `sift-it-${run}-${kind}`,
        }),
        logger,
      );
      running.push(sink);
    }
  });

  afterAll(async () => {
    for (const part of running.reverse()) await part.close();
    await fetch(`${ELASTICSEARCH}/${prefix}-*`, { method: 'DELETE' });
    for (const verdict of ['good', 'bad']) {
      await fetch(`${ELASTICSEARCH}/_index_template/${prefix}-${verdict}`, { method: 'DELETE' });
    }
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.good, topics.bad] });
    await admin.disconnect();
  });

  it('registers a schema, then indexes a good event and a bad event in their own indices', async () => {
    const registered = await fetch(`${registry.url}/subjects/${eventType}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(checkoutSchema) }),
    });
    expect(registered.status).toBe(200);
    const { id: schemaId } = (await registered.json()) as { id: number };

    const goodId = randomUUID();
    const badId = randomUUID();
    const badEvent = {
      event: eventType,
      id: badId,
      data: { order_id: 'o-2', total: 'twelve', currency: 'YEN' },
    };
    const posted = await fetch(`${collector.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'sift-integration-test' },
      body: JSON.stringify({
        events: [
          {
            event: eventType,
            id: goodId,
            context: { page_url: 'https://shop.example/checkout', user_id: 'u-42' },
            data: { order_id: 'o-1', total: 99.5, currency: 'EUR' },
          },
          badEvent,
        ],
      }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      events: [
        { index: 0, id: goodId, status: 'accepted' },
        { index: 1, id: badId, status: 'rejected', kind: 'schema_violation' },
      ],
    });

    const good = await findDocument(`${prefix}-good-*`, goodId);
    expect(good).toMatchObject({
      event: { id: goodId, kind: 'event', dataset: eventType },
      sift: { verdict: 'good', schema_id: schemaId, schema_version: 1 },
      user_agent: { original: 'sift-integration-test' },
      url: { full: 'https://shop.example/checkout' },
      user: { id: 'u-42' },
      data: {
        [eventType.replace(/\./g, '_')]: {
          order_id: 'o-1',
          total: 99.5,
          currency: 'EUR',
          coupon: null,
        },
      },
    });
    expect(good['_index']).toMatch(new RegExp(`^${prefix}-good-\\d{4}\\.\\d{2}\\.\\d{2}$`));

    const bad = await findDocument(`${prefix}-bad-*`, badId);
    expect(bad).toMatchObject({
      event: { id: badId, kind: 'pipeline_error', dataset: eventType },
      failure: { kind: 'schema_violation', stage: 'validator' },
    });
    expect(JSON.parse(bad['payload'] as string)).toEqual(badEvent);
    const errors = (bad['failure'] as { errors: { path: string; keyword: string }[] }).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/total', keyword: 'type' }),
        expect.objectContaining({ path: '/currency', keyword: 'enum' }),
      ]),
    );
    expect(bad['_index']).toMatch(new RegExp(`^${prefix}-bad-`));
  });
});
