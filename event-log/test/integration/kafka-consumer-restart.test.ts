import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';

// kafkajs stops a consumer for good after an error marked `retriable: false` (as Sift's own
// errors can be) or a commit refused after a rebalance; the log must start a new consumer that
// goes on from the last commit.
const KAFKA = '127.0.0.1:9092';
const logger = createLogger('kafka-consumer-restart-test', 'silent');
const run = randomUUID().slice(0, 8);
const topic = `sift.test.restart.${run}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('KafkaEventLog consumers', () => {
  const log = new KafkaEventLog({
    brokers: [KAFKA],
    clientId: 'restart-test',
    logger,
    partitions: 1,
    sessionTimeoutMs: 6000,
  });

  afterAll(async () => {
    await log.close();
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('go on from the last commit after a handler throws', async () => {
    await log.ensureTopics([topic]);
    const ids = Array.from({ length: 20 }, (_, n) => `${run}-${n}`);
    await log.append(
      topic,
      ids.slice(0, 10).map((id) => ({ key: id, value: Buffer.from(id) })),
    );
    const handled: string[] = [];
    let failures = 0;
    const subscription = await log.consume({
      topics: [topic],
      groupId: `restart-${run}`,
      handleBatch: async (records) => {
        if (failures === 0) {
          failures++;
          // Like a SiftError that is not retriable: kafkajs neither retries nor restarts.
          throw Object.assign(new Error('the store refused the batch'), { retriable: false });
        }
        handled.push(...records.map((record) => record.value.toString()));
      },
    });
    try {
      // Records appended after the crash arrive too: the consumer is back, not just replayed.
      const deadline = Date.now() + 40_000;
      let appendedRest = false;
      while (Date.now() < deadline && !ids.every((id) => handled.includes(id))) {
        if (!appendedRest && handled.length > 0) {
          appendedRest = true;
          await log.append(
            topic,
            ids.slice(10).map((id) => ({ key: id, value: Buffer.from(id) })),
          );
        }
        await sleep(200);
      }
    } finally {
      await subscription.stop();
    }
    expect(failures).toBe(1);
    expect(ids.filter((id) => !handled.includes(id))).toEqual([]);
  });
});
