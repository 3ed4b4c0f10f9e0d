import { isSiftError, UpstreamError } from '@sift/common';
import type { SiftError } from '@sift/common';
import { BoundedEventLog, MemoryEventLog } from '@sift/event-log';
import type { ConsumeOptions, EventLog, LogRecord, Subscription } from '@sift/event-log';

/** One `append` the inner log has received and not yet settled. */
interface HeldAppend {
  topic: string;
  records: LogRecord[];
  resolve(): void;
  reject(error: unknown): void;
}

/** An inner log whose appends settle only when the test says so. */
class HeldEventLog implements EventLog {
  readonly held: HeldAppend[] = [];
  closed = false;

  async ensureTopics(): Promise<void> {}

  append(topic: string, records: LogRecord[]): Promise<void> {
    return new Promise((resolve, reject) => this.held.push({ topic, records, resolve, reject }));
  }

  async consume(_options: ConsumeOptions): Promise<Subscription> {
    return { stop: async () => {} };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Settles every held append, oldest first. */
  resolveAll(): void {
    for (const held of this.held.splice(0)) held.resolve();
  }
}

/** An inner log that refuses every append. */
class FailingEventLog extends HeldEventLog {
  override append(topic: string, records: LogRecord[]): Promise<void> {
    return Promise.reject(
      new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', `refused ${records.length} for ${topic}`),
    );
  }
}

function records(count: number, prefix = 'r', valueBytes = 10): LogRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: null,
    value: Buffer.alloc(valueBytes, i % 256),
    headers: { 'sift-event-id': `${prefix}${i}` },
  }));
}

function ids(list: LogRecord[]): string[] {
  return list.map((record) => record.headers?.['sift-event-id'] ?? '');
}

/** Resolves after the promise jobs and timers queued so far have run. */
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a promise has done so far, seen without waiting for it. */
interface Watched {
  state: 'pending' | 'resolved' | 'rejected';
}

function watch(promise: Promise<void>): Watched {
  const seen: Watched = { state: 'pending' };
  promise.then(
    () => (seen.state = 'resolved'),
    () => (seen.state = 'rejected'),
  );
  return seen;
}

describe('BoundedEventLog', () => {
  it('resolves an append once the inner log acknowledged it', async () => {
    const inner = new MemoryEventLog();
    const log = new BoundedEventLog({ inner });
    await log.append('good', records(3));
    expect(inner.records('good')).toHaveLength(3);
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });
  });

  it('counts what is in flight until the inner log settles', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner });
    const appended = watch(log.append('good', records(4, 'r', 100)));
    await tick();
    expect(appended.state).toBe('pending');
    const { records: count, bytes } = log.pending();
    expect(count).toBe(4);
    // 100 value bytes + 13 + 2 header characters per record.
    expect(bytes).toBe(4 * 115);
    inner.resolveAll();
    await tick();
    expect(appended.state).toBe('resolved');
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });
  });

  it('refuses at once, retriable and with the pending counts, when the records would overflow the buffer', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner, maxPendingRecords: 10 });
    void log.append('good', records(6)).catch(() => undefined);
    void log.append('bad', records(4)).catch(() => undefined);
    const before = log.pending();

    const refused = await log.append('good', records(1)).then(
      () => undefined,
      (error: unknown) => error as SiftError,
    );
    expect(isSiftError(refused)).toBe(true);
    expect(refused).toMatchObject({
      code: 'SIFT_EVENT_LOG_UNAVAILABLE',
      retriable: true,
      details: { pendingRecords: 10, pendingBytes: before.bytes },
    });
    expect(refused?.message).toMatch(/^buffer full: 10 records/);
    expect(inner.held).toHaveLength(2);
    expect(log.pending()).toEqual(before);

    inner.resolveAll();
    await tick();
    const accepted = watch(log.append('good', records(1)));
    inner.resolveAll();
    await tick();
    expect(accepted.state).toBe('resolved');
  });

  it('refuses by bytes as well as by records', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner, maxPendingBytes: 1000 });
    void log.append('good', records(1, 'r', 900)).catch(() => undefined);
    await expect(log.append('good', records(1, 'r', 200))).rejects.toMatchObject({
      code: 'SIFT_EVENT_LOG_UNAVAILABLE',
      retriable: true,
    });
    inner.resolveAll();
  });

  it('lets an append larger than the limits through alone when nothing is pending', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner, maxPendingRecords: 5 });
    const big = watch(log.append('good', records(8)));
    await tick();
    expect(inner.held).toHaveLength(1);
    await expect(log.append('good', records(1))).rejects.toMatchObject({
      details: { pendingRecords: 8 },
    });
    inner.resolveAll();
    await tick();
    expect(big.state).toBe('resolved');
  });

  it('rejects a slow append after the timeout, retriable, while its records stay counted until the inner log settles', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner, appendTimeoutMs: 20, maxPendingRecords: 5 });
    await expect(log.append('good', records(5))).rejects.toMatchObject({
      code: 'SIFT_EVENT_LOG_UNAVAILABLE',
      retriable: true,
      details: { topic: 'good', records: 5, timeoutMs: 20 },
    });
    expect(log.pending().records).toBe(5);
    await expect(log.append('good', records(1))).rejects.toThrow(/buffer full/);

    inner.resolveAll();
    await tick();
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });
    const next = watch(log.append('good', records(1)));
    inner.resolveAll();
    await tick();
    expect(next.state).toBe('resolved');
  });

  it('passes the inner error on and releases the counts when the inner log fails', async () => {
    const log = new BoundedEventLog({ inner: new FailingEventLog() });
    await expect(log.append('good', records(2))).rejects.toThrow('refused 2 for good');
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });
  });

  it('releases the counts when the inner log throws instead of rejecting', async () => {
    const inner = new HeldEventLog();
    inner.append = () => {
      throw new Error('synchronous failure');
    };
    const log = new BoundedEventLog({ inner });
    await expect(log.append('good', records(2))).rejects.toThrow('synchronous failure');
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });
  });

  it('does not call the inner log for an empty append', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner });
    await log.append('bad', []);
    expect(inner.held).toHaveLength(0);
  });

  it('flushes: resolves only when every pending append has settled, landed or failed', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner, appendTimeoutMs: 10 });
    void log.append('good', records(2)).catch(() => undefined);
    void log.append('bad', records(1)).catch(() => undefined);
    const flushed = watch(log.flush());
    await tick(30);
    expect(flushed.state).toBe('pending');
    inner.held[0]?.resolve();
    await tick();
    expect(flushed.state).toBe('pending');
    inner.held[1]?.reject(new Error('lost'));
    await tick();
    expect(flushed.state).toBe('resolved');
    await expect(log.flush()).resolves.toBeUndefined();
  });

  it('closes: refuses new appends, waits for pending ones, then closes the inner log', async () => {
    const inner = new HeldEventLog();
    const log = new BoundedEventLog({ inner });
    const pending = watch(log.append('good', records(2)));
    const closed = watch(log.close());
    await tick();
    await expect(log.append('good', records(1))).rejects.toMatchObject({
      code: 'SIFT_EVENT_LOG_UNAVAILABLE',
      retriable: true,
    });
    expect(closed.state).toBe('pending');
    expect(inner.closed).toBe(false);
    inner.resolveAll();
    await tick();
    expect(pending.state).toBe('resolved');
    expect(closed.state).toBe('resolved');
    expect(inner.closed).toBe(true);
  });

  it('closes the inner log after the close timeout when an append never settles', async () => {
    const inner = new HeldEventLog();
    const warnings: unknown[] = [];
    const logger = { warn: (fields: unknown) => warnings.push(fields) };
    const log = new BoundedEventLog({
      inner,
      closeTimeoutMs: 20,
      logger: logger as unknown as ConstructorParameters<typeof BoundedEventLog>[0]['logger'],
    });
    void log.append('good', records(3)).catch(() => undefined);
    await log.close();
    expect(inner.closed).toBe(true);
    expect(warnings).toEqual([
      { pending: { records: 3, bytes: log.pending().bytes }, closeTimeoutMs: 20 },
    ]);
  });

  describe('with lingerMs', () => {
    it('combines appends to one topic into one inner append, in call order, and resolves each caller', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 5 });
      const a = watch(log.append('good', records(2, 'a')));
      const b = watch(log.append('bad', records(1, 'b')));
      const c = watch(log.append('good', records(3, 'c')));
      expect(inner.held).toHaveLength(0);
      expect(log.pending().records).toBe(6);
      await tick(20);
      expect(inner.held.map((held) => [held.topic, ids(held.records)])).toEqual([
        ['good', ['a0', 'a1', 'c0', 'c1', 'c2']],
        ['bad', ['b0']],
      ]);
      inner.held[0]?.resolve();
      await tick();
      expect([a.state, b.state, c.state]).toEqual(['resolved', 'pending', 'resolved']);
      inner.held[1]?.resolve();
      await tick();
      expect(b.state).toBe('resolved');
      expect(log.pending()).toEqual({ records: 0, bytes: 0 });
    });

    it('with 0, combines the appends of one event-loop turn', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 0 });
      const calls = [log.append('good', records(1, 'a')), log.append('good', records(1, 'b'))];
      await tick();
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0', 'b0']]);
      inner.resolveAll();
      await Promise.all(calls);
    });

    it('holds later appends while a combined append is in flight, then sends them as one', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 0 });
      const first = watch(log.append('good', records(1, 'a')));
      await tick();
      const later = [
        watch(log.append('good', records(1, 'b'))),
        watch(log.append('good', records(2, 'c'))),
      ];
      await tick(10);
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0']]);
      expect(log.pending().records).toBe(4);

      inner.held[0]?.resolve();
      await tick();
      expect(first.state).toBe('resolved');
      expect(later.map((call) => call.state)).toEqual(['pending', 'pending']);
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0'], ['b0', 'c0', 'c1']]);
      inner.held[1]?.resolve();
      await tick();
      expect(later.map((call) => call.state)).toEqual(['resolved', 'resolved']);
    });

    it('rejects every caller of a combined append that fails, and only those', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 5 });
      const first = [log.append('good', records(1, 'a')), log.append('good', records(1, 'b'))];
      await tick(20);
      const second = log.append('good', records(1, 'c'));
      const failure = new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', 'no leader');
      inner.held[0]?.reject(failure);
      for (const caller of first) await expect(caller).rejects.toBe(failure);
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0', 'b0'], ['c0']]);
      inner.held[1]?.resolve();
      await expect(second).resolves.toBeUndefined();
      expect(log.pending()).toEqual({ records: 0, bytes: 0 });
    });

    it('starts a new batch when the next append would take it over maxBatchBytes, keeping order', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 1000, maxBatchBytes: 100 });
      // Each record is its value plus 15 header characters: 75, 75 and 25 bytes.
      const calls = [
        log.append('good', records(1, 'a', 60)),
        log.append('good', records(1, 'b', 60)),
        log.append('good', records(1, 'c', 10)),
      ];
      const flushed = watch(log.flush());
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0']]);
      inner.held[0]?.resolve();
      await tick();
      expect(inner.held.map((held) => ids(held.records))).toEqual([['a0'], ['b0', 'c0']]);
      expect(flushed.state).toBe('pending');
      inner.held[1]?.resolve();
      await Promise.all(calls);
      await tick();
      expect(flushed.state).toBe('resolved');
    });

    it('sends lingering appends at once on flush', async () => {
      const inner = new MemoryEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 10_000 });
      const appended = log.append('good', records(2));
      await log.flush();
      await appended;
      expect(inner.records('good')).toHaveLength(2);
    });

    it('times each caller out on its own clock', async () => {
      const inner = new HeldEventLog();
      const log = new BoundedEventLog({ inner, lingerMs: 5, appendTimeoutMs: 30 });
      const first = watch(log.append('good', records(1)));
      await tick(20);
      const second = watch(log.append('good', records(1)));
      await tick(15);
      expect(first.state).toBe('rejected');
      expect(second.state).toBe('pending');
      inner.resolveAll();
      await tick();
      inner.resolveAll();
      await tick();
      expect(second.state).toBe('resolved');
    });
  });
});
