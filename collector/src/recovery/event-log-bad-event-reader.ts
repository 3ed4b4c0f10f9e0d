import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, EventLog } from '@sift/event-log';
import { parseBadEvent } from './bad-event-reader';
import type { BadEventQuery, BadEventReader, ReadBadEvent } from './bad-event-reader';

/** How to read the bad topic once through. */
export interface EventLogBadEventReaderOptions {
  log: EventLog;
  /** The bad topic. */
  topic: string;
  /** Consumer group; default `sift-recover-<random UUID>`, used once and left behind. */
  groupId?: string;
  /**
   * How long no record written before the start arrives before the end is taken as
   * reached, ms; default 3000. Must exceed the log's fetch round trip.
   */
  idleMs?: number;
  /** The clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
}

interface PendingBatch {
  records: ConsumedRecord[];
  release(): void;
}

/**
 * Reads the bad topic from the beginning with a throwaway consumer group, through the
 * EventLog port. The port cannot tell where a topic ends, so the end is where records
 * stop coming: records the log took after reading began are passed over, and the read ends
 * once no earlier record has arrived for `idleMs`. Each batch is committed only after the
 * caller has handled it.
 */
export class EventLogBadEventReader implements BadEventReader {
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(private readonly options: EventLogBadEventReaderOptions) {
    this.idleMs = options.idleMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  async *read(_query: BadEventQuery): AsyncIterable<ReadBadEvent> {
    const startedAt = this.now();
    const batches: PendingBatch[] = [];
    let arrived: (() => void) | undefined;
    let closed = false;
    const subscription = await this.options.log.consume({
      topics: [this.options.topic],
      groupId: this.options.groupId ?? `sift-recover-${randomUUID()}`,
      fromBeginning: true,
      handleBatch: (records) =>
        closed
          ? Promise.resolve()
          : new Promise<void>((release) => {
              batches.push({ records, release });
              arrived?.();
            }),
    });
    try {
      let progressAt = this.now();
      for (;;) {
        const batch = batches.shift();
        if (!batch) {
          const left = progressAt + this.idleMs - this.now();
          if (left <= 0) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            arrived = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          arrived = undefined;
          continue;
        }
        try {
          let progressed = false;
          for (const record of batch.records) {
            if (record.timestamp > startedAt) continue;
            progressed = true;
            const parsed = parseBadEvent(record.value.toString('utf8'));
            yield typeof parsed === 'string'
              ? {
                  unreadable: `${record.topic}/${record.partition}@${record.offset}`,
                  reason: parsed,
                }
              : { bad: parsed };
          }
          if (progressed) progressAt = this.now();
        } finally {
          batch.release();
        }
      }
    } finally {
      closed = true;
      for (const batch of batches.splice(0)) batch.release();
      await subscription.stop();
    }
  }
}
