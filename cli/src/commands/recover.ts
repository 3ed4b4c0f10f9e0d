import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { createLogger, isSiftError } from '@sift/common';
import type { BadEventKind } from '@sift/common';
import {
  badEventKinds,
  defaultRecoveryKinds,
  loadRecoveryConfig,
  runRecovery,
} from '@sift/collector';
import type {
  RecoveryConfig,
  RecoveryOutcome,
  RecoveryOverrides,
  RecoveryReport,
  RecoverySource,
} from '@sift/collector';
import { EXIT_OK, EXIT_USAGE } from './schemas-commands';

/** Where a command writes and how it sets its exit code. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
}

/** Options of `sift recover`, as commander parses them. */
export interface RecoverOptions {
  from: RecoverySource;
  /** Event types; every event type when empty. */
  event: string[];
  /** Kinds; default: the kinds a schema change can fix. */
  kind?: BadEventKind[];
  since?: Date;
  until?: Date;
  limit?: number;
  dryRun: boolean;
  format: 'text' | 'json';
}

/** The JSON report of `sift recover --format json`. */
export interface RecoverJsonReport extends RecoveryReport {
  from: RecoverySource;
  /** The bad topic or the bad index pattern read. */
  source: string;
  goodTopic: string;
}

/** `--event`: repeatable, each a comma list. */
export function eventTypesArgument(value: string, previous: string[] = []): string[] {
  const types = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (types.length === 0) throw new InvalidArgumentError('give at least one event type');
  return [...previous, ...types];
}

/** `--kind`: repeatable, each a comma list of bad-event kinds. */
export function kindsArgument(value: string, previous: BadEventKind[] = []): BadEventKind[] {
  const kinds = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const unknown = kinds.filter((kind) => !(badEventKinds as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `'${unknown.join(', ')}' is not a kind` : 'give at least one kind'}; ` +
        `use ${badEventKinds.join(', ')}`,
    );
  }
  return [...new Set([...previous, ...(kinds as BadEventKind[])])];
}

/** `--since` / `--until`: an ISO 8601 time. */
export function timeArgument(value: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new InvalidArgumentError(`'${value}' is not an ISO 8601 time such as 2026-05-01T12:00Z`);
  }
  return new Date(at);
}

/** `--limit`: a positive integer. */
export function limitArgument(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  }
  return Number(value);
}

/** Adds `sift recover` to the program. */
export function addRecoverCommand(program: Command, env: NodeJS.ProcessEnv, io: CommandIo): void {
  program
    .command('recover')
    .description(
      're-validate bad events against the current schemas and send those that now pass to the ' +
        'good topic, with their ids (SIFT_KAFKA_BROKERS, SIFT_REGISTRY_URL, ' +
        'SIFT_ELASTICSEARCH_URL, SIFT_GOOD_TOPIC, SIFT_BAD_TOPIC, SIFT_INDEX_PREFIX)',
    )
    .addOption(
      new Option('--from <source>', 'read the bad topic or the bad indices')
        .choices(['topic', 'index'])
        .default('topic'),
    )
    .addOption(
      new Option('--event <types>', 'only these event types (repeatable, comma list)')
        .argParser(eventTypesArgument)
        .default([], 'all'),
    )
    .addOption(
      new Option(
        '--kind <kinds>',
        `only these kinds (repeatable, comma list; default: ${defaultRecoveryKinds.join(',')})`,
      ).argParser(kindsArgument),
    )
    .addOption(
      new Option('--since <time>', 'received at or after (ISO 8601)').argParser(timeArgument),
    )
    .addOption(
      new Option('--until <time>', 'received before (ISO 8601); default: now').argParser(
        timeArgument,
      ),
    )
    .addOption(
      new Option('--limit <n>', 'stop after n matching bad events').argParser(limitArgument),
    )
    .option('--dry-run', 'report what would pass without writing anything', false)
    .addOption(
      new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'),
    )
    .action(async (options: RecoverOptions) => {
      io.setExitCode(await recover(options, env, io));
    });
}

/**
 * `sift recover`: prints the report and returns the exit code: 0 when the run finished
 * (events that still fail are not an error), 2 on bad options, config or connection errors.
 */
export async function recover(
  options: RecoverOptions,
  env: NodeJS.ProcessEnv,
  out: Pick<CommandIo, 'stdout' | 'stderr'>,
  overrides: RecoveryOverrides = {},
): Promise<number> {
  if (options.since && options.until && options.since >= options.until) {
    out.stderr('sift recover: --since must be earlier than --until\n');
    return EXIT_USAGE;
  }
  let config: Readonly<RecoveryConfig>;
  try {
    config = loadRecoveryConfig(env);
  } catch (error) {
    out.stderr(`sift recover: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
  try {
    const report = await runRecovery(
      config,
      options.from,
      {
        query: {
          eventTypes: options.event,
          kinds: options.kind ?? [...defaultRecoveryKinds],
          ...(options.since ? { since: options.since } : {}),
          ...(options.until ? { until: options.until } : {}),
        },
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        dryRun: options.dryRun,
      },
      createLogger('recover', 'silent'),
      overrides,
    );
    const full: RecoverJsonReport = {
      from: options.from,
      source: options.from === 'topic' ? config.badTopic : `${config.indexPrefix}-bad-*`,
      goodTopic: config.goodTopic,
      ...report,
    };
    out.stdout(
      options.format === 'json' ? `${JSON.stringify(full, null, 2)}\n` : formatRecoveryReport(full),
    );
    return EXIT_OK;
  } catch (error) {
    out.stderr(`sift recover: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
}

function counts(byName: Record<string, number | undefined>): string {
  const parts = Object.entries(byName).map(([name, count]) => `${name} ${count ?? 0}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function outcomeLine(outcome: RecoveryOutcome): string {
  const what = `  ${outcome.id} ${outcome.event ?? '-'} ${outcome.kind}`;
  switch (outcome.status) {
    case 'recovered':
      return `${what}: now good\n`;
    case 'still_bad':
      return `${what}: still bad (${outcome.now}): ${outcome.reason}\n`;
    case 'skipped':
      return `${what}: skipped: ${outcome.reason}\n`;
  }
}

/** The text report of `sift recover`. */
export function formatRecoveryReport(report: RecoverJsonReport): string {
  const sent = report.dryRun
    ? `would be sent to ${report.goodTopic}`
    : `sent to ${report.goodTopic}`;
  let text =
    `sift recover from ${report.from} ${report.source}` +
    `${report.dryRun ? ' (dry run: nothing written)' : ''}\n` +
    `read ${report.read}, matched ${report.matched}\n` +
    `  now good:   ${report.recovered} (${sent})\n` +
    `  still bad:  ${report.stillBad}${counts(report.stillBadByKind)}\n` +
    `  skipped:    ${report.skipped}${counts(report.skippedByReason)}\n`;
  if (report.unreadable > 0) text += `  unreadable: ${report.unreadable} (not bad events)\n`;
  if (report.events.length > 0) {
    text += 'events:\n';
    for (const outcome of report.events) text += outcomeLine(outcome);
    if (report.unlisted > 0) text += `  and ${report.unlisted} more\n`;
  }
  return text;
}

/** An error in words, with its code and the cause that says what failed underneath. */
function describe(error: unknown): string {
  const message = (error as Error).message;
  const cause = (error as { cause?: unknown }).cause;
  const under =
    cause instanceof Error && !message.includes(cause.message) ? `: ${cause.message}` : '';
  return `${message}${under}${isSiftError(error) ? ` [${error.code}]` : ''}`;
}
