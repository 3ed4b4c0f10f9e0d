import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for browser trackers: origins on the allowlist (or any, with `*`) may read answers
 * and send JSON with a preflight; a preflight from any other origin is refused, so browsers
 * on unknown sites cannot post JSON. Requests without an `Origin` (servers, curl) pass.
 */
export function cors(allowedOrigins: readonly string[]) {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    const ok = origin !== undefined && (any || allowed.has(origin.toLowerCase()));
    res.vary('Origin');
    if (ok) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!ok) {
      res.status(403).json({
        error: {
          code: 'SIFT_REQUEST_INVALID',
          message: `Origin ${origin ?? '(none)'} is not allowed`,
        },
      });
      return;
    }
    res.set('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
    res.set(
      'Access-Control-Allow-Headers',
      req.get('access-control-request-headers') ?? 'content-type',
    );
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
