import type { ResolvedSchema, SchemaMiss, SchemaSource } from '@sift/collector';
import { listSchemaFiles } from '../../src/schemas-folder';
import type { SchemaFile } from '../../src/schemas-folder';

/** A SchemaSource over a schemas folder, as a registry that took every file in order would answer. */
export async function folderSchemaSource(
  dir: string,
): Promise<SchemaSource & { files: SchemaFile[] }> {
  const files = await listSchemaFiles(dir);
  const resolve = async (
    eventType: string,
    version: number | undefined,
  ): Promise<ResolvedSchema | SchemaMiss> => {
    const versions = files.filter((file) => file.eventType === eventType);
    if (versions.length === 0) return 'unknown_event';
    const file =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((each) => each.version === version);
    if (!file) return 'unknown_version';
    return {
      id: files.indexOf(file) + 1,
      version: file.version,
      schemaType: file.schemaType,
      schema: file.schema,
      references: [],
    };
  };
  return { files, resolve };
}
