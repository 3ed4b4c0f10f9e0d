import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { UpstreamError } from '@sift/common';
import type { ConsumerLag } from '../../ports';

/** Consumer lag from Kafka: each partition's high watermark minus the group's committed offset. */
export class KafkaConsumerLag implements ConsumerLag {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;

  constructor(brokers: string[], clientId: string) {
    this.kafka = new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING });
  }

  async lag(groupId: string, topic: string): Promise<{ partition: number; lag: number }[]> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const [ends, committed] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const done = new Map(
        (committed[0]?.partitions ?? []).map(({ partition, offset }) => [partition, offset]),
      );
      return ends.map(({ partition, high, low }) => {
        const offset = done.get(partition);
        // No commit yet (-1): the group starts from the beginning of what the topic holds.
        const from = offset === undefined || offset === '-1' ? low : offset;
        return { partition, lag: Math.max(0, Number(BigInt(high) - BigInt(from))) };
      });
    } catch (error) {
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', `Cannot read the lag of ${groupId}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }
}
