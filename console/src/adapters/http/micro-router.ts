import express from 'express';
import type { Request, Response } from 'express';
import { ValidationError } from '@sift/common';
import { documentField as field } from '@sift/sinks';
import type { EventFilter, EventQuery, StoredEvent } from '../../ports';
import { resetStore } from './request-filter';
import type { ResetDeps } from './request-filter';

/** How many events Micro-style lists return at most when no `limit` is given. */
const DEFAULT_LIMIT = 1000;

/** The most events a Micro list reads from the store: Elasticsearch refuses `from + size` past it. */
const MAX_READ_WINDOW = 10_000;

/** A Micro filter body (POST) or query (GET). */
function filterInput(req: Request): Record<string, unknown> {
  if (req.method === 'POST' && req.body && typeof req.body === 'object') {
    return req.body as Record<string, unknown>;
  }
  return req.query as Record<string, unknown>;
}

function limitOf(input: Record<string, unknown>): number {
  const limit = input['limit'];
  if (limit === undefined) return DEFAULT_LIMIT;
  const n = Number(limit);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `limit must be a positive whole number`);
  }
  return n;
}

function text(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ValidationError('SIFT_REQUEST_INVALID', `${name} must be text`);
  }
  return String(value);
}

/** Sift's schema key for an event: `<event type>/<version>`. */
function schemaKey(event: StoredEvent): string {
  return `${event.eventType ?? ''}/${event.schemaVersion ?? ''}`;
}

/**
 * The event type and version a Micro `schema` filter names: Sift's `<event type>/<version>`, or
 * an Iglu URI `iglu:<vendor>/<name>/<format>/<model>-<revision>-<addition>` whose
 * `<vendor>.<name>` is the event type and whose model is the version; undefined for neither.
 */
function parseSchemaFilter(
  schema: string,
): { eventType: string; schemaVersion: number } | undefined {
  const iglu = /^iglu:([^/]+)\/([^/]+)\/[^/]+\/(\d+)-\d+-\d+$/.exec(schema);
  if (iglu) return { eventType: `${iglu[1]}.${iglu[2]}`, schemaVersion: Number(iglu[3]) };
  const sift = /^(.+)\/(\d+)$/.exec(schema);
  if (sift?.[1] !== undefined) return { eventType: sift[1], schemaVersion: Number(sift[2]) };
  return undefined;
}

/** The part of an event type after its vendor: `page_view` for `com.acme.page_view`. */
function lastName(eventType: string | undefined): string | undefined {
  return eventType?.split('.').pop();
}

/**
 * The store filter a Micro good-events filter asks for, plus the event `name` (an `event_type`
 * without vendor, which the store cannot match) to check on each event; undefined when nothing
 * can match.
 */
function goodFilter(
  input: Record<string, unknown>,
): { filter: EventFilter; name?: string } | undefined {
  const eventType = text(input, 'event_type');
  const schema = text(input, 'schema');
  const testId = text(input, 'test_id');
  const filter: EventFilter = { verdict: 'good' };
  if (testId !== undefined) filter.testId = testId;
  if (schema !== undefined) {
    const named = parseSchemaFilter(schema);
    if (named === undefined) return undefined;
    filter.eventType = named.eventType;
    filter.schemaVersion = named.schemaVersion;
  }
  // Sift events carry no Snowplow contexts: a filter asking for some matches none.
  const contexts = input['contexts'];
  if (Array.isArray(contexts) && contexts.length > 0) return undefined;
  if (eventType === undefined) return { filter };
  if (filter.eventType !== undefined) {
    const same = filter.eventType === eventType || lastName(filter.eventType) === eventType;
    return same ? { filter } : undefined;
  }
  if (eventType.includes('.')) return { filter: { ...filter, eventType } };
  return { filter, name: eventType };
}

function goodView(event: StoredEvent) {
  const data = field(event.document, 'data');
  const values = data && typeof data === 'object' ? Object.values(data) : [];
  return {
    rawEvent: {
      event_id: event.id,
      event: event.eventType,
      version: event.schemaVersion,
      received_at: event.receivedAt,
      test_id: event.testId,
      data: values[0],
    },
    event: event.document,
    eventType: event.eventType,
    schema: schemaKey(event),
    contexts: [] as string[],
  };
}

function badView(event: StoredEvent) {
  const errors = field(event.document, 'failure', 'errors');
  return {
    collectorPayload: {
      path: field(event.document, 'failure', 'endpoint'),
      ipAddress: field(event.document, 'client', 'ip'),
      userAgent: field(event.document, 'user_agent', 'original'),
      timestamp: event.receivedAt,
      body: field(event.document, 'payload'),
    },
    rawEvent: event.document,
    errors: Array.isArray(errors)
      ? errors.map((error) => String((error as { message?: unknown }).message ?? error))
      : [],
  };
}

/**
 * Matching events, oldest first, at most the newest `limit` of them. `keep` is for the rare
 * filter the store cannot apply; the store reads at most `MAX_READ_WINDOW` events for it.
 */
async function newest(
  query: EventQuery,
  filter: EventFilter,
  limit: number,
  keep?: (event: StoredEvent) => boolean,
): Promise<StoredEvent[]> {
  if (keep === undefined) {
    const { events } = await query.list(filter, { limit: Math.min(limit, MAX_READ_WINDOW) });
    return events.reverse();
  }
  const kept: StoredEvent[] = [];
  // Read newest first in pages, so the filter applied here still finds `limit` events.
  for (
    let offset = 0;
    kept.length < limit && offset + DEFAULT_LIMIT <= MAX_READ_WINDOW;
    offset += DEFAULT_LIMIT
  ) {
    const { events } = await query.list(filter, { limit: DEFAULT_LIMIT, offset });
    kept.push(...events.filter(keep).slice(0, limit - kept.length));
    if (events.length < DEFAULT_LIMIT) break;
  }
  return kept.reverse();
}

/**
 * Snowplow Micro's REST paths with answers of the same shape, so suites written for Micro run
 * against Sift: `/micro/all`, `/micro/good`, `/micro/bad` (GET for all, POST with a filter
 * body) and `/micro/reset`.
 */
export function microRouter(deps: { query: EventQuery; reset: ResetDeps }): express.Router {
  const router = express.Router();

  const all = async (_req: Request, res: Response) => {
    res.json(await deps.query.counts());
  };
  router.get('/micro/all', all);
  router.post('/micro/all', all);

  const good = async (req: Request, res: Response) => {
    const input = filterInput(req);
    const limit = limitOf(input);
    const wanted = goodFilter(input);
    if (wanted === undefined) {
      res.json([]);
      return;
    }
    const { filter, name } = wanted;
    const events = await newest(
      deps.query,
      filter,
      limit,
      name === undefined ? undefined : (event) => lastName(event.eventType) === name,
    );
    res.json(events.map(goodView));
  };
  router.get('/micro/good', good);
  router.post('/micro/good', good);

  const bad = async (req: Request, res: Response) => {
    const input = filterInput(req);
    const vendor = text(input, 'vendor');
    const version = text(input, 'version');
    const filter: EventFilter = { verdict: 'bad' };
    if (vendor !== undefined) filter.vendor = vendor;
    if (version !== undefined) filter.schemaVersion = Number(version);
    const testId = text(input, 'test_id');
    if (testId !== undefined) filter.testId = testId;
    const events = await newest(deps.query, filter, limitOf(input));
    res.json(events.map(badView));
  };
  router.get('/micro/bad', bad);
  router.post('/micro/bad', bad);

  const reset = async (req: Request, res: Response) => {
    await resetStore(req, deps.reset);
    res.json(await deps.query.counts());
  };
  router.get('/micro/reset', reset);
  router.post('/micro/reset', reset);

  return router;
}
