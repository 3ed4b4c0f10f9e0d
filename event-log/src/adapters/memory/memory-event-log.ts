import type {
  ConsumedRecord,
  ConsumeOptions,
  EventLog,
  LogRecord,
  Subscription,
} from '../../ports';

interface Group {
  options: ConsumeOptions;
  /** Next offset to read, per topic (one partition per topic here). */
  positions: Map<string, number>;
  running: boolean;
  draining: Promise<void>;
}

/** An event log in memory, one partition per topic: for unit tests of the domain around it. */
export class MemoryEventLog implements EventLog {
  private readonly topics = new Map<string, ConsumedRecord[]>();
  private readonly groups = new Set<Group>();

  async ensureTopics(topics: string[]): Promise<void> {
    for (const topic of topics) if (!this.topics.has(topic)) this.topics.set(topic, []);
  }

  async append(topic: string, records: LogRecord[]): Promise<void> {
    const log = this.topics.get(topic) ?? [];
    this.topics.set(topic, log);
    for (const record of records) {
      log.push({
        ...record,
        topic,
        partition: 0,
        offset: String(log.length),
        timestamp: Date.now(),
      });
    }
    for (const group of this.groups) this.drain(group);
  }

  /** Everything appended to a topic so far. */
  records(topic: string): ConsumedRecord[] {
    return [...(this.topics.get(topic) ?? [])];
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    const positions = new Map(
      options.topics.map((topic) => [
        topic,
        options.fromBeginning === false ? (this.topics.get(topic)?.length ?? 0) : 0,
      ]),
    );
    const group: Group = { options, positions, running: true, draining: Promise.resolve() };
    this.groups.add(group);
    this.drain(group);
    return {
      stop: async () => {
        group.running = false;
        this.groups.delete(group);
        await group.draining;
      },
    };
  }

  private drain(group: Group): void {
    group.draining = group.draining.then(async () => {
      for (const topic of group.options.topics) {
        const from = group.positions.get(topic) ?? 0;
        const batch = (this.topics.get(topic) ?? []).slice(from);
        if (!group.running || batch.length === 0) continue;
        await group.options.handleBatch(batch);
        group.positions.set(topic, from + batch.length);
      }
    });
    // A failed batch stays unread; the next append delivers it again, as Kafka would.
    group.draining = group.draining.catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const group of this.groups) group.running = false;
    this.groups.clear();
  }
}
