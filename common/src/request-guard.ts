import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/** Which requests a server refuses because a web page of another site, or a rebound name, sent them. */
export interface RequestGuardOptions {
  /**
   * Host names (no port) the server answers to besides `localhost`, `*.localhost` and IP
   * addresses; `*` turns the Host check off; undefined: no Host check (servers that other
   * servers reach under names of their own, like the registry).
   */
  allowedHosts?: readonly string[];
  /** Origins (`scheme://host[:port]`) besides the server's own whose pages may change state; `*`: any. */
  allowedOrigins?: readonly string[];
  /** Whether a request changes state; default: every method but GET, HEAD and OPTIONS. */
  changesState?: (req: IncomingMessage) => boolean;
  /** The body of a refusal; default `{error: {code, message}}`. */
  body?: (refusal: RequestRefusal) => unknown;
  /** The content type of a refusal; default `application/json`. */
  contentType?: string;
}

/** Why a request is refused (HTTP 403). */
export interface RequestRefusal {
  code: 'SIFT_REQUEST_FORBIDDEN';
  message: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** `host[:port]` of a Host header or a URL, lower-case, default ports dropped; undefined when it does not parse. */
function authority(value: string, isUrl: boolean): string | undefined {
  try {
    return new URL(isUrl ? value : `http://${value}`).host;
  } catch {
    return undefined;
  }
}

/** The host name of a Host header without port, brackets or final dot. */
function hostName(host: string): string | undefined {
  const parsed = authority(host, false);
  if (parsed === undefined) return undefined;
  return new URL(`http://${parsed}`).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  // HTTP/1.0 without Host: no browser sends that, so no page can have rebound a name to it.
  if (host === undefined) return true;
  const name = hostName(host);
  if (name === undefined) return false;
  // A rebinding page reaches the server under a name it controls; an address names no one's domain.
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((entry) => entry.toLowerCase().replace(/\.$/, '') === name);
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  const from = authority(origin, true);
  return from !== undefined && from === authority(host, false);
}

/**
 * Why this request must be refused, or undefined when it may go on: a Host that is none of
 * the server's names (DNS rebinding), or a state-changing request that a browser marks as
 * sent by a page of another site (`Origin`, `Sec-Fetch-Site`, `Referer`). Clients that are
 * not browsers (curl, test suites, Snowplow Micro's clients) send none of these and pass.
 */
export function requestRefusal(
  req: IncomingMessage,
  options: RequestGuardOptions,
): RequestRefusal | undefined {
  const host = header(req, 'host');
  if (options.allowedHosts !== undefined && !hostAllowed(host, options.allowedHosts)) {
    return {
      code: 'SIFT_REQUEST_FORBIDDEN',
      message: `This server does not answer to the host name in '${host ?? ''}'; list it in the allowed hosts setting to reach it under that name`,
    };
  }
  const changesState = options.changesState ?? ((r) => !SAFE_METHODS.has(r.method ?? 'GET'));
  if (!changesState(req)) return undefined;
  const allowedOrigins = options.allowedOrigins ?? [];
  const origin = header(req, 'origin');
  const refuse = (from: string): RequestRefusal => ({
    code: 'SIFT_REQUEST_FORBIDDEN',
    message: `A web page of ${from} may not change this server's state (${req.method} ${req.url?.split('?')[0] ?? ''}); send the request from a program, or allow that origin in the allowed origins setting`,
  });
  if (origin !== undefined) {
    if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return undefined;
    return sameOrigin(origin, host)
      ? undefined
      : refuse(origin === 'null' ? 'an opaque origin (null)' : origin);
  }
  // A page on another port of the same host is same-site: it may not change state either.
  const site = header(req, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return refuse(`another site (${site})`);
  const referer = header(req, 'referer');
  if (site === undefined && referer !== undefined) {
    const from = authority(referer, true);
    const page = from === undefined ? undefined : new URL(referer).origin;
    if (page !== undefined && (allowedOrigins.includes('*') || allowedOrigins.includes(page))) {
      return undefined;
    }
    if (from === undefined || from !== authority(host ?? '', false)) return refuse(page ?? referer);
  }
  return undefined;
}

/**
 * Middleware (node:http, so express and plain servers alike) that answers 403 with a clear
 * message to the requests `requestRefusal` refuses and passes on every other.
 */
export function requestGuard(options: RequestGuardOptions) {
  const body = options.body ?? ((refusal: RequestRefusal) => ({ error: refusal }));
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const refusal = requestRefusal(req, options);
    if (refusal === undefined) {
      next();
      return;
    }
    res.statusCode = 403;
    res.setHeader('Content-Type', options.contentType ?? 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify(body(refusal)));
  };
}
