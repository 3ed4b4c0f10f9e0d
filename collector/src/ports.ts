/** The exact schema an event is checked against. */
export interface ResolvedSchema {
  id: number;
  version: number;
  schemaType: string;
  schema: string;
  /** The schemas it references, transitively, each after its own references. */
  references: { name: string; schema: string }[];
}

/** Why a schema could not be found for an event. */
export type SchemaMiss = 'unknown_event' | 'unknown_version';

/**
 * Finds the registered schema of an event type (registry subject) at a version, or at its
 * latest. Answers a miss when the registry has no such subject or version; throws
 * (retriable) when the registry cannot be asked.
 */
export interface SchemaSource {
  resolve(eventType: string, version: number | undefined): Promise<ResolvedSchema | SchemaMiss>;
}

/**
 * Finds the registered schema of an Iglu key: the subject `<vendor>.<name>`, at the version
 * whose schema's `self.version` is exactly the key's SchemaVer. Throws (retriable) when the
 * registry cannot be asked.
 */
export interface IgluSchemaSource {
  resolveIglu(key: {
    vendor: string;
    name: string;
    version: string;
  }): Promise<ResolvedSchema | SchemaMiss>;
}
