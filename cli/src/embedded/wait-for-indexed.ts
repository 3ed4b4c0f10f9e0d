import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createLogger } from '@sift/common';
import type { Logger } from '@sift/common';
import { waitForIds } from '@sift/console';
import type { EventQuery } from '@sift/sinks';

/** The ids of the events a collector answer lists (`{events: [{id}]}`), none when it lists none. */
function answeredIds(chunk: unknown): string[] {
  try {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    const body = JSON.parse(text) as { events?: { id?: unknown }[] };
    return (body.events ?? [])
      .map((event) => event.id)
      .filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}

/**
 * The collector's synchronous option in the embedded deployment: a `POST /v1/events` with
 * `?wait=indexed` (or header `X-Sift-Wait: indexed`) is answered once every event it lists is
 * in the event store, so a test can query right after: the verdicts of a 200 and the one bad
 * event of a refused body (400, 413) alike. The answer is the collector's own, plus
 * `X-Sift-Indexed: true`, or `false` when `timeoutMs` passed first, the store failed (the
 * failure is logged; the answer still goes out) or the collector stored nothing (5xx).
 */
export function waitForIndexed(
  query: EventQuery,
  timeoutMs: number,
  logger: Logger = createLogger('wait-for-indexed'),
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const asked = req.query['wait'] === 'indexed' || req.get('x-sift-wait') === 'indexed';
    if (!asked || req.method !== 'POST' || req.path !== '/v1/events') {
      next();
      return;
    }
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode >= 500) {
        if (!res.headersSent) res.setHeader('X-Sift-Indexed', 'false');
        return end(...args);
      }
      const ids = answeredIds(args[0]);
      void waitForIds(query, ids, { timeoutMs })
        .then(
          (missing) => missing.length === 0,
          (error: unknown) => {
            logger.error({ err: error, ids }, 'cannot confirm the events are indexed');
            return false;
          },
        )
        .then((indexed) => {
          if (!res.headersSent) res.setHeader('X-Sift-Indexed', String(indexed));
          end(...args);
        });
      return res;
    }) as Response['end'];
    next();
  };
}
