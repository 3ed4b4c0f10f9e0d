export type { CompiledSchema, SchemaFormat, SchemaType } from './schema-format';
export { avroFormat } from './formats/avro/avro-format';
export { jsonSchemaFormat } from './formats/json-schema/json-schema-format';
export { ValidatorCache, schemaFormat } from './validator-cache';
