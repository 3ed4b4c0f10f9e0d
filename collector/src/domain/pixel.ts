import type { ValidationIssue } from '@sift/common';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The event a pixel request carries (`GET /i?e=<event>&v=<version>&d=<base64url JSON data>`,
 * plus optional `id` and `sa` for sent_at), as an envelope of `POST /v1/events`; `pageUrl`,
 * the page that embedded the pixel, becomes `context.page_url`. The issue when `d` is not
 * base64url-encoded JSON; every other check is the envelope's.
 */
export function pixelEvent(
  query: Record<string, string | undefined>,
  pageUrl?: string,
): { event: Record<string, unknown> } | { issue: ValidationIssue } {
  const { e: event, v: version, d: encoded, id, sa: sentAt } = query;
  let data: unknown;
  if (encoded !== undefined) {
    try {
      // Fatal: bytes that are not UTF-8 are refused, not silently replaced.
      data = JSON.parse(utf8.decode(Buffer.from(encoded, 'base64url')));
    } catch (error) {
      return {
        issue: {
          path: '/d',
          keyword: 'json',
          message: `d must be base64url-encoded JSON: ${(error as Error).message}`,
        },
      };
    }
  }
  const raw: Record<string, unknown> = { event, data };
  if (version !== undefined) raw['version'] = /^\d+$/.test(version) ? Number(version) : version;
  if (id !== undefined) raw['id'] = id;
  if (sentAt !== undefined) raw['sent_at'] = sentAt;
  if (pageUrl !== undefined) raw['context'] = { page_url: pageUrl };
  return { event: raw };
}
