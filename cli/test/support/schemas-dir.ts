import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Schema files by path under the folder, e.g. `com.acme.x/1.avsc`; objects are written as JSON. */
export type SchemaFiles = Record<string, unknown>;

const made: string[] = [];

/** Writes a schemas folder into a new temp directory and returns its path. */
export function schemasDir(files: SchemaFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-schemas-'));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** Removes every folder `schemasDir` made. */
export function removeSchemasDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
