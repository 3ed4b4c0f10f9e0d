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

/** A schema file the registry took: its global id and the version the registry gave it. */
export interface PushedSchema {
  file: SchemaFile;
  id: number;
  version: number | undefined;
}

const FILE_NAME = /^(\d+)\.(avsc|json)$/;

/**
 * Reads every schema file of a schemas folder, ordered by event type, then version, without
 * checking the numbering (see `versionNumberingProblem`).
 */
export async function listSchemaFiles(dir: string): Promise<SchemaFile[]> {
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
    versions.sort((a, b) => a.version - b.version || a.file.localeCompare(b.file));
    files.push(...versions);
  }
  return files;
}

/**
 * Why the version files of one event type are not numbered 1, 2, 3 … (a gap, a duplicate,
 * no 1), in words; undefined when they are. `versions` is ordered by version.
 */
export function versionNumberingProblem(versions: SchemaFile[]): string | undefined {
  if (versions.every((schema, index) => schema.version === index + 1)) return undefined;
  const found = versions.map((schema) => schema.version).join(', ');
  return `versions must be numbered 1, 2, 3 … with one file each and no gaps; found ${found}`;
}

/** Groups schema files by event type, keeping their order. */
export function groupByEventType(files: SchemaFile[]): Map<string, SchemaFile[]> {
  const groups = new Map<string, SchemaFile[]>();
  for (const file of files) {
    const group = groups.get(file.eventType);
    if (group) group.push(file);
    else groups.set(file.eventType, [file]);
  }
  return groups;
}

/**
 * Reads every schema file of a schemas folder, ordered by event type, then version. Throws a
 * ValidationError (`SIFT_REQUEST_INVALID`) when an event type's versions are not 1, 2, 3 ….
 */
export async function readSchemasFolder(dir: string): Promise<SchemaFile[]> {
  const files = await listSchemaFiles(dir);
  for (const [eventType, versions] of groupByEventType(files)) {
    const problem = versionNumberingProblem(versions);
    if (problem) {
      throw new ValidationError('SIFT_REQUEST_INVALID', `${join(dir, eventType)}: ${problem}`);
    }
  }
  return files;
}

/**
 * Registers every schema file in order; already-registered ones keep their id and version, so
 * pushing twice changes nothing. Stops at the first schema the registry refuses by throwing the
 * client's error; `onRegistered` has seen every schema registered before it.
 */
export async function pushSchemas(
  client: RegistryClient,
  files: SchemaFile[],
  onRegistered: (pushed: PushedSchema) => void = () => undefined,
): Promise<PushedSchema[]> {
  const results: PushedSchema[] = [];
  for (const file of files) {
    const { id, version } = await client.register(file.eventType, file.schema, file.schemaType);
    const pushed = { file, id, version };
    results.push(pushed);
    onRegistered(pushed);
  }
  return results;
}
