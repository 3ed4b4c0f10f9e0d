import type { SchemaRecord, SchemaStore } from '../../ports';

/** Keeps records in memory: for tests, and for throwaway registries. */
export class MemorySchemaStore implements SchemaStore {
  readonly records: SchemaRecord[] = [];

  async load(): Promise<SchemaRecord[]> {
    return [...this.records];
  }

  async append(record: SchemaRecord): Promise<void> {
    this.records.push(record);
  }

  async close(): Promise<void> {}
}
