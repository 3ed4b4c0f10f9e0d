import type { SchemaType } from '@sift/validator';

/** One registered schema version, as the store keeps it. */
export interface SchemaRecord {
  subject: string;
  version: number;
  /** Global schema id: the same schema text (canonical form) has one id in every subject. */
  id: number;
  schemaType: SchemaType;
  /** The schema text as registered. */
  schema: string;
  /** Canonical form, the identity used to find an already-registered schema. */
  canonical: string;
  deleted: boolean;
  /** When it was registered, ms since the epoch. */
  ts: number;
}

/**
 * Durable, ordered storage of registry records: a compacted Kafka topic (`_schemas`) in the
 * distributed deployment, a local file in the embedded one. The registry rebuilds its state
 * by replaying `load()` at start-up and appends every change.
 */
export interface SchemaStore {
  load(): Promise<SchemaRecord[]>;
  append(record: SchemaRecord): Promise<void>;
  close(): Promise<void>;
}
