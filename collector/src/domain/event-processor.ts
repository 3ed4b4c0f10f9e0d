import { randomUUID } from 'node:crypto';
import { encodeEntitiesHeader, goodEventHeaders } from '@sift/common';
import type { BadEvent, BadEventKind, BadEventSource, ValidationIssue } from '@sift/common';
import type { LogRecord } from '@sift/event-log';
import { encodeWireFormat } from '@sift/registry-client';
import type { ValidatorCache } from '@sift/validator';
import type { IgluSchemaSource, ResolvedSchema, SchemaMiss, SchemaSource } from '../ports';
import { isUuid, readEnvelope } from './envelope';
import {
  boundedJson,
  cutToBytes,
  DEFAULT_MAX_EVENT_DEPTH,
  eventTexts,
  inspectEventShape,
} from './json-shape';
import type { ShapeIssue } from './json-shape';
import { pixelEvent } from './pixel';
import { enrichEventTime, runEnrichmentHooks, SharedEnrichments } from './enrichment';
import type { EnrichmentHook, EnrichmentOptions } from './enrichment';
import type { EventEnvelope } from './envelope';
import { igluUri, readPayloadData, readTrackerEvent } from './snowplow/tracker-event';
import type { IgluKey, TrackerEntity } from './snowplow/tracker-event';

/** What the sender is told about one event. */
export type EventVerdict =
  | { index: number; id: string; status: 'accepted' }
  | {
      index: number | null;
      id: string;
      status: 'rejected';
      kind: BadEventKind;
      errors: ValidationIssue[];
    };

/** The outcome of one request: records for the good topic, bad events, and a verdict per event. */
export interface Collected {
  good: LogRecord[];
  bad: BadEvent[];
  verdicts: EventVerdict[];
}

/** Who sent a request and how. */
export interface RequestSource extends BadEventSource {
  /** The anonymized client address. */
  ip?: string;
}

/** Facts about a request that are not kept in a bad event's `source`. */
export interface RequestMeta {
  /** The client address as received (not anonymized): enrichment reads it whole. */
  clientIp?: string;
  /** The sender's test id (`X-Sift-Test-Id`); an event's `context.test_id` stands in when absent. */
  testId?: string;
}

/** Limits on what one request may carry. */
export interface EventLimits {
  /** Most events in one batch; default 500. */
  maxBatchEvents: number;
  /** Largest single event, bytes of its JSON; default 65536. */
  maxEventBytes: number;
  /** Most levels of nesting in one event, the event object counting as one; default 64. */
  maxEventDepth: number;
}

/** What the processor needs from outside. */
export interface EventProcessorDeps {
  schemas: SchemaSource;
  /** Schemas of Snowplow tracker events and entities, by Iglu key; none: every tracker event is `unknown_event`. */
  iglu?: IgluSchemaSource;
  validators: ValidatorCache;
  limits?: Partial<EventLimits>;
  /** How events are enriched (IP anonymization, internal domains, geo database). */
  enrichment?: EnrichmentOptions;
  /** Custom enrichments, run on every good event after the built-in ones. */
  hooks?: readonly EnrichmentHook[];
  now?: () => Date;
  newId?: () => string;
}

/** The source text of an event of the request, by its index, when the request had one. */
type SourceTextOf = (index: number) => string | undefined;

/** How a Snowplow tracker event differs from a Sift one on its way through {@link EventProcessor}. */
interface TrackerOptions {
  schema: IgluKey;
  entities: TrackerEntity[];
  /** The `sift-snowplow` header's JSON. */
  fields: string;
  /** The bad event's payload: the event's map, and the request's payload_data for a POST. */
  payload: string;
  /** Bytes of the event's own map as JSON: what the event size limit counts. */
  eventBytes: number;
}

/** One tracker event of a request: its string map. */
export type TrackerEventMap = Record<string, string>;

/** Schema look-ups of one request, by event type and version. */
type SchemaLookups = Map<string, Promise<ResolvedSchema | SchemaMiss>>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An event's own `context.test_id`, read before the envelope is checked. */
function contextTestId(raw: unknown): string | undefined {
  const context = (raw as { context?: unknown } | null)?.context;
  return typeof context === 'object' && context !== null
    ? text((context as Record<string, unknown>)['test_id'])
    : undefined;
}

/**
 * Turns a request body into good records and bad events. Every input that is not a good
 * event becomes a bad event with its original payload, so received = good + bad.
 */
export class EventProcessor {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly limits: EventLimits;
  private readonly shared: SharedEnrichments;
  private readonly hooks: readonly EnrichmentHook[];

  constructor(private readonly deps: EventProcessorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.limits = {
      maxBatchEvents: 500,
      maxEventBytes: 65536,
      maxEventDepth: DEFAULT_MAX_EVENT_DEPTH,
      ...deps.limits,
    };
    this.shared = new SharedEnrichments(deps.enrichment);
    this.hooks = deps.hooks ?? [];
  }

  /** Processes the raw text of a `POST /v1/events` body. */
  async processBody(
    body: string,
    source: RequestSource,
    meta: RequestMeta = {},
  ): Promise<Collected> {
    const receivedAt = this.now().toISOString();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return this.rejectWhole(body, source, receivedAt, 'malformed_json', meta, [
        {
          path: '',
          keyword: 'json',
          message: `the body is not valid JSON: ${(error as Error).message}`,
        },
      ]);
    }
    const events = Array.isArray((parsed as { events?: unknown } | null)?.events)
      ? (parsed as { events: unknown[] }).events
      : undefined;
    if (!events) {
      return this.rejectWhole(body, source, receivedAt, 'invalid_envelope', meta, [
        { path: '/events', keyword: 'required', message: 'the body must be {"events": [ ... ]}' },
      ]);
    }
    if (events.length > this.limits.maxBatchEvents) {
      return this.rejectWhole(body, source, receivedAt, 'size_violation', meta, [
        {
          path: '/events',
          keyword: 'maxItems',
          message: `the batch holds ${events.length} events; the limit is ${this.limits.maxBatchEvents}: send smaller batches`,
        },
      ]);
    }
    // No event can pass the event limit when the whole body is within it.
    const bodyBytes = Buffer.byteLength(body);
    // Found only when an event must be kept exactly as sent (too deep, a number out of range).
    let texts: string[] | undefined | null = null;
    const textOf = (index: number) => {
      if (texts === null) {
        const found = eventTexts(body);
        texts = found?.length === events.length ? found : undefined;
      }
      return texts?.[index];
    };
    return this.processEvents(events, source, receivedAt, meta, bodyBytes, textOf);
  }

  /**
   * Why an event cannot be taken as parsed (nested too deep, a number out of range), or
   * undefined: checked before any recursive work on it.
   */
  shapeIssue(event: unknown): ShapeIssue | undefined {
    return inspectEventShape(event, this.limits.maxEventDepth);
  }

  /**
   * Processes a body larger than the collector accepts: one `size_violation` bad event that
   * keeps the first `kept` bytes received (the rest was never read).
   */
  rejectOversizeBody(
    kept: string,
    totalBytes: number,
    limitBytes: number,
    source: RequestSource,
    meta: RequestMeta = {},
  ): Collected {
    return this.rejectWhole(kept, source, this.now().toISOString(), 'size_violation', meta, [
      {
        path: '',
        keyword: 'maxBytes',
        message: `the body is ${totalBytes} bytes; the limit is ${limitBytes}: its first ${Buffer.byteLength(kept)} bytes are kept as the payload`,
      },
    ]);
  }

  /**
   * A body Sift cannot decode (`reason` says why, `keyword` names the rule: `contentEncoding`,
   * `utf8`): one bad event holding its bytes in base64.
   */
  rejectUnreadableBody(
    base64: string,
    reason: string,
    source: RequestSource,
    meta: RequestMeta = {},
    keyword = 'contentEncoding',
  ): Collected {
    return this.rejectWhole(base64, source, this.now().toISOString(), 'malformed_json', meta, [
      {
        path: '',
        keyword,
        message: `${reason}; the payload is the body's bytes in base64`,
      },
    ]);
  }

  /**
   * Processes a pixel request (`GET /i?e=<event>&v=<version>&d=<base64url JSON data>`, plus
   * optional `id` and `sa` for sent_at; `pageUrl` is the embedding page); the raw query
   * string is the payload of a bad event when the request cannot be read at all.
   */
  async processPixel(
    query: Record<string, string | undefined>,
    rawQuery: string,
    source: RequestSource,
    pageUrl?: string,
    meta: RequestMeta = {},
  ): Promise<Collected> {
    const receivedAt = this.now().toISOString();
    const read = pixelEvent(query, pageUrl);
    if ('issue' in read) {
      return this.rejectWhole(rawQuery, source, receivedAt, 'malformed_json', meta, [read.issue]);
    }
    return this.processEvents([read.event], source, receivedAt, meta, undefined, () => rawQuery);
  }

  /** Processes events already parsed out of a request; each gets a verdict. */
  async processEvents(
    events: unknown[],
    source: RequestSource,
    receivedAt: string,
    meta: RequestMeta = {},
    bodyBytes?: number,
    textOf: SourceTextOf = () => undefined,
  ): Promise<Collected> {
    const collected: Collected = { good: [], bad: [], verdicts: [] };
    const checkSize = bodyBytes === undefined || bodyBytes > this.limits.maxEventBytes;
    // A batch's events share a few event types: each is looked up once per request.
    const lookups: SchemaLookups = new Map();
    const outcomes = await Promise.all(
      events.map((raw, index) =>
        this.processEvent(raw, source, receivedAt, meta, checkSize, lookups, () => textOf(index)),
      ),
    );
    outcomes.forEach((outcome, index) => {
      if ('record' in outcome) {
        collected.good.push(outcome.record);
        collected.verdicts.push({ index, id: outcome.id, status: 'accepted' });
      } else {
        collected.bad.push(outcome.bad);
        const { id, kind, errors } = outcome.bad;
        collected.verdicts.push({ index, id, status: 'rejected', kind, errors });
      }
    });
    return collected;
  }

  private async processEvent(
    raw: unknown,
    source: RequestSource,
    receivedAt: string,
    meta: RequestMeta,
    checkSize: boolean,
    lookups: SchemaLookups,
    sourceText: () => string | undefined,
    tracker?: TrackerOptions,
  ): Promise<{ record: LogRecord; id: string } | { bad: BadEvent }> {
    // Before anything recursive (serializing, validating, encoding) touches the event.
    const shape = this.shapeIssue(raw);
    // Serialized only when needed: for a bad event's payload, or to measure a possibly large event.
    // An event JSON.stringify cannot render as sent is kept as its source text, cut at the limit.
    const payloadOf = () =>
      tracker !== undefined
        ? tracker.payload
        : shape === undefined
          ? (JSON.stringify(raw) ?? 'undefined')
          : cutToBytes(
              sourceText() ?? boundedJson(raw, this.limits.maxEventDepth),
              this.limits.maxEventBytes,
            );
    const givenId = (raw as { id?: unknown } | null)?.id;
    const id = isUuid(givenId) ? givenId : this.newId();
    const testId = meta.testId ?? contextTestId(raw);
    const read = readEnvelope(raw);
    const bad = (
      kind: BadEventKind,
      errors: ValidationIssue[],
      envelope?: EventEnvelope,
      version?: number,
    ): { bad: BadEvent } => ({
      bad: {
        id,
        received_at: receivedAt,
        stage:
          kind === 'schema_violation' || kind === 'encoding_failed' ? 'validator' : 'collector',
        kind,
        ...(envelope ? { event: envelope.event } : {}),
        ...(version !== undefined
          ? { version }
          : envelope?.version !== undefined
            ? { version: envelope.version }
            : {}),
        errors,
        payload: payloadOf(),
        source,
        ...(testId !== undefined ? { test_id: testId } : {}),
      },
    });
    if (shape !== undefined) return bad(shape.kind, [shape.issue]);
    // A tracker event's payload holds its whole request; its own map is what counts.
    const bytes = tracker?.eventBytes ?? (checkSize ? Buffer.byteLength(payloadOf()) : 0);
    if (bytes > this.limits.maxEventBytes) {
      return bad('size_violation', [
        {
          path: '',
          keyword: 'maxBytes',
          message: `the event is ${bytes} bytes; the limit is ${this.limits.maxEventBytes}`,
        },
      ]);
    }
    if ('issues' in read) return bad('invalid_envelope', read.issues);
    const { envelope } = read;

    const lookupKey =
      tracker !== undefined
        ? igluUri(tracker.schema)
        : `${envelope.event}@${envelope.version ?? 'latest'}`;
    const resolved = await this.lookUp(lookupKey, lookups, () =>
      tracker !== undefined
        ? this.resolveIglu(tracker.schema)
        : this.deps.schemas.resolve(envelope.event, envelope.version),
    );
    if (resolved === 'unknown_event') {
      return bad(
        'unknown_event',
        [
          {
            path: '/event',
            keyword: 'unknown_event',
            message: `no schema is registered for event type "${envelope.event}"`,
          },
        ],
        envelope,
      );
    }
    if (resolved === 'unknown_version') {
      return bad(
        'unknown_version',
        [
          {
            path: '/version',
            keyword: 'unknown_version',
            message:
              tracker !== undefined
                ? `event type "${envelope.event}" has no version with SchemaVer ${tracker.schema.version} (${igluUri(tracker.schema)})`
                : `event type "${envelope.event}" has no version ${envelope.version}`,
          },
        ],
        envelope,
      );
    }

    let compiled: ReturnType<ValidatorCache['get']>;
    let checked: { issues: ValidationIssue[]; encoded?: Buffer };
    try {
      // A registered schema that cannot be compiled fails its events, not the whole batch.
      compiled = this.deps.validators.get(
        resolved.id,
        resolved.schemaType,
        resolved.schema,
        resolved.references,
      );
      checked = compiled.validateAndEncode(envelope.data);
    } catch (error) {
      return bad(
        'encoding_failed',
        [{ path: '', keyword: 'encode', message: (error as Error).message }],
        envelope,
        resolved.version,
      );
    }
    const { issues, encoded } = checked;
    if (issues.length > 0 || encoded === undefined) {
      return bad('schema_violation', issues, envelope, resolved.version);
    }
    const entityBytes: Buffer[] = [];
    for (const [index, entity] of (tracker?.entities ?? []).entries()) {
      const checkedEntity = await this.checkEntity(entity, index, lookups);
      if ('issues' in checkedEntity) {
        return bad(checkedEntity.kind, checkedEntity.issues, envelope, resolved.version);
      }
      entityBytes.push(checkedEntity.bytes);
    }

    const context = envelope.context ?? {};
    const userId = text(context['user_id']);
    const sessionId = text(context['session_id']);
    const pageUrl = text(context['page_url']);
    const referrer = text(context['referrer']);
    const shared = this.shared.get({
      userAgent: source.user_agent,
      ip: meta.clientIp,
      pageUrl,
      referrer,
    });
    const createdAt = text(context['created_at']);
    // Without both device times there is no skew to correct: the event time is the receipt's.
    const eventTime =
      envelope.sent_at === undefined || createdAt === undefined
        ? receivedAt
        : enrichEventTime(
            {
              receivedAt: new Date(receivedAt),
              sentAt: envelope.sent_at,
              deviceCreatedAt: createdAt,
            },
            this.deps.enrichment,
          );
    const headers: Record<string, string> = {};
    shared.copyHeadersTo(headers);
    headers[goodEventHeaders.eventTime] = eventTime;
    headers[goodEventHeaders.eventId] = id;
    headers[goodEventHeaders.eventType] = envelope.event;
    headers[goodEventHeaders.schemaId] = String(resolved.id);
    headers[goodEventHeaders.schemaVersion] = String(resolved.version);
    headers[goodEventHeaders.receivedAt] = receivedAt;
    if (envelope.sent_at !== undefined) headers[goodEventHeaders.sentAt] = envelope.sent_at;
    if (userId !== undefined) headers[goodEventHeaders.userId] = userId;
    if (sessionId !== undefined) headers[goodEventHeaders.sessionId] = sessionId;
    if (testId !== undefined) headers[goodEventHeaders.testId] = testId;
    if (tracker !== undefined) {
      headers[goodEventHeaders.snowplow] = tracker.fields;
      if (entityBytes.length > 0)
        headers[goodEventHeaders.entities] = encodeEntitiesHeader(entityBytes);
    }

    if (this.hooks.length > 0) {
      try {
        const custom = await runEnrichmentHooks(this.hooks, {
          eventType: envelope.event,
          data: compiled.validate(envelope.data).value,
          context,
          enrichment: { ...shared.enrichment, eventTime },
        });
        // Built-in headers win over a hook's.
        for (const [name, value] of Object.entries(custom.headers)) headers[name] ??= value;
      } catch (error) {
        return bad(
          'enrichment_failed',
          [
            {
              path: '',
              keyword: 'enrichment',
              message: `a custom enrichment failed: ${(error as Error).message}`,
            },
          ],
          envelope,
          resolved.version,
        );
      }
    }
    return {
      id,
      record: {
        key: userId ?? sessionId ?? id,
        value: encodeWireFormat(resolved.id, encoded),
        headers,
      },
    };
  }

  /**
   * Processes the events of a Snowplow tracker request (one map for a GET, the maps of a POST
   * body's payload_data): each becomes one good or bad event. `body` is the POST body's text;
   * a body that is not payload_data is one bad event. `nuid` is the network user id.
   */
  async processTrackerRequest(
    input: { body: string } | { map: TrackerEventMap },
    source: RequestSource,
    meta: RequestMeta = {},
    nuid?: string,
  ): Promise<Collected> {
    const receivedAt = this.now().toISOString();
    let maps: TrackerEventMap[];
    let payloadData: unknown;
    if ('body' in input) {
      try {
        payloadData = JSON.parse(input.body);
      } catch (error) {
        return this.rejectWhole(input.body, source, receivedAt, 'malformed_json', meta, [
          {
            path: '',
            keyword: 'json',
            message: `the body is not valid JSON: ${(error as Error).message}`,
          },
        ]);
      }
      const read = readPayloadData(payloadData);
      if ('issue' in read) {
        return this.rejectWhole(input.body, source, receivedAt, 'invalid_envelope', meta, [
          read.issue,
        ]);
      }
      maps = read.events;
      if (maps.length > this.limits.maxBatchEvents) {
        return this.rejectWhole(input.body, source, receivedAt, 'size_violation', meta, [
          {
            path: '/data',
            keyword: 'maxItems',
            message: `the request holds ${maps.length} events; the limit is ${this.limits.maxBatchEvents}`,
          },
        ]);
      }
    } else {
      maps = [input.map];
    }
    const lookups: SchemaLookups = new Map();
    const collected: Collected = { good: [], bad: [], verdicts: [] };
    const outcomes = await Promise.all(
      maps.map((map) => {
        const own = JSON.stringify(map);
        const payload =
          payloadData === undefined
            ? own
            : JSON.stringify({ event: map, payload_data: payloadData });
        const read = readTrackerEvent(map, nuid);
        if ('issues' in read) {
          const eid = map['eid'];
          const bad: BadEvent = {
            id: isUuid(eid) ? eid : this.newId(),
            received_at: receivedAt,
            stage: 'collector',
            kind: 'invalid_envelope',
            errors: read.issues,
            payload,
            source,
            ...(meta.testId !== undefined ? { test_id: meta.testId } : {}),
          };
          return Promise.resolve({ bad });
        }
        const { envelope, schema, entities, fields } = read.event;
        return this.processEvent(
          envelope,
          source,
          receivedAt,
          meta,
          true,
          lookups,
          () => undefined,
          {
            schema,
            entities,
            fields: JSON.stringify(fields),
            payload,
            eventBytes: Buffer.byteLength(own),
          },
        );
      }),
    );
    outcomes.forEach((outcome, index) => {
      if ('record' in outcome) {
        collected.good.push(outcome.record);
        collected.verdicts.push({ index, id: outcome.id, status: 'accepted' });
      } else {
        collected.bad.push(outcome.bad);
        const { id, kind, errors } = outcome.bad;
        collected.verdicts.push({ index, id, status: 'rejected', kind, errors });
      }
    });
    return collected;
  }

  private lookUp(
    key: string,
    lookups: SchemaLookups,
    resolve: () => Promise<ResolvedSchema | SchemaMiss>,
  ): Promise<ResolvedSchema | SchemaMiss> {
    let lookup = lookups.get(key);
    if (lookup === undefined) {
      lookup = resolve();
      lookups.set(key, lookup);
    }
    return lookup;
  }

  private async resolveIglu(key: IgluKey): Promise<ResolvedSchema | SchemaMiss> {
    return this.deps.iglu ? this.deps.iglu.resolveIglu(key) : 'unknown_event';
  }

  /** One entity checked against its own schema: its wire-format bytes, or why it makes the event bad. */
  private async checkEntity(
    entity: TrackerEntity,
    index: number,
    lookups: SchemaLookups,
  ): Promise<{ bytes: Buffer } | { kind: BadEventKind; issues: ValidationIssue[] }> {
    const at = `/co/data/${index}`;
    const shape = this.shapeIssue(entity.data);
    if (shape !== undefined) {
      return {
        kind: shape.kind,
        issues: [
          {
            ...shape.issue,
            path: `${at}/data${shape.issue.path}`,
            message: `entity ${index} (${entity.uri}): ${shape.issue.message}`,
          },
        ],
      };
    }
    const resolved = await this.lookUp(entity.uri, lookups, () => this.resolveIglu(entity.key));
    if (resolved === 'unknown_event' || resolved === 'unknown_version') {
      return {
        kind: resolved,
        issues: [
          {
            path: `${at}/schema`,
            keyword: resolved,
            message:
              resolved === 'unknown_event'
                ? `entity ${index} (${entity.uri}): no schema is registered for it`
                : `entity ${index} (${entity.uri}): no version with SchemaVer ${entity.key.version} is registered`,
            value: entity.uri,
          },
        ],
      };
    }
    try {
      const compiled = this.deps.validators.get(
        resolved.id,
        resolved.schemaType,
        resolved.schema,
        resolved.references,
      );
      const { issues, encoded } = compiled.validateAndEncode(entity.data);
      if (issues.length > 0 || encoded === undefined) {
        return {
          kind: 'schema_violation',
          issues: issues.map((issue) => ({
            ...issue,
            path: `${at}/data${issue.path}`,
            message: `entity ${index} (${entity.uri}): ${issue.message}`,
          })),
        };
      }
      return { bytes: encodeWireFormat(resolved.id, encoded) };
    } catch (error) {
      return {
        kind: 'encoding_failed',
        issues: [
          {
            path: `${at}/data`,
            keyword: 'encode',
            message: `entity ${index} (${entity.uri}): ${(error as Error).message}`,
          },
        ],
      };
    }
  }

  private rejectWhole(
    body: string,
    source: RequestSource,
    receivedAt: string,
    kind: BadEventKind,
    meta: RequestMeta,
    errors: ValidationIssue[],
  ): Collected {
    const bad: BadEvent = {
      id: this.newId(),
      received_at: receivedAt,
      stage: 'collector',
      kind,
      errors,
      payload: body,
      source,
      ...(meta.testId !== undefined ? { test_id: meta.testId } : {}),
    };
    return {
      good: [],
      bad: [bad],
      verdicts: [{ index: null, id: bad.id, status: 'rejected', kind, errors }],
    };
  }
}
