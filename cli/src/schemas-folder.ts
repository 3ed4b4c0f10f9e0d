import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@sift/common';
import type { RegistryClient } from '@sift/registry-client';

/** One schema file of `schemas/<event-type>/<n>.avsc|json`. */
export interface SchemaFile {
  eventType: string;
  version: number;
  schemaType: 'AVRO' | 'JSON';
  schema: string;
  file: string;
}

const FILE_NAME = /^(\d+)\.(avsc|json)$/;

/** Reads every schema file of a schemas folder, ordered by event type, then version. */
export async function readSchemasFolder(dir: string): Promise<SchemaFile[]> {
  const files: SchemaFile[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries
    .filter((e) => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const versions: SchemaFile[] = [];
    for (const name of await readdir(join(dir, entry.name))) {
      const match = FILE_NAME.exec(name);
      if (!match) continue;
      const file = join(dir, entry.name, name);
      versions.push({
        eventType: entry.name,
        version: Number(match[1]),
        schemaType: match[2] === 'avsc' ? 'AVRO' : 'JSON',
        schema: await readFile(file, 'utf8'),
        file,
      });
    }
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((schema, index) => {
      if (schema.version !== index + 1) {
        throw new ValidationError(
          'SIFT_REQUEST_INVALID',
          `${schema.file}: versions of ${schema.eventType} must be numbered 1, 2, 3 … without gaps`,
        );
      }
    });
    files.push(...versions);
  }
  return files;
}

/** Registers every schema file in order; already-registered ones keep their id. */
export async function pushSchemas(
  client: RegistryClient,
  files: SchemaFile[],
): Promise<{ file: SchemaFile; id: number; version: number | undefined }[]> {
  const results = [];
  for (const file of files) {
    const { id, version } = await client.register(file.eventType, file.schema, file.schemaType);
    results.push({ file, id, version });
  }
  return results;
}
