import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ValidationError } from '@sift/common';
import { generate, lockOf, OUTPUT_FILES } from './generate';
import type { CodegenLock, LockedEvent, SelectedSchema } from './generate';
import type { CodegenSchemaSource } from './ports';
import { generateSnowplow } from './snowplow';
import type { CodegenTarget } from './snowplow';

/** An event type to generate, at its latest version or a pinned one. */
export interface EventSelection {
  event: string;
  version: number | 'latest';
}

/** Parses `--events`: `com.acme.page_view,com.acme.signup@2`; each event type at most once. */
export function parseEventSelection(text: string): EventSelection[] {
  const selection: EventSelection[] = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.lastIndexOf('@');
      if (at < 0) return { event: part, version: 'latest' as const };
      const version = Number(part.slice(at + 1));
      if (!Number.isInteger(version) || version < 1) {
        throw new ValidationError(
          'SIFT_REQUEST_INVALID',
          `"${part}": a pinned version is a positive integer, e.g. ${part.slice(0, at)}@2`,
        );
      }
      return { event: part.slice(0, at), version };
    });
  const seen = new Set<string>();
  for (const { event } of selection) {
    if (seen.has(event)) {
      throw new ValidationError(
        'SIFT_REQUEST_INVALID',
        `"${event}" is chosen more than once; give each event type once, pinned or not`,
      );
    }
    seen.add(event);
  }
  return selection;
}

/** Reads the chosen schemas (every event type of the source when none is chosen). */
export async function selectSchemas(
  source: CodegenSchemaSource,
  selection: readonly EventSelection[] | undefined,
): Promise<SelectedSchema[]> {
  const chosen =
    selection && selection.length > 0
      ? selection
      : (await source.eventTypes()).map((event) => ({ event, version: 'latest' as const }));
  if (chosen.length === 0) {
    throw new ValidationError('SIFT_REQUEST_INVALID', 'No event types to generate code for');
  }
  return Promise.all(
    chosen.map(async ({ event, version }) => ({
      ...(await source.resolve(event, version)),
      pinned: version !== 'latest',
    })),
  );
}

/** What to generate: the target (default `sift`) and, for the Snowplow targets, the entities. */
export interface GenerateOptions {
  target?: CodegenTarget;
  /** Schemas only attached as entities (Snowplow targets); default: every schema may be one. */
  entities?: readonly EventSelection[];
}

interface Chosen {
  target: CodegenTarget;
  events: SelectedSchema[];
  entities: SelectedSchema[];
  /** Events, then entities that are not also events: what the lock lists. */
  schemas: SelectedSchema[];
}

async function chooseSchemas(
  source: CodegenSchemaSource,
  selection: readonly EventSelection[] | undefined,
  options: GenerateOptions,
): Promise<Chosen> {
  const target = options.target ?? 'sift';
  const wantsEntities = options.entities !== undefined && options.entities.length > 0;
  if (target === 'sift' && wantsEntities) {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      'entities are chosen for the Snowplow targets only (--target snowplow-browser|snowplow-node)',
    );
  }
  const events = await selectSchemas(source, selection);
  const entities = wantsEntities ? await selectSchemas(source, options.entities) : [];
  const chosen = new Set(events.map((schema) => schema.eventType));
  const schemas = [...events, ...entities.filter((schema) => !chosen.has(schema.eventType))];
  return { target, events, entities, schemas };
}

function filesOf(chosen: Chosen): Promise<Record<string, string>> {
  return chosen.target === 'sift'
    ? generate(chosen.events)
    : generateSnowplow(chosen.target, chosen.events, chosen.entities);
}

async function generateFrom(
  source: CodegenSchemaSource,
  selection: readonly EventSelection[] | undefined,
  options: GenerateOptions,
): Promise<{ schemas: SelectedSchema[]; files: Record<string, string> }> {
  const chosen = await chooseSchemas(source, selection, options);
  return { schemas: chosen.schemas, files: await filesOf(chosen) };
}

/** Generates the code for the chosen schemas into `outDir`; returns the lock written. */
export async function writeCodegen(
  source: CodegenSchemaSource,
  outDir: string,
  selection?: readonly EventSelection[],
  options: GenerateOptions = {},
): Promise<CodegenLock> {
  const { schemas, files } = await generateFrom(source, selection, options);
  await mkdir(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
  return lockOf(schemas);
}

/** What `--check` found: whether the code is current, and if not, what changed. */
export interface CodegenCheck {
  upToDate: boolean;
  /** One line per change: an event type's new version or schema, a file edited or missing. */
  changes: string[];
}

function describeChanges(before: LockedEvent[], after: LockedEvent[]): string[] {
  const changes: string[] = [];
  const old = new Map(before.map((event) => [event.event, event]));
  for (const now of after) {
    const was = old.get(now.event);
    old.delete(now.event);
    if (!was) changes.push(`${now.event}: not in the generated code (v${now.version} available)`);
    else if (was.version !== now.version) {
      changes.push(`${now.event}: generated from v${was.version}, now v${now.version}`);
    } else if (was.fingerprint !== now.fingerprint || was.schemaId !== now.schemaId) {
      changes.push(`${now.event} v${now.version}: the schema changed since the code was generated`);
    }
  }
  for (const gone of old.keys())
    changes.push(`${gone}: generated, but no longer selected or found`);
  return changes;
}

/**
 * Whether the code in `outDir` is what generating now would write: the lock names the same
 * schemas and every file is byte for byte the same.
 */
export async function checkCodegen(
  source: CodegenSchemaSource,
  outDir: string,
  selection?: readonly EventSelection[],
  options: GenerateOptions = {},
): Promise<CodegenCheck> {
  const { schemas, files } = await generateFrom(source, selection, options);
  const changes: string[] = [];
  const lockText = await readFile(join(outDir, OUTPUT_FILES.lock), 'utf8').catch(() => undefined);
  if (lockText === undefined) {
    changes.push(`${OUTPUT_FILES.lock}: missing; run sift codegen first`);
  } else {
    const before = (JSON.parse(lockText) as CodegenLock).events ?? [];
    changes.push(...describeChanges(before, lockOf(schemas).events));
  }
  if (changes.length === 0) {
    for (const [name, text] of Object.entries(files)) {
      const current = await readFile(join(outDir, name), 'utf8').catch(() => undefined);
      if (current === undefined) changes.push(`${name}: missing`);
      else if (current !== text) changes.push(`${name}: differs from what sift codegen writes now`);
    }
  }
  return { upToDate: changes.length === 0, changes };
}

/**
 * Regenerates whenever the chosen schemas change, checking every `intervalMs`, until `signal`
 * aborts. `onGenerated` hears of each generation (the first one included), `onError` of failures.
 */
export async function watchCodegen(
  source: CodegenSchemaSource,
  outDir: string,
  options: {
    selection?: readonly EventSelection[];
    generate?: GenerateOptions;
    intervalMs: number;
    signal: AbortSignal;
    onGenerated(lock: CodegenLock): void;
    onError(error: unknown): void;
  },
): Promise<void> {
  let last = '';
  while (!options.signal.aborted) {
    try {
      const chosen = await chooseSchemas(source, options.selection, options.generate ?? {});
      const lock = lockOf(chosen.schemas);
      const key = JSON.stringify(lock);
      if (key !== last) {
        const files = await filesOf(chosen);
        await mkdir(outDir, { recursive: true });
        for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
        last = key;
        options.onGenerated(lock);
      }
    } catch (error) {
      options.onError(error);
    }
    // Removes its abort listener when the wait ends, so polls do not pile listeners up.
    await delay(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
