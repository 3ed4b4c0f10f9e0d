import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isSiftError } from '@sift/common';
import {
  checkCodegen,
  CODEGEN_TARGETS,
  FolderSchemaSource,
  MemoryCodegenSource,
  parseEventSelection,
  RegistryCodegenSource,
  watchCodegen,
  writeCodegen,
} from '@sift/codegen';
import type {
  CodegenSchemaSource,
  CodegenTarget,
  EventSelection,
  GenerateOptions,
  ResolvedSchema,
} from '@sift/codegen';
import { registryClientFromConfig } from '@sift/registry-client';
import { loadRegistryCredentials } from '../registry-credentials';
import { isIgluLayout, listIgluSchemaFiles } from '../schemas-folder';
import type { CommandIo } from './recover';
import { EXIT_USAGE } from './schemas-commands';

/** Options of `sift codegen`, as commander parses them. */
export interface CodegenOptions {
  registry?: string;
  schemas?: string;
  out: string;
  events?: EventSelection[];
  target: CodegenTarget;
  entities?: EventSelection[];
  check?: boolean;
  watch?: boolean;
  intervalMs: number;
}

/** Exit code of `--check` when the generated code is stale. */
export const EXIT_STALE = 1;

function eventsArgument(value: string, previous: EventSelection[] = []): EventSelection[] {
  try {
    return [...previous, ...parseEventSelection(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function intervalArgument(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new InvalidArgumentError('give at least 100 ms');
  return ms;
}

function targetArgument(value: string): CodegenTarget {
  const target = CODEGEN_TARGETS.find((known) => known === value);
  if (!target) throw new InvalidArgumentError(`one of ${CODEGEN_TARGETS.join(', ')}`);
  return target;
}

/**
 * An Iglu-layout folder (`<vendor>/<name>/jsonschema/<M-R-A>`) read now, each `<vendor>.<name>`
 * numbered 1, 2 … in SchemaVer order as `sift schemas push` registers them.
 */
async function igluFolderSource(dir: string): Promise<CodegenSchemaSource> {
  const schemas: ResolvedSchema[] = (await listIgluSchemaFiles(dir)).map((file) => ({
    eventType: file.eventType,
    version: file.version,
    schemaType: file.schemaType,
    schema: file.schema,
    references: [],
  }));
  return new MemoryCodegenSource(schemas);
}

/** A source that reads an Iglu-layout folder afresh on every call, so `--watch` sees changes. */
function igluSource(dir: string): CodegenSchemaSource {
  return {
    eventTypes: async () => (await igluFolderSource(dir)).eventTypes(),
    resolve: async (eventType, version) =>
      (await igluFolderSource(dir)).resolve(eventType, version),
  };
}

async function sourceOf(
  options: CodegenOptions,
  env: NodeJS.ProcessEnv,
): Promise<CodegenSchemaSource> {
  if (options.schemas) {
    return (await isIgluLayout(options.schemas))
      ? igluSource(options.schemas)
      : new FolderSchemaSource(options.schemas);
  }
  return new RegistryCodegenSource(
    registryClientFromConfig(
      {
        registryUrl: options.registry || env['SIFT_REGISTRY_URL'] || 'http://127.0.0.1:8081',
        ...loadRegistryCredentials(env),
      },
      { latestTtlMs: 0 },
    ),
  );
}

/** Runs `sift codegen` and returns its exit code; `signal` stops `--watch`. */
export async function runCodegenCommand(
  options: CodegenOptions,
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  signal?: AbortSignal,
): Promise<number> {
  if (options.registry && options.schemas) {
    io.stderr('sift codegen: give --registry or --schemas, not both\n');
    return EXIT_USAGE;
  }
  const generate: GenerateOptions = {
    target: options.target,
    ...(options.entities ? { entities: options.entities } : {}),
  };
  try {
    const source = await sourceOf(options, env);
    if (options.check) {
      const result = await checkCodegen(source, options.out, options.events, generate);
      if (result.upToDate) {
        io.stdout(`${options.out}: generated code is up to date\n`);
        return 0;
      }
      io.stderr(
        `${options.out}: generated code is stale; run sift codegen again\n` +
          result.changes.map((change) => `  ${change}\n`).join(''),
      );
      return EXIT_STALE;
    }
    if (options.watch) {
      const stop = signal ?? watchSignal();
      await watchCodegen(source, options.out, {
        ...(options.events ? { selection: options.events } : {}),
        generate,
        intervalMs: options.intervalMs,
        signal: stop,
        onGenerated: (lock) =>
          io.stdout(
            `${new Date().toISOString()} generated ${options.out}: ${lock.events.map((e) => `${e.event} v${e.version}`).join(', ')}\n`,
          ),
        onError: (error) => io.stderr(`sift codegen: ${(error as Error).message}\n`),
      });
      return 0;
    }
    const lock = await writeCodegen(source, options.out, options.events, generate);
    io.stdout(
      `generated ${options.out} (events.ts, tracker.ts, validators.ts, sift-codegen.lock.json):\n` +
        lock.events
          .map((e) => `  ${e.event} v${e.version}${e.pinned ? ' (pinned)' : ''}\n`)
          .join(''),
    );
    return 0;
  } catch (error) {
    io.stderr(`sift codegen: ${(error as Error).message}\n`);
    const usage =
      isSiftError(error) &&
      (error.code === 'SIFT_REQUEST_INVALID' || error.code === 'SIFT_CONFIG_INVALID');
    return usage ? EXIT_USAGE : 1;
  }
}

function watchSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/** Adds `sift codegen`: typed tracker code from the registry or a schemas folder. */
export function addCodegenCommand(program: Command, env: NodeJS.ProcessEnv, io: CommandIo): void {
  program
    .command('codegen')
    .description('generate a typed tracker (TypeScript) from the registry or a schemas folder')
    .option('--registry <url>', 'registry to read (SIFT_REGISTRY_URL, else http://127.0.0.1:8081)')
    .option('--schemas <dir>', 'read a schemas folder instead of a registry')
    .requiredOption(
      '--out <dir>',
      'folder to write events.ts, tracker.ts, validators.ts and the lock file into',
    )
    .option(
      '--events <list>',
      'event types, comma separated, each optionally pinned: com.acme.signup@2 (default: every one in --schemas)',
      eventsArgument,
    )
    .option(
      '--target <target>',
      'sift (the Sift tracker), snowplow-browser or snowplow-node (functions calling Snowplow trackers)',
      targetArgument,
      'sift',
    )
    .option(
      '--entities <list>',
      'Snowplow targets: schemas only attached as entities, like --events (default: any schema may be one)',
      eventsArgument,
    )
    .option('--check', 'write nothing; exit 1 when the code in --out is stale (for CI)')
    .option('--watch', 'regenerate whenever the schemas change, until Ctrl-C')
    .option('--interval-ms <ms>', 'how often --watch looks for changes', intervalArgument, 2000)
    .action(async (options: CodegenOptions) => {
      io.setExitCode(await runCodegenCommand(options, env, io));
    });
}
