import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@sift/common';

/**
 * Offsets that a reader has applied, and promises waiting for it to get past a given offset.
 * The reader calls `advance` after applying each record; `fail` rejects the waiters for good.
 */
export class OffsetTracker {
  /** The offset of the next record to apply: everything before it has been applied. */
  next = 0n;
  private failure: { error: unknown } | undefined;
  private readonly waiters = new Set<{
    target: bigint;
    resolve: () => void;
    reject: (error: unknown) => void;
  }>();

  advance(next: bigint): void {
    if (next <= this.next) return;
    this.next = next;
    for (const waiter of this.waiters) {
      if (waiter.target <= next) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /**
   * Resolves once every offset below `target` has been applied; rejects with
   * `onTimeout()` after `timeoutMs`.
   */
  waitFor(target: bigint, timeoutMs: number, onTimeout: () => unknown): Promise<void> {
    if (target <= this.next) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(onTimeout());
      }, timeoutMs);
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every waiter, now and later, with `error`. */
  fail(error: unknown): void {
    this.failure ??= { error };
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }
}

/** What a topic reader reads and whom it tells. */
export interface TopicReaderOptions {
  kafka: Kafka;
  topic: string;
  /** Start of the reader's consumer group id; a random suffix makes the group its own. */
  groupPrefix: string;
  logger: Logger;
  /** Called once per message of partition 0, in offset order; must not throw. */
  onMessage: (message: KafkaMessage) => void;
  /** Called when the consumer stops for good (kafkajs gave up restarting it). */
  onFailure: (error: Error) => void;
}

/**
 * Reads partition 0 of a topic from its first offset and keeps following it, each message
 * once, in offset order. Its consumer group has a random id and never commits, so every
 * instance reads everything; `offsets` tells how far it got.
 */
export class TopicReader {
  readonly offsets = new OffsetTracker();
  private readonly consumer: Consumer;

  constructor(private readonly options: TopicReaderOptions) {
    this.consumer = options.kafka.consumer({
      groupId: `${options.groupPrefix}-${randomUUID()}`,
      allowAutoTopicCreation: false,
      // Bounds how long disconnect() waits for an idle fetch to return.
      maxWaitTimeInMs: 1000,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        options.logger.warn({ err: payload.error, topic: options.topic }, 'Reader restarts');
        return;
      }
      options.onFailure(payload.error);
    });
  }

  /** Starts reading; `low` is the partition's first offset (nothing before it exists). */
  async start(low: bigint): Promise<void> {
    this.offsets.advance(low);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== 0) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          // With no committed offsets, a consumer that rejoins its group starts over at 0.
          if (offset < this.offsets.next) continue;
          this.options.onMessage(message);
          this.offsets.advance(offset + 1n);
        }
      },
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
