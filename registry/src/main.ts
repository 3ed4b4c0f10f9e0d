import type { RequestListener } from 'node:http';
import { createLogger, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { FileSchemaStore } from './adapters/file/file-schema-store';
import { KafkaLeaderElection } from './adapters/kafka/kafka-leader-election';
import { KafkaSchemaStore } from './adapters/kafka/kafka-schema-store';
import { StandaloneElection } from './adapters/standalone/standalone-election';
import { buildRegistryApp } from './app';
import type { RegistryConfig } from './config';
import type { LeaderElection, SchemaStore } from './ports';

/** The store and election a config asks for; `url` is where other instances reach this one. */
function storage(
  config: Readonly<RegistryConfig>,
  url: string,
  logger: Logger,
): { store: SchemaStore; election: LeaderElection } {
  if (config.store === 'file') {
    return { store: new FileSchemaStore(config.dataFile), election: new StandaloneElection() };
  }
  return {
    store: new KafkaSchemaStore({ brokers: config.kafkaBrokers, topic: config.topic, logger }),
    election: new KafkaLeaderElection({
      brokers: config.kafkaBrokers,
      groupId: config.groupId,
      topic: `${config.topic}_leader`,
      url,
      eligible: config.leaderEligible,
      sessionTimeoutMs: config.sessionTimeoutMs,
      logger,
    }),
  };
}

/**
 * Starts the registry: listens first (so the advertised URL knows its port), then replays
 * the store, then joins the leader election. `close()` stops the server, election and store.
 */
export async function startRegistry(
  config: Readonly<RegistryConfig>,
  logger: Logger = createLogger('registry'),
): Promise<RunningServer> {
  let handler: RequestListener | undefined;
  const running = await listen(
    (req, res) => {
      if (handler) return handler(req, res);
      res.writeHead(503, {
        'content-type': 'application/vnd.schemaregistry.v1+json',
        'retry-after': '1',
      });
      res.end(JSON.stringify({ error_code: 50001, message: 'The registry is starting' }));
    },
    config.port,
    config.host,
  );
  const { store, election } = storage(config, config.advertisedUrl ?? running.url, logger);
  try {
    handler = (await buildRegistryApp(config, { store, election, logger })).app;
    await election.start();
  } catch (error) {
    await running.close();
    await election.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
  logger.info({ url: running.url, store: config.store }, 'registry listening');
  return {
    ...running,
    close: async () => {
      await running.close();
      await election.close();
      await store.close();
    },
  };
}
