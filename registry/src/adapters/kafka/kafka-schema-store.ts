import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { SiftError, UpstreamError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { RegistryRecord, SchemaStore } from '../../ports';
import { createCompactedTopic, createKafka, partitionBounds, withTimeout } from './kafka-client';
import { decodeRecord, encodeRecord } from './registry-record-codec';
import { TopicReader } from './topic-reader';

/** Where the registry keeps its records in Kafka. */
export interface KafkaSchemaStoreOptions {
  brokers: string[];
  /** The single-partition compacted topic; default `_schemas`. */
  topic?: string;
  /** kafkajs client id, also the start of the reader's group id; default `sift-registry`. */
  clientId?: string;
  logger: Logger;
  /** Replication factor of the topic when this store creates it; default 1. */
  replicationFactor?: number;
  /** How long `start` may take to replay the topic, in ms; default 60000. */
  startTimeoutMs?: number;
  /** How long `append` and `sync` wait for Kafka and the reader, in ms; default 30000. */
  timeoutMs?: number;
}

type State = 'new' | 'starting' | 'running' | 'closed';

/**
 * The schema store on a compacted, single-partition Kafka topic, in the key and value format
 * of Confluent Schema Registry's `_schemas`. Every instance reads the whole topic with a
 * consumer group of its own (never committed) and applies each record once, in log order;
 * `append` and `sync` wait until the reader has applied the offsets they name.
 */
export class KafkaSchemaStore implements SchemaStore {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly topic: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private state: State = 'new';
  private reader: TopicReader | undefined;
  private producer: Promise<Producer> | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: KafkaSchemaStoreOptions) {
    this.topic = options.topic ?? '_schemas';
    this.log = options.logger.child({ component: 'kafka-schema-store', topic: this.topic });
    this.kafka = createKafka(options.brokers, options.clientId ?? 'sift-registry', this.log);
    this.admin = this.kafka.admin();
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async start(apply: (record: RegistryRecord) => void): Promise<void> {
    if (this.state !== 'new') {
      throw new SiftError('SIFT_INTERNAL', `KafkaSchemaStore cannot start when ${this.state}`);
    }
    this.state = 'starting';
    const began = Date.now();
    const startTimeoutMs = this.options.startTimeoutMs ?? 60_000;
    let applied = 0;
    try {
      await this.admin.connect();
      await this.ensureTopic();
      const { low, high } = await partitionBounds(this.admin, this.topic);
      const reader = new TopicReader({
        kafka: this.kafka,
        topic: this.topic,
        groupPrefix: `${this.options.clientId ?? 'sift-registry'}-reader`,
        logger: this.log,
        onMessage: (message) => {
          if (this.applyMessage(message, apply)) applied += 1;
        },
        onFailure: (error) => {
          this.log.error({ err: error }, 'The schema store reader stopped');
          reader.offsets.fail(
            new UpstreamError('SIFT_REGISTRY_STORE_FAILED', `Stopped reading ${this.topic}`, {
              cause: error,
            }),
          );
        },
      });
      this.reader = reader;
      await withTimeout(reader.start(low), startTimeoutMs, () =>
        this.timeout('join a consumer group', startTimeoutMs),
      );
      // Compaction never touches the active segment, so the record at high - 1 is there to read.
      await reader.offsets.waitFor(high, startTimeoutMs, () =>
        this.timeout(`replay up to offset ${high}`, startTimeoutMs),
      );
      if (this.state === 'starting') this.state = 'running';
      this.log.info(
        { records: applied, endOffset: String(high), ms: Date.now() - began },
        'Replayed the schema store',
      );
    } catch (error) {
      await this.close();
      if (error instanceof SiftError) throw error;
      throw new UpstreamError(
        'SIFT_REGISTRY_STORE_FAILED',
        `Cannot start the schema store on ${this.topic}`,
        { cause: error },
      );
    }
  }

  async append(record: RegistryRecord): Promise<void> {
    const reader = this.runningReader();
    const { key, value } = encodeRecord(record);
    let offset: bigint;
    try {
      // kafkajs may reorder concurrent sends; one at a time keeps the log in call order.
      const sent = this.sending.then(async () => {
        const producer = await this.connectedProducer();
        return producer.send({
          topic: this.topic,
          acks: -1,
          messages: [{ partition: 0, key, value }],
        });
      });
      this.sending = sent.catch(() => undefined);
      const [metadata] = await withTimeout(sent, this.timeoutMs, () =>
        this.timeout(`write ${key}`, this.timeoutMs, '; it may still be written'),
      );
      if (metadata?.baseOffset === undefined) throw new Error('Kafka returned no offset');
      offset = BigInt(metadata.baseOffset);
    } catch (error) {
      if (error instanceof SiftError) throw error;
      throw new UpstreamError('SIFT_REGISTRY_STORE_FAILED', `Kafka did not accept ${key}`, {
        cause: error,
        details: { topic: this.topic },
      });
    }
    await reader.offsets.waitFor(offset + 1n, this.timeoutMs, () =>
      this.timeout(`apply ${key}, written at offset ${offset}`, this.timeoutMs),
    );
  }

  async sync(): Promise<void> {
    const reader = this.runningReader();
    let high: bigint;
    try {
      ({ high } = await withTimeout(partitionBounds(this.admin, this.topic), this.timeoutMs, () =>
        this.timeout('fetch the end offset', this.timeoutMs),
      ));
    } catch (error) {
      if (error instanceof SiftError) throw error;
      throw new UpstreamError(
        'SIFT_REGISTRY_STORE_FAILED',
        `Cannot fetch the end offset of ${this.topic}`,
        { cause: error },
      );
    }
    await reader.offsets.waitFor(high, this.timeoutMs, () =>
      this.timeout(`read up to offset ${high}`, this.timeoutMs),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closed';
      this.reader?.offsets.fail(
        new UpstreamError('SIFT_REGISTRY_STORE_FAILED', 'The schema store was closed', {
          retriable: false,
        }),
      );
      const producer = this.producer?.catch(() => undefined);
      const results = await Promise.allSettled([
        this.reader?.close(),
        producer?.then((connected) => connected?.disconnect()),
        this.admin.disconnect(),
      ]);
      for (const result of results) {
        if (result.status === 'rejected') {
          this.log.warn({ err: result.reason }, 'Could not disconnect from Kafka cleanly');
        }
      }
    })();
    return this.closing;
  }

  /** Creates the topic if it is missing, then checks it has one partition and compaction. */
  private async ensureTopic(): Promise<void> {
    const replicationFactor = this.options.replicationFactor ?? 1;
    if (await createCompactedTopic(this.admin, this.topic, replicationFactor)) {
      this.log.info('Created the schema store topic');
    }
    const metadata = await this.admin.fetchTopicMetadata({ topics: [this.topic] });
    const partitions = metadata.topics[0]?.partitions.length ?? 0;
    const configs = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: this.topic, configNames: ['cleanup.policy'] },
      ],
    });
    const cleanupPolicy = configs.resources[0]?.configEntries.find(
      (entry) => entry.configName === 'cleanup.policy',
    )?.configValue;
    const problems: string[] = [];
    if (partitions !== 1) {
      problems.push(`has ${partitions} partitions, not 1 (one partition keeps one order)`);
    }
    if (cleanupPolicy !== 'compact') {
      problems.push(
        `has cleanup.policy=${cleanupPolicy ?? 'unknown'}, not compact (or old schemas are deleted)`,
      );
    }
    if (problems.length > 0) {
      throw new UpstreamError(
        'SIFT_REGISTRY_STORE_FAILED',
        `Topic ${this.topic} ${problems.join(' and ')}`,
        { retriable: false, details: { topic: this.topic, partitions, cleanupPolicy } },
      );
    }
  }

  /** Decodes and applies one message; false when it was skipped. */
  private applyMessage(message: KafkaMessage, apply: (record: RegistryRecord) => void): boolean {
    const decoded = decodeRecord(message.key, message.value, Number(message.timestamp));
    if (!decoded.ok) {
      this.log[decoded.level]({ offset: message.offset }, `Skipped a record: ${decoded.reason}`);
      return false;
    }
    try {
      apply(decoded.record);
      return true;
    } catch (error) {
      // One bad record must not stop every later one from being applied.
      this.log.error({ err: error, offset: message.offset }, 'Could not apply a record');
      return false;
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private runningReader(): TopicReader {
    if (this.state !== 'running' || this.reader === undefined) {
      throw new UpstreamError(
        'SIFT_REGISTRY_STORE_FAILED',
        `The schema store is ${this.state === 'closed' ? 'closed' : 'not started'}`,
        { retriable: false },
      );
    }
    return this.reader;
  }

  private timeout(what: string, ms: number, note = ''): UpstreamError {
    return new UpstreamError(
      'SIFT_REGISTRY_STORE_FAILED',
      `Timed out after ${ms} ms waiting to ${what} on ${this.topic}${note}`,
      { details: { topic: this.topic, timeoutMs: ms } },
    );
  }
}
