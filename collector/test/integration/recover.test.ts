import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import {
  defaultRecoveryKinds,
  ElasticsearchBadEventReader,
  loadCollectorConfig,
  loadRecoveryConfig,
  runRecovery,
  startCollector,
} from '@sift/collector';
import type { BadEventQuery, RecoveryOptions } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { loadSinkConfig, startSink } from '@sift/sinks';
import {
  cleanUp,
  ELASTICSEARCH,
  KAFKA,
  readTopicUntil,
  searchIdsUntil,
} from './integration-support';

// sift recover over real Kafka and Elasticsearch (started by test/services/global-setup.mjs):
// bad events fixed by a new schema version go to the good topic and index under their own ids.
const run = randomUUID().slice(0, 8);
const prefix = `sift-recover-it-${run}`;
const topics = { good: `sift-recover-it-${run}.good`, bad: `sift-recover-it-${run}.bad` };
const eventType = `com.sift_recover_it_${run}.checkout_completed`;
const logger = createLogger(
  'recover-it',
  process.env['SIFT_TEST_LOG_LEVEL'] === 'debug' ? 'debug' : 'warn',
);
const schema = (version: number) =>
  readFileSync(join(__dirname, '..', 'recovery', 'fixtures', `checkout-${version}.avsc`), 'utf8');

describe('sift recover over real Kafka and Elasticsearch', () => {
  const running: RunningServer[] = [];
  let registry: RunningServer;
  let collector: RunningServer;
  const env = () => ({
    SIFT_KAFKA_BROKERS: KAFKA,
    SIFT_ELASTICSEARCH_URL: ELASTICSEARCH,
    SIFT_REGISTRY_URL: registry.url,
    SIFT_GOOD_TOPIC: topics.good,
    SIFT_BAD_TOPIC: topics.bad,
    SIFT_INDEX_PREFIX: prefix,
  });

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(
          mkdtempSync(join(tmpdir(), 'sift-recover-it-')),
          'schemas.jsonl',
        ),
      }),
      logger,
    );
    running.push(registry);
    collector = await startCollector(
      loadCollectorConfig({
        ...env(),
        SIFT_COLLECTOR_PORT: '0',
        SIFT_COLLECTOR_SCHEMA_CACHE_MS: '0',
      }),
      logger,
    );
    running.push(collector);
    for (const kind of ['good', 'bad'] as const) {
      running.push(
        await startSink(
          loadSinkConfig({
            ...env(),
            SIFT_SINK_KIND: kind,
            SIFT_SINK_PORT: '0',
            SIFT_SINK_TOPIC: topics[kind],
            SIFT_SINK_GROUP_ID: `${prefix}-${kind}`,
          }),
          logger,
        ),
      );
    }
  });

  afterAll(async () => {
    for (const part of running.reverse()) await part.close();
    await cleanUp([topics.good, topics.bad], prefix);
  });

  it('sends events fixed by v2 from the bad index and the bad topic to the good topic and index under their own ids', async () => {
    await new RegistryClient({ url: registry.url }).register(eventType, schema(1));
    const senderId = randomUUID();
    const posted = await fetch(`${collector.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'sift-recover-it' },
      body: JSON.stringify({
        events: [
          { event: eventType, id: senderId, data: { order_id: 'o-1', total: 10 } },
          { event: eventType, data: { order_id: 'o-2', total: 20 } },
          { event: eventType, data: { order_id: 'o-3', total: 'thirty' } },
        ],
      }),
    });
    const answer = (await posted.json()) as { rejected: number; events: { id: string }[] };
    expect(answer.rejected).toBe(3);
    const [withId, withoutId, stillBad] = answer.events.map((event) => event.id) as [
      string,
      string,
      string,
    ];
    expect(withId).toBe(senderId);
    await searchIdsUntil(
      `${prefix}-bad-*`,
      [withId, withoutId, stillBad],
      (hits) => hits.length === 3,
    );
    await new RegistryClient({ url: registry.url }).register(eventType, schema(2));

    // The index query filters by event type, kind and time, and pages with search_after.
    const reader = new ElasticsearchBadEventReader({
      url: ELASTICSEARCH,
      indexPrefix: prefix,
      pageSize: 1,
    });
    const query = { eventTypes: [eventType], kinds: [...defaultRecoveryKinds] };
    const ids = async (overrides: Partial<BadEventQuery>) => {
      const found: string[] = [];
      for await (const item of reader.read({ ...query, ...overrides })) {
        if ('bad' in item) found.push(item.bad.id);
      }
      return found.sort();
    };
    try {
      expect(await ids({})).toEqual([withId, withoutId, stillBad].sort());
      expect(await ids({ kinds: ['unknown_event'] })).toEqual([]);
      expect(await ids({ eventTypes: [`${eventType}_other`] })).toEqual([]);
      expect(await ids({ since: new Date(Date.now() + 60_000) })).toEqual([]);
      expect(await ids({ until: new Date(Date.now() - 3_600_000) })).toEqual([]);
    } finally {
      await reader.close();
    }

    const options: RecoveryOptions = { query, dryRun: false };
    const fromIndex = await runRecovery(loadRecoveryConfig(env()), 'index', options, logger);
    expect(fromIndex).toMatchObject({ read: 3, matched: 3, recovered: 2, stillBad: 1 });

    const afterIndex = await readTopicUntil(topics.good, (records) => records.length >= 2);
    expect(afterIndex.map((record) => record.headers['sift-event-id']).sort()).toEqual(
      [withId, withoutId].sort(),
    );
    expect(afterIndex.every((record) => record.headers['sift-schema-version'] === '2')).toBe(true);
    const indexed = await searchIdsUntil(
      `${prefix}-good-*`,
      [withId, withoutId],
      (hits) => hits.length === 2,
    );
    expect(indexed.map((hit) => hit._id).sort()).toEqual([withId, withoutId].sort());
    expect(indexed.find((hit) => hit._id === withoutId)?._source).toMatchObject({
      event: { id: withoutId, dataset: eventType },
      sift: { verdict: 'good', schema_version: 2 },
    });

    const fromTopic = await runRecovery(loadRecoveryConfig(env()), 'topic', options, logger);
    expect(fromTopic).toMatchObject({ read: 3, matched: 3, recovered: 2, stillBad: 1 });

    const afterTopic = await readTopicUntil(topics.good, (records) => records.length >= 4);
    expect(afterTopic.map((record) => record.headers['sift-event-id']).sort()).toEqual(
      [withId, withId, withoutId, withoutId].sort(),
    );
    // The second copies overwrite the first documents: one document per id, at version 2.
    const reindexed = await searchIdsUntil(
      `${prefix}-good-*`,
      [withId, withoutId],
      (hits) => hits.length === 2 && hits.every((hit) => hit._version === 2),
    );
    expect(reindexed).toHaveLength(2);
  });
});
