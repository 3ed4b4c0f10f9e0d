import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Consumer, IHeaders, KafkaMessage, LogEntry, Producer } from 'kafkajs';
import { UpstreamError } from '@sift/common';
import type { Logger } from '@sift/common';
import type {
  ConsumedRecord,
  ConsumeOptions,
  EventLog,
  LogRecord,
  Subscription,
} from '../../ports';

/** How to reach Kafka. */
export interface KafkaEventLogOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partitions of topics this log creates; default 3. */
  partitions?: number;
  /** Replication factor of topics this log creates; default 1. */
  replicationFactor?: number;
  /**
   * How long a consumer may go silent before the group gives its partitions to others, ms;
   * default kafkajs' 30000. Shorter: a killed consumer's partitions move on sooner.
   */
  sessionTimeoutMs?: number;
  /**
   * How produced batches are compressed: `none` (default, as Kafka's producers) or `gzip`
   * (fewer bytes on the network and disk for much more CPU: about half the collector's
   * throughput in `bench/collector`).
   */
  compression?: 'none' | 'gzip';
}

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function toHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

function toConsumed(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString() ?? null,
    value: message.value ?? Buffer.alloc(0),
    headers: toHeaders(message.headers),
  };
}

/**
 * The event log on Kafka: an idempotent producer with acks from all in-sync replicas, and
 * consumer groups that commit offsets only after a batch was handled.
 */
export class KafkaEventLog implements EventLog {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly options: KafkaEventLogOptions) {
    const logger = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...rest } = log;
          logger[pinoLevel[level] ?? 'info'](rest, message);
        },
    });
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.options.partitions ?? 3,
            replicationFactor: this.options.replicationFactor ?? 1,
          })),
        });
      }
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_LOG_UNAVAILABLE',
        `Cannot create topics ${topics.join(', ')}`,
        {
          cause: error,
        },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async append(topic: string, records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      const producer = await this.connectedProducer();
      await producer.send({
        topic,
        acks: -1,
        compression:
          this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: records.map((record) => ({
          key: record.key ?? null,
          value: record.value,
          headers: record.headers,
        })),
      });
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_LOG_UNAVAILABLE',
        `Kafka did not accept ${records.length} records for ${topic}`,
        {
          cause: error,
        },
      );
    }
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    const logger = this.options.logger.child({ groupId: options.groupId, topics: options.topics });
    let consumer = await this.startConsumer(options);
    let stopped = false;
    let restartTimer: NodeJS.Timeout | undefined;
    let restarts = 0;
    // kafkajs gives up on a consumer after a non-retriable error (a commit refused after the
    // group moved on, a handler that threw one): start a new one, from the last commit.
    const watch = (current: Consumer): void => {
      current.on(current.events.CRASH, ({ payload }) => {
        if (stopped || payload.restart) return;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
        restarts++;
        logger.warn({ err: payload.error, delayMs }, 'consumer stopped by an error; restarting it');
        restartTimer = setTimeout(() => void restart(current), delayMs);
      });
    };
    const restart = async (crashed: Consumer): Promise<void> => {
      this.consumers.delete(crashed);
      await crashed.disconnect().catch(() => undefined);
      if (stopped) return;
      try {
        consumer = await this.startConsumer(options);
        restarts = 0;
        watch(consumer);
        logger.info('consumer restarted');
      } catch (error) {
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts++, 6));
        logger.warn({ err: error, delayMs }, 'consumer cannot restart yet');
        if (!stopped) restartTimer = setTimeout(() => void restart(crashed), delayMs);
      }
    };
    watch(consumer);
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(restartTimer);
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /** A connected consumer of the group, running the handler. */
  private async startConsumer(options: ConsumeOptions): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      ...(this.options.sessionTimeoutMs !== undefined
        ? {
            sessionTimeout: this.options.sessionTimeoutMs,
            heartbeatInterval: Math.max(100, Math.floor(this.options.sessionTimeoutMs / 10)),
          }
        : {}),
    });
    this.consumers.add(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: options.topics,
        fromBeginning: options.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const records = batch.messages.map((message) =>
            toConsumed(batch.topic, batch.partition, message),
          );
          await options.handleBatch(records);
          const last = batch.lastOffset();
          resolveOffset(last);
          await consumer.commitOffsets([
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: (BigInt(last) + 1n).toString(),
            },
          ]);
          await heartbeat();
        },
      });
      return consumer;
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw new UpstreamError(
        'SIFT_EVENT_LOG_UNAVAILABLE',
        `Cannot consume ${options.topics.join(', ')}`,
        {
          cause: error,
        },
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
    this.connecting = undefined;
  }
}
