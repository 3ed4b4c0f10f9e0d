import express from 'express';
import { createMetricsRegistry, requestGuard } from '@sift/common';
import type { Logger } from '@sift/common';
import { basicAuth, parseUsers } from './adapters/http/basic-auth';
import { igluRouter } from './adapters/http/iglu-router';
import { openApiDocument } from './adapters/http/openapi';
import { registryRouter } from './adapters/http/registry-router';
import { StandaloneElection } from './adapters/standalone/standalone-election';
import type { RegistryConfig } from './config';
import { SchemaRegistry } from './domain/schema-registry';
import type { LeaderElection, SchemaStore } from './ports';

/** What the registry app needs from outside. */
export interface RegistryDeps {
  store: SchemaStore;
  /** Who takes writes; a registry alone always does. */
  election?: LeaderElection;
  logger: Logger;
}

/** The registry: an express app over a SchemaRegistry, not yet listening. */
export async function buildRegistryApp(
  config: Partial<
    Pick<
      RegistryConfig,
      | 'maxBodyBytes'
      | 'defaultCompatibility'
      | 'jsonStrictRequired'
      | 'forwardTimeoutMs'
      | 'authUsers'
      | 'authReads'
    >
  >,
  deps: RegistryDeps,
): Promise<{ app: express.Express; registry: SchemaRegistry }> {
  const registry = await SchemaRegistry.open(deps.store, {
    defaultCompatibility: config.defaultCompatibility ?? 'BACKWARD',
    jsonStrictRequired: config.jsonStrictRequired ?? false,
  });
  const metrics = createMetricsRegistry('registry');
  const app = express();
  app.disable('x-powered-by');
  const election = deps.election ?? new StandaloneElection();
  app.get('/healthz', (_req, res) => {
    const leader = election.leader();
    res.json({ status: 'ok', leader: leader.self ? 'self' : (leader.url ?? null) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // No web page of another site may write (a text/plain POST needs no CORS preflight).
  app.use(
    requestGuard({
      body: ({ message }) => ({ error_code: 40301, message }),
      contentType: 'application/vnd.schemaregistry.v1+json',
    }),
  );
  app.use(
    basicAuth({ users: parseUsers(config.authUsers ?? []), reads: config.authReads ?? false }),
  );
  app.use('/api', igluRouter({ registry, logger: deps.logger }));
  app.use(
    registryRouter({
      registry,
      election,
      logger: deps.logger,
      maxBodyBytes: config.maxBodyBytes ?? 1024 * 1024,
      forwardTimeoutMs: config.forwardTimeoutMs ?? 10_000,
    }),
  );
  return { app, registry };
}
