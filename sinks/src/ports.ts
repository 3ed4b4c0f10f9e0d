import type { IndexField } from '@sift/validator';

/** The top-level field of a good document that holds schema-mapped fields: event data or entities. */
export type MappedRoot = 'data' | 'entities';

/** A document to index: where, under which `_id`, and what. */
export interface IndexRequest {
  index: string;
  id: string;
  document: Record<string, unknown>;
}

/** What the store did with one document of a bulk request. */
export type IndexOutcome =
  | { status: 'indexed' }
  /** Worth sending again later: overload (429), server errors, timeouts. */
  | { status: 'retry'; reason: string }
  /** The store refused this document for good, e.g. a mapping conflict. */
  | { status: 'rejected'; reason: string };

/**
 * The event store: Elasticsearch in the distributed deployment. Indexing by `_id` overwrites,
 * so sending a document twice never duplicates it.
 */
export interface EventStore {
  /** Installs what indices need before the first document (index templates). */
  prepare(): Promise<void>;
  /** Indexes documents in one bulk request; one outcome per request, in order. Throws when the store cannot be reached. */
  index(requests: IndexRequest[]): Promise<IndexOutcome[]>;
  /**
   * Makes `<under>.<key>` of the good indices (`data` by default, `entities` for an entity)
   * hold `field` (the mapping derived from an event type's or entity's schema), in the index
   * template and in `index` (created when missing), before documents with those fields
   * arrive. A store without mappings leaves this out. Throws an UpstreamError when the store
   * cannot be reached, a ConflictError when `index` already maps a field with another type.
   */
  ensureDataMapping?(
    index: string,
    key: string,
    field: IndexField,
    under?: MappedRoot,
  ): Promise<void>;
  /** Whether the store answers now; the sink probes it while paused. */
  ping?(): Promise<boolean>;
  close(): Promise<void>;
}

/** How far a consumer group is behind its topic, per partition. */
export interface ConsumerLag {
  lag(groupId: string, topic: string): Promise<{ partition: number; lag: number }[]>;
  close(): Promise<void>;
}

/** The schema behind a schema id, for decoding good events. */
export interface SchemaLookup {
  schemaById(id: number): Promise<{
    schemaType: string;
    schema: string;
    references: { name: string; subject: string; version: number }[];
  }>;
  /** The text of referenced schemas, transitively, each after its own references. */
  referencedSchemas(
    references: { name: string; subject: string; version: number }[],
  ): Promise<{ name: string; schema: string }[]>;
}
