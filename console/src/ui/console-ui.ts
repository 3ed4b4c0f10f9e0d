import express from 'express';
import type { Logger } from '@sift/common';
import type { EventLog } from '@sift/event-log';
import { RegistryClient } from '@sift/registry-client';
import { microIgluRouter } from '../adapters/http/micro-router';
import { ElasticsearchEventExplorer } from './adapters/elasticsearch/elasticsearch-event-explorer';
import { SqliteEventExplorer } from './adapters/sqlite/sqlite-event-explorer';
import { createUiRouter } from './ui-router';

/** Where the console UI reads stored events. */
export type ConsoleUiStore =
  { kind: 'elasticsearch'; url: string; indexPrefix?: string } | { kind: 'sqlite'; file: string };

/** What the console UI is built from. */
export interface ConsoleUiOptions {
  /** The registry, e.g. `http://127.0.0.1:8081`. */
  registryUrl: string;
  /** Basic credentials (`SIFT_REGISTRY_USERNAME` / `SIFT_REGISTRY_PASSWORD`), for a registry with auth on. */
  registryAuth?: { username: string; password: string };
  store: ConsoleUiStore;
  /** Where recovery sends events that now pass. */
  log: Pick<EventLog, 'append'>;
  goodTopic: string;
  logger: Logger;
  /** The SPA's build output; default `registry-ui/dist`. */
  staticDir?: string;
}

/**
 * The console UI ready to mount (`buildConsoleApp`'s `routers`): its router over the store's
 * explorer; `close()` releases the store connection.
 */
export function createConsoleUi(options: ConsoleUiOptions): {
  router: express.Router;
  close(): Promise<void>;
} {
  const explorer =
    options.store.kind === 'sqlite'
      ? new SqliteEventExplorer({ file: options.store.file })
      : new ElasticsearchEventExplorer({
          url: options.store.url,
          ...(options.store.indexPrefix ? { indexPrefix: options.store.indexPrefix } : {}),
        });
  const router = createUiRouter({
    registry: {
      url: options.registryUrl,
      ...(options.registryAuth ? { auth: options.registryAuth } : {}),
    },
    bad: explorer,
    good: explorer,
    recovery: { log: options.log, goodTopic: options.goodTopic },
    logger: options.logger,
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  // Snowplow Micro's schema path reads the same registry.
  const registry = new RegistryClient({
    url: options.registryUrl,
    ...(options.registryAuth ? { auth: options.registryAuth } : {}),
  });
  const routers = express.Router().use(microIgluRouter(registry)).use(router);
  return { router: routers, close: () => explorer.close() };
}
