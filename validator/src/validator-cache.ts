import { ValidationError } from '@sift/common';
import type { CompiledSchema, ReferencedSchema, SchemaFormat, SchemaType } from './schema-format';
import { avroFormat } from './formats/avro/avro-format';
import { jsonSchemaFormat } from './formats/json-schema/json-schema-format';

const formats: Record<SchemaType, SchemaFormat> = { AVRO: avroFormat, JSON: jsonSchemaFormat };

/**
 * The format for a Confluent schema type; an absent type means AVRO, as in Confluent's API.
 * Throws `SIFT_SCHEMA_TYPE_UNSUPPORTED` for any other type.
 */
export function schemaFormat(schemaType: string | undefined): SchemaFormat {
  const format = formats[(schemaType ?? 'AVRO') as SchemaType] as SchemaFormat | undefined;
  if (!format) {
    throw new ValidationError(
      'SIFT_SCHEMA_TYPE_UNSUPPORTED',
      `Schema type ${JSON.stringify(schemaType)} is not supported; use AVRO or JSON`,
    );
  }
  return format;
}

/** Compiles each schema once per schema id and keeps the result (schema ids never change meaning). */
export class ValidatorCache {
  private readonly compiled = new Map<number, CompiledSchema>();

  /** The compiled schema for an id, compiling `schema` the first time the id is seen. */
  get(
    schemaId: number,
    schemaType: string | undefined,
    schema: string,
    references?: ReferencedSchema[],
  ): CompiledSchema {
    let found = this.compiled.get(schemaId);
    if (!found) {
      found = schemaFormat(schemaType).compile({ schema, ...(references ? { references } : {}) });
      this.compiled.set(schemaId, found);
    }
    return found;
  }

  /** Whether a schema id is compiled already. */
  has(schemaId: number): boolean {
    return this.compiled.has(schemaId);
  }

  /** How many schemas are compiled. */
  get size(): number {
    return this.compiled.size;
  }
}
