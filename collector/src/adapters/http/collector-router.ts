import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
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
import { snowplowRouter } from './snowplow-router';
import type { SpCookieOptions } from './snowplow-router';
import { readBody } from './read-body';
import { sendJson, sendPixel } from './respond';

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
  /** Snowplow's tracker protocol: the `sp` cookie, and the domains `/r/tp2` may redirect to. */
  snowplow?: { cookie: SpCookieOptions; redirectDomains: readonly string[] };
}

/** A request handler that passes what it does not serve to `next`. */
export type CollectorRoute = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Longest test id kept; a longer one is cut, so a test suite's ids stay searchable. */
const MAX_TEST_ID_CHARS = 200;

/** `X-Forwarded-For` counts only from a proxy on this machine, as express's `trust proxy: loopback`. */
const trustLoopback = proxyaddr.compile('loopback');

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client address: the peer's, or the forwarded one when a local proxy forwarded the request. */
function clientAddress(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress === undefined ? undefined : proxyaddr(req, trustLoopback);
}

/** The request's facts beyond its source: the address as received and the sender's test id. */
function meta(req: IncomingMessage, queryTestId?: string): RequestMeta {
  const stated = header(req, 'x-sift-test-id') ?? queryTestId ?? '';
  const testId = stated.trim().slice(0, MAX_TEST_ID_CHARS);
  const clientIp = clientAddress(req);
  return { ...(clientIp ? { clientIp } : {}), ...(testId ? { testId } : {}) };
}

function source(req: IncomingMessage, endpoint: string, mode: IpAnonymization): RequestSource {
  const userAgent = header(req, 'user-agent');
  const ip = anonymizeClientIp(clientAddress(req), mode);
  return { endpoint, ...(ip ? { ip } : {}), ...(userAgent ? { user_agent: userAgent } : {}) };
}

/** Answers 405 for a method the path does not take, naming those it does. */
export function notAllowed(res: ServerResponse, method: string, allow: string): void {
  res.setHeader('Allow', allow);
  sendJson(res, 405, {
    error: { code: 'SIFT_REQUEST_INVALID', message: `${method} is not allowed here; use ${allow}` },
  });
}

/** A pixel's query parameters; one given twice counts as not given. */
function queryParameters(rawQuery: string): Record<string, string | undefined> {
  const params = new URLSearchParams(rawQuery);
  const query: Record<string, string | undefined> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0] : undefined;
  }
  return query;
}

/**
 * `POST /v1/events` and the `GET /i` pixel on plain `node:http`, without a framework in the
 * way of every request: validate each event, hand good and bad events to the log, and answer
 * only once both are durably there. Anything else goes to `next`.
 */
export function collectorRouter(deps: CollectorRouterDeps): CollectorRoute {
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
  const rawRequests = new Counter({
    name: 'sift_collector_raw_requests_total',
    help: 'Requests recorded whole on the raw topic (raw mode), for sift validate.',
    registers: [deps.metrics],
  });
  const allowOrigin = cors(deps.corsOrigins);

  // A registry refusing the collector's credentials lasts until an operator acts: said once.
  let refusalLogged = false;
  const warnNotAccepted = (error: unknown, context: object, message: string): void => {
    if (isSiftError(error) && error.code === 'SIFT_REGISTRY_UNAUTHORIZED') {
      if (!refusalLogged) logger.error({ err: error }, 'the registry refuses the collector');
      refusalLogged = true;
      return;
    }
    logger.warn({ err: error, ...context }, message);
  };

  const handOff = async (collected: Collected): Promise<void> => {
    await deliver(log, deps.topics, collected);
    received.inc(collected.verdicts.length);
    if (collected.good.length > 0) events.inc({ verdict: 'good', kind: '' }, collected.good.length);
    for (const bad of collected.bad) events.inc({ verdict: 'bad', kind: bad.kind });
  };

  /** Raw mode: hands one request to the raw topic, the address as received (the stage anonymizes). */
  const record = async (
    req: IncomingMessage,
    endpoint: string,
    body: string,
    about: RequestMeta,
  ): Promise<void> => {
    const userAgent = header(req, 'user-agent');
    const raw: RawRequest = {
      body,
      source: {
        endpoint,
        ...(about.clientIp ? { ip: about.clientIp } : {}),
        ...(userAgent ? { user_agent: userAgent } : {}),
      },
      receivedAt: new Date(),
      ...(about.testId ? { testId: about.testId } : {}),
    };
    await log.append(deps.rawTopic as string, [rawRecord(raw, about.clientIp ?? null)]);
    rawRequests.inc();
  };

  // Bodies are read as text up to the limit, so malformed or oversize input is kept as a bad event.
  const postEvents = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, maxBodyBytes);
    const from = source(req, 'POST /v1/events', deps.ipAnonymization);
    const about = meta(req);
    if (deps.rawTopic !== undefined && !body.truncated && body.unreadableEncoding === undefined) {
      await record(req, 'POST /v1/events', body.text, about);
      sendJson(res, 202, { status: 'recorded' });
      return;
    }
    // Bodies Sift cannot keep as text are bad events at once, in raw mode too.
    const collected =
      body.unreadableEncoding !== undefined
        ? processor.rejectUnreadableBody(
            body.text,
            body.unreadableEncoding,
            from,
            about,
            body.unreadableKeyword,
          )
        : body.truncated
          ? processor.rejectOversizeBody(body.text, body.totalBytes, maxBodyBytes, from, about)
          : await processor.processBody(body.text, from, about);
    await handOff(collected);
    const whole = collected.verdicts.length === 1 && collected.verdicts[0]?.index === null;
    const status = !whole ? 200 : collected.bad[0]?.kind === 'size_violation' ? 413 : 400;
    sendJson(res, status, {
      accepted: collected.good.length,
      rejected: collected.bad.length,
      events: collected.verdicts,
    });
  };

  const getPixel = async (req: IncomingMessage, res: ServerResponse, rawQuery: string) => {
    const query = queryParameters(rawQuery);
    const pageUrl = header(req, 'referer');
    const about = meta(req, query['tid']);
    try {
      const pixel = deps.rawTopic !== undefined ? pixelEvent(query, pageUrl) : undefined;
      // Raw mode records what it can keep as JSON text; anything else is a bad event at once.
      if (pixel !== undefined && 'event' in pixel && !processor.shapeIssue(pixel.event)) {
        await record(req, 'GET /i', JSON.stringify({ events: [pixel.event] }), about);
      } else {
        const from = source(req, 'GET /i', deps.ipAnonymization);
        await handOff(await processor.processPixel(query, rawQuery, from, pageUrl, about));
      }
    } catch (error) {
      // The sender cannot read an error from an image: the status says whether to try again.
      if (isSiftError(error) && error.retriable) {
        warnNotAccepted(error, {}, 'pixel not handed off');
        sendPixel(res, 503);
      } else {
        logger.error({ err: error, url: req.url }, 'pixel failed');
        sendPixel(res, 500);
      }
      return;
    }
    sendPixel(res, 200);
  };

  function fail(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    if (res.headersSent) {
      logger.error({ err: error, url: req.url }, 'collector request failed after answering');
      res.destroy();
      return;
    }
    if (isSiftError(error) && !error.retriable && error.code === 'SIFT_REQUEST_INVALID') {
      sendJson(res, 400, { error: { code: error.code, message: error.message } });
      return;
    }
    if (isSiftError(error) && error.retriable) {
      warnNotAccepted(error, { url: req.url }, 'cannot accept events now');
      res.setHeader('Retry-After', '5');
      sendJson(res, 503, { error: { code: error.code, message: error.message } });
      return;
    }
    logger.error({ err: error, url: req.url }, 'collector request failed');
    sendJson(res, 500, {
      error: { code: 'SIFT_INTERNAL', message: 'Internal error; the collector log has the cause' },
    });
  }

  const tracker = snowplowRouter({
    processor,
    logger,
    maxBodyBytes,
    corsOrigins: deps.corsOrigins,
    cookie: deps.snowplow?.cookie ?? { days: 365, sameSite: 'None', secure: true },
    redirectDomains: deps.snowplow?.redirectDomains ?? [],
    // SP-Anonymous: no address is kept or enriched from.
    describe: (req, endpoint, anonymous) => {
      const about = meta(req);
      if (!anonymous) return { source: source(req, endpoint, deps.ipAnonymization), meta: about };
      const { clientIp: _dropped, ...kept } = about;
      return { source: source(req, endpoint, 'full'), meta: kept };
    },
    handOff,
    fail,
  });

  const sift: CollectorRoute = (req, res, next) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = (mark === -1 ? url : url.slice(0, mark)).replace(/\/+$/, '').toLowerCase();
    const method = req.method ?? 'GET';
    let handling: Promise<void> | undefined;
    if (path === '/v1/events') {
      if (allowOrigin(req, res) === 'handled') return;
      if (method !== 'POST') return notAllowed(res, method, 'POST, OPTIONS');
      handling = postEvents(req, res);
    } else if (path === '/i') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(res, method, 'GET, HEAD');
      handling = getPixel(req, res, mark === -1 ? '' : url.slice(mark + 1));
    }
    if (handling !== undefined) handling.catch((error: unknown) => fail(error, req, res));
    else next();
  };
  return (req, res, next) => tracker(req, res, () => sift(req, res, next));
}
