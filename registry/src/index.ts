export { buildRegistryApp } from './app';
export type { RegistryDeps } from './app';
export { loadRegistryConfig } from './config';
export type { RegistryConfig } from './config';
export { startRegistry } from './main';
export { SchemaRegistry } from './domain/schema-registry';
export type { RegistryOptions, SchemaInput, SubjectVersion } from './domain/schema-registry';
export { RegistryState, schemaIdentity } from './domain/registry-state';
export { parseVersion } from './domain/versions';
export {
  compareSchemaVer,
  formatSchemaVer,
  IGLU_SELF_DESC_METASCHEMA,
  igluSelfOf,
  igluSubject,
  igluUri,
  parseIgluUri,
  parseSchemaVer,
  schemaVerBump,
} from './domain/iglu';
export type { IgluSelf, SchemaVer, SchemaVerBump } from './domain/iglu';
export type { VersionRef } from './domain/versions';
export type {
  CompatibilityLevel,
  ConfigValue,
  DeleteSubjectValue,
  Leader,
  LeaderElection,
  Mode,
  ModeValue,
  RegistryKey,
  RegistryRecord,
  SchemaReference,
  SchemaStore,
  SchemaValue,
} from './ports';
export { FileSchemaStore } from './adapters/file/file-schema-store';
export { MemoryRegistryLog, MemorySchemaStore } from './adapters/memory/memory-schema-store';
export { StandaloneElection } from './adapters/standalone/standalone-election';
export { CONFLUENT_JSON } from './adapters/http/registry-router';
export { KafkaSchemaStore } from './adapters/kafka/kafka-schema-store';
export type { KafkaSchemaStoreOptions } from './adapters/kafka/kafka-schema-store';
export { KafkaLeaderElection } from './adapters/kafka/kafka-leader-election';
export type { KafkaLeaderElectionOptions } from './adapters/kafka/kafka-leader-election';
