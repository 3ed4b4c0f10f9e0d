import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC, UpstreamError } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { buildConsoleApp, ResetWatermarkLog } from '@sift/console';
import type { ResetBarrier } from '@sift/console';
import { FileEventLog } from '@sift/event-log';
import type { ConsumedRecord, LogRecord } from '@sift/event-log';
import { buildSinkApp, SqliteEventStore } from '@sift/sinks';
import type { SinkApp } from '@sift/sinks';
import { badEvent } from '../../support/events';

const logger = createLogger('reset-test', 'silent');

/** A bad event as the collector appends it to the bad topic. */
function badRecord(id: string): LogRecord {
  const event: BadEvent = {
    id,
    received_at: new Date().toISOString(),
    stage: 'collector',
    kind: 'malformed_json',
    errors: [{ path: '', keyword: 'json', message: 'not JSON' }],
    payload: `{"broken": ${id}`,
    source: { endpoint: 'POST /v1/events' },
  };
  return { key: id, value: Buffer.from(JSON.stringify(event)), headers: { 'sift-event-id': id } };
}

/** Resolves once `check` holds, asking again at every store write and every 20 ms. */
async function eventually(store: SqliteEventStore, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) {
    await new Promise<void>((resolve) => {
      const stop = store.onStored(() => done());
      const timer = setTimeout(() => done(), 20);
      const done = () => {
        stop();
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

describe('reset through the reset point of the log (file log, SQLite store, real sinks)', () => {
  let dir: string;
  let fileLog: FileEventLog;
  let store: SqliteEventStore;
  let sinks: SinkApp[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sift-reset-'));
    fileLog = await FileEventLog.open({ dir: path.join(dir, 'log') });
    await fileLog.ensureTopics([GOOD_TOPIC, BAD_TOPIC]);
    store = new SqliteEventStore({ file: path.join(dir, 'events.db') });
    sinks = [];
  });

  afterEach(async () => {
    for (const sink of sinks) await sink.stop();
    await fileLog.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const openResetLog = () =>
    ResetWatermarkLog.open({
      inner: fileLog,
      topics: [GOOD_TOPIC, BAD_TOPIC],
      end: async (topic) => (await fileLog.bounds(topic)).next,
      file: path.join(dir, 'reset-point.json'),
    });

  const startSinks = async (log: ResetWatermarkLog) => {
    for (const kind of ['good', 'bad'] as const) {
      const sink = buildSinkApp(
        { kind, maxBatch: 100, indexPrefix: 'sift', flushIntervalMs: 0 },
        {
          log,
          store,
          schemas: {
            schemaById: () => Promise.reject(new Error('no good events here')),
            referencedSchemas: () => Promise.resolve([]),
          },
          logger,
        },
      );
      await sink.start();
      sinks.push(sink);
    }
  };

  it('keeps every event received before the reset out of the store, even those the sinks had not reached', async () => {
    const resetLog = await openResetLog();
    const app = buildConsoleApp({ maxWaitMs: 1000 }, { query: store, logger, reset: resetLog });
    await fileLog.append(
      BAD_TOPIC,
      Array.from({ length: 500 }, (_, i) => badRecord(`old-${i}`)),
    );

    const reset = await request(app).post('/api/reset').expect(200);
    expect(reset.body).toEqual({ total: 0, good: 0, bad: 0 });
    await startSinks(resetLog);
    await fileLog.append(BAD_TOPIC, [badRecord('new')]);

    await eventually(store, async () => (await store.get('new')) !== undefined);
    expect(await store.counts()).toEqual({ total: 1, good: 0, bad: 1 });
  });

  it('answers every one of many resets at once, and keeps the newest reset point', async () => {
    const resetLog = await openResetLog();
    const app = buildConsoleApp({ maxWaitMs: 1000 }, { query: store, logger, reset: resetLog });
    await fileLog.append(BAD_TOPIC, [badRecord('old')]);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => request(app).post('/micro/reset')),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    await fileLog.append(BAD_TOPIC, [badRecord('new')]);
    await startSinks(await openResetLog());

    await eventually(store, async () => (await store.get('new')) !== undefined);
    expect(await store.get('old')).toBeUndefined();
  });

  it('still holds back the events from before the reset after a restart', async () => {
    await fileLog.append(BAD_TOPIC, [badRecord('old')]);
    await (await openResetLog()).mark(1000);
    await fileLog.append(BAD_TOPIC, [badRecord('new')]);

    await startSinks(await openResetLog());

    await eventually(store, async () => (await store.get('new')) !== undefined);
    expect(await store.get('old')).toBeUndefined();
  });

  it('waits for a batch handed to the sinks before the reset, so it cannot refill the store', async () => {
    const resetLog = await openResetLog();
    let release: () => void = () => undefined;
    let handedOver: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => (handedOver = resolve));
    const handled: string[] = [];
    const subscription = await resetLog.consume({
      topics: [BAD_TOPIC],
      groupId: 'slow',
      handleBatch: (records: ConsumedRecord[]) => {
        handled.push(...records.map((record) => String(record.key)));
        handedOver();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    try {
      await fileLog.append(BAD_TOPIC, [badRecord('in-flight')]);
      await delivered;
      let marked = false;
      const marking = resetLog.mark(60_000).then(() => (marked = true));
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(marked).toBe(false);
      release();
      await marking;
      expect(handled).toEqual(['in-flight']);
    } finally {
      release();
      await subscription.stop();
    }
  });

  it('gives up with a retriable code when a batch from before the reset does not finish in time', async () => {
    const resetLog = await openResetLog();
    let release: () => void = () => undefined;
    let handedOver: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => (handedOver = resolve));
    const subscription = await resetLog.consume({
      topics: [BAD_TOPIC],
      groupId: 'stuck',
      handleBatch: () => {
        handedOver();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    try {
      await fileLog.append(BAD_TOPIC, [badRecord('stuck')]);
      await delivered;
      await expect(resetLog.mark(50)).rejects.toMatchObject({
        code: 'SIFT_CONSOLE_RESET_INCOMPLETE',
        retriable: true,
      });
    } finally {
      release();
      await subscription.stop();
    }
  });
});

describe('console reset with a barrier', () => {
  it('answers 503 with Retry-After and deletes nothing when the sinks cannot catch up', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const stuck: ResetBarrier = {
      mark: () =>
        Promise.reject(new UpstreamError('SIFT_CONSOLE_RESET_INCOMPLETE', 'still storing')),
    };
    try {
      await store.index([badEvent('kept')]);
      const app = buildConsoleApp({ maxWaitMs: 1000 }, { query: store, logger, reset: stuck });
      const answer = await request(app).post('/micro/reset').expect(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body.error.code).toBe('SIFT_CONSOLE_RESET_INCOMPLETE');
      expect((await store.counts()).total).toBe(1);
    } finally {
      await store.close();
    }
  });
});
