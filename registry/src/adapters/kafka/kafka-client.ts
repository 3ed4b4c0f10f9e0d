import { Kafka, logLevel } from 'kafkajs';
import type { Admin, LogEntry } from 'kafkajs';
import type { Logger } from '@sift/common';

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go to `logger` (warnings and errors only). */
export function createKafka(brokers: string[], clientId: string, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        // kafkajs logs every error response at ERROR, routine ones too (a rebalance, a topic
        // another instance just created); calls that really fail reject, and callers log those.
        const routine = level === logLevel.ERROR && message.startsWith('Response ');
        kafkaLogger[routine ? 'debug' : (pinoLevel[level] ?? 'info')](rest, message);
      },
  });
}

/** Creates a compacted topic with one partition unless it exists; true when it created it. */
export async function createCompactedTopic(
  admin: Admin,
  topic: string,
  replicationFactor: number,
): Promise<boolean> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return false;
  // False as well when another instance created it first.
  return admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ],
  });
}

/** The first offset and the high watermark (offset of the next record) of partition 0. */
export async function partitionBounds(
  admin: Admin,
  topic: string,
): Promise<{ low: bigint; high: bigint }> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const first = offsets.find((entry) => entry.partition === 0);
  return { low: BigInt(first?.low ?? '0'), high: BigInt(first?.high ?? '0') };
}

/** Settles like `promise`, or rejects with `onTimeout()` when it takes longer than `ms`. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => unknown,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
