export type { CodegenSchemaSource, ResolvedSchema } from './ports';
export { FolderSchemaSource } from './adapters/folder/folder-schema-source';
export { MemoryCodegenSource } from './adapters/memory/memory-schema-source';
export { RegistryCodegenSource } from './adapters/registry/registry-schema-source';
export {
  checkCodegen,
  parseEventSelection,
  selectSchemas,
  watchCodegen,
  writeCodegen,
} from './codegen';
export type { CodegenCheck, EventSelection, GenerateOptions } from './codegen';
export { CODEGEN_TARGETS, generateSnowplow, igluUri } from './snowplow';
export type { CodegenTarget } from './snowplow';
export { fingerprint, generate, GENERATOR, lockOf, OUTPUT_FILES } from './generate';
export type { CodegenLock, LockedEvent, SelectedSchema } from './generate';
export { avroTypeScript } from './domain/avro-types';
export { avroValidatorCode } from './domain/avro-checks';
export { jsonSchemaTypeScript } from './json-schema-types';
export type { JsonSchemaInput } from './json-schema-types';
export { jsonSchemaValidatorCode } from './domain/json-schema-checks';
export { eventNames } from './domain/names';
