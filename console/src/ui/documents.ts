import { ValidationError } from '@sift/common';
import type { BadEventKind, ValidationIssue } from '@sift/common';
import type { BadEventFilter, BadEventSummary, GoodEventView } from './ports';

/** A bad-index document as the bad sink writes it (`badDocument` of @sift/sinks). */
export interface BadDocument {
  '@timestamp'?: string;
  event?: { id?: string; dataset?: string };
  sift?: { schema_version?: number };
  user_agent?: { original?: string };
  client?: { ip?: string };
  failure?: {
    kind?: string;
    stage?: string;
    endpoint?: string;
    errors?: ValidationIssue[];
    messages?: string[];
  };
  payload?: string;
}

/** A good-index document as the good sink writes it (`goodDocument` of @sift/sinks). */
export interface GoodDocument {
  '@timestamp'?: string;
  event?: { id?: string; dataset?: string; created?: string };
  sift?: { schema_id?: number; schema_version?: number };
  data?: Record<string, unknown>;
}

/** The list line of a bad-index document. */
export function badSummary(id: string, doc: BadDocument): BadEventSummary {
  const errors = doc.failure?.errors ?? [];
  const kind = (doc.failure?.kind ?? 'malformed_json') as BadEventKind;
  return {
    id: doc.event?.id ?? id,
    receivedAt: doc['@timestamp'] ?? '',
    kind,
    stage: doc.failure?.stage ?? 'collector',
    ...(doc.event?.dataset ? { event: doc.event.dataset } : {}),
    ...(typeof doc.sift?.schema_version === 'number' ? { version: doc.sift.schema_version } : {}),
    message: errors[0]?.message ?? kind,
    errorCount: errors.length,
  };
}

/** The live-view shape of a good-index document. */
export function goodView(id: string, doc: GoodDocument): GoodEventView {
  const event = doc.event?.dataset ?? '';
  const data = doc.data ? Object.values(doc.data)[0] : undefined;
  return {
    id: doc.event?.id ?? id,
    event,
    receivedAt: doc.event?.created ?? doc['@timestamp'] ?? '',
    ...(typeof doc.sift?.schema_id === 'number' ? { schemaId: doc.sift.schema_id } : {}),
    ...(typeof doc.sift?.schema_version === 'number' ? { version: doc.sift.schema_version } : {}),
    data: data ?? null,
  };
}

/** The lower-case words of a free-text filter. */
export function words(text: string | undefined): string[] {
  return (text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** The trend buckets of a filter: `count` equal spans ending at `until` (or now), starting at `since` (or a day before). */
export function trendBuckets(
  filter: BadEventFilter,
  count: number,
  now: Date,
): { starts: number[]; bucketMs: number } {
  const end = (filter.until ?? now).getTime();
  const start = filter.since?.getTime() ?? end - 24 * 60 * 60 * 1000;
  const bucketMs = Math.max(1000, Math.ceil((end - start) / count / 1000) * 1000);
  const first = end - bucketMs * count;
  return { starts: Array.from({ length: count }, (_, i) => first + i * bucketMs), bucketMs };
}

/** A page cursor: the sort values of the last row of a page, `<received ms>|<tie-breaker>`. */
export function pageCursor(receivedMs: number, tieBreaker: string | number): string {
  return `${receivedMs}|${tieBreaker}`;
}

/** Reads a page cursor back; throws `SIFT_REQUEST_INVALID` for anything else. */
export function readPageCursor(after: string): { receivedMs: number; tieBreaker: string } {
  const bar = after.indexOf('|');
  const receivedMs = Number(after.slice(0, bar));
  if (bar <= 0 || !Number.isSafeInteger(receivedMs) || bar === after.length - 1) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `'${after}' is not a page cursor`);
  }
  return { receivedMs, tieBreaker: after.slice(bar + 1) };
}
