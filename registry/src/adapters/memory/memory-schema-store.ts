import type { RegistryRecord, SchemaStore } from '../../ports';

/** A log in memory that several stores can share, as several registry instances share `_schemas`. */
export class MemoryRegistryLog {
  readonly records: RegistryRecord[] = [];
  private readonly followers = new Set<(record: RegistryRecord) => void>();

  append(record: RegistryRecord): void {
    this.records.push(record);
    for (const follow of this.followers) follow(record);
  }

  follow(apply: (record: RegistryRecord) => void): () => void {
    this.followers.add(apply);
    return () => this.followers.delete(apply);
  }
}

/** A registry store in memory: for tests, and for throwaway registries. */
export class MemorySchemaStore implements SchemaStore {
  private unfollow: (() => void) | undefined;

  constructor(readonly log: MemoryRegistryLog = new MemoryRegistryLog()) {}

  async start(apply: (record: RegistryRecord) => void): Promise<void> {
    for (const record of this.log.records) apply(record);
    this.unfollow = this.log.follow(apply);
  }

  async sync(): Promise<void> {}

  async append(record: RegistryRecord): Promise<void> {
    this.log.append(record);
  }

  async close(): Promise<void> {
    this.unfollow?.();
  }
}
