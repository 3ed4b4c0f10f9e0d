import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '@sift/common';
import type { CodegenSchemaSource, ResolvedSchema } from '../../ports';

const FILE_NAME = /^(\d+)\.(avsc|json)$/;

/** Schemas from a `schemas/<event-type>/<n>.avsc|json` folder; read afresh on every call. */
export class FolderSchemaSource implements CodegenSchemaSource {
  constructor(private readonly dir: string) {}

  async eventTypes(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const types: string[] = [];
    for (const entry of entries.filter((e) => e.isDirectory())) {
      if ((await this.versions(entry.name)).length > 0) types.push(entry.name);
    }
    return types.sort();
  }

  async resolve(eventType: string, version: number | 'latest'): Promise<ResolvedSchema> {
    const versions = await this.versions(eventType);
    const found =
      version === 'latest'
        ? versions[versions.length - 1]
        : versions.find((v) => v.version === version);
    if (!found) {
      throw new NotFoundError(
        versions.length === 0
          ? 'SIFT_REGISTRY_SUBJECT_NOT_FOUND'
          : 'SIFT_REGISTRY_VERSION_NOT_FOUND',
        versions.length === 0
          ? `No schema files for ${eventType} in ${this.dir}`
          : `${eventType} has no version ${version} in ${this.dir}`,
      );
    }
    return {
      eventType,
      version: found.version,
      schemaType: found.schemaType,
      schema: await readFile(join(this.dir, eventType, found.file), 'utf8'),
      references: [],
    };
  }

  private async versions(
    eventType: string,
  ): Promise<{ version: number; file: string; schemaType: 'AVRO' | 'JSON' }[]> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, eventType));
    } catch {
      return [];
    }
    return names
      .map((file) => ({ file, match: FILE_NAME.exec(file) }))
      .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
      .map(({ file, match }) => ({
        file,
        version: Number(match[1]),
        schemaType: match[2] === 'avsc' ? ('AVRO' as const) : ('JSON' as const),
      }))
      .sort((a, b) => a.version - b.version);
  }
}
