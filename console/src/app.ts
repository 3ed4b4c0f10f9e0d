import express from 'express';
import { createMetricsRegistry, requestGuard } from '@sift/common';
import type { Logger, RequestGuardOptions } from '@sift/common';
import { errorHandler } from './adapters/http/error-handler';
import { microRouter } from './adapters/http/micro-router';
import { consoleOpenApiDocument } from './adapters/http/openapi';
import { testApiRouter } from './adapters/http/test-api-router';
import type { ConsoleConfig } from './config';
import type { EventQuery, ResetBarrier } from './ports';

/** What the console server needs from outside. */
export interface ConsoleDeps {
  /** Where stored events are read: SQLite (embedded) or Elasticsearch. */
  query: EventQuery;
  logger: Logger;
  /** Holds back from the store the log's records from before a reset (`sift up`); none: reset empties the store only. */
  reset?: ResetBarrier;
  /**
   * Mounted after the test API and Micro paths: the console UI's router and static files.
   * Each sees every request the routes before it left alone.
   */
  routers?: readonly express.RequestHandler[];
}

/**
 * The console server: the test API (`/api/…`), Snowplow Micro's paths (`/micro/…`), then the
 * UI. Every request must name one of the console's hosts, and no web page of another site may
 * change state (reset, recovery, registry writes).
 */
export function buildConsoleApp(
  config: Pick<ConsoleConfig, 'maxWaitMs'> &
    Partial<Pick<ConsoleConfig, 'allowReset' | 'host' | 'allowedHosts' | 'allowedOrigins'>> & {
      /** Longest a reset waits for the sinks to finish batches from before it, ms; default 30000. */
      resetTimeoutMs?: number;
    },
  deps: ConsoleDeps,
): express.Express {
  const metrics = createMetricsRegistry('console');
  const app = express();
  app.disable('x-powered-by');
  const guard: RequestGuardOptions = {
    allowedHosts: [...(config.host ? [config.host] : []), ...(config.allowedHosts ?? [])],
    allowedOrigins: config.allowedOrigins ?? [],
  };
  app.use(requestGuard(guard));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(consoleOpenApiDocument);
  });
  app.use(['/micro', '/api'], express.json({ limit: '64kb' }));
  const allowReset = config.allowReset ?? true;
  const reset = {
    query: deps.query,
    allowReset,
    guard,
    resetTimeoutMs: config.resetTimeoutMs ?? 30_000,
    ...(deps.reset ? { barrier: deps.reset } : {}),
  };
  app.use(testApiRouter({ query: deps.query, maxWaitMs: config.maxWaitMs, reset }));
  app.use(microRouter({ query: deps.query, reset }));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(errorHandler(deps.logger));
  return app;
}
