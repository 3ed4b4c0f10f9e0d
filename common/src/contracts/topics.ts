import { ValidationError } from '../errors';

/** Kafka topic (or local log) that carries good events in Confluent wire format. */
export const GOOD_TOPIC = 'sift.events.good';
/** Kafka topic (or local log) that carries bad events as JSON. */
export const BAD_TOPIC = 'sift.events.bad';

/** Which stream an event belongs to. */
export type Verdict = 'good' | 'bad';

/**
 * Headers of a record on the good topic: the one list of them. The event data itself is the
 * value; everything Sift knows about the event beyond its data travels here. `sift-ua-bot` is
 * `true` or `false`; `sift-geo-location` is `lat,lon`.
 */
export const goodEventHeaders = {
  eventId: 'sift-event-id',
  eventType: 'sift-event-type',
  schemaId: 'sift-schema-id',
  schemaVersion: 'sift-schema-version',
  receivedAt: 'sift-received-at',
  sentAt: 'sift-sent-at',
  userAgent: 'sift-user-agent',
  clientIp: 'sift-client-ip',
  pageUrl: 'sift-page-url',
  referrer: 'sift-referrer',
  sourceCategory: 'sift-source-category',
  userId: 'sift-user-id',
  sessionId: 'sift-session-id',
  /** Set by app test suites (`X-Sift-Test-Id` header or `context.test_id`) to find their own events. */
  testId: 'sift-test-id',
  // Enrichments (collector/src/domain/enrichment): absent when their input is missing.
  eventTime: 'sift-event-time',
  uaName: 'sift-ua-name',
  uaVersion: 'sift-ua-version',
  uaOsName: 'sift-ua-os-name',
  uaOsVersion: 'sift-ua-os-version',
  uaDeviceType: 'sift-ua-device-type',
  uaDeviceVendor: 'sift-ua-device-vendor',
  uaDeviceModel: 'sift-ua-device-model',
  uaBot: 'sift-ua-bot',
  urlScheme: 'sift-url-scheme',
  urlDomain: 'sift-url-domain',
  urlPort: 'sift-url-port',
  urlPath: 'sift-url-path',
  urlQuery: 'sift-url-query',
  urlFragment: 'sift-url-fragment',
  utmSource: 'sift-utm-source',
  utmMedium: 'sift-utm-medium',
  utmCampaign: 'sift-utm-campaign',
  utmTerm: 'sift-utm-term',
  utmContent: 'sift-utm-content',
  clickIdName: 'sift-click-id-name',
  clickId: 'sift-click-id',
  referrerDomain: 'sift-referrer-domain',
  referrerPath: 'sift-referrer-path',
  sourceName: 'sift-source-name',
  geoContinentCode: 'sift-geo-continent-code',
  geoCountryIsoCode: 'sift-geo-country-iso-code',
  geoCountryName: 'sift-geo-country-name',
  geoRegionIsoCode: 'sift-geo-region-iso-code',
  geoRegionName: 'sift-geo-region-name',
  geoCityName: 'sift-geo-city-name',
  geoTimezone: 'sift-geo-timezone',
  geoLocation: 'sift-geo-location',
  // Snowplow tracker events (collector/src/domain/snowplow): absent on Sift's own events.
  /** JSON object of the tracker fields with no header of their own (see `SnowplowFields`). */
  snowplow: 'sift-snowplow',
  /** The event's entities, each in Confluent wire format: see {@link encodeEntitiesHeader}. */
  entities: 'sift-entities',
} as const;

/**
 * The tracker fields of a Snowplow event without a header of their own, as the JSON of
 * `sift-snowplow`; each is absent when the tracker did not send it.
 */
export interface SnowplowFields {
  aid?: string;
  p?: string;
  tv?: string;
  tna?: string;
  duid?: string;
  sid?: string;
  vid?: string;
  res?: string;
  vp?: string;
  lang?: string;
  tz?: string;
  /** The network user id (cookie `sp`). */
  nuid?: string;
  /** The tracker's event code: `pv`, `pp`, `se`, `ue`, `tr`, `ti`. */
  e?: string;
}

/**
 * The `sift-entities` header value: base64 of, for each entity in order, a 4-byte big-endian
 * length, then that many bytes of the entity in Confluent wire format (magic 0, 4-byte schema
 * id, the JSON text), so any Confluent consumer decodes each with its own schema id.
 */
export function encodeEntitiesHeader(entities: readonly Buffer[]): string {
  const parts: Buffer[] = [];
  for (const entity of entities) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(entity.length, 0);
    parts.push(length, entity);
  }
  return Buffer.concat(parts).toString('base64');
}

function cutShort(): ValidationError {
  return new ValidationError('SIFT_WIRE_FORMAT_INVALID', 'A sift-entities header is cut short');
}

/** Splits a `sift-entities` header value back into each entity's wire-format bytes; throws on a cut frame. */
export function decodeEntitiesHeader(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'base64');
  const entities: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw cutShort();
    const length = bytes.readUInt32BE(offset);
    offset += 4;
    if (offset + length > bytes.length) throw cutShort();
    entities.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return entities;
}

/** The topics events flow through; tests and side-by-side deployments may rename them. */
export interface Topics {
  good: string;
  bad: string;
}

/** The topic names of the contract. */
export const defaultTopics: Readonly<Topics> = Object.freeze({ good: GOOD_TOPIC, bad: BAD_TOPIC });

/** First part of every index name; `sift` unless a deployment or test sets its own. */
export const DEFAULT_INDEX_PREFIX = 'sift';

/** The Elasticsearch index (one per UTC day) that holds events of a verdict: `sift-good-2026.11.23`. */
export function indexName(verdict: Verdict, at: Date, prefix = DEFAULT_INDEX_PREFIX): string {
  const yyyy = at.getUTCFullYear();
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `${prefix}-${verdict}-${yyyy}.${mm}.${dd}`;
}
