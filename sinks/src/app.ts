import express from 'express';
import { Counter, Histogram } from 'prom-client';
import { createMetricsRegistry, defaultTopics } from '@sift/common';
import type { Logger } from '@sift/common';
import type { EventLog, Subscription } from '@sift/event-log';
import { ValidatorCache } from '@sift/validator';
import type { SinkConfig } from './config';
import { Sink } from './domain/sink';
import type { RetryPolicy } from './domain/sink';
import type { EventStore, SchemaLookup } from './ports';

/** What a sink needs from outside. */
export interface SinkAppDeps {
  log: EventLog;
  store: EventStore;
  schemas: SchemaLookup;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
}

/** A sink wired to its log and store, with its /healthz and /metrics app; `start()` begins consuming. */
export interface SinkApp {
  app: express.Express;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds a sink: consumes the verdict's topic with a consumer group and indexes each batch. */
export function buildSinkApp(
  config: Pick<SinkConfig, 'kind' | 'groupId' | 'maxBatch' | 'topic' | 'indexPrefix'>,
  deps: SinkAppDeps,
): SinkApp {
  const metrics = createMetricsRegistry(`sink-${config.kind}`);
  const docs = new Counter({
    name: 'sift_sink_documents_total',
    help: 'Documents the sink handled, by outcome (indexed, rejected).',
    labelNames: ['outcome'],
    registers: [metrics],
  });
  const retries = new Counter({
    name: 'sift_sink_retries_total',
    help: 'Bulk retries.',
    registers: [metrics],
  });
  const latency = new Histogram({
    name: 'sift_sink_batch_seconds',
    help: 'Time to index one batch, seconds.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  });
  const logger = deps.logger.child({ sink: config.kind });
  const sink = new Sink({
    verdict: config.kind,
    store: deps.store,
    schemas: deps.schemas,
    validators: new ValidatorCache(),
    indexPrefix: config.indexPrefix,
    logger,
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  let subscription: Subscription | undefined;

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.status(subscription ? 200 : 503).json({ status: subscription ? 'ok' : 'starting' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  return {
    app,
    async start() {
      const topic = config.topic ?? defaultTopics[config.kind];
      await deps.store.prepare();
      await deps.log.ensureTopics([topic]);
      subscription = await deps.log.consume({
        topics: [topic],
        groupId: config.groupId ?? `sift-sink-${config.kind}`,
        handleBatch: async (records) => {
          for (let from = 0; from < records.length; from += config.maxBatch) {
            const stopTimer = latency.startTimer();
            const result = await sink.handleBatch(records.slice(from, from + config.maxBatch));
            stopTimer();
            docs.inc({ outcome: 'indexed' }, result.indexed);
            docs.inc({ outcome: 'rejected' }, result.rejected);
            retries.inc(result.retries);
            logger.debug(result, 'batch indexed');
          }
        },
      });
      logger.info('sink consuming');
    },
    async stop() {
      await subscription?.stop();
      subscription = undefined;
    },
  };
}
