import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { ElasticsearchEventQuery } from './adapters/elasticsearch/elasticsearch-event-query';
import { buildConsoleApp } from './app';
import { trackEventStreams } from './adapters/http/event-streams';
import type { ConsoleConfig } from './config';
import { createConsoleUi } from './ui/console-ui';

/**
 * Starts the console server alone on Elasticsearch (distributed mode): the test API, the
 * Micro paths and the console UI, whose recovery writes to Kafka. `close()` stops the server,
 * then the UI's store connection, the Kafka producer and the query client.
 */
export async function startConsole(
  config: Readonly<ConsoleConfig>,
  logger: Logger = createLogger('console'),
): Promise<RunningServer> {
  const query = new ElasticsearchEventQuery({
    url: config.elasticsearchUrl,
    indexPrefix: config.indexPrefix,
  });
  // Connects on the first recovery, so the console starts while Kafka is away.
  const log = new KafkaEventLog({
    brokers: config.kafkaBrokers,
    clientId: 'sift-console',
    logger,
  });
  const ui = createConsoleUi({
    registryUrl: config.registryUrl,
    ...(config.registryUsername && config.registryPassword
      ? { registryAuth: { username: config.registryUsername, password: config.registryPassword } }
      : {}),
    store: { kind: 'elasticsearch', url: config.elasticsearchUrl, indexPrefix: config.indexPrefix },
    log,
    goodTopic: config.goodTopic,
    logger: logger.child({ component: 'ui' }),
  });
  const closeRest = async (): Promise<void> => {
    const results = await Promise.allSettled([ui.close(), log.close(), query.close()]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let running: RunningServer;
  try {
    const app = buildConsoleApp(config, { query, logger, routers: [ui.router] });
    running = await listen(app, config.port, config.host);
  } catch (error) {
    await closeRest().catch(() => undefined);
    throw error;
  }
  const streams = trackEventStreams(running.server);
  logger.info(
    {
      url: running.url,
      ui: `${running.url}/ui/`,
      elasticsearch: config.elasticsearchUrl,
      registry: config.registryUrl,
      brokers: config.kafkaBrokers,
    },
    'console listening',
  );
  return {
    ...running,
    close: async () => {
      const stopped = running.close();
      // The UI's live view never ends its server-sent-event answers: end them, or close waits for ever.
      for (const res of streams) res.destroy();
      await stopped;
      await closeRest();
    },
  };
}
