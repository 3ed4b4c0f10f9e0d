export { buildProgram } from './program';
export type { ProgramIo } from './program';
export {
  groupByEventType,
  listSchemaFiles,
  pushSchemas,
  readSchemasFolder,
  versionNumberingProblem,
} from './schemas-folder';
export type { PushedSchema, SchemaFile } from './schemas-folder';
export { checkSchemas } from './commands/schemas-check';
export type {
  CheckOptions,
  CheckReport,
  CheckSummary,
  RegistryLookup,
  SubjectCheck,
  Verdict,
  VersionCheck,
} from './commands/schemas-check';
export { formatCheckReport } from './commands/format-check-report';
export {
  EXIT_OK,
  EXIT_SCHEMAS_REFUSED,
  EXIT_USAGE,
  parseCompatibilityLevel,
  schemasCheck,
  schemasPush,
} from './commands/schemas-commands';
export type {
  CommandOutput,
  SchemasCheckOptions,
  SchemasPushOptions,
} from './commands/schemas-commands';
export { HttpRegistryLookup } from './http-registry-lookup';
