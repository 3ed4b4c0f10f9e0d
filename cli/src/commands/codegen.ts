import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isSiftError } from '@sift/common';
import {
  checkCodegen,
  FolderSchemaSource,
  parseEventSelection,
  RegistryCodegenSource,
  watchCodegen,
  writeCodegen,
} from '@sift/codegen';
import type { CodegenSchemaSource, EventSelection } from '@sift/codegen';
import { registryClientFromConfig } from '@sift/registry-client';
import { loadRegistryCredentials } from '../registry-credentials';
import type { CommandIo } from './recover';
import { EXIT_USAGE } from './schemas-commands';

/** Options of `sift codegen`, as commander parses them. */
export interface CodegenOptions {
  registry?: string;
  schemas?: string;
  out: string;
  events?: EventSelection[];
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

function sourceOf(options: CodegenOptions, env: NodeJS.ProcessEnv): CodegenSchemaSource {
  if (options.schemas) return new FolderSchemaSource(options.schemas);
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
  try {
    const source = sourceOf(options, env);
    if (options.check) {
      const result = await checkCodegen(source, options.out, options.events);
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
    const lock = await writeCodegen(source, options.out, options.events);
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
    .option('--check', 'write nothing; exit 1 when the code in --out is stale (for CI)')
    .option('--watch', 'regenerate whenever the schemas change, until Ctrl-C')
    .option('--interval-ms <ms>', 'how often --watch looks for changes', intervalArgument, 2000)
    .action(async (options: CodegenOptions) => {
      io.setExitCode(await runCodegenCommand(options, env, io));
    });
}
