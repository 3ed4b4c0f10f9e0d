/** A record to append: optional key (decides the partition), value bytes, string headers. */
export interface LogRecord {
  key?: string | null;
  value: Buffer;
  headers?: Record<string, string>;
}

/** A record read back, with where it sits in the log. */
export interface ConsumedRecord extends LogRecord {
  topic: string;
  partition: number;
  /** Position within the partition, as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
  /** When the log accepted it, ms since the epoch. */
  timestamp: number;
}

/** How a consumer group reads. */
export interface ConsumeOptions {
  topics: string[];
  groupId: string;
  /** Where a group with no committed position starts; default: the beginning. */
  fromBeginning?: boolean;
  /**
   * Handles one batch. Positions are committed only after it resolves, so a crash means
   * the batch is read again (at-least-once); a rejection stops progress and retries.
   */
  handleBatch(records: ConsumedRecord[]): Promise<void>;
}

/** A running consumer. */
export interface Subscription {
  stop(): Promise<void>;
}

/**
 * The event log: Kafka in the distributed deployment, a local log in the embedded one.
 * `append` resolves only once the records are durably stored.
 */
export interface EventLog {
  /** Creates topics that do not exist yet. */
  ensureTopics(topics: string[]): Promise<void>;
  append(topic: string, records: LogRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
