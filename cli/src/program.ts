import { Command, Option } from 'commander';
import { createLogger } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { loadSinkConfig, startSink } from '@sift/sinks';
import { up } from './commands/up';
import { runUntilSignal } from './run-until-signal';
import { pushSchemas, readSchemasFolder } from './schemas-folder';

/** The `sift` command line. Every service reads its settings from `SIFT_*` variables. */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const program = new Command('sift')
    .description('Sift: schema-first event telemetry')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('up')
    .description('run the whole platform in one process (registry, collector, sinks)')
    .option('--schemas <dir>', 'register the schemas of this folder at start', 'schemas')
    .action((options: { schemas: string }) => up(options, env));

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

  const schemas = program
    .command('schemas')
    .description('schemas as code: schemas/<event-type>/<n>.avsc|json');
  schemas
    .command('push')
    .description('register every schema version of the folder, in order (SIFT_REGISTRY_URL)')
    .option('--dir <dir>', 'schemas folder', 'schemas')
    .action(async (options: { dir: string }) => {
      const client = new RegistryClient({
        url: env['SIFT_REGISTRY_URL'] ?? 'http://127.0.0.1:8081',
      });
      for (const { file, id, version } of await pushSchemas(
        client,
        await readSchemasFolder(options.dir),
      )) {
        process.stdout.write(`${file.eventType} v${version ?? file.version}: schema id ${id}\n`);
      }
    });
  return program;
}
