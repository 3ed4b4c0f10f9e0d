import { existsSync } from 'node:fs';
import { createLogger } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { loadSinkConfig, startSink } from '@sift/sinks';
import { ensureLocalServices, stopLocalServices } from '../local-services';
import { runUntilSignal } from '../run-until-signal';
import type { Stoppable } from '../run-until-signal';
import { pushSchemas, readSchemasFolder } from '../schemas-folder';

/** Options of `sift up`. */
export interface UpOptions {
  schemas: string;
}

/**
 * The whole platform in one process: registry (8081), collector (8080), good and bad sinks.
 * With no SIFT_KAFKA_BROKERS / SIFT_ELASTICSEARCH_URL it starts local Kafka and Elasticsearch.
 */
export async function up(options: UpOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger('sift');
  const external =
    env['SIFT_KAFKA_BROKERS'] !== undefined || env['SIFT_ELASTICSEARCH_URL'] !== undefined;
  const startedServices = external ? false : ensureLocalServices();
  const running: Stoppable[] = [];
  try {
    const registryConfig = loadRegistryConfig(env);
    const registry = await startRegistry(registryConfig, createLogger('registry'));
    running.push({ name: 'registry', close: registry.close });
    const registryUrl = env['SIFT_REGISTRY_URL'] ?? registry.url;
    const serviceEnv = { ...env, SIFT_REGISTRY_URL: registryUrl };

    if (existsSync(options.schemas)) {
      const pushed = await pushSchemas(
        new RegistryClient({ url: registryUrl }),
        await readSchemasFolder(options.schemas),
      );
      logger.info({ schemas: pushed.length, from: options.schemas }, 'schemas registered');
    }
    for (const kind of ['good', 'bad'] as const) {
      const sink = await startSink(
        loadSinkConfig({ ...serviceEnv, SIFT_SINK_KIND: kind }),
        createLogger(`sink-${kind}`),
      );
      running.push({ name: `sink-${kind}`, close: sink.close });
    }
    const collector = await startCollector(
      loadCollectorConfig(serviceEnv),
      createLogger('collector'),
    );
    running.push({ name: 'collector', close: collector.close });
    logger.info(
      { collector: collector.url, registry: registryUrl },
      'Sift is up: send events to POST /v1/events',
    );
  } catch (error) {
    for (const part of running.reverse()) await part.close().catch(() => undefined);
    if (startedServices) stopLocalServices();
    throw error;
  }
  runUntilSignal(running, logger, startedServices ? stopLocalServices : undefined);
}
