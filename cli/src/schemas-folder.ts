import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@sift/common';
import { compareSchemaVer, igluSubject, parseSchemaVer } from '@sift/registry';
import type { SchemaVer } from '@sift/registry';
import type { RegistryClient } from '@sift/registry-client';

/**
 * One schema file of `schemas/<event-type>/<n>.avsc|json`, or of an Iglu-layout folder
 * `<vendor>/<name>/jsonschema/<M-R-A>` (event type `<vendor>.<name>`, `version` its place in
 * SchemaVer order, from 1).
 */
export interface SchemaFile {
  eventType: string;
  version: number;
  schemaType: 'AVRO' | 'JSON';
  schema: string;
  file: string;
  /** Where the file sits in an Iglu-layout folder. */
  iglu?: { vendor: string; name: string; schemaVer: SchemaVer };
}

/** The schemas Snowplow's trackers attach, bundled in Iglu layout (registered by `sift up`). */
export const SNOWPLOW_SCHEMAS_DIR = join(__dirname, '..', 'snowplow-schemas');

/** How a file is named in messages: `iglu:<vendor>/<name>/jsonschema/<M-R-A>` or `<event type> v<n>`. */
export function schemaFileLabel(file: SchemaFile): string {
  if (!file.iglu) return `${file.eventType} v${file.version}`;
  const { vendor, name, schemaVer } = file.iglu;
  return `iglu:${vendor}/${name}/jsonschema/${schemaVer.model}-${schemaVer.revision}-${schemaVer.addition}`;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Whether a folder is in Iglu layout: some `<vendor>/<name>/jsonschema/` folder in it. */
export async function isIgluLayout(dir: string): Promise<boolean> {
  for (const vendor of await subfolders(dir)) {
    for (const name of await subfolders(join(dir, vendor))) {
      if (await isDirectory(join(dir, vendor, name, 'jsonschema'))) return true;
    }
  }
  return false;
}

/**
 * Reads an Iglu-layout folder: every `<vendor>/<name>/jsonschema/<M-R-A>` file, ordered by
 * event type, then SchemaVer. Other formats (`avro/`, `thrift/`) and names that are not a
 * SchemaVer are skipped.
 */
export async function listIgluSchemaFiles(dir: string): Promise<SchemaFile[]> {
  const files: SchemaFile[] = [];
  for (const vendor of await subfolders(dir)) {
    for (const name of await subfolders(join(dir, vendor))) {
      const folder = join(dir, vendor, name, 'jsonschema');
      if (!(await isDirectory(folder))) continue;
      const found: { schemaVer: SchemaVer; file: string }[] = [];
      for (const entry of await readdir(folder)) {
        const schemaVer = parseSchemaVer(entry);
        if (schemaVer) found.push({ schemaVer, file: join(folder, entry) });
      }
      found.sort((a, b) => compareSchemaVer(a.schemaVer, b.schemaVer));
      for (const [index, { schemaVer, file }] of found.entries()) {
        files.push({
          eventType: igluSubject(vendor, name),
          version: index + 1,
          schemaType: 'JSON',
          schema: await readFile(file, 'utf8'),
          file,
          iglu: { vendor, name, schemaVer },
        });
      }
    }
  }
  return files;
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
 * checking the numbering (see `versionNumberingProblem`). An Iglu-layout folder is detected
 * and read by `listIgluSchemaFiles`.
 */
export async function listSchemaFiles(dir: string): Promise<SchemaFile[]> {
  if (await isIgluLayout(dir)) return listIgluSchemaFiles(dir);
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

/**
 * Gives the subjects of published schemas (the bundled Snowplow ones) compatibility NONE
 * unless they already have it: they never change, Iglu data names its exact SchemaVer, and
 * one ADDITION of theirs (`client_session` 1-0-1 adds `maxLength` 36) is breaking under
 * Confluent's rules.
 */
export async function allowPublishedSchemas(
  client: RegistryClient,
  files: SchemaFile[],
): Promise<void> {
  for (const eventType of groupByEventType(files).keys()) {
    if ((await client.compatibilityLevel(eventType)) !== 'NONE') {
      await client.setCompatibility(eventType, 'NONE');
    }
  }
}

/** Registers the bundled Snowplow tracker schemas, their subjects at compatibility NONE. */
export async function pushSnowplowSchemas(
  client: RegistryClient,
  dir: string = SNOWPLOW_SCHEMAS_DIR,
): Promise<PushedSchema[]> {
  const files = await readSchemasFolder(dir);
  await allowPublishedSchemas(client, files);
  return pushSchemas(client, files);
}
