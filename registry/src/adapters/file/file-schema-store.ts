import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SiftError } from '@sift/common';
import type { SchemaRecord, SchemaStore } from '../../ports';

/**
 * Stores records as JSON lines in one file, each append flushed to disk (fsync) before
 * it is acknowledged, so a registered schema survives a crash or restart.
 */
export class FileSchemaStore implements SchemaStore {
  private handle: FileHandle | undefined;

  constructor(private readonly path: string) {}

  async load(): Promise<SchemaRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SiftError('SIFT_REGISTRY_STORE_FAILED', `Cannot read ${this.path}`, {
        cause: error,
      });
    }
    const records: SchemaRecord[] = [];
    const lines = text.split('\n');
    // Everything after the last newline is a line a crash cut short: drop it before appending.
    const torn = lines.pop() ?? '';
    if (torn !== '') await truncate(this.path, Buffer.byteLength(text) - Buffer.byteLength(torn));
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as SchemaRecord);
      } catch (error) {
        throw new SiftError(
          'SIFT_REGISTRY_STORE_FAILED',
          `${this.path}:${index + 1} is not a record`,
          {
            cause: error,
          },
        );
      }
    });
    return records;
  }

  async append(record: SchemaRecord): Promise<void> {
    try {
      if (!this.handle) {
        await mkdir(dirname(this.path), { recursive: true });
        this.handle = await open(this.path, 'a');
      }
      await this.handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
      await this.handle.sync();
    } catch (error) {
      throw new SiftError('SIFT_REGISTRY_STORE_FAILED', `Cannot write ${this.path}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
