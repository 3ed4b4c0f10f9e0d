import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { Gauge } from 'prom-client';
import { createMetricsRegistry } from '@sift/common';
import type { Logger } from '@sift/common';
import type { EventLog } from '@sift/event-log';
import { ValidatorCache } from '@sift/validator';
import { collectorRouter, notAllowed } from './adapters/http/collector-router';
import type { CollectorConfig } from './config';
import { EventProcessor } from './domain/event-processor';
import type { EnrichmentHook, GeoLookup } from './domain/enrichment';
import type { IgluSchemaSource, SchemaSource } from './ports';
import { RAW_TOPIC } from './recovery/raw-record';

/** What the collector app needs from outside. */
export interface CollectorDeps {
  schemas: SchemaSource;
  /** Schemas of Snowplow tracker events by Iglu key; none: every tracker event is `unknown_event`. */
  iglu?: IgluSchemaSource;
  log: EventLog;
  logger: Logger;
  now?: () => Date;
  /** Geo database for the geo enrichment; none by default. */
  geo?: GeoLookup;
  /** Custom enrichments (see the collector README); none by default. */
  hooks?: readonly EnrichmentHook[];
  /** What is handed to the log and not yet acknowledged, shown on /metrics. */
  buffer?: { pending(): { records: number; bytes: number } };
}

/**
 * A request handler that also works as express middleware (`next` gets what it does not
 * serve; without one, a 404).
 */
export type CollectorApp = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * The collector, not yet listening: `POST /v1/events`, `GET /i` and Snowplow's tracker paths
 * on plain `node:http` (the hot paths), everything else (`/healthz`, `/metrics`, `/openapi.json`) through express.
 */
export function buildCollectorApp(
  config: Pick<CollectorConfig, 'maxBodyBytes' | 'goodTopic' | 'badTopic'> &
    Partial<
      Pick<
        CollectorConfig,
        | 'corsOrigins'
        | 'maxBatchEvents'
        | 'maxEventBytes'
        | 'maxEventDepth'
        | 'ipAnonymization'
        | 'internalDomains'
        | 'mode'
        | 'rawTopic'
        | 'spCookieDays'
        | 'spCookieDomain'
        | 'spCookieSameSite'
        | 'spCookieSecure'
        | 'redirectDomains'
      >
    >,
  deps: CollectorDeps,
): CollectorApp {
  const metrics = createMetricsRegistry('collector');
  const buffer = deps.buffer;
  if (buffer) {
    new Gauge({
      name: 'sift_collector_pending_records',
      help: 'Records handed to the event log and not yet acknowledged.',
      registers: [metrics],
      collect() {
        this.set(buffer.pending().records);
      },
    });
    new Gauge({
      name: 'sift_collector_pending_bytes',
      help: 'Bytes handed to the event log and not yet acknowledged.',
      registers: [metrics],
      collect() {
        this.set(buffer.pending().bytes);
      },
    });
  }
  const processor = new EventProcessor({
    schemas: deps.schemas,
    ...(deps.iglu ? { iglu: deps.iglu } : {}),
    validators: new ValidatorCache(),
    limits: {
      ...(config.maxBatchEvents ? { maxBatchEvents: config.maxBatchEvents } : {}),
      ...(config.maxEventBytes ? { maxEventBytes: config.maxEventBytes } : {}),
      ...(config.maxEventDepth ? { maxEventDepth: config.maxEventDepth } : {}),
    },
    ...(deps.now ? { now: deps.now } : {}),
    enrichment: {
      ipAnonymization: config.ipAnonymization ?? 'partial',
      internalDomains: config.internalDomains ?? [],
      ...(deps.geo ? { geo: deps.geo } : {}),
    },
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.sendFile(join(__dirname, '../openapi.json'));
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.all(['/healthz', '/openapi.json', '/metrics'], (req, res, next) => {
    if (req.method === 'OPTIONS') next();
    else notAllowed(res, req.method, 'GET, HEAD');
  });
  const events = collectorRouter({
    processor,
    log: deps.log,
    logger: deps.logger,
    metrics,
    maxBodyBytes: config.maxBodyBytes,
    topics: { good: config.goodTopic, bad: config.badTopic },
    corsOrigins: config.corsOrigins ?? [],
    ipAnonymization: config.ipAnonymization ?? 'partial',
    ...(config.mode === 'raw' ? { rawTopic: config.rawTopic ?? RAW_TOPIC } : {}),
    snowplow: {
      cookie: {
        days: config.spCookieDays ?? 365,
        ...(config.spCookieDomain ? { domain: config.spCookieDomain } : {}),
        sameSite: config.spCookieSameSite ?? 'None',
        secure: config.spCookieSecure ?? true,
      },
      redirectDomains: config.redirectDomains ?? [],
    },
  });
  // An express app takes plain node requests (it adds its own methods), and a `next` when mounted.
  const rest = app as unknown as CollectorApp;
  return (req, res, next) => events(req, res, () => rest(req, res, next));
}
