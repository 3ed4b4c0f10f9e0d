import type { CompatibilityLevel, SchemaType } from '@sift/validator';

export type { CompatibilityLevel };

/** What the registry (or one subject) accepts: everything, reads only, or imports with given ids. */
export type Mode = 'READWRITE' | 'READONLY' | 'IMPORT';

/** A named pointer from one schema to a version of another subject. */
export interface SchemaReference {
  /** The name the referencing schema uses: an Avro full name, or a JSON `$ref` URI. */
  name: string;
  subject: string;
  version: number;
}

/** Record keys, as Confluent's `_schemas` topic keys them (the Kafka adapter adds `magic`). */
export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number }
  | { keytype: 'CONFIG'; subject: string | null }
  | { keytype: 'MODE'; subject: string | null }
  | { keytype: 'DELETE_SUBJECT'; subject: string }
  | { keytype: 'NOOP' };

/** One registered schema version. */
export interface SchemaValue {
  subject: string;
  version: number;
  /** Global schema id: one id per distinct schema (canonical text, type and references). */
  id: number;
  schemaType: SchemaType;
  /** The schema's canonical text, as the API returns it. */
  schema: string;
  references: SchemaReference[];
  deleted: boolean;
  /** When it was written, ms since the epoch. */
  ts: number;
}

/** A compatibility setting, global (subject null) or per subject. */
export interface ConfigValue {
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
}

/** A mode setting, global (subject null) or per subject. */
export interface ModeValue {
  mode: Mode;
}

/** Marks every version of a subject up to `version` soft-deleted. */
export interface DeleteSubjectValue {
  subject: string;
  version: number;
}

/** One entry of the registry's log; a null value is a tombstone (permanent delete). */
export type RegistryRecord =
  | { key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; value: SchemaValue | null }
  | { key: Extract<RegistryKey, { keytype: 'CONFIG' }>; value: ConfigValue | null }
  | { key: Extract<RegistryKey, { keytype: 'MODE' }>; value: ModeValue | null }
  | { key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>; value: DeleteSubjectValue | null }
  | { key: Extract<RegistryKey, { keytype: 'NOOP' }>; value: null };

/**
 * Durable, ordered log of registry records: a compacted Kafka topic (`_schemas`) in the
 * distributed deployment, a local file in the embedded one. Every instance replays it into
 * memory and follows it, so state is the same wherever it is read.
 */
export interface SchemaStore {
  /**
   * Replays every stored record in log order through `apply`, then keeps applying records
   * as they arrive (written by this or any other instance). Resolves once the replay has
   * reached the end of the log as it was when `start` was called.
   */
  start(apply: (record: RegistryRecord) => void): Promise<void>;
  /** Resolves once every record written anywhere before the call has been applied here. */
  sync(): Promise<void>;
  /** Appends a record; resolves once it is durable and has been applied here. */
  append(record: RegistryRecord): Promise<void>;
  close(): Promise<void>;
}

/** Who may write: this instance, or the leader at `url` (undefined while none is known). */
export type Leader = { self: true } | { self: false; url: string | undefined };

/**
 * Picks the one instance that writes to the store; the others forward writes to it. The
 * embedded deployment has one instance, which always leads.
 */
export interface LeaderElection {
  /** Joins the election; resolves once a leader is known or the join timeout passed. */
  start(): Promise<void>;
  leader(): Leader;
  close(): Promise<void>;
}
