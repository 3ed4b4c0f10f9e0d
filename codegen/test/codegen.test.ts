import { getEventListeners } from 'node:events';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  checkCodegen,
  FolderSchemaSource,
  parseEventSelection,
  watchCodegen,
  writeCodegen,
} from '@sift/codegen';
import type { CodegenLock } from '@sift/codegen';
import { FIXTURE_SCHEMAS, removeTempDirs, tempDir } from './support/generated-code';

function tempSchemas(): { schemas: string; out: string } {
  const root = tempDir('sift-codegen-check-');
  cpSync(FIXTURE_SCHEMAS, join(root, 'schemas'), { recursive: true });
  return { schemas: join(root, 'schemas'), out: join(root, 'generated') };
}

const legacyForm = (dir: string): string => join(dir, 'com.example.legacy_form');

// Each generation runs openapi-typescript in a worker thread: about a second on a busy machine.
jest.setTimeout(30_000);

describe('sift codegen --check', () => {
  it('finds freshly generated code up to date', async () => {
    const { schemas, out } = tempSchemas();
    const source = new FolderSchemaSource(schemas);
    await writeCodegen(source, out);
    expect(await checkCodegen(source, out)).toEqual({ upToDate: true, changes: [] });
  });

  it('catches a schema changed after generation', async () => {
    const { schemas, out } = tempSchemas();
    const source = new FolderSchemaSource(schemas);
    await writeCodegen(source, out);
    const file = join(legacyForm(schemas), '1.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.properties.note = { type: 'string' };
    writeFileSync(file, JSON.stringify(schema));
    expect(await checkCodegen(source, out)).toEqual({
      upToDate: false,
      changes: ['com.example.legacy_form v1: the schema changed since the code was generated'],
    });
  });

  it('catches a new version of an event type, but not when the version is pinned', async () => {
    const { schemas, out } = tempSchemas();
    const source = new FolderSchemaSource(schemas);
    const pinned = join(out, '..', 'pinned');
    await writeCodegen(source, out);
    await writeCodegen(source, pinned, parseEventSelection('com.example.legacy_form@1'));
    cpSync(join(legacyForm(schemas), '1.json'), join(legacyForm(schemas), '2.json'));
    expect((await checkCodegen(source, out)).changes).toEqual([
      'com.example.legacy_form: generated from v1, now v2',
    ]);
    expect(
      await checkCodegen(source, pinned, parseEventSelection('com.example.legacy_form@1')),
    ).toEqual({ upToDate: true, changes: [] });
  });

  it('catches a generated file edited by hand', async () => {
    const { schemas, out } = tempSchemas();
    const source = new FolderSchemaSource(schemas);
    await writeCodegen(source, out);
    writeFileSync(
      join(out, 'tracker.ts'),
      `${readFileSync(join(out, 'tracker.ts'), 'utf8')}\n// edit`,
    );
    expect((await checkCodegen(source, out)).changes).toEqual([
      'tracker.ts: differs from what sift codegen writes now',
    ]);
  });

  it('writes a lock file naming each event type, version and schema fingerprint', async () => {
    const { schemas, out } = tempSchemas();
    await writeCodegen(new FolderSchemaSource(schemas), out);
    const lock = JSON.parse(
      readFileSync(join(out, 'sift-codegen.lock.json'), 'utf8'),
    ) as CodegenLock;
    expect(lock.events.map((e) => [e.event, e.version, e.pinned, e.schemaId])).toEqual([
      ['com.example.binary_blob', 1, false, null],
      ['com.example.formats', 1, false, null],
      ['com.example.kitchen_sink', 1, false, null],
      ['com.example.legacy_form', 1, false, null],
    ]);
    expect(lock.events[0]?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('sift codegen --watch', () => {
  it('regenerates when a schema changes, and stops when told', async () => {
    const { schemas, out } = tempSchemas();
    const generated: CodegenLock[] = [];
    const controller = new AbortController();
    let changed = false;
    const watching = watchCodegen(new FolderSchemaSource(schemas), out, {
      intervalMs: 100,
      signal: controller.signal,
      onGenerated: (lock) => {
        generated.push(lock);
        if (!changed) {
          changed = true;
          cpSync(join(legacyForm(schemas), '1.json'), join(legacyForm(schemas), '2.json'));
        } else controller.abort();
      },
      onError: (error) => {
        controller.abort();
        throw error;
      },
    });
    await watching;
    expect(
      generated.map((lock) => lock.events.find((e) => e.event.endsWith('legacy_form'))?.version),
    ).toEqual([1, 2]);
    expect(readFileSync(join(out, 'tracker.ts'), 'utf8')).toContain(
      '"com.example.legacy_form": 2,',
    );
  });
});

describe('sift codegen --watch polling', () => {
  it('keeps at most one abort listener on the signal however many times it polls', async () => {
    const { schemas, out } = tempSchemas();
    const controller = new AbortController();
    let generated = 0;
    const watching = watchCodegen(new FolderSchemaSource(schemas), out, {
      intervalMs: 1,
      signal: controller.signal,
      onGenerated: () => generated++,
      onError: (error) => {
        controller.abort();
        throw error;
      },
    });
    const listeners: number[] = [];
    while (generated === 0) await delay(20);
    for (let i = 0; i < 10; i++) {
      await delay(20);
      listeners.push(getEventListeners(controller.signal, 'abort').length);
    }
    controller.abort();
    await watching;
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
  });
});

describe('--events', () => {
  it('refuses an event type chosen twice, pinned or not', () => {
    expect(() => parseEventSelection('a.b,a.b@2')).toThrow(
      expect.objectContaining({ code: 'SIFT_REQUEST_INVALID' }),
    );
    expect(() => parseEventSelection('a.b@1, c.d, a.b@1')).toThrow(
      '"a.b" is chosen more than once',
    );
  });

  it('reads event types with optional pinned versions', () => {
    expect(parseEventSelection('a.b, c.d@3')).toEqual([
      { event: 'a.b', version: 'latest' },
      { event: 'c.d', version: 3 },
    ]);
    expect(() => parseEventSelection('a.b@x')).toThrow('a pinned version is a positive integer');
  });
});

afterAll(removeTempDirs);
