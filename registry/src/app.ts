import express from 'express';
import { createMetricsRegistry } from '@sift/common';
import type { Logger } from '@sift/common';
import { registryRouter } from './adapters/http/registry-router';
import type { RegistryConfig } from './config';
import { SchemaRegistry } from './domain/schema-registry';
import type { SchemaStore } from './ports';

/** What the registry app needs from outside. */
export interface RegistryDeps {
  store: SchemaStore;
  logger: Logger;
}

/** The registry: an express app over a SchemaRegistry, not yet listening. */
export async function buildRegistryApp(
  config: Pick<RegistryConfig, 'maxBodyBytes'>,
  deps: RegistryDeps,
): Promise<{ app: express.Express; registry: SchemaRegistry }> {
  const registry = await SchemaRegistry.open(deps.store);
  const metrics = createMetricsRegistry('registry');
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(registryRouter(registry, deps.logger, config.maxBodyBytes));
  return { app, registry };
}
