import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadConsoleConfig, startConsole } from '@sift/console';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { registryClientFromConfig } from '@sift/registry-client';
import { loadSinkConfig, startSink } from '@sift/sinks';
import { checkRegistryCredentials } from '../check-registry-credentials';
import { loadSnowplowSchemasSetting } from '../embedded/embedded-config';
import { startEmbedded, stopAll } from '../embedded/start-embedded';
import { ensureLocalServices, stopLocalServices } from '../local-services';
import { runUntilSignal } from '../run-until-signal';
import type { Stoppable } from '../run-until-signal';
import { pushSchemas, pushSnowplowSchemas, readSchemasFolder } from '../schemas-folder';

/** Options of `sift up`. */
export interface UpOptions {
  schemas: string;
  /** Start local Kafka and Elasticsearch (scripts/services, needs Java) and run on them. */
  services?: boolean;
}

/** Whether `sift up` runs on Kafka and Elasticsearch rather than embedded. */
export function isDistributed(
  options: Pick<UpOptions, 'services'>,
  env: NodeJS.ProcessEnv,
): boolean {
  return (
    options.services === true ||
    env['SIFT_KAFKA_BROKERS'] !== undefined ||
    env['SIFT_ELASTICSEARCH_URL'] !== undefined
  );
}

/**
 * The whole platform in one process. With neither SIFT_KAFKA_BROKERS nor SIFT_ELASTICSEARCH_URL
 * set (and no `--services`) it is embedded: a local durable log and SQLite, no Java. Otherwise
 * registry, collector, both sinks and the console run on Kafka and Elasticsearch.
 */
export async function up(options: UpOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger('sift');
  if (!isDistributed(options, env)) {
    const platform = await startEmbedded(
      existsSync(options.schemas) ? { schemas: options.schemas } : {},
      env,
      logger,
    );
    runUntilSignal(platform.running, logger);
    return;
  }
  const snowplowSchemas = loadSnowplowSchemasSetting(env);
  const startedServices = options.services === true ? ensureLocalServices() : false;
  const running: Stoppable[] = [];
  try {
    const registry = await startRegistry(loadRegistryConfig(env), createLogger('registry'));
    running.push({ name: 'registry', close: registry.close });
    const registryUrl = env['SIFT_REGISTRY_URL'] || registry.url;
    const serviceEnv = { ...env, SIFT_REGISTRY_URL: registryUrl };
    const connection = loadCollectorConfig(serviceEnv);
    const registryClient = registryClientFromConfig(connection);
    await checkRegistryCredentials(registryClient, connection, logger);

    if (snowplowSchemas) {
      const pushed = await pushSnowplowSchemas(registryClient);
      logger.info({ schemas: pushed.length }, 'Snowplow tracker schemas registered');
    }
    if (existsSync(options.schemas)) {
      const pushed = await pushSchemas(registryClient, await readSchemasFolder(options.schemas));
      logger.info({ schemas: pushed.length, from: options.schemas }, 'schemas registered');
    }
    for (const kind of ['good', 'bad'] as const) {
      const sink = await startSink(
        loadSinkConfig({ ...serviceEnv, SIFT_SINK_KIND: kind }),
        createLogger(`sink-${kind}`),
      );
      running.push({ name: `sink-${kind}`, close: sink.close });
    }
    const consoleServer = await startConsole(
      loadConsoleConfig(serviceEnv),
      createLogger('console'),
    );
    running.push({ name: 'console', close: consoleServer.close });
    const collector = await startCollector(
      loadCollectorConfig(serviceEnv),
      createLogger('collector'),
    );
    running.push({ name: 'collector', close: collector.close });
    logger.info(
      { collector: collector.url, registry: registryUrl, console: consoleServer.url },
      'Sift is up: send events to POST /v1/events',
    );
  } catch (error) {
    await stopAll(running, logger);
    if (startedServices) stopLocalServices();
    throw error;
  }
  runUntilSignal(running, logger, startedServices ? stopLocalServices : undefined);
}

/** Registers `sift up`. */
export function addUpCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('up')
    .description(
      'run the whole platform in one process: embedded (local log, SQLite) unless SIFT_KAFKA_BROKERS / SIFT_ELASTICSEARCH_URL are set',
    )
    .option(
      '--schemas <dir>',
      'register the schemas of this folder at start, and on changes',
      'schemas',
    )
    .option('--services', 'start local Kafka and Elasticsearch first (needs Java) and run on them')
    .action((options: UpOptions) => up(options, env));
}
