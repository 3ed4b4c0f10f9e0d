import { randomUUID } from 'node:crypto';
import type { BadEvent } from '@sift/common';
import { badEventRecord, EventLogBadEventReader } from '@sift/collector';
import type { BadEventQuery, ReadBadEvent } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { ConsumeOptions, EventLog, LogRecord, Subscription } from '@sift/event-log';

const anyQuery: BadEventQuery = { eventTypes: [], kinds: [] };

function badEvent(order: string): BadEvent {
  return {
    id: randomUUID(),
    received_at: new Date().toISOString(),
    stage: 'validator',
    kind: 'schema_violation',
    event: 'com.acme.checkout_completed',
    errors: [{ path: '/total', keyword: 'type', message: '/total must be double' }],
    payload: JSON.stringify({ event: 'com.acme.checkout_completed', data: { order } }),
    source: { endpoint: 'POST /v1/events' },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory log that counts the subscriptions still running. */
class WatchedLog implements EventLog {
  readonly inner = new MemoryEventLog();
  running = 0;
  ensureTopics(topics: string[]) {
    return this.inner.ensureTopics(topics);
  }
  append(topic: string, records: LogRecord[]) {
    return this.inner.append(topic, records);
  }
  async consume(options: ConsumeOptions): Promise<Subscription> {
    const subscription = await this.inner.consume(options);
    this.running++;
    return {
      stop: async () => {
        this.running--;
        await subscription.stop();
      },
    };
  }
  close() {
    return this.inner.close();
  }
}

async function readAll(iterable: AsyncIterable<ReadBadEvent>): Promise<ReadBadEvent[]> {
  const items: ReadBadEvent[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('EventLogBadEventReader', () => {
  it('reads every bad event of the topic, then ends and stops its consumer', async () => {
    const log = new WatchedLog();
    const events = ['a', 'b', 'c'].map(badEvent);
    await log.append('bad', events.map(badEventRecord));

    const read = await readAll(
      new EventLogBadEventReader({ log, topic: 'bad', idleMs: 50 }).read(anyQuery),
    );

    expect(read).toEqual(events.map((bad) => ({ bad })));
    expect(log.running).toBe(0);
  });

  it('passes over bad events the log took after reading began', async () => {
    const log = new WatchedLog();
    const before = badEvent('before');
    await log.append('bad', [badEventRecord(before)]);
    await sleep(5);

    const read: ReadBadEvent[] = [];
    for await (const item of new EventLogBadEventReader({ log, topic: 'bad', idleMs: 100 }).read(
      anyQuery,
    )) {
      read.push(item);
      if (read.length === 1) {
        await sleep(5);
        await log.append('bad', [badEventRecord(badEvent('after'))]);
      }
    }

    expect(read).toEqual([{ bad: before }]);
  });

  it('ends on a busy topic once only newer records keep coming', async () => {
    const log = new WatchedLog();
    await log.append('bad', [badEventRecord(badEvent('old'))]);
    await sleep(5);
    let busy = true;
    // Bounded, so a reader that never ends fails the test instead of hanging it.
    const stopWritingAt = Date.now() + 5000;
    let writing = true;
    const writer = (async () => {
      while (busy && Date.now() < stopWritingAt) {
        await sleep(10);
        await log.append('bad', [badEventRecord(badEvent('new'))]);
      }
      writing = false;
    })();

    const read = await readAll(
      new EventLogBadEventReader({ log, topic: 'bad', idleMs: 100 }).read(anyQuery),
    );
    const endedWhileWriting = writing;
    busy = false;
    await writer;

    expect(endedWhileWriting).toBe(true);
    expect(read).toHaveLength(1);
  });

  it('stops its consumer when the caller stops early', async () => {
    const log = new WatchedLog();
    await log.append('bad', ['a', 'b', 'c'].map(badEvent).map(badEventRecord));

    for await (const _ of new EventLogBadEventReader({ log, topic: 'bad', idleMs: 1000 }).read(
      anyQuery,
    )) {
      break;
    }

    expect(log.running).toBe(0);
  });

  it('names records that are not bad events by where they sit', async () => {
    const log = new WatchedLog();
    await log.append('bad', [{ value: Buffer.from('{"id": "x"}') }, { value: Buffer.from('[') }]);

    const read = await readAll(
      new EventLogBadEventReader({ log, topic: 'bad', idleMs: 50 }).read(anyQuery),
    );

    expect(read).toEqual([
      { unreadable: 'bad/0@0', reason: 'no kind' },
      { unreadable: 'bad/0@1', reason: expect.stringMatching(/^not JSON/) },
    ]);
  });

  it('ends after the idle time on an empty topic', async () => {
    const log = new WatchedLog();
    await log.ensureTopics(['bad']);

    expect(
      await readAll(new EventLogBadEventReader({ log, topic: 'bad', idleMs: 20 }).read(anyQuery)),
    ).toEqual([]);
  });
});
