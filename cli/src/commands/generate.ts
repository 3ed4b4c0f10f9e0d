import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { invalidKinds } from '../generate/invalid-events';
import type { InvalidKind } from '../generate/invalid-events';
import { runLoad } from '../generate/load-runner';
import { formatProgress, formatSummary } from '../generate/load-stats';
import type { LoadSummary } from '../generate/load-stats';
import { TrafficModel } from '../generate/traffic-model';
import type { CommandIo } from './recover';
import { EXIT_OK } from './schemas-commands';

/** Exit code when events went unanswered or were answered otherwise than planned. */
export const EXIT_LOAD_PROBLEMS = 1;

/** Options of `sift generate`, as commander parses them. */
export interface GenerateOptions {
  url?: string;
  rate?: number;
  count?: number;
  /** Milliseconds (`--duration`). */
  duration?: number;
  /** Milliseconds (`--timeout`). */
  timeout?: number;
  invalid: number;
  invalidKinds?: InvalidKind[];
  batch: number;
  concurrency: number;
  seed?: number;
  testId?: string;
  format: 'text' | 'json';
}

/** The JSON report of `sift generate --format json`. */
export interface GenerateJsonReport extends LoadSummary {
  seed: number;
}

function positiveInteger(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from 1 to ${max}`);
    }
    return n;
  };
}

/** `--rate`: events a second, `500` or `500/s`. */
export function rateArgument(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0)) throw new InvalidArgumentError(`'${value}' is not a rate such as 500 or 500/s`);
  return rate;
}

/** `--duration`: `60s`, `2m`, `500ms`, or plain seconds. */
export function durationArgument(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`'${value}' is not a duration such as 60s, 2m or 500ms`);
  const amount = Number(match[1]);
  const ms = match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1000;
  if (!(ms > 0)) throw new InvalidArgumentError('the duration must be above 0');
  return ms;
}

/** `--invalid`: the share of invalid inputs, 0 to 1. */
export function shareArgument(value: string): number {
  const share = Number(value);
  if (value.trim() === '' || !(share >= 0 && share <= 1)) {
    throw new InvalidArgumentError(`'${value}' is not a share from 0 to 1, e.g. 0.05`);
  }
  return share;
}

/** `--invalid-kinds`: a comma list of the kinds the generator can make. */
export function invalidKindsArgument(value: string): InvalidKind[] {
  const kinds = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const unknown = kinds.filter((kind) => !(invalidKinds as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `'${unknown.join(', ')}' is not a kind` : 'give at least one kind'}; use ${invalidKinds.join(', ')}`,
    );
  }
  return [...new Set(kinds as InvalidKind[])];
}

/** Runs `sift generate` and returns its exit code. */
export async function generate(
  options: GenerateOptions,
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  tty: boolean = process.stderr.isTTY === true,
): Promise<number> {
  const url = options.url ?? `http://127.0.0.1:${env['SIFT_COLLECTOR_PORT'] ?? '8080'}`;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const model = new TrafficModel({
    seed,
    invalidShare: options.invalid,
    ...(options.invalidKinds ? { invalidKinds: options.invalidKinds } : {}),
    ...(options.testId !== undefined ? { testId: options.testId } : {}),
  });
  // Without a count, a run lasts a minute unless told otherwise.
  const durationMs = options.duration ?? (options.count === undefined ? 60_000 : undefined);
  const aborter = new AbortController();
  const stop = () => aborter.abort();
  process.once('SIGINT', stop);
  let progressShown = false;
  const summary = await runLoad({
    url,
    model,
    batch: options.batch,
    concurrency: options.concurrency,
    ...(options.count !== undefined ? { count: options.count } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(options.rate !== undefined ? { rate: options.rate } : {}),
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
    signal: aborter.signal,
    progressIntervalMs: tty ? 500 : 5000,
    onProgress: (now) => {
      progressShown = true;
      io.stderr(tty ? `\r${formatProgress(now)}\u001b[K` : `${formatProgress(now)}\n`);
    },
  }).finally(() => process.removeListener('SIGINT', stop));
  if (tty && progressShown) io.stderr('\n');
  if (options.format === 'json') {
    const report: GenerateJsonReport = { ...summary, seed };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(formatSummary(summary));
    io.stdout(`  seed        ${seed} (--seed ${seed} sends the same traffic again)\n`);
  }
  if (summary.sent > 0 && summary.errors === summary.sent) {
    io.stderr(`no event was answered: is a collector listening on ${url}?\n`);
  } else if (summary.rejectedByKind['unknown_event'] && summary.accepted === 0) {
    io.stderr('every event type is unknown: register schemas/ first (npx sift schemas push)\n');
  }
  return summary.errors > 0 || summary.unexpected > 0 ? EXIT_LOAD_PROBLEMS : EXIT_OK;
}

/** Registers `sift generate` on the program. */
export function addGenerateCommand(program: Command, env: NodeJS.ProcessEnv, io: CommandIo): void {
  program
    .command('generate')
    .description(
      'send realistic fake web-shop traffic (with a share of invalid events) to a collector',
    )
    .option('--url <url>', 'collector URL (default http://127.0.0.1:$SIFT_COLLECTOR_PORT, 8080)')
    .addOption(
      new Option('--rate <n/s>', 'events a second (default: as fast as it answers)').argParser(
        rateArgument,
      ),
    )
    .addOption(
      new Option('--count <n>', 'events to send, then stop').argParser(positiveInteger('--count')),
    )
    .addOption(
      new Option(
        '--duration <time>',
        'how long to run: 60s, 2m, 500ms (default 60s without --count)',
      ).argParser(durationArgument),
    )
    .addOption(
      new Option(
        '--timeout <time>',
        'wait this long for an answer, then count the request as errors (default 30s)',
      ).argParser(durationArgument),
    )
    .addOption(
      new Option('--invalid <share>', 'share of invalid events, 0 to 1')
        .argParser(shareArgument)
        .default(0.05),
    )
    .addOption(
      new Option(
        '--invalid-kinds <kinds>',
        `which invalid kinds (default all: ${invalidKinds.join(',')})`,
      ).argParser(invalidKindsArgument),
    )
    .addOption(
      new Option('--batch <n>', 'events a request')
        .argParser(positiveInteger('--batch', 500))
        .default(25),
    )
    .addOption(
      new Option('--concurrency <n>', 'requests in flight')
        .argParser(positiveInteger('--concurrency', 1024))
        .default(8),
    )
    .addOption(
      new Option('--seed <n>', 'seed: the same seed sends the same traffic').argParser(
        positiveInteger('--seed'),
      ),
    )
    .option('--test-id <id>', 'put into every event context as test_id')
    .addOption(
      new Option('--format <format>', 'summary format').choices(['text', 'json']).default('text'),
    )
    .action(async (options: GenerateOptions) => {
      io.setExitCode(await generate(options, env, io));
    });
}
