import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { createLogger } from '@sift/common';
import { KafkaSchemaStore } from '../../src/adapters/kafka/kafka-schema-store';
import type { KafkaSchemaStoreOptions } from '../../src/adapters/kafka/kafka-schema-store';
import type { RegistryRecord } from '../../src/ports';

const brokers = ['127.0.0.1:9092'];
const logger = createLogger('kafka-schema-store-test', 'error');
const run = randomUUID().slice(0, 8);
const kafka = new Kafka({ clientId: `sift-test-${run}`, brokers, logLevel: logLevel.NOTHING });

type SchemaRecord = Extract<RegistryRecord, { key: { keytype: 'SCHEMA' } }>;

function schema(subject: string, version: number, id: number): SchemaRecord {
  return {
    key: { keytype: 'SCHEMA', subject, version },
    value: {
      subject,
      version,
      id,
      schemaType: 'JSON',
      schema: `{"type":"object","title":"v${version}"}`,
      references: [],
      deleted: false,
      ts: 1_700_000_000_000 + id,
    },
  };
}

describe('KafkaSchemaStore', () => {
  let admin: Admin;
  const topics: string[] = [];
  const stores: KafkaSchemaStore[] = [];

  function newTopic(): string {
    const topic = `sift-test-schemas-${run}-${topics.length + 1}`;
    topics.push(topic);
    return topic;
  }

  function newStore(topic: string, options: Partial<KafkaSchemaStoreOptions> = {}) {
    const store = new KafkaSchemaStore({
      brokers,
      topic,
      logger,
      clientId: `sift-test-${run}`,
      timeoutMs: 10_000,
      ...options,
    });
    stores.push(store);
    return store;
  }

  /** A started store on `topic` and the records it applied, in order. */
  async function started(
    topic: string,
  ): Promise<{ store: KafkaSchemaStore; seen: RegistryRecord[] }> {
    const store = newStore(topic);
    const seen: RegistryRecord[] = [];
    await store.start((record) => seen.push(record));
    return { store, seen };
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('creates a missing topic with one partition and cleanup.policy=compact, and starts empty', async () => {
    const topic = newTopic();
    const { seen } = await started(topic);

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] },
      ],
    });
    expect(configs.resources[0]?.configEntries).toEqual([
      expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
    ]);
    expect(seen).toEqual([]);
  });

  it('replays existing records in order into a fresh store', async () => {
    const topic = newTopic();
    const { store: writer } = await started(topic);
    const records: RegistryRecord[] = [
      { key: { keytype: 'CONFIG', subject: null }, value: { compatibilityLevel: 'FULL' } },
      { key: { keytype: 'MODE', subject: null }, value: { mode: 'READWRITE' } },
    ];
    for (let version = 1; version <= 40; version += 1) {
      records.push(schema(`com.acme.event_${version % 4}`, version, version));
    }
    records.push(
      { key: { keytype: 'CONFIG', subject: 'com.acme.event_1' }, value: { normalize: true } },
      {
        key: { keytype: 'DELETE_SUBJECT', subject: 'com.acme.event_2' },
        value: { subject: 'com.acme.event_2', version: 38 },
      },
      { key: { keytype: 'NOOP' }, value: null },
    );
    for (const record of records) await writer.append(record);

    const { seen } = await started(topic);

    expect(seen).toEqual(records);
  });

  it('delivers tombstones as null values', async () => {
    const topic = newTopic();
    const { store: writer } = await started(topic);
    const registered = schema('com.acme.deleted', 1, 7);
    const tombstone: RegistryRecord = { key: registered.key, value: null };
    await writer.append(registered);
    await writer.append(tombstone);

    const { seen } = await started(topic);

    expect(seen).toEqual([registered, tombstone]);
  });

  it('resolves append only after the record was applied here', async () => {
    const topic = newTopic();
    const { store, seen } = await started(topic);

    const first = schema('com.acme.ryw', 1, 1);
    await store.append(first);
    expect(seen).toEqual([first]);

    const more = [2, 3, 4, 5, 6].map((version) => schema('com.acme.ryw', version, version));
    await Promise.all(
      more.map(async (record) => {
        await store.append(record);
        expect(seen).toContainEqual(record);
      }),
    );
    expect(seen).toEqual([first, ...more]);
  });

  it('lets two stores on one topic see each other’s records after sync()', async () => {
    const topic = newTopic();
    const a = await started(topic);
    const b = await started(topic);
    const fromA = schema('com.acme.shared', 1, 1);
    const fromB = schema('com.acme.shared', 2, 2);

    await a.store.append(fromA);
    await b.store.sync();
    expect(b.seen).toEqual([fromA]);

    await b.store.append(fromB);
    await a.store.sync();
    expect(a.seen).toEqual([fromA, fromB]);
  });

  it('writes keys and values in the format of Confluent’s _schemas topic', async () => {
    const topic = newTopic();
    const { store } = await started(topic);
    const registered = schema('com.acme.wire', 3, 12);
    await store.append(registered);
    await store.append({
      key: { keytype: 'CONFIG', subject: null },
      value: { compatibilityLevel: 'BACKWARD' },
    });
    await store.append({ key: registered.key, value: null });

    const raw: Array<{ key: string | undefined; value: string | null }> = [];
    const consumer = kafka.consumer({ groupId: `sift-test-${run}-raw-${randomUUID()}` });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            raw.push({ key: message.key?.toString(), value: message.value?.toString() ?? null });
            if (raw.length === 3) resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }

    expect(raw[0]?.key).toBe(
      '{"keytype":"SCHEMA","subject":"com.acme.wire","version":3,"magic":1}',
    );
    expect(JSON.parse(raw[0]?.value ?? 'null')).toEqual(registered.value);
    expect(raw[1]).toEqual({
      key: '{"keytype":"CONFIG","subject":null,"magic":0}',
      value: '{"compatibilityLevel":"BACKWARD"}',
    });
    expect(raw[2]).toEqual({ key: raw[0]?.key, value: null });
  });

  it('reads records that Confluent Schema Registry wrote and skips key types Sift does not use', async () => {
    const topic = newTopic();
    await newStore(topic).start(() => undefined);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: '{"keytype":"NOOP","magic":0}', value: null },
        {
          key: '{"keytype":"SCHEMA","subject":"legacy","version":1,"magic":1}',
          value: '{"subject":"legacy","version":1,"id":1,"schema":"\\"string\\"","deleted":false}',
        },
        {
          key: '{"keytype":"CLEAR_SUBJECT","subject":"legacy","magic":0}',
          value: '{"subject":"legacy"}',
        },
        { key: 'not json', value: '{}' },
        {
          key: '{"keytype":"CONFIG","magic":0}',
          value: '{"compatibilityLevel":"NONE","alias":null}',
        },
      ],
    });
    await producer.disconnect();

    const { seen } = await started(topic);

    expect(seen).toEqual([
      { key: { keytype: 'NOOP' }, value: null },
      {
        key: { keytype: 'SCHEMA', subject: 'legacy', version: 1 },
        value: {
          subject: 'legacy',
          version: 1,
          id: 1,
          schemaType: 'AVRO',
          schema: '"string"',
          references: [],
          deleted: false,
          ts: expect.any(Number),
        },
      },
      { key: { keytype: 'CONFIG', subject: null }, value: { compatibilityLevel: 'NONE' } },
    ]);
  });

  it('refuses an existing topic with 3 partitions', async () => {
    const topic = newTopic();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });

    await expect(newStore(topic).start(() => undefined)).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_STORE_FAILED',
      retriable: false,
      message: expect.stringContaining('has 3 partitions, not 1'),
    });
  });

  it('refuses an existing topic without compaction', async () => {
    const topic = newTopic();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] },
      ],
    });

    await expect(newStore(topic).start(() => undefined)).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_STORE_FAILED',
      retriable: false,
      message: expect.stringContaining('has cleanup.policy=delete, not compact'),
    });
  });

  it('refuses to append once closed, and closes more than once', async () => {
    const topic = newTopic();
    const { store } = await started(topic);
    await store.close();
    await store.close();

    await expect(store.append(schema('com.acme.closed', 1, 1))).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_STORE_FAILED',
      message: 'The schema store is closed',
    });
  });
});
