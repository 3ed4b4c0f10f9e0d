export { buildProgram } from './program';
export { pushSchemas, readSchemasFolder } from './schemas-folder';
export type { SchemaFile } from './schemas-folder';
