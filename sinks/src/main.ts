import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { registryClientFromConfig } from '@sift/registry-client';
import { ElasticsearchEventStore } from './adapters/elasticsearch/elasticsearch-event-store';
import { KafkaConsumerLag } from './adapters/kafka/kafka-consumer-lag';
import { buildSinkApp } from './app';
import type { SinkConfig } from './config';

/** Starts a sink on Kafka and Elasticsearch; `close()` stops consuming, then the clients. */
export async function startSink(
  config: Readonly<SinkConfig>,
  logger: Logger = createLogger(`sink-${config.kind}`),
): Promise<RunningServer> {
  const clientId = `sift-sink-${config.kind}`;
  const log = new KafkaEventLog({ brokers: config.kafkaBrokers, clientId, logger });
  const store = new ElasticsearchEventStore({
    url: config.elasticsearchUrl,
    // The good sink sends documents Elasticsearch refuses to the bad index.
    verdicts: config.kind === 'good' ? ['good', 'bad'] : ['bad'],
    indexPrefix: config.indexPrefix,
    requestTimeoutMs: config.elasticsearchTimeoutMs,
  });
  const sink = buildSinkApp(config, {
    log,
    store,
    schemas: registryClientFromConfig(config),
    lag: new KafkaConsumerLag(config.kafkaBrokers, `${clientId}-lag`),
    logger,
  });
  await sink.start();
  const running = await listen(
    sink.app,
    config.port ?? (config.kind === 'good' ? 8083 : 8084),
    config.host,
  );
  logger.info({ url: running.url, elasticsearch: config.elasticsearchUrl }, 'sink started');
  return {
    ...running,
    close: async () => {
      await running.close();
      await sink.stop();
      await log.close();
      await store.close();
    },
  };
}
