import { goodEventHeaders, indexName } from '@sift/common';
import type { BadEvent, SnowplowFields } from '@sift/common';

/** The key under `data` that holds one event type's fields: dots become underscores. */
export function dataKey(eventType: string): string {
  return eventType.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The key under `entities` that holds one kind of entity: `<vendor>.<name>` of the schema's Iglu
 * `self` block with dots as underscores (`com_snowplowanalytics_snowplow_web_page`), else
 * `schema_<id>` for a schema without one.
 */
export function entityKey(schema: string, schemaId: number): string {
  try {
    const self = (JSON.parse(schema) as { self?: { vendor?: unknown; name?: unknown } }).self;
    if (typeof self?.vendor === 'string' && typeof self.name === 'string') {
      return dataKey(`${self.vendor}.${self.name}`);
    }
  } catch {
    // Not JSON (an Avro schema has no Iglu `self`): named by its id below.
  }
  return `schema_${schemaId}`;
}

/**
 * The Iglu URI `iglu:<vendor>/<name>/<format>/<version>` of a schema with an Iglu `self` block;
 * undefined for any other schema (Avro, plain JSON Schema).
 */
export function igluUri(schema: string): string | undefined {
  try {
    const self = (JSON.parse(schema) as { self?: Record<string, unknown> }).self;
    const { vendor, name, format, version } = self ?? {};
    if ([vendor, name, format, version].every((part) => typeof part === 'string' && part !== '')) {
      return `iglu:${String(vendor)}/${String(name)}/${String(format)}/${String(version)}`;
    }
  } catch {
    // Not JSON: no Iglu URI.
  }
  return undefined;
}

/** One decoded entity of an event: its key under `entities`, its data and its schema's Iglu URI. */
export interface DocumentEntity {
  key: string;
  data: unknown;
  uri?: string;
}

/** The value at `path` in a stored document (`documentField(doc, 'event', 'id')`); undefined when absent. */
export function documentField(document: Record<string, unknown>, ...path: string[]): unknown {
  let at: unknown = document;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** The entries whose value is set; undefined when none is. */
function defined(entries: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(entries).filter(
    ([, value]) => value !== undefined && value !== '' && !Number.isNaN(value),
  );
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

/** Event data as JSON: Avro bytes and fixed values become base64 text (Elasticsearch `binary`). */
function jsonData(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(jsonData);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonData(v)]));
  }
  return value;
}

/** Where a record sits in the log; names and dates a document whose headers cannot. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  /** Position within the partition, as a decimal string. */
  offset: string;
  /** When the log accepted the record, ms since the epoch. */
  timestamp: number;
}

/**
 * The document id: the event id, else one built from the record's place in the log, so a
 * replay of the same record overwrites it (Elasticsearch refuses a whole bulk for an empty `_id`).
 */
export function documentId(eventId: string | undefined, origin?: RecordOrigin): string {
  if (typeof eventId === 'string' && eventId !== '') return eventId;
  return origin ? `${origin.topic}/${origin.partition}@${origin.offset}` : '';
}

/**
 * A time of receipt as ISO 8601 text: the given one when it parses, else the record's log
 * timestamp, else now; an unreadable time would otherwise name the index `NaN.NaN.NaN`.
 */
export function receivedTime(text: string | undefined, origin?: RecordOrigin): string {
  for (const candidate of [text === undefined ? NaN : Date.parse(text), origin?.timestamp]) {
    if (candidate !== undefined && Number.isFinite(candidate)) {
      const date = new Date(candidate);
      if (!Number.isNaN(date.getTime())) return date.toISOString();
    }
  }
  return new Date().toISOString();
}

/** The entities under their keys, each key an array in the order the event carried them. */
function entitiesField(entities: readonly DocumentEntity[]): Record<string, unknown[]> | undefined {
  if (entities.length === 0) return undefined;
  const byKey: Record<string, unknown[]> = {};
  for (const { key, data } of entities) (byKey[key] ??= []).push(jsonData(data));
  return byKey;
}

/**
 * The Iglu URIs of the event's schema (`event_schema`) and of its entities' (`contexts`, in the
 * order the event carried them); undefined when none is known.
 */
function igluFields(
  eventSchema: string | undefined,
  entities: readonly DocumentEntity[],
): Record<string, unknown> | undefined {
  const contexts = entities.flatMap(({ uri }) => (uri === undefined ? [] : [uri]));
  return defined({
    event_schema: eventSchema,
    contexts: contexts.length === 0 ? undefined : contexts,
  });
}

/**
 * The tracker fields of header `sift-snowplow` under `snowplow.*` with the Iglu URIs beside
 * them; undefined when there is none of either.
 */
function snowplowField(
  text: string | undefined,
  iglu: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const tracker = trackerFields(text);
  return tracker === undefined && iglu === undefined ? undefined : { ...tracker, ...iglu };
}

/** The tracker fields of header `sift-snowplow`; undefined when absent or unreadable. */
function trackerFields(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let fields: SnowplowFields;
  try {
    fields = JSON.parse(text) as SnowplowFields;
  } catch {
    return undefined;
  }
  if (fields === null || typeof fields !== 'object') return undefined;
  const str = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return defined({
    event_code: str(fields.e),
    app_id: str(fields.aid),
    platform: str(fields.p),
    tracker: defined({ version: str(fields.tv), name: str(fields.tna) }),
    domain_userid: str(fields.duid),
    session_id: str(fields.sid),
    session_index: str(fields.vid),
    network_userid: str(fields.nuid),
    screen: defined({ resolution: str(fields.res) }),
    viewport: str(fields.vp),
    language: str(fields.lang),
    tz: str(fields.tz),
  });
}

const numberOrUndefined = (text: string | undefined) =>
  text === undefined || text === '' ? undefined : Number(text);

/**
 * Builds the good-index document of an event: ECS envelope fields, data under its event type's
 * key, a tracker event's fields under `snowplow` and its decoded entities under
 * `entities.<key>` (arrays); the Iglu URIs of the event's schema (`eventSchema`) and of its
 * entities under `snowplow.event_schema` and `snowplow.contexts`. `origin` stands in for a
 * missing event id or an unreadable time of receipt.
 */
export function goodDocument(
  headers: Record<string, string>,
  data: unknown,
  prefix?: string,
  origin?: RecordOrigin,
  entities: readonly DocumentEntity[] = [],
  eventSchema?: string,
): { index: string; id: string; document: Record<string, unknown> } {
  const h = (name: keyof typeof goodEventHeaders) => headers[goodEventHeaders[name]];
  const id = documentId(h('eventId'), origin);
  const eventType = h('eventType') ?? '';
  const receivedAt = receivedTime(h('receivedAt'), origin);
  const ip = h('clientIp');
  const geo = defined({
    continent_code: h('geoContinentCode'),
    country_iso_code: h('geoCountryIsoCode'),
    country_name: h('geoCountryName'),
    region_iso_code: h('geoRegionIsoCode'),
    region_name: h('geoRegionName'),
    city_name: h('geoCityName'),
    timezone: h('geoTimezone'),
    location: h('geoLocation'),
  });
  // ECS fills `source.*` for the sender of every event and `client.*` beside it.
  const address = defined({ ip, geo });
  const bot = h('uaBot');
  const document =
    defined({
      '@timestamp': h('eventTime') ?? h('sentAt') ?? receivedAt,
      test_id: h('testId'),
      event: defined({
        id,
        kind: 'event',
        dataset: eventType,
        created: receivedAt,
      }),
      sift: defined({
        verdict: 'good',
        schema_id: numberOrUndefined(h('schemaId')),
        schema_version: numberOrUndefined(h('schemaVersion')),
        sent_at: h('sentAt'),
        traffic: defined({
          source_name: h('sourceName'),
          utm: defined({
            source: h('utmSource'),
            medium: h('utmMedium'),
            campaign: h('utmCampaign'),
            term: h('utmTerm'),
            content: h('utmContent'),
          }),
          click_id: defined({ name: h('clickIdName'), id: h('clickId') }),
        }),
        referrer: defined({ domain: h('referrerDomain'), path: h('referrerPath') }),
      }),
      user_agent: defined({
        original: h('userAgent'),
        name: h('uaName'),
        version: h('uaVersion'),
        os: defined({ name: h('uaOsName'), version: h('uaOsVersion') }),
        device: defined({
          name: h('uaDeviceModel'),
          type: h('uaDeviceType'),
          vendor: h('uaDeviceVendor'),
          bot: bot === undefined ? undefined : bot === 'true',
        }),
      }),
      client: address,
      source: address,
      url: defined({
        full: h('pageUrl'),
        scheme: h('urlScheme'),
        domain: h('urlDomain'),
        port: numberOrUndefined(h('urlPort')),
        path: h('urlPath'),
        query: h('urlQuery'),
        fragment: h('urlFragment'),
      }),
      http: h('referrer') ? { request: { referrer: h('referrer') } } : undefined,
      source_category: h('sourceCategory'),
      user: defined({ id: h('userId') }),
      session: defined({ id: h('sessionId') }),
      snowplow: snowplowField(h('snowplow'), igluFields(eventSchema, entities)),
      data: { [dataKey(eventType)]: jsonData(data) },
      entities: entitiesField(entities),
    }) ?? {};
  return { index: indexName('good', new Date(receivedAt), prefix), id, document };
}

/**
 * Builds the bad-index document of a bad event: the same envelope plus `failure` and the raw
 * payload. `origin` stands in for a missing id or an unreadable time of receipt.
 */
export function badDocument(
  bad: BadEvent,
  prefix?: string,
  origin?: RecordOrigin,
): {
  index: string;
  id: string;
  document: Record<string, unknown>;
} {
  const id = documentId(bad.id, origin);
  const receivedAt = receivedTime(bad.received_at, origin);
  const address = defined({ ip: bad.source.ip });
  const document =
    defined({
      '@timestamp': receivedAt,
      test_id: bad.test_id,
      event: defined({
        id,
        kind: 'pipeline_error',
        dataset: bad.event,
        created: receivedAt,
      }),
      sift: defined({ verdict: 'bad', schema_version: bad.version }),
      user_agent: defined({ original: bad.source.user_agent }),
      client: address,
      source: address,
      failure: {
        kind: bad.kind,
        stage: bad.stage,
        endpoint: bad.source.endpoint,
        errors: bad.errors,
        messages: bad.errors.map((error) => error.message),
      },
      payload: bad.payload,
    }) ?? {};
  return { index: indexName('bad', new Date(receivedAt), prefix), id, document };
}
