import { UpstreamError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { ConsumeOptions, EventLog, LogRecord, Subscription } from '../../ports';

/** How much a `BoundedEventLog` holds and how long it waits. */
export interface BoundedEventLogOptions {
  /** The log that appends are handed to (Kafka, or the local log). */
  inner: EventLog;
  /** Most records accepted but not yet acknowledged by `inner`; default 10000. */
  maxPendingRecords?: number;
  /** Most bytes (values, keys, headers) accepted but not yet acknowledged; default 64 MiB. */
  maxPendingBytes?: number;
  /** How long one `append` waits for `inner` to acknowledge, ms; default 10000. */
  appendTimeoutMs?: number;
  /**
   * Combines appends to one topic, ms: the first append to an idle topic waits this long
   * (0: until the current event-loop turn ends) for others to join it, and while a combined
   * append is in flight to the topic, later appends wait and go together as the next one.
   * Default: off, each append is handed on alone, at once.
   */
  lingerMs?: number;
  /** Largest combined append, bytes; default 512 KiB (a larger single append goes alone). */
  maxBatchBytes?: number;
  /** How long `close` waits for pending appends before closing `inner` anyway, ms; default 10000. */
  closeTimeoutMs?: number;
  /** Where `close` reports records it gave up waiting for. */
  logger?: Logger;
}

/** Records and bytes accepted by a `BoundedEventLog` and not yet settled by its inner log. */
export interface PendingCounts {
  records: number;
  bytes: number;
}

/** Appends to one topic handed on as one `inner.append`, settled together. */
interface Batch {
  records: LogRecord[];
  bytes: number;
  settled: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The batches of one topic: at most one in flight, the rest waiting in call order. */
interface TopicQueue {
  topic: string;
  waiting: Batch[];
  inFlight: boolean;
  /** Cancels the linger wait of the oldest batch, when one is scheduled. */
  cancelLinger: (() => void) | undefined;
}

/** Bytes a record holds: value bytes plus key and header characters. */
function sizeOf(records: LogRecord[]): number {
  let bytes = 0;
  for (const record of records) {
    bytes += record.value.length + (record.key?.length ?? 0);
    const headers = record.headers;
    if (headers) for (const name in headers) bytes += name.length + (headers[name]?.length ?? 0);
  }
  return bytes;
}

function unavailable(message: string, details: Record<string, unknown>): UpstreamError {
  return new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', message, { retriable: true, details });
}

/**
 * An event log that bounds what it holds in flight to another one: an `append` that would
 * take the records or bytes pending on the inner log over their limits is refused at once
 * (retriable `SIFT_EVENT_LOG_UNAVAILABLE`, so the collector answers 503 + Retry-After) rather
 * than queued without end while Kafka is unreachable. An oversized append is still let through
 * when nothing else is pending, so it can never be refused forever.
 *
 * An `append` that `inner` has not acknowledged within `appendTimeoutMs` is rejected (retriable)
 * but not withdrawn: its records may still land later. The sender retries with the same event
 * ids, and sinks index by event id (`_id`), so a record written twice is stored once. Pending
 * counts are released only when `inner` settles, so they always show what is really in flight.
 *
 * With `lingerMs` set, appends to one topic are combined into fewer `inner.append` calls, in
 * call order, one in flight per topic; each caller settles when its combined append does.
 */
export class BoundedEventLog implements EventLog {
  private readonly inner: EventLog;
  private readonly maxPendingRecords: number;
  private readonly maxPendingBytes: number;
  private readonly appendTimeoutMs: number;
  private readonly lingerMs: number | undefined;
  private readonly maxBatchBytes: number;
  private readonly closeTimeoutMs: number;
  private pendingRecords = 0;
  private pendingBytes = 0;
  private readonly queues = new Map<string, TopicQueue>();
  private idle: (() => void)[] = [];
  private closing = false;

  constructor(private readonly options: BoundedEventLogOptions) {
    this.inner = options.inner;
    this.maxPendingRecords = options.maxPendingRecords ?? 10_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 10_000;
    this.lingerMs = options.lingerMs;
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  ensureTopics(topics: string[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  consume(options: ConsumeOptions): Promise<Subscription> {
    return this.inner.consume(options);
  }

  /**
   * Hands the records to the inner log; resolves once it acknowledged them. Rejects at once
   * when the buffer is full or the log is closing, and after `appendTimeoutMs` without an
   * acknowledgement (the records may still land: see the class comment).
   */
  async append(topic: string, records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closing) {
      throw unavailable(`the event log is closing: ${records.length} records refused`, { topic });
    }
    const bytes = sizeOf(records);
    if (
      this.pendingRecords > 0 &&
      (this.pendingRecords + records.length > this.maxPendingRecords ||
        this.pendingBytes + bytes > this.maxPendingBytes)
    ) {
      throw unavailable(
        `buffer full: ${this.pendingRecords} records (${this.pendingBytes} bytes) pending, ` +
          `limits ${this.maxPendingRecords} records, ${this.maxPendingBytes} bytes`,
        { pendingRecords: this.pendingRecords, pendingBytes: this.pendingBytes },
      );
    }
    this.pendingRecords += records.length;
    this.pendingBytes += bytes;
    const settled =
      this.lingerMs !== undefined
        ? this.enqueue(topic, records, bytes)
        : this.forward(topic, records, records.length, bytes);
    return this.withTimeout(settled, topic, records.length);
  }

  /** Records and bytes accepted and not yet acknowledged or failed by the inner log. */
  pending(): PendingCounts {
    return { records: this.pendingRecords, bytes: this.pendingBytes };
  }

  /** Sends lingering appends now; resolves when nothing is pending, whether it landed or failed. */
  flush(): Promise<void> {
    for (const queue of this.queues.values()) this.sendNext(queue);
    if (this.pendingRecords === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Refuses new appends, waits up to `closeTimeoutMs` for pending ones, then closes the inner log. */
  async close(): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.closeTimeoutMs).unref();
      }),
    ]);
    clearTimeout(timer);
    if (gaveUp) {
      this.options.logger?.warn(
        { pending: this.pending(), closeTimeoutMs: this.closeTimeoutMs },
        'closing the event log with appends still pending',
      );
    }
    await this.inner.close();
  }

  /** Calls `inner.append`, releasing the counts when it settles. */
  private forward(
    topic: string,
    records: LogRecord[],
    count: number,
    bytes: number,
  ): Promise<void> {
    let sent: Promise<void>;
    try {
      sent = this.inner.append(topic, records);
    } catch (error) {
      sent = Promise.reject(error);
    }
    const release = () => this.release(count, bytes);
    sent.then(release, release);
    return sent;
  }

  private release(records: number, bytes: number): void {
    this.pendingRecords -= records;
    this.pendingBytes -= bytes;
    if (this.pendingRecords > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }

  /** Adds the records to the topic's open batch, or to a new one when they would not fit. */
  private enqueue(topic: string, records: LogRecord[], bytes: number): Promise<void> {
    let queue = this.queues.get(topic);
    if (!queue) {
      queue = { topic, waiting: [], inFlight: false, cancelLinger: undefined };
      this.queues.set(topic, queue);
    }
    let batch = queue.waiting.at(-1);
    if (!batch || (batch.records.length > 0 && batch.bytes + bytes > this.maxBatchBytes)) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const settled = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      batch = { records: [], bytes: 0, settled, resolve, reject };
      queue.waiting.push(batch);
    }
    for (const record of records) batch.records.push(record);
    batch.bytes += bytes;
    if (!queue.inFlight && queue.cancelLinger === undefined) {
      const ready = queue;
      if (this.lingerMs === 0) {
        const immediate = setImmediate(() => this.sendNext(ready));
        queue.cancelLinger = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(() => this.sendNext(ready), this.lingerMs);
        queue.cancelLinger = () => clearTimeout(timer);
      }
    }
    return batch.settled;
  }

  /** Sends the topic's oldest waiting batch unless one is in flight; the next follows on settle. */
  private sendNext(queue: TopicQueue): void {
    queue.cancelLinger?.();
    queue.cancelLinger = undefined;
    if (queue.inFlight) return;
    const batch = queue.waiting.shift();
    if (!batch) return;
    queue.inFlight = true;
    const settled = this.forward(queue.topic, batch.records, batch.records.length, batch.bytes);
    const done = () => {
      queue.inFlight = false;
      // Appends that waited behind this one have lingered long enough.
      this.sendNext(queue);
    };
    settled.then(done, done);
    settled.then(batch.resolve, batch.reject);
  }

  /** `settled`, or a retriable rejection after `appendTimeoutMs`, whichever comes first. */
  private withTimeout(settled: Promise<void>, topic: string, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            unavailable(
              `${topic}: ${count} records not acknowledged within ${this.appendTimeoutMs} ms; ` +
                'they may still be appended',
              { topic, records: count, timeoutMs: this.appendTimeoutMs },
            ),
          ),
        this.appendTimeoutMs,
      );
      // A timeout alone does not keep the process up; the inner log's own work does.
      timer.unref();
      settled.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
