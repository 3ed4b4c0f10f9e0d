import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './respond';

/** The CORS decision for one request: `handled` when the answer has been sent (a preflight). */
export type CorsOutcome = 'continue' | 'handled';

/**
 * CORS for browser trackers: origins on the allowlist (or any, with `*`) may read answers
 * and send JSON with a preflight; a preflight from any other origin is refused, so browsers
 * on unknown sites cannot post JSON. Requests without an `Origin` (servers, curl) pass.
 */
export function cors(allowedOrigins: readonly string[]) {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  return (req: IncomingMessage, res: ServerResponse): CorsOutcome => {
    const origin = req.headers.origin;
    const ok = origin !== undefined && (any || allowed.has(origin.toLowerCase()));
    res.setHeader('Vary', 'Origin');
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return 'continue';
    if (!ok) {
      sendJson(res, 403, {
        error: {
          code: 'SIFT_REQUEST_INVALID',
          message: `Origin ${origin ?? '(none)'} is not allowed`,
        },
      });
      return 'handled';
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] ?? 'content-type',
    );
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
    return 'handled';
  };
}
