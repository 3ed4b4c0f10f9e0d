export type {
  CompiledSchema,
  Incompatibility,
  ReferencedSchema,
  SchemaFormat,
  SchemaText,
  SchemaType,
} from './schema-format';
export { avroFormat } from './formats/avro/avro-format';
export { jsonSchemaFormat } from './formats/json-schema/json-schema-format';
export { ValidatorCache, schemaFormat } from './validator-cache';
export { compatibilityLevels, compatibilityMessages } from './compatibility';
export type { CompatibilityLevel, PreviousVersion } from './compatibility';
