import type { IndexField } from '@sift/validator';
import type { EventStore, IndexOutcome, IndexRequest, MappedRoot } from '../../ports';

/** Documents by index and `_id`, in memory: for unit tests. */
export class MemoryEventStore implements EventStore {
  readonly indices = new Map<string, Map<string, Record<string, unknown>>>();
  /** The `data.<key>` fields each index maps, in the order they were asked for. */
  readonly dataMappings = new Map<string, Map<string, IndexField>>();
  /** The `entities.<key>` fields each index maps, in the order they were asked for. */
  readonly entityMappings = new Map<string, Map<string, IndexField>>();
  /** Decides each document's fate; by default every document is indexed. */
  outcome: (request: IndexRequest) => IndexOutcome = () => ({ status: 'indexed' });

  async prepare(): Promise<void> {}

  async ensureDataMapping(
    index: string,
    key: string,
    field: IndexField,
    under: MappedRoot = 'data',
  ): Promise<void> {
    const mappings = under === 'data' ? this.dataMappings : this.entityMappings;
    const fields = mappings.get(index) ?? new Map<string, IndexField>();
    fields.set(key, field);
    mappings.set(index, fields);
  }

  async index(requests: IndexRequest[]): Promise<IndexOutcome[]> {
    return requests.map((request) => {
      const outcome = this.outcome(request);
      if (outcome.status === 'indexed') {
        const docs = this.indices.get(request.index) ?? new Map<string, Record<string, unknown>>();
        docs.set(request.id, request.document);
        this.indices.set(request.index, docs);
      }
      return outcome;
    });
  }

  async close(): Promise<void> {}
}
