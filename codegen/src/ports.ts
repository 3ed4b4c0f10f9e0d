import type { ReferencedSchema, SchemaType } from '@sift/validator';

/** One event type's schema at one version, as codegen reads it. */
export interface ResolvedSchema {
  eventType: string;
  version: number;
  schemaType: SchemaType;
  schema: string;
  /** Schemas it references, each after those it references itself. */
  references: ReferencedSchema[];
  /** The registry's global schema id; undefined for a schemas folder. */
  schemaId?: number;
}

/** Where codegen reads schemas from: a registry or a `schemas/` folder. */
export interface CodegenSchemaSource {
  /** Every event type the source holds, sorted; a registry without a subject list throws. */
  eventTypes(): Promise<string[]>;
  /** A version of an event type, or its latest. Throws a NotFoundError when there is none. */
  resolve(eventType: string, version: number | 'latest'): Promise<ResolvedSchema>;
}
