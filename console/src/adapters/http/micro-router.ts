import express from 'express';
import type { Request, Response } from 'express';
import { ValidationError } from '@sift/common';
import type { EventFilter, EventQuery, StoredEvent } from '../../ports';
import { assertResetAllowed } from './request-filter';

/** How many events Micro-style lists return at most when no `limit` is given. */
const DEFAULT_LIMIT = 1000;

function field(document: Record<string, unknown>, ...path: string[]): unknown {
  let at: unknown = document;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

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
 * Whether a Micro `schema` filter names this event: Sift's `<event type>/<version>`, or an Iglu
 * URI `iglu:<vendor>/<name>/<format>/<model>-<revision>-<addition>` whose `<vendor>.<name>` is
 * the event type and whose model is the version.
 */
function schemaMatches(event: StoredEvent, schema: string): boolean {
  if (schema === schemaKey(event)) return true;
  const iglu = /^iglu:([^/]+)\/([^/]+)\/[^/]+\/(\d+)-\d+-\d+$/.exec(schema);
  return (
    iglu !== null &&
    `${iglu[1]}.${iglu[2]}` === event.eventType &&
    Number(iglu[3]) === event.schemaVersion
  );
}

function eventTypeMatches(event: StoredEvent, eventType: string): boolean {
  return event.eventType === eventType || event.eventType?.split('.').pop() === eventType;
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

/** Matching events, oldest first, at most the newest `limit` of them. */
async function newest(
  query: EventQuery,
  filter: EventFilter,
  keep: (event: StoredEvent) => boolean,
  limit: number,
): Promise<StoredEvent[]> {
  const kept: StoredEvent[] = [];
  // Read newest first in pages, so a filter the store cannot apply still finds `limit` events.
  for (let offset = 0; kept.length < limit; offset += DEFAULT_LIMIT) {
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
export function microRouter(deps: { query: EventQuery; allowReset: boolean }): express.Router {
  const router = express.Router();

  const all = async (_req: Request, res: Response) => {
    res.json(await deps.query.counts());
  };
  router.get('/micro/all', all);
  router.post('/micro/all', all);

  const good = async (req: Request, res: Response) => {
    const input = filterInput(req);
    const eventType = text(input, 'event_type');
    const schema = text(input, 'schema');
    const contexts = input['contexts'];
    const wanted = Array.isArray(contexts) ? contexts : [];
    const events = await newest(
      deps.query,
      { verdict: 'good', ...(text(input, 'test_id') ? { testId: text(input, 'test_id') } : {}) },
      (event) =>
        (eventType === undefined || eventTypeMatches(event, eventType)) &&
        (schema === undefined || schemaMatches(event, schema)) &&
        // Sift events carry no Snowplow contexts: a filter asking for some matches none.
        wanted.length === 0,
      limitOf(input),
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
    const events = await newest(deps.query, filter, () => true, limitOf(input));
    res.json(events.map(badView));
  };
  router.get('/micro/bad', bad);
  router.post('/micro/bad', bad);

  const reset = async (_req: Request, res: Response) => {
    assertResetAllowed(deps.allowReset);
    await deps.query.deleteAll();
    res.json(await deps.query.counts());
  };
  router.get('/micro/reset', reset);
  router.post('/micro/reset', reset);

  return router;
}
