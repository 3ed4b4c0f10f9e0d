import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { isSiftError } from '@sift/common';
import type { Logger, Topics } from '@sift/common';
import type { EventLog } from '@sift/event-log';
import { anonymizeClientIp } from '../../domain/enrichment';
import type { IpAnonymization } from '../../domain/enrichment';
import { deliver } from '../../domain/deliver';
import { pixelEvent } from '../../domain/pixel';
import { rawRecord } from '../../recovery/raw-record';
import type { RawRequest } from '../../recovery/raw-record';
import type {
  Collected,
  EventProcessor,
  RequestMeta,
  RequestSource,
} from '../../domain/event-processor';
import { cors } from './cors';
import { readBody } from './read-body';

/** What the collector's HTTP layer needs. */
export interface CollectorRouterDeps {
  processor: EventProcessor;
  log: EventLog;
  logger: Logger;
  metrics: Registry;
  maxBodyBytes: number;
  topics: Topics;
  /** Origins browsers may call from; `*` for any. */
  corsOrigins: readonly string[];
  /** How much of the client address bad events keep (good events: see the enrichment). */
  ipAnonymization: IpAnonymization;
  /**
   * Raw mode: each readable request goes whole to this topic for `sift validate`, and is
   * answered 202 at once, without verdicts. Unset: validate here and answer per event.
   */
  rawTopic?: string;
}

/** The 1×1 transparent GIF every pixel request gets back. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Longest test id kept; a longer one is cut, so a test suite's ids stay searchable. */
const MAX_TEST_ID_CHARS = 200;

/** The request's facts beyond its source: the address as received and the sender's test id. */
function meta(req: Request, queryTestId?: unknown): RequestMeta {
  const stated = req.get('x-sift-test-id') ?? (typeof queryTestId === 'string' ? queryTestId : '');
  const testId = stated.trim().slice(0, MAX_TEST_ID_CHARS);
  return { ...(req.ip ? { clientIp: req.ip } : {}), ...(testId ? { testId } : {}) };
}

function source(req: Request, endpoint: string, mode: IpAnonymization): RequestSource {
  const userAgent = req.get('user-agent');
  const ip = anonymizeClientIp(req.ip, mode);
  return { endpoint, ...(ip ? { ip } : {}), ...(userAgent ? { user_agent: userAgent } : {}) };
}

/**
 * `POST /v1/events` and the `GET /i` pixel: validate each event, hand good and bad events
 * to the log, and answer only once both are durably there.
 */
export function collectorRouter(deps: CollectorRouterDeps): express.Router {
  const { processor, log, logger, maxBodyBytes } = deps;
  const received = new Counter({
    name: 'sift_collector_received_total',
    help: 'Inputs received: events, or whole bodies that could not be split into events. Equals good + bad.',
    registers: [deps.metrics],
  });
  const events = new Counter({
    name: 'sift_collector_events_total',
    help: 'Inputs by verdict (good, bad) and bad-event kind.',
    labelNames: ['verdict', 'kind'],
    registers: [deps.metrics],
  });
  const handOff = async (collected: Collected): Promise<void> => {
    await deliver(log, deps.topics, collected);
    received.inc(collected.verdicts.length);
    if (collected.good.length > 0) events.inc({ verdict: 'good', kind: '' }, collected.good.length);
    for (const bad of collected.bad) events.inc({ verdict: 'bad', kind: bad.kind });
  };
  const rawRequests = new Counter({
    name: 'sift_collector_raw_requests_total',
    help: 'Requests recorded whole on the raw topic (raw mode), for sift validate.',
    registers: [deps.metrics],
  });
  /** Raw mode: hands one request to the raw topic, the address as received (the stage anonymizes). */
  const record = async (req: Request, endpoint: string, body: string): Promise<void> => {
    const userAgent = req.get('user-agent');
    const { clientIp, testId } = meta(req, req.query['tid']);
    const raw: RawRequest = {
      body,
      source: {
        endpoint,
        ...(clientIp ? { ip: clientIp } : {}),
        ...(userAgent ? { user_agent: userAgent } : {}),
      },
      receivedAt: new Date(),
      ...(testId ? { testId } : {}),
    };
    await log.append(deps.rawTopic as string, [rawRecord(raw, clientIp ?? null)]);
    rawRequests.inc();
  };
  const router = express.Router();
  router.use('/v1/events', cors(deps.corsOrigins));

  // Bodies are read as text up to the limit, so malformed or oversize input is kept as a bad event.
  router.post('/v1/events', async (req: Request, res: Response) => {
    const body = await readBody(req, maxBodyBytes);
    const from = source(req, 'POST /v1/events', deps.ipAnonymization);
    const about = meta(req);
    if (deps.rawTopic !== undefined && !body.truncated && body.unreadableEncoding === undefined) {
      await record(req, 'POST /v1/events', body.text);
      res.status(202).json({ status: 'recorded' });
      return;
    }
    // Bodies Sift cannot keep as text are bad events at once, in raw mode too.
    const collected =
      body.unreadableEncoding !== undefined
        ? processor.rejectUnreadableBody(body.text, body.unreadableEncoding, from, about)
        : body.truncated
          ? processor.rejectOversizeBody(body.text, body.totalBytes, maxBodyBytes, from, about)
          : await processor.processBody(body.text, from, about);
    await handOff(collected);
    const whole = collected.verdicts.length === 1 && collected.verdicts[0]?.index === null;
    const status = !whole ? 200 : collected.bad[0]?.kind === 'size_violation' ? 413 : 400;
    res.status(status).json({
      accepted: collected.good.length,
      rejected: collected.bad.length,
      events: collected.verdicts,
    });
  });

  router.get('/i', async (req: Request, res: Response) => {
    const query = Object.fromEntries(
      Object.entries(req.query).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : undefined,
      ]),
    );
    const rawQuery = req.originalUrl.split('?')[1] ?? '';
    const pixel = deps.rawTopic !== undefined ? pixelEvent(query, req.get('referer')) : undefined;
    if (pixel !== undefined && 'event' in pixel) {
      try {
        await record(req, 'GET /i', JSON.stringify({ events: [pixel.event] }));
      } catch (error) {
        logger.warn({ err: error }, 'pixel not recorded');
        res.status(503).set('Retry-After', '5');
      }
      res.set('Cache-Control', 'no-store, max-age=0').type('image/gif').send(PIXEL);
      return;
    }
    const collected = await processor.processPixel(
      query,
      rawQuery,
      source(req, 'GET /i', deps.ipAnonymization),
      req.get('referer'),
      meta(req, req.query['tid']),
    );
    try {
      await handOff(collected);
    } catch (error) {
      logger.warn({ err: error }, 'pixel not handed off');
      res.status(503).set('Retry-After', '5');
    }
    res.set('Cache-Control', 'no-store, max-age=0').type('image/gif').send(PIXEL);
  });

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isSiftError(error) && !error.retriable && error.code === 'SIFT_REQUEST_INVALID') {
      res.status(400).json({ error: { code: error.code, message: error.message } });
      return;
    }
    if (isSiftError(error) && error.retriable) {
      logger.warn({ err: error, path: req.path }, 'cannot accept events now');
      res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: { code: error.code, message: error.message } });
      return;
    }
    logger.error({ err: error, path: req.path }, 'collector request failed');
    res.status(500).json({
      error: {
        code: 'SIFT_INTERNAL',
        message: 'Internal error; the collector log has the cause',
      },
    });
  });
  return router;
}
