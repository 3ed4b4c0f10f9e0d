import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** Each consumer group's next offset per topic, one small JSON file per group. */
export class GroupOffsets {
  constructor(private readonly dir: string) {}

  private file(groupId: string): string {
    return join(this.dir, `${encodeURIComponent(groupId)}.json`);
  }

  /** The group's committed positions (next offset to read), empty when it never committed. */
  async load(groupId: string): Promise<Map<string, number>> {
    try {
      const saved = JSON.parse(await readFile(this.file(groupId), 'utf8')) as Record<
        string,
        number
      >;
      return new Map(Object.entries(saved).filter(([, offset]) => Number.isSafeInteger(offset)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
  }

  /** Replaces the group's positions atomically: a temporary file, fsynced, renamed over the old one. */
  async commit(groupId: string, positions: ReadonlyMap<string, number>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(groupId);
    const temporary = `${target}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify(Object.fromEntries(positions)));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  }
}
