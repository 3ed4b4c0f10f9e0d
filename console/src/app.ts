import express from 'express';
import { createMetricsRegistry } from '@sift/common';
import type { Logger } from '@sift/common';
import { errorHandler } from './adapters/http/error-handler';
import { microRouter } from './adapters/http/micro-router';
import { testApiRouter } from './adapters/http/test-api-router';
import type { ConsoleConfig } from './config';
import type { EventQuery } from './ports';

/** What the console server needs from outside. */
export interface ConsoleDeps {
  /** Where stored events are read: SQLite (embedded) or Elasticsearch. */
  query: EventQuery;
  logger: Logger;
  /**
   * Mounted after the test API and Micro paths: the console UI's router and static files.
   * Each sees every request the routes before it left alone.
   */
  routers?: readonly express.RequestHandler[];
}

/** The console server: the test API (`/api/…`), Snowplow Micro's paths (`/micro/…`), then the UI. */
export function buildConsoleApp(
  config: Pick<ConsoleConfig, 'maxWaitMs'> & Partial<Pick<ConsoleConfig, 'allowReset'>>,
  deps: ConsoleDeps,
): express.Express {
  const metrics = createMetricsRegistry('console');
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(['/micro', '/api'], express.json({ limit: '64kb' }));
  const allowReset = config.allowReset ?? true;
  app.use(testApiRouter({ query: deps.query, maxWaitMs: config.maxWaitMs, allowReset }));
  app.use(microRouter({ query: deps.query, allowReset }));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(errorHandler(deps.logger));
  return app;
}
