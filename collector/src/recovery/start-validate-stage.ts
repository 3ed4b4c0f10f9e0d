import express from 'express';
import { Counter } from 'prom-client';
import { createLogger, createMetricsRegistry, listen } from '@sift/common';
import type { Logger, RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import type { EventLog } from '@sift/event-log';
import { registryClientFromConfig } from '@sift/registry-client';
import { MaxmindGeoLookup } from '../adapters/maxmind/maxmind-geo-lookup';
import { RegistrySchemaSource } from '../adapters/registry/registry-schema-source';
import type { EnrichmentHook } from '../domain/enrichment';
import type { SchemaSource } from '../ports';
import type { ValidateStageConfig } from './recovery-config';
import { ValidateStage } from './validate-stage';

/** Adapters to use instead of Kafka and the registry (tests, the embedded deployment). */
export interface ValidateStageOverrides {
  log?: EventLog;
  schemas?: SchemaSource;
  /** Custom enrichments, as the collector runs them. */
  hooks?: readonly EnrichmentHook[];
}

/**
 * Starts `sift validate`: the validate stage on Kafka and the registry, with /healthz and
 * /metrics; `close()` stops consuming, then the server and the Kafka clients.
 */
export async function startValidateStage(
  config: Readonly<ValidateStageConfig>,
  logger: Logger = createLogger('validate'),
  overrides: ValidateStageOverrides = {},
): Promise<RunningServer> {
  const geo = config.geoDatabase ? await MaxmindGeoLookup.open(config.geoDatabase) : undefined;
  const ownLog = overrides.log
    ? undefined
    : new KafkaEventLog({ brokers: config.kafkaBrokers, clientId: 'sift-validate', logger });
  const log = overrides.log ?? (ownLog as EventLog);
  const schemas =
    overrides.schemas ??
    new RegistrySchemaSource(
      registryClientFromConfig(config, { latestTtlMs: config.schemaCacheMs }),
    );
  const metrics = createMetricsRegistry('validate');
  const requests = new Counter({
    name: 'sift_validate_requests_total',
    help: 'Raw records (request bodies) validated.',
    registers: [metrics],
  });
  const events = new Counter({
    name: 'sift_validate_events_total',
    help: 'Events validated, by verdict (good, bad) and bad-event kind.',
    labelNames: ['verdict', 'kind'],
    registers: [metrics],
  });
  const stage = new ValidateStage(
    {
      rawTopic: config.rawTopic,
      topics: { good: config.goodTopic, bad: config.badTopic },
      groupId: config.groupId,
    },
    {
      log,
      schemas,
      logger,
      enrichment: {
        ipAnonymization: config.ipAnonymization,
        internalDomains: config.internalDomains,
        ...(geo ? { geo } : {}),
      },
      ...(overrides.hooks ? { hooks: overrides.hooks } : {}),
      onBatch: (result) => {
        requests.inc(result.requests);
        events.inc({ verdict: 'good', kind: '' }, result.good);
        for (const bad of result.bad) events.inc({ verdict: 'bad', kind: bad.kind });
      },
    },
  );

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.status(stage.running ? 200 : 503).json({ status: stage.running ? 'ok' : 'stopped' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  try {
    await stage.start();
  } catch (error) {
    await ownLog?.close();
    throw error;
  }
  const running = await listen(app, config.port, config.host);
  logger.info(
    { url: running.url, rawTopic: config.rawTopic, groupId: config.groupId },
    'validate stage started',
  );
  return {
    ...running,
    close: async () => {
      await stage.stop();
      await running.close();
      await ownLog?.close();
    },
  };
}
