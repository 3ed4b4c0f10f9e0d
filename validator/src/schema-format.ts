import type { ValidationIssue } from '@sift/common';

/** The schema types Sift accepts, named as Confluent names them. */
export type SchemaType = 'AVRO' | 'JSON';

/** A schema ready to check and encode event data. */
export interface CompiledSchema {
  readonly schemaType: SchemaType;
  /**
   * Checks event data (natural JSON) against the schema and returns the data as the
   * schema sees it (defaults filled in) with every issue found; no issues means valid.
   */
  validate(data: unknown): { value: unknown; issues: ValidationIssue[] };
  /** Encodes data that `validate` accepted: Avro binary for AVRO, UTF-8 JSON for JSON. */
  encode(value: unknown): Buffer;
  /** Decodes bytes that `encode` produced back into data. */
  decode(bytes: Buffer): unknown;
}

/** One schema language: parse, canonical form, compile. One implementation per folder in `formats/`. */
export interface SchemaFormat {
  readonly schemaType: SchemaType;
  /**
   * Checks schema text and returns its canonical form, so that the same schema written
   * twice gets one id. Throws a ValidationError (`SIFT_SCHEMA_INVALID`) with the reason.
   */
  canonicalize(text: string): string;
  /** Compiles schema text into a validator; throws like `canonicalize`. */
  compile(text: string): CompiledSchema;
}
