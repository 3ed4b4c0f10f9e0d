import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { BoundedEventLog, KafkaEventLog } from '@sift/event-log';
import { registryClientFromConfig } from '@sift/registry-client';
import { MaxmindGeoLookup } from './adapters/maxmind/maxmind-geo-lookup';
import { IgluRegistrySchemaSource } from './adapters/registry/iglu-schema-source';
import { RegistrySchemaSource } from './adapters/registry/registry-schema-source';
import { buildCollectorApp } from './app';
import type { CollectorConfig } from './config';

/** Starts the collector on Kafka and the registry; `close()` stops the server, then the producer. */
export async function startCollector(
  config: Readonly<CollectorConfig>,
  logger: Logger = createLogger('collector'),
): Promise<RunningServer> {
  const kafka = new KafkaEventLog({
    brokers: config.kafkaBrokers,
    clientId: 'sift-collector',
    logger,
    compression: config.kafkaCompression,
  });
  await kafka.ensureTopics([
    config.goodTopic,
    config.badTopic,
    ...(config.mode === 'raw' ? [config.rawTopic] : []),
  ]);
  // Bounded: past the limits requests get 503 instead of piling up while Kafka is away.
  const log = new BoundedEventLog({
    inner: kafka,
    maxPendingRecords: config.maxPendingRecords,
    maxPendingBytes: config.maxPendingBytes,
    appendTimeoutMs: config.appendTimeoutMs,
    lingerMs: config.lingerMs,
    closeTimeoutMs: config.appendTimeoutMs,
    logger,
  });
  const registry = registryClientFromConfig(config, { latestTtlMs: config.schemaCacheMs });
  const schemas = new RegistrySchemaSource(registry);
  const iglu = new IgluRegistrySchemaSource(registry);
  const geo = config.geoDatabase ? await MaxmindGeoLookup.open(config.geoDatabase) : undefined;
  const app = buildCollectorApp(config, {
    schemas,
    iglu,
    log,
    logger,
    buffer: log,
    ...(geo ? { geo } : {}),
  });
  const running = await listen(app, config.port, config.host);
  logger.info(
    { url: running.url, brokers: config.kafkaBrokers, mode: config.mode },
    'collector listening',
  );
  return {
    ...running,
    close: async () => {
      await running.close();
      await log.close();
    },
  };
}
