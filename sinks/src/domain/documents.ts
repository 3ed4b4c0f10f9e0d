import { goodEventHeaders, indexName } from '@sift/common';
import type { BadEvent } from '@sift/common';

/** The key under `data` that holds one event type's fields: dots become underscores. */
export function dataKey(eventType: string): string {
  return eventType.replace(/[^A-Za-z0-9_]/g, '_');
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

const numberOrUndefined = (text: string | undefined) =>
  text === undefined || text === '' ? undefined : Number(text);

/** Builds the good-index document of an event: ECS envelope fields, data under its event type's key. */
export function goodDocument(
  headers: Record<string, string>,
  data: unknown,
  prefix?: string,
): { index: string; id: string; document: Record<string, unknown> } {
  const h = (name: keyof typeof goodEventHeaders) => headers[goodEventHeaders[name]];
  const id = h('eventId') ?? '';
  const eventType = h('eventType') ?? '';
  const receivedAt = h('receivedAt') ?? new Date().toISOString();
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
      data: { [dataKey(eventType)]: jsonData(data) },
    }) ?? {};
  return { index: indexName('good', new Date(receivedAt), prefix), id, document };
}

/** Builds the bad-index document of a bad event: the same envelope plus `failure` and the raw payload. */
export function badDocument(
  bad: BadEvent,
  prefix?: string,
): {
  index: string;
  id: string;
  document: Record<string, unknown>;
} {
  const address = defined({ ip: bad.source.ip });
  const document =
    defined({
      '@timestamp': bad.received_at,
      test_id: bad.test_id,
      event: defined({
        id: bad.id,
        kind: 'pipeline_error',
        dataset: bad.event,
        created: bad.received_at,
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
  return { index: indexName('bad', new Date(bad.received_at), prefix), id: bad.id, document };
}
