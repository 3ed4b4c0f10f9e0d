import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import {
  loadValidateStageConfig,
  rawEventId,
  rawRecord,
  startValidateStage,
} from '@sift/collector';
import { KafkaEventLog } from '@sift/event-log';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { cleanUp, KAFKA, readTopicUntil } from './integration-support';

// sift validate over real Kafka: raw request bodies in, good records and bad events out.
const run = randomUUID().slice(0, 8);
const topics = {
  raw: `sift-validate-it-${run}.raw`,
  good: `sift-validate-it-${run}.good`,
  bad: `sift-validate-it-${run}.bad`,
};
const eventType = `com.sift_validate_it_${run}.checkout_completed`;
const logger = createLogger(
  'validate-it',
  process.env['SIFT_TEST_LOG_LEVEL'] === 'debug' ? 'debug' : 'warn',
);

describe('sift validate over real Kafka', () => {
  let registry: RunningServer;
  let stage: RunningServer;
  const log = new KafkaEventLog({ brokers: [KAFKA], clientId: 'validate-it', logger });
  const config = () => ({
    SIFT_KAFKA_BROKERS: KAFKA,
    SIFT_REGISTRY_URL: registry.url,
    SIFT_RAW_TOPIC: topics.raw,
    SIFT_GOOD_TOPIC: topics.good,
    SIFT_BAD_TOPIC: topics.bad,
    SIFT_VALIDATE_GROUP_ID: `sift-validate-it-${run}`,
    SIFT_VALIDATE_PORT: '0',
  });

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(
          mkdtempSync(join(tmpdir(), 'sift-validate-it-')),
          'schemas.jsonl',
        ),
      }),
      logger,
    );
    await new RegistryClient({ url: registry.url }).register(
      eventType,
      readFileSync(join(__dirname, '..', 'recovery', 'fixtures', 'checkout-1.avsc'), 'utf8'),
    );
    stage = await startValidateStage(loadValidateStageConfig(config()), logger);
  });

  afterAll(async () => {
    await stage?.close();
    await log.close();
    await registry?.close();
    await cleanUp([topics.raw, topics.good, topics.bad]);
  });

  it('validates raw bodies into good and bad topics, with ids derived from the raw record that a replay repeats', async () => {
    expect((await fetch(`${stage.url}/healthz`)).status).toBe(200);
    const senderId = randomUUID();
    await log.append(topics.raw, [
      rawRecord(
        {
          body: JSON.stringify({
            events: [
              {
                event: eventType,
                id: senderId,
                data: { order_id: 'a', total: 1, currency: 'EUR' },
              },
              { event: eventType, data: { order_id: 'b', total: 2, currency: 'USD' } },
              { event: eventType, data: { order_id: 'c', total: 'three' } },
            ],
          }),
          source: { endpoint: 'POST /v1/events', ip: '192.0.2.77', user_agent: 'validate-it' },
          receivedAt: new Date('2026-08-01T00:00:00.000Z'),
        },
        'client-1',
      ),
    ]);

    const good = await readTopicUntil(topics.good, (records) => records.length >= 2);
    const bad = await readTopicUntil(topics.bad, (records) => records.length >= 1);
    const [raw] = await readTopicUntil(topics.raw, (records) => records.length >= 1);
    const at = (index: number) =>
      rawEventId(topics.raw, raw?.partition ?? -1, raw?.offset ?? '', index);

    // Good records are keyed by event id, so they may sit in different partitions.
    expect(good.map((record) => record.headers['sift-event-id']).sort()).toEqual(
      [senderId, at(1)].sort(),
    );
    const sent = good.find((record) => record.headers['sift-event-id'] === senderId);
    expect(sent?.headers).toMatchObject({
      'sift-received-at': '2026-08-01T00:00:00.000Z',
      'sift-user-agent': 'validate-it',
      'sift-client-ip': '192.0.2.0',
    });
    const badEvent = JSON.parse(bad[0]?.value.toString('utf8') ?? '{}') as BadEvent;
    expect(badEvent).toMatchObject({
      id: at(2),
      kind: 'schema_violation',
      source: { endpoint: 'POST /v1/events', ip: '192.0.2.0', user_agent: 'validate-it' },
    });
    expect(bad[0]?.headers).toEqual({
      'sift-event-id': at(2),
      'sift-bad-kind': 'schema_violation',
    });

    // A replay (a new group reading the raw topic from the start) yields the same ids.
    const replay = await startValidateStage(
      loadValidateStageConfig({
        ...config(),
        SIFT_VALIDATE_GROUP_ID: `sift-validate-it-${run}-replay`,
      }),
      logger,
    );
    try {
      const goodAgain = await readTopicUntil(topics.good, (records) => records.length >= 4);
      const badAgain = await readTopicUntil(topics.bad, (records) => records.length >= 2);
      expect(goodAgain.map((record) => record.headers['sift-event-id']).sort()).toEqual(
        [senderId, senderId, at(1), at(1)].sort(),
      );
      expect(badAgain.map((record) => record.headers['sift-event-id'])).toEqual([at(2), at(2)]);
    } finally {
      await replay.close();
    }
  });
});
