import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSiftError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { Collected, RequestMeta, RequestSource } from '../../domain/event-processor';
import type { EventProcessor } from '../../domain/event-processor';
import { isTrackerEventCode } from '../../domain/snowplow/tracker-event';
import { readBody } from './read-body';
import { sendPixel } from './respond';

/** The network user id of a request with `SP-Anonymous`. */
export const ANONYMOUS_NUID = '00000000-0000-0000-0000-000000000000';

/** The POST path of Snowplow's trackers (their default `postPath`). */
export const SNOWPLOW_POST_PATH = '/com.snowplowanalytics.snowplow/tp2';

/** The Cache-Control of Snowplow's pixel answers. */
const NO_CACHE = 'no-cache, no-store, must-revalidate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Settings of the Snowplow network user id cookie `sp`. */
export interface SpCookieOptions {
  days: number;
  domain?: string;
  sameSite: 'None' | 'Lax' | 'Strict';
  secure: boolean;
}

/** What the Snowplow paths need from the collector. */
export interface SnowplowRouterDeps {
  processor: EventProcessor;
  logger: Logger;
  maxBodyBytes: number;
  /** Origins browsers may send from (CORS, with credentials); `*` for any. */
  corsOrigins: readonly string[];
  cookie: SpCookieOptions;
  /** Domains `/r/tp2` may redirect to (and their subdomains); empty: redirects off. */
  redirectDomains: readonly string[];
  /** Reads the request's source and facts, anonymized or not. */
  describe(
    req: IncomingMessage,
    endpoint: string,
    anonymous: boolean,
  ): {
    source: RequestSource;
    meta: RequestMeta;
  };
  /** Hands a request's verdicts to the log (the collector's one path to the good and bad topics). */
  handOff(collected: Collected): Promise<void>;
  /** Answers a failure of a request that has not been answered (503 when retriable). */
  fail(error: unknown, req: IncomingMessage, res: ServerResponse): void;
}

/** A request handler that passes what it does not serve to `next`. */
export type SnowplowRoute = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The value of the `sp` cookie, when the request has one. */
function spCookie(req: IncomingMessage): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    // Only a UUID is taken, and a UUID needs no decoding.
    if (name === 'sp') return rest.join('=');
  }
  return undefined;
}

/** A query's parameters as a tracker map; a parameter given twice keeps its first value. */
function queryMap(rawQuery: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) map[name] ??= value;
  return map;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Snowplow's tracker protocol: `POST /com.snowplowanalytics.snowplow/tp2` (payload_data),
 * `GET`/`HEAD /i` and `/ice.png` (one event in the query), their `OPTIONS` preflights and
 * the `/r/tp2` click redirect. `/i` is Sift's own pixel unless its `e` is a tracker event code
 * (`pv`, `pp`, `se`, `ue`, `tr`, `ti`): Sift's `e` is a dotted event type. Each tracker event
 * becomes one good or bad event through the collector's event processor.
 */
export function snowplowRouter(deps: SnowplowRouterDeps): SnowplowRoute {
  const anyOrigin = deps.corsOrigins.includes('*');
  const origins = new Set(deps.corsOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));

  /** Echoes an allowed Origin with credentials: the browser tracker sends `credentials: include`. */
  const allowOrigin = (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = header(req, 'origin');
    res.setHeader('Vary', 'Origin');
    const ok = origin !== undefined && (anyOrigin || origins.has(origin.toLowerCase()));
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    return ok;
  };

  const preflight = (req: IncomingMessage, res: ServerResponse): void => {
    if (!allowOrigin(req, res)) {
      sendText(res, 403, `Origin ${header(req, 'origin') ?? '(none)'} is not allowed`);
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, SP-Anonymous');
    res.setHeader('Access-Control-Max-Age', '3600');
    res.statusCode = 200;
    res.setHeader('Content-Length', 0);
    res.end();
  };

  /** Settles the network user id and sets (or, anonymous, expires) the `sp` cookie. */
  const networkUserId = (
    req: IncomingMessage,
    res: ServerResponse,
    map: Record<string, string> | undefined,
    anonymous: boolean,
  ): string => {
    const { cookie } = deps;
    const attributes = [
      'Path=/',
      ...(cookie.domain ? [`Domain=${cookie.domain}`] : []),
      `SameSite=${cookie.sameSite}`,
      ...(cookie.secure ? ['Secure'] : []),
      'HttpOnly',
    ];
    if (anonymous) {
      if (spCookie(req) !== undefined) {
        res.setHeader('Set-Cookie', ['sp=', 'Max-Age=0', ...attributes].join('; '));
      }
      return ANONYMOUS_NUID;
    }
    const given = map?.['nuid'] ?? spCookie(req);
    const nuid = given !== undefined && UUID.test(given) ? given : randomUUID();
    const maxAge = cookie.days * 24 * 60 * 60;
    res.setHeader('Set-Cookie', [`sp=${nuid}`, `Max-Age=${maxAge}`, ...attributes].join('; '));
    return nuid;
  };

  const post = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const anonymous = header(req, 'sp-anonymous') !== undefined;
    const body = await readBody(req, deps.maxBodyBytes);
    const nuid = networkUserId(req, res, undefined, anonymous);
    const { source, meta } = deps.describe(req, `POST ${SNOWPLOW_POST_PATH}`, anonymous);
    const collected =
      body.unreadableEncoding !== undefined
        ? deps.processor.rejectUnreadableBody(body.text, body.unreadableEncoding, source, meta)
        : body.truncated
          ? deps.processor.rejectOversizeBody(
              body.text,
              body.totalBytes,
              deps.maxBodyBytes,
              source,
              meta,
            )
          : await deps.processor.processTrackerRequest({ body: body.text }, source, meta, nuid);
    await deps.handOff(collected);
    // A body that is not payload_data cannot succeed on a retry: 400 stops the tracker's retries.
    const whole = collected.verdicts.length === 1 && collected.verdicts[0]?.index === null;
    sendText(res, whole ? (body.truncated ? 413 : 400) : 200, whole ? 'bad request' : 'ok');
  };

  const pixel = async (
    req: IncomingMessage,
    res: ServerResponse,
    map: Record<string, string>,
    endpoint: string,
  ): Promise<void> => {
    const anonymous = header(req, 'sp-anonymous') !== undefined;
    const nuid = networkUserId(req, res, map, anonymous);
    const { source, meta } = deps.describe(req, endpoint, anonymous);
    try {
      await deps.handOff(await deps.processor.processTrackerRequest({ map }, source, meta, nuid));
    } catch (error) {
      // A tracker cannot read an error from an image: the status says whether to try again.
      const retriable = isSiftError(error) && error.retriable;
      if (retriable) deps.logger.warn({ err: error }, 'tracker pixel not handed off');
      else deps.logger.error({ err: error, url: req.url }, 'tracker pixel failed');
      sendPixel(res, retriable ? 503 : 500, NO_CACHE);
      return;
    }
    sendPixel(res, 200, NO_CACHE);
  };

  /** A redirect target on an allowed domain (or a subdomain), normalized; undefined otherwise. */
  const redirectTarget = (target: string | undefined): string | undefined => {
    if (target === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const host = url.hostname.toLowerCase();
    const allowed = deps.redirectDomains.some((domain) => {
      const d = domain.toLowerCase().replace(/^\./, '');
      return host === d || host.endsWith(`.${d}`);
    });
    // The normalized form: never a raw control character in the Location header.
    return allowed ? url.href : undefined;
  };

  const redirect = async (
    req: IncomingMessage,
    res: ServerResponse,
    rawQuery: string,
  ): Promise<void> => {
    const map = queryMap(rawQuery);
    const target = redirectTarget(map['u']);
    if (target === undefined) {
      sendText(res, 400, 'u must be an http(s) URL on an allowed domain');
      return;
    }
    const anonymous = header(req, 'sp-anonymous') !== undefined;
    const nuid = networkUserId(req, res, map, anonymous);
    const { source, meta } = deps.describe(req, 'GET /r/tp2', anonymous);
    // The click is an event: the tracker's own when it sent one, else a uri_redirect.
    const { u: _u, ...rest } = map;
    const event = isTrackerEventCode(rest['e'])
      ? rest
      : {
          ...rest,
          e: 'ue',
          ue_pr: JSON.stringify({
            schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
            data: {
              schema: 'iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0',
              data: { uri: target },
            },
          }),
        };
    await deps.handOff(
      await deps.processor.processTrackerRequest({ map: event }, source, meta, nuid),
    );
    res.statusCode = 302;
    res.setHeader('Location', target);
    res.setHeader('Cache-Control', NO_CACHE);
    res.setHeader('Content-Length', 0);
    res.end();
  };

  return (req, res, next) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const rawQuery = mark === -1 ? '' : url.slice(mark + 1);
    const path = (mark === -1 ? url : url.slice(0, mark)).replace(/\/+$/, '').toLowerCase();
    const method = req.method ?? 'GET';
    let handling: Promise<void> | undefined;
    if (path === SNOWPLOW_POST_PATH) {
      if (method === 'OPTIONS') return preflight(req, res);
      allowOrigin(req, res);
      if (method !== 'POST') {
        res.setHeader('Allow', 'POST, OPTIONS');
        return sendText(res, 405, `${method} is not allowed here; use POST, OPTIONS`);
      }
      handling = post(req, res);
    } else if (path === '/ice.png' || path === '/i') {
      if (method === 'OPTIONS') return preflight(req, res);
      const map = queryMap(rawQuery);
      // `/i` stays Sift's own pixel unless the query is a tracker event.
      if (path === '/i' && !isTrackerEventCode(map['e'])) return next();
      allowOrigin(req, res);
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD, OPTIONS');
        return sendText(res, 405, `${method} is not allowed here; use GET, HEAD, OPTIONS`);
      }
      handling = pixel(req, res, map, `${method} ${path}`);
    } else if (path === '/r/tp2') {
      if (deps.redirectDomains.length === 0) return sendText(res, 404, 'redirects are off');
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendText(res, 405, `${method} is not allowed here; use GET, HEAD`);
      }
      handling = redirect(req, res, rawQuery);
    }
    if (handling === undefined) return next();
    handling.catch((error: unknown) => deps.fail(error, req, res));
  };
}
