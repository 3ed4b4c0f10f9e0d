import type { ValidationIssue } from '@sift/common';

/** The schema types Sift accepts, named as Confluent names them. */
export type SchemaType = 'AVRO' | 'JSON';

/**
 * A schema another schema references, already fetched: `name` is how the referencing
 * schema names it (an Avro full name, a JSON `$ref` URI).
 */
export interface ReferencedSchema {
  name: string;
  schema: string;
}

/**
 * Schema text with every schema it references, directly or not, listed so that each
 * comes after the schemas it references itself.
 */
export interface SchemaText {
  schema: string;
  references?: ReferencedSchema[];
}

/** One reason a schema cannot read data written with another. */
export interface Incompatibility {
  /** Where in the schema, as a JSON pointer. */
  path: string;
  /** The rule, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE` or `TYPE_NARROWED`. */
  keyword: string;
  message: string;
}

/** How strictly compatibility is judged; Confluent's rules unless an option says otherwise. */
export interface CompatibilityOptions {
  /**
   * JSON Schema: refuse a property that becomes required even when it has a `default`
   * (Confluent accepts it, as `REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED`; Sift's validator fills
   * no JSON Schema defaults, so data written without it is refused). Default false.
   */
  strictRequired?: boolean;
}

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
  /**
   * `validate`, then `encode` when there are no issues, with one conversion of the data
   * instead of two: the collector's path for every event. Throws as `encode` does.
   */
  validateAndEncode(data: unknown): { issues: ValidationIssue[]; encoded?: Buffer };
  /** Decodes bytes that `encode` produced back into data. */
  decode(bytes: Buffer): unknown;
}

/** One schema language: parse, canonical form, compile, compatibility. One folder per format in `formats/`. */
export interface SchemaFormat {
  readonly schemaType: SchemaType;
  /**
   * Checks schema text and returns its canonical form (compact JSON, key order kept), so
   * the same schema written twice gets one id. With `normalize`, schemas that differ only in
   * key order get the same form too. Throws a ValidationError (`SIFT_SCHEMA_INVALID`).
   */
  canonicalize(schema: SchemaText, options?: { normalize?: boolean }): string;
  /** Compiles a schema into a validator; throws like `canonicalize`. */
  compile(schema: SchemaText): CompiledSchema;
  /** Every reason data written with `writer` cannot be read with `reader`; empty when it can. */
  readerIncompatibilities(
    reader: SchemaText,
    writer: SchemaText,
    options?: CompatibilityOptions,
  ): Incompatibility[];
}
