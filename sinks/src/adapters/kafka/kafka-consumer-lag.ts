import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { UpstreamError } from '@sift/common';
import type { ConsumerLag } from '../../ports';

/** Consumer lag from Kafka: each partition's high watermark minus the group's committed offset. */
export class KafkaConsumerLag implements ConsumerLag {
  private readonly kafka: Pick<Kafka, 'admin'>;
  /** The one admin client, shared by concurrent scrapes; unset again when it fails. */
  private admin: Promise<Admin> | undefined;

  /** `kafka` replaces the client built from `brokers` (tests). */
  constructor(brokers: string[], clientId: string, kafka?: Pick<Kafka, 'admin'>) {
    this.kafka = kafka ?? new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING });
  }

  async lag(groupId: string, topic: string): Promise<{ partition: number; lag: number }[]> {
    const connecting = this.connected();
    try {
      const admin = await connecting;
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
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
      await this.drop(connecting);
      throw new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', `Cannot read the lag of ${groupId}`, {
        cause: error,
      });
    }
  }

  /** The connected admin client; concurrent callers wait for the same connection. */
  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
    }
    return this.admin;
  }

  /** Forgets a failed admin client (unless a newer one replaced it already) and disconnects it. */
  private async drop(connecting: Promise<Admin>): Promise<void> {
    if (this.admin === connecting) this.admin = undefined;
    const admin = await connecting.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    const connecting = this.admin;
    this.admin = undefined;
    const admin = await connecting?.catch(() => undefined);
    await admin?.disconnect();
  }
}
