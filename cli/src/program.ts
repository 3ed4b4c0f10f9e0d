import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { loadSinkConfig, startSink } from '@sift/sinks';
import type { CompatibilityLevel } from '@sift/validator';
import { addUpCommand } from './commands/up';
import { addUiCommand } from './commands/ui';
import { addRecoverCommand } from './commands/recover';
import { addKibanaCommand } from './commands/kibana';
import { addCodegenCommand } from './commands/codegen';
import { addGenerateCommand } from './commands/generate';
import { addValidateCommand } from './commands/validate';
import {
  EXIT_USAGE,
  parseCompatibilityLevel,
  schemasCheck,
  schemasPush,
} from './commands/schemas-commands';
import type { SchemasCheckOptions, SchemasPushOptions } from './commands/schemas-commands';
import { runUntilSignal } from './run-until-signal';

/** Where the program writes and how it sets its exit code; tests pass their own. */
export interface ProgramIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
}

const processIo: ProgramIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/**
 * The `sift` command line. Every service reads its settings from `SIFT_*` variables. A usage
 * error rejects `parseAsync` with a CommanderError whose `exitCode` is 2 (0 after `--help`).
 */
export function buildProgram(env: NodeJS.ProcessEnv, io: ProgramIo = processIo): Command {
  const program = new Command('sift')
    .description('Sift: schema-first event telemetry')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(text),
    })
    .exitOverride((error) => {
      throw error.exitCode === 0
        ? error
        : new CommanderError(EXIT_USAGE, error.code, error.message);
    });

  addUpCommand(program, env);
  addUiCommand(program, env);

  program
    .command('registry')
    .description('run the schema registry (SIFT_REGISTRY_*)')
    .action(async () => {
      const logger = createLogger('registry');
      const running = await startRegistry(loadRegistryConfig(env), logger);
      runUntilSignal([{ name: 'registry', close: running.close }], logger);
    });

  program
    .command('collector')
    .description('run the collector (SIFT_COLLECTOR_*, SIFT_REGISTRY_URL, SIFT_KAFKA_BROKERS)')
    .action(async () => {
      const logger = createLogger('collector');
      const running = await startCollector(loadCollectorConfig(env), logger);
      runUntilSignal([{ name: 'collector', close: running.close }], logger);
    });

  program
    .command('sink')
    .description('run a sink from Kafka into Elasticsearch (SIFT_SINK_*, SIFT_ELASTICSEARCH_URL)')
    .addOption(
      new Option('--kind <kind>', 'which events to index')
        .choices(['good', 'bad'])
        .makeOptionMandatory(),
    )
    .action(async (options: { kind: 'good' | 'bad' }) => {
      const config = loadSinkConfig({ ...env, SIFT_SINK_KIND: options.kind });
      const logger = createLogger(`sink-${options.kind}`);
      const running = await startSink(config, logger);
      runUntilSignal([{ name: `sink-${options.kind}`, close: running.close }], logger);
    });

  addValidateCommand(program, env);
  addRecoverCommand(program, env, io);
  addKibanaCommand(program, env, io);
  addCodegenCommand(program, env, io);
  addGenerateCommand(program, env, io);

  const schemas = program
    .command('schemas')
    .description(
      'schemas as code: schemas/<event-type>/<n>.avsc|json, or Iglu layout <vendor>/<name>/jsonschema/<M-R-A>',
    );
  schemas
    .command('check')
    .description(
      'check every version: valid, compatible with the earlier ones, in step with the registry',
    )
    .option('--dir <dir>', 'schemas folder', 'schemas')
    .option('--registry <url>', 'registry to take levels from and compare with (SIFT_REGISTRY_URL)')
    .addOption(
      new Option(
        '--level <level>',
        'compatibility level when there is no registry (BACKWARD)',
      ).argParser(levelArgument),
    )
    .addOption(
      new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'),
    )
    .action(async (options: SchemasCheckOptions) => {
      io.setExitCode(await schemasCheck(options, env, io));
    });
  schemas
    .command('push')
    .description('register the versions of the folder missing from the registry, in order')
    .option('--dir <dir>', 'schemas folder', 'schemas')
    .option('--registry <url>', 'registry URL (SIFT_REGISTRY_URL, else http://127.0.0.1:8081)')
    .option(
      '--snowplow',
      'push the bundled Snowplow tracker schemas (cli/snowplow-schemas), their subjects at compatibility NONE',
    )
    .action(async (options: SchemasPushOptions) => {
      io.setExitCode(await schemasPush(options, env, io));
    });
  return program;
}

/** Commander's parser for `--level`: a bad value is a usage error. */
function levelArgument(value: string): CompatibilityLevel {
  try {
    return parseCompatibilityLevel(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
