import type { Admin, Kafka } from 'kafkajs';
import { UpstreamError } from '@sift/common';
import { KafkaConsumerLag } from '@sift/sinks';

/** A Kafka whose admin clients connect after a turn of the event loop, or fail to. */
class FakeKafka {
  readonly admins: { connects: number; disconnects: number }[] = [];
  readonly connectFailures: boolean[] = [];

  admin(): Admin {
    const state = { connects: 0, disconnects: 0 };
    this.admins.push(state);
    const fails = this.connectFailures.shift() ?? false;
    return {
      connect: async () => {
        state.connects++;
        await new Promise((resolve) => setImmediate(resolve));
        if (fails) throw new Error('connection refused');
      },
      disconnect: async () => {
        state.disconnects++;
      },
      fetchTopicOffsets: async () => [
        { partition: 0, offset: '10', high: '10', low: '0' },
        { partition: 1, offset: '5', high: '5', low: '2' },
      ],
      fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: '7' }] }],
    } as unknown as Admin;
  }
}

function lagOf(kafka: FakeKafka): KafkaConsumerLag {
  return new KafkaConsumerLag(['fake:9092'], 'test', kafka as unknown as Pick<Kafka, 'admin'>);
}

describe('KafkaConsumerLag', () => {
  it('shares one admin connection between concurrent scrapes', async () => {
    const kafka = new FakeKafka();
    const lag = lagOf(kafka);
    const [a, b] = await Promise.all([lag.lag('g', 't'), lag.lag('g', 't')]);
    const expected = [
      { partition: 0, lag: 3 },
      { partition: 1, lag: 3 },
    ];
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    expect(kafka.admins).toEqual([{ connects: 1, disconnects: 0 }]);
    await lag.close();
    expect(kafka.admins).toEqual([{ connects: 1, disconnects: 1 }]);
  });

  it('connects a new admin client after a failed connection', async () => {
    const kafka = new FakeKafka();
    kafka.connectFailures.push(true);
    const lag = lagOf(kafka);
    const failed = await Promise.allSettled([lag.lag('g', 't'), lag.lag('g', 't')]);
    for (const outcome of failed) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(UpstreamError);
    }
    expect(kafka.admins).toHaveLength(1);

    await expect(lag.lag('g', 't')).resolves.toHaveLength(2);
    expect(kafka.admins).toHaveLength(2);
    expect(kafka.admins[1]).toEqual({ connects: 1, disconnects: 0 });
    await lag.close();
  });
});
