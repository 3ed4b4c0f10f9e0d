import express from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createMetricsRegistry, defaultTopics, isSiftError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { ConsumedRecord, EventLog, Subscription } from '@sift/event-log';
import { ValidatorCache } from '@sift/validator';
import type { SinkConfig } from './config';
import { Batcher } from './domain/batcher';
import { Sink } from './domain/sink';
import type { RetryPolicy } from './domain/sink';
import type { ConsumerLag, EventStore, IndexOutcome, IndexRequest, SchemaLookup } from './ports';

/** What a sink needs from outside. */
export interface SinkAppDeps {
  log: EventLog;
  store: EventStore;
  schemas: SchemaLookup;
  logger: Logger;
  /** Reports how far the consumer group is behind, for `/metrics`; none: no lag metric. */
  lag?: ConsumerLag;
  retry?: Partial<RetryPolicy>;
  /** Pauses between probes of a store that is down, ms: first and longest; default 500, 5000. */
  probeDelayMs?: { first: number; max: number };
}

/** A sink wired to its log and store, with its /healthz and /metrics app; `start()` begins consuming. */
export interface SinkApp {
  app: express.Express;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether consumption is paused because the store is down. */
  readonly paused: boolean;
}

/** How many seconds the docs/s gauge averages over. */
const RATE_WINDOW_S = 10;

/** Builds a sink: consumes the verdict's topic with a consumer group and indexes each batch. */
export function buildSinkApp(
  config: Pick<SinkConfig, 'kind' | 'groupId' | 'maxBatch' | 'topic' | 'indexPrefix'> &
    Partial<Pick<SinkConfig, 'flushIntervalMs'>>,
  deps: SinkAppDeps,
): SinkApp {
  const topic = config.topic ?? defaultTopics[config.kind];
  const groupId = config.groupId ?? `sift-sink-${config.kind}`;
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
    help: 'Time to index one batch, retries and mapping updates included, seconds.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  });
  const bulkLatency = new Histogram({
    name: 'sift_sink_bulk_seconds',
    help: 'Time of one bulk request to the store, seconds.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });
  const pausedGauge = new Gauge({
    name: 'sift_sink_paused',
    help: '1 while consumption is paused because the store is down, else 0.',
    registers: [metrics],
  });
  const recent: { at: number; count: number }[] = [];
  new Gauge({
    name: 'sift_sink_documents_per_second',
    help: `Documents indexed per second over the last ${RATE_WINDOW_S} s.`,
    registers: [metrics],
    collect() {
      const since = Date.now() - RATE_WINDOW_S * 1000;
      while (recent[0] && recent[0].at < since) recent.shift();
      this.set(recent.reduce((sum, { count }) => sum + count, 0) / RATE_WINDOW_S);
    },
  });
  if (deps.lag) {
    const lag = deps.lag;
    const logger = deps.logger;
    new Gauge({
      name: 'sift_sink_consumer_lag',
      help: 'Records on the topic the consumer group has not committed yet, by partition.',
      labelNames: ['partition'],
      registers: [metrics],
      async collect() {
        this.reset();
        try {
          for (const { partition, lag: behind } of await lag.lag(groupId, topic)) {
            this.set({ partition: String(partition) }, behind);
          }
        } catch (error) {
          logger.warn({ err: error }, 'cannot read consumer lag');
        }
      },
    });
  }

  const logger = deps.logger.child({ sink: config.kind });
  const store: EventStore = timedStore(deps.store, (seconds) => bulkLatency.observe(seconds));
  const sink = new Sink({
    verdict: config.kind,
    store,
    schemas: deps.schemas,
    validators: new ValidatorCache(),
    indexPrefix: config.indexPrefix,
    logger,
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  const probe = deps.probeDelayMs ?? { first: 500, max: 5_000 };
  let subscription: Subscription | undefined;
  let stopping = false;
  let paused = false;
  let pausing: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Probes the store until it answers; false when the sink stops meanwhile. */
  async function storeIsBack(): Promise<boolean> {
    for (let delay = probe.first; !stopping; delay = Math.min(delay * 2, probe.max)) {
      await pause(delay);
      if (!stopping && (!store.ping || (await store.ping()))) return true;
    }
    return false;
  }

  const subscribe = () =>
    deps.log.consume({ topics: [topic], groupId, handleBatch: (records) => batcher.add(records) });

  /**
   * Stops consuming while the store is down and subscribes again once it answers. The failed
   * batch was not committed, so the group reads it again. Holding the batch instead would
   * outlast the group's session timeout and get the consumer evicted.
   */
  async function pauseUntilStoreIsBack(error: unknown): Promise<void> {
    paused = true;
    pausedGauge.set(1);
    logger.warn({ err: error }, 'event store unavailable: consumption paused');
    const current = subscription;
    subscription = undefined;
    await current?.stop().catch((err: unknown) => logger.warn({ err }, 'consumer stop failed'));
    while (await storeIsBack()) {
      try {
        subscription = await subscribe();
        paused = false;
        pausedGauge.set(0);
        logger.info('event store answers again: consumption resumed');
        return;
      } catch (err) {
        logger.warn({ err }, 'cannot consume again yet');
      }
    }
  }

  /** Indexes a batch; when the store is down, fails it (nothing committed) and pauses consumption. */
  async function indexBatch(records: ConsumedRecord[]): Promise<void> {
    const stopTimer = latency.startTimer();
    try {
      const result = await sink.handleBatch(records);
      stopTimer();
      docs.inc({ outcome: 'indexed' }, result.indexed);
      docs.inc({ outcome: 'rejected' }, result.rejected);
      retries.inc(result.retries);
      recent.push({ at: Date.now(), count: result.indexed });
      logger.debug(result, 'batch indexed');
    } catch (error) {
      const unavailable =
        isSiftError(error) && error.code === 'SIFT_EVENT_STORE_UNAVAILABLE' && error.retriable;
      if (unavailable && !stopping) {
        pausing ??= pauseUntilStoreIsBack(error).finally(() => {
          pausing = undefined;
        });
      }
      throw error;
    }
  }

  const batcher = new Batcher<ConsumedRecord>(
    { maxBatch: config.maxBatch, flushIntervalMs: config.flushIntervalMs ?? 0 },
    indexBatch,
  );

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    const status = paused ? 'paused' : !subscription ? 'starting' : 'ok';
    res.status(status === 'ok' ? 200 : 503).json({ status });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  return {
    app,
    get paused() {
      return paused;
    },
    async start() {
      stopping = false;
      for (;;) {
        try {
          await deps.store.prepare();
          break;
        } catch (error) {
          if (!isSiftError(error) || error.code !== 'SIFT_EVENT_STORE_UNAVAILABLE') throw error;
          logger.warn({ err: error }, 'event store unavailable: waiting for it before consuming');
          if (!(await storeIsBack())) throw error;
        }
      }
      await deps.log.ensureTopics([topic]);
      subscription = await subscribe();
      logger.info({ topic, groupId }, 'sink consuming');
    },
    async stop() {
      stopping = true;
      wake?.();
      batcher.flush();
      await pausing;
      await subscription?.stop();
      subscription = undefined;
      await deps.lag?.close();
    },
  };
}

/** The store, reporting the duration of each bulk request. */
function timedStore(store: EventStore, observe: (seconds: number) => void): EventStore {
  return {
    prepare: () => store.prepare(),
    async index(requests: IndexRequest[]): Promise<IndexOutcome[]> {
      const started = process.hrtime.bigint();
      try {
        return await store.index(requests);
      } finally {
        observe(Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
    ...(store.ensureDataMapping ? { ensureDataMapping: store.ensureDataMapping.bind(store) } : {}),
    ...(store.ping ? { ping: store.ping.bind(store) } : {}),
    close: () => store.close(),
  };
}
