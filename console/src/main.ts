import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { ElasticsearchEventQuery } from './adapters/elasticsearch/elasticsearch-event-query';
import { buildConsoleApp } from './app';
import type { ConsoleConfig } from './config';

/** Starts the console server alone on Elasticsearch (distributed mode); `close()` stops it. */
export async function startConsole(
  config: Readonly<ConsoleConfig>,
  logger: Logger = createLogger('console'),
): Promise<RunningServer> {
  const query = new ElasticsearchEventQuery({
    url: config.elasticsearchUrl,
    indexPrefix: config.indexPrefix,
  });
  const app = buildConsoleApp(config, { query, logger });
  const running = await listen(app, config.port, config.host);
  logger.info({ url: running.url, elasticsearch: config.elasticsearchUrl }, 'console listening');
  return {
    ...running,
    close: async () => {
      await running.close();
      await query.close();
    },
  };
}
