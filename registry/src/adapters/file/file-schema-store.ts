import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SiftError } from '@sift/common';
import type { RegistryRecord, SchemaStore } from '../../ports';

/**
 * The registry's log as JSON lines in one local file (the embedded deployment: one
 * instance). Each append is flushed to disk (fsync) before it is acknowledged, so a
 * registered schema survives a crash or restart.
 */
export class FileSchemaStore implements SchemaStore {
  private handle: FileHandle | undefined;
  private apply: ((record: RegistryRecord) => void) | undefined;

  constructor(private readonly path: string) {}

  async start(apply: (record: RegistryRecord) => void): Promise<void> {
    this.apply = apply;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new SiftError('SIFT_REGISTRY_STORE_FAILED', `Cannot read ${this.path}`, {
        cause: error,
      });
    }
    const lines = text.split('\n');
    // Everything after the last newline is a line a crash cut short: drop it before appending.
    const torn = lines.pop() ?? '';
    if (torn !== '') await truncate(this.path, Buffer.byteLength(text) - Buffer.byteLength(torn));
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let record: RegistryRecord;
      try {
        record = JSON.parse(line) as RegistryRecord;
        if (typeof record?.key?.keytype !== 'string') {
          throw new Error('no "key" with a "keytype": not a registry log record');
        }
      } catch (error) {
        throw new SiftError(
          'SIFT_REGISTRY_STORE_FAILED',
          `${this.path}:${index + 1} is not a registry record (${(error as Error).message}); move the file aside to start an empty registry`,
          {
            cause: error,
          },
        );
      }
      apply(record);
    });
  }

  async sync(): Promise<void> {}

  async append(record: RegistryRecord): Promise<void> {
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
    this.apply?.(record);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
