import type { ServerResponse } from 'node:http';

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** The 1×1 transparent GIF every pixel request gets back. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Answers a pixel request: the GIF, never cached, with `status` 200, 503 (with Retry-After:
 * the event log or registry cannot be reached) or 500 (a fault of the collector); Snowplow's
 * paths send their own `cacheControl`.
 */
export function sendPixel(
  res: ServerResponse,
  status: 200 | 500 | 503,
  cacheControl = 'no-store, max-age=0',
): void {
  res.statusCode = status;
  if (status === 503) res.setHeader('Retry-After', '5');
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Content-Type', 'image/gif');
  res.setHeader('Content-Length', PIXEL.length);
  res.end(PIXEL);
}
