import { randomUUID } from 'node:crypto';
import { createLogger, isSiftError } from '@sift/common';
import { BoundedEventLog, KafkaEventLog } from '@sift/event-log';
import type { LogRecord } from '@sift/event-log';
import { PrivateKafka } from './private-kafka';

// A Kafka outage under the bounded buffer, on a broker of this test's own: the shared one on
// 127.0.0.1:9092 serves other test files and must keep running.

const logger = createLogger('kafka-outage-test', 'silent');
const run = randomUUID().slice(0, 8);
const topic = `sift.test.outage.${run}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let next = 0;
/** Five records with ids never used before. */
function batch(): LogRecord[] {
  return Array.from({ length: 5 }, () => {
    const id = `${run}-${next++}`;
    return {
      key: id,
      value: Buffer.from(JSON.stringify({ id })),
      headers: { 'sift-event-id': id },
    };
  });
}

/** Every event id on the topic, read with a fresh consumer group until `expected` were seen or 30 s passed. */
async function readBack(log: KafkaEventLog, expected: Set<string>): Promise<Set<string>> {
  const seen = new Set<string>();
  const subscription = await log.consume({
    topics: [topic],
    groupId: `sift-outage-${run}`,
    fromBeginning: true,
    handleBatch: async (records) => {
      for (const record of records) seen.add(record.headers?.['sift-event-id'] ?? '');
    },
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && [...expected].some((id) => !seen.has(id))) await sleep(200);
  await subscription.stop();
  return seen;
}

describe('BoundedEventLog over Kafka through an outage', () => {
  let kafka: PrivateKafka | undefined;
  let kafkaLog: KafkaEventLog | undefined;

  beforeAll(async () => {
    kafka = await PrivateKafka.start();
    kafkaLog = new KafkaEventLog({ brokers: [kafka.broker], clientId: 'sift-outage-test', logger });
    await kafkaLog.ensureTopics([topic]);
  }, 90_000);

  afterAll(async () => {
    kafka?.signal('SIGCONT');
    await kafkaLog?.close().catch(() => undefined);
    await kafka?.stop();
  }, 30_000);

  it('refuses at once while the buffer is full, completes pending appends when the broker is back, and loses no acknowledged record', async () => {
    const log = new BoundedEventLog({
      inner: kafkaLog!,
      maxPendingRecords: 20,
      appendTimeoutMs: 60_000,
    });
    const acknowledged = new Set<string>();
    const send = async (records: LogRecord[]) => {
      await log.append(topic, records);
      for (const record of records) acknowledged.add(record.headers?.['sift-event-id'] ?? '');
    };

    for (let i = 0; i < 10; i++) await send(batch());
    expect(acknowledged.size).toBe(50);

    // A frozen broker: appends wait, the buffer fills, and the next append is refused at once.
    kafka!.signal('SIGSTOP');
    const frozen = [send(batch()), send(batch()), send(batch()), send(batch())];
    let settled = 0;
    for (const append of frozen)
      void append.then(
        () => settled++,
        () => settled++,
      );
    await sleep(1000);
    expect(log.pending().records).toBe(20);
    await expect(send(batch())).rejects.toMatchObject({
      code: 'SIFT_EVENT_LOG_UNAVAILABLE',
      retriable: true,
      details: { pendingRecords: 20 },
    });
    expect(settled).toBe(0);
    kafka!.signal('SIGCONT');
    await Promise.all(frozen);
    expect(acknowledged.size).toBe(70);
    expect(log.pending()).toEqual({ records: 0, bytes: 0 });

    // A killed broker, started again on the same data. kafkajs gives up on a refused connection
    // after its own retries, so an append then fails, retriable (the collector answers 503), and
    // the sender tries again with the same records, as a tracker does after Retry-After.
    await kafka!.kill();
    const sendUntilAccepted = async (records: LogRecord[]) => {
      for (;;) {
        try {
          return await send(records);
        } catch (error) {
          if (!isSiftError(error) || !error.retriable) throw error;
          await sleep(250);
        }
      }
    };
    const killed = [sendUntilAccepted(batch()), sendUntilAccepted(batch())];
    await sleep(500);
    await kafka!.restart();
    await Promise.all(killed);
    await send(batch());
    expect(acknowledged.size).toBe(85);

    const seen = await readBack(kafkaLog!, acknowledged);
    expect([...acknowledged].filter((id) => !seen.has(id))).toEqual([]);
  });
});
