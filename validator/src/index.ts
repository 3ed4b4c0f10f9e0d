export type {
  CompatibilityOptions,
  CompiledSchema,
  Incompatibility,
  ReferencedSchema,
  SchemaFormat,
  SchemaText,
  SchemaType,
} from './schema-format';
export { avroFormat } from './formats/avro/avro-format';
export { jsonSchemaFormat } from './formats/json-schema/json-schema-format';
export { compilePattern } from './formats/json-schema/safe-pattern';
export { ValidatorCache, schemaFormat } from './validator-cache';
export { compatibilityLevels, compatibilityMessages } from './compatibility';
export type { CompatibilityLevel, PreviousVersion } from './compatibility';
export {
  flattenedField,
  keywordField,
  mergeIndexFields,
  objectField,
  textField,
  unindexedField,
} from './mapping/index-field';
export type { IndexField } from './mapping/index-field';
export { schemaIndexField } from './mapping/schema-index-field';
export { avroIndexField, AVRO_INDEX_ATTRIBUTE } from './formats/avro/avro-mapping';
export {
  jsonSchemaIndexField,
  JSON_SCHEMA_INDEX_KEYWORD,
} from './formats/json-schema/json-schema-mapping';
