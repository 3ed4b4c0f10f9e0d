import express from 'express';
import type { Request, Response } from 'express';
import { isSiftError, ValidationError } from '@sift/common';
import { documentField as field } from '@sift/sinks';
import {
  badRawTrackerEvent,
  badTrackerParameters,
  canonicalEvent,
  contextUris,
  eventSchemaUri,
  microEventType,
  namesEventType,
  rawTrackerEvent,
  TRACKER_API,
  trackerCode,
} from '../../domain/micro-events';
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

/** The URIs a Micro `contexts` filter lists; undefined when it is not a list of text. */
function contextsFilter(input: Record<string, unknown>): string[] | undefined {
  const contexts = input['contexts'];
  if (contexts === undefined || contexts === null) return [];
  const list = Array.isArray(contexts) ? contexts : [contexts];
  if (!list.every((uri) => typeof uri === 'string')) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `contexts must be a list of Iglu URIs`);
  }
  return list as string[];
}

/**
 * The store filter a Micro good-events filter asks for, plus a check on each event for what the
 * store cannot match (an `event_type` without vendor, a `schema`'s exact SchemaVer, `contexts`);
 * undefined when nothing can match.
 */
function goodFilter(
  input: Record<string, unknown>,
): { filter: EventFilter; keep?: (event: StoredEvent) => boolean } | undefined {
  const eventType = text(input, 'event_type');
  const schema = text(input, 'schema');
  const testId = text(input, 'test_id');
  const contexts = contextsFilter(input) ?? [];
  const filter: EventFilter = { verdict: 'good' };
  const checks: ((event: StoredEvent) => boolean)[] = [];
  if (testId !== undefined) filter.testId = testId;
  if (schema !== undefined) {
    const named = parseSchemaFilter(schema);
    if (named === undefined) return undefined;
    filter.eventType = named.eventType;
    if (schema.startsWith('iglu:')) {
      // Each SchemaVer is its own registry version, so the version number says nothing: an
      // event that kept its Iglu URI matches exactly that SchemaVer, any other the model.
      checks.push((event) => {
        const uri = eventSchemaUri(event);
        return uri === undefined ? event.schemaVersion === named.schemaVersion : uri === schema;
      });
    } else {
      filter.schemaVersion = named.schemaVersion;
    }
  }
  if (contexts.length > 0) {
    checks.push((event) => {
      const present = new Set(contextUris(event));
      return contexts.every((uri) => present.has(uri));
    });
  }
  if (eventType !== undefined) {
    if (filter.eventType !== undefined) {
      if (!namesEventType(eventType, filter.eventType)) return undefined;
    } else if (eventType.includes('.')) {
      filter.eventType = eventType;
    } else {
      checks.push(
        (event) =>
          namesEventType(eventType, event.eventType) || microEventType(event) === eventType,
      );
    }
  }
  if (checks.length === 0) return { filter };
  return { filter, keep: (event) => checks.every((check) => check(event)) };
}

/** A Sift event in Micro's good-event shape, as before tracker events. */
function siftGoodView(event: StoredEvent) {
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

/**
 * A good event in Micro's shape: a tracker event with Micro's `eventType`, its Iglu `schema`
 * and `contexts`, the canonical enriched `event` and the tracker's `rawEvent`; Sift's own as before.
 */
function goodView(event: StoredEvent) {
  if (trackerCode(event) === undefined) return siftGoodView(event);
  return {
    rawEvent: rawTrackerEvent(event),
    eventType: microEventType(event),
    schema: eventSchemaUri(event) ?? schemaKey(event),
    contexts: contextUris(event),
    event: canonicalEvent(event),
  };
}

/**
 * A bad event in Micro's shape: `collectorPayload` from the request, `errors` as text, and as
 * `rawEvent` a tracker event's API and parameters, or a Sift event's whole document.
 */
function badView(event: StoredEvent) {
  const errors = field(event.document, 'failure', 'errors');
  const tracker = badTrackerParameters(event);
  return {
    collectorPayload: {
      path: field(event.document, 'failure', 'endpoint'),
      ipAddress: field(event.document, 'client', 'ip'),
      userAgent: field(event.document, 'user_agent', 'original'),
      timestamp: event.receivedAt,
      body: field(event.document, 'payload'),
    },
    rawEvent: tracker === undefined ? event.document : badRawTrackerEvent(event, tracker),
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
    const events = await newest(deps.query, wanted.filter, limit, wanted.keep);
    res.json(events.map(goodView));
  };
  router.get('/micro/good', good);
  router.post('/micro/good', good);

  const bad = async (req: Request, res: Response) => {
    const input = filterInput(req);
    const vendor = text(input, 'vendor');
    const version = text(input, 'version');
    const filter: EventFilter = { verdict: 'bad' };
    const checks: ((event: StoredEvent) => boolean)[] = [];
    // Micro's vendor and version name the tracker API (`com.snowplowanalytics.snowplow`,
    // `tp2`); Sift's, an event-type prefix and a schema version.
    if (vendor === TRACKER_API.vendor) {
      checks.push(
        (event) =>
          badTrackerParameters(event) !== undefined ||
          (event.eventType ?? '').startsWith(`${vendor}.`),
      );
    } else if (vendor !== undefined) {
      filter.vendor = vendor;
    }
    if (version !== undefined && /^\d+$/.test(version)) {
      filter.schemaVersion = Number(version);
    } else if (version !== undefined) {
      checks.push(
        (event) => version === TRACKER_API.version && badTrackerParameters(event) !== undefined,
      );
    }
    const testId = text(input, 'test_id');
    if (testId !== undefined) filter.testId = testId;
    const keep =
      checks.length === 0
        ? undefined
        : (event: StoredEvent) => checks.every((check) => check(event));
    const events = await newest(deps.query, filter, limitOf(input), keep);
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

/** Reads a schema by Iglu URI (`RegistryClient.igluSchema`); undefined when not registered. */
export interface IgluSchemaSource {
  igluSchema(uri: string): Promise<{ schema: string } | undefined>;
}

/**
 * Snowplow Micro's `GET /micro/iglu/{vendor}/{name}/jsonschema/{version}`: the registered schema
 * of that SchemaVer as JSON, 404 when the registry does not hold it.
 */
export function microIgluRouter(registry: IgluSchemaSource): express.Router {
  const router = express.Router();
  router.get('/micro/iglu/:vendor/:name/jsonschema/:version', async (req, res) => {
    const { vendor = '', name = '', version = '' } = req.params;
    const uri = `iglu:${vendor}/${name}/jsonschema/${version}`;
    const valid = /^[a-zA-Z0-9_.-]+$/.test(vendor) && /^[a-zA-Z0-9_-]+$/.test(name);
    let found: { schema: string } | undefined;
    try {
      if (valid && /^\d+-\d+-\d+$/.test(version)) found = await registry.igluSchema(uri);
    } catch (error) {
      // The registry's failure, not the client's: a gateway error naming it.
      const code = isSiftError(error) ? error.code : 'SIFT_REGISTRY_UNREACHABLE';
      res.status(502).json({ error: { code, message: (error as Error).message } });
      return;
    }
    if (found === undefined) {
      res.status(404).json({
        error: { code: 'SIFT_REGISTRY_SCHEMA_NOT_FOUND', message: `The registry has no ${uri}` },
      });
      return;
    }
    res.type('application/json').send(found.schema);
  });
  return router;
}
