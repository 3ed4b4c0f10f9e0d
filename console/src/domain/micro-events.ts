import { dataKey, documentField as field } from '@sift/sinks';
import type { StoredEvent } from '@sift/sinks';

/** Iglu URI of the envelope Snowplow puts around a self-describing event's `{schema, data}`. */
export const UNSTRUCT_EVENT_SCHEMA =
  'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

/** Iglu URI of the envelope Snowplow puts around an event's entities. */
export const CONTEXTS_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';

/** Snowplow's canonical `event` value per tracker event code (`e`). */
const CANONICAL_EVENT: Record<string, string> = {
  pv: 'page_view',
  pp: 'page_ping',
  se: 'struct',
  ue: 'unstruct',
  tr: 'transaction',
  ti: 'transaction_item',
};

/** Snowplow's `event_name` for the built-in kinds (a self-describing event uses its schema's name). */
const CANONICAL_NAME: Record<string, string> = {
  pv: 'page_view',
  pp: 'page_ping',
  se: 'event',
  tr: 'transaction',
  ti: 'transaction_item',
};

/** Sift's event types of the built-in tracker kinds, by Micro's `eventType`. */
const BUILT_IN_TYPES: Record<string, string> = {
  page_view: 'com.snowplowanalytics.snowplow.page_view',
  page_ping: 'com.snowplowanalytics.snowplow.page_ping',
  struct: 'com.snowplowanalytics.snowplow.structured_event',
  transaction: 'com.snowplowanalytics.snowplow.transaction',
  transaction_item: 'com.snowplowanalytics.snowplow.transaction_item',
};

/** Whether a Micro `event_type` names events of Sift's `eventType` (`struct` names structured_event). */
export function namesEventType(microType: string, eventType: string | undefined): boolean {
  if (eventType === undefined) return false;
  return (
    eventType === microType ||
    eventType.split('.').pop() === microType ||
    BUILT_IN_TYPES[microType] === eventType
  );
}

/** The parts of an Iglu URI; undefined for anything else. */
export function parseIgluUri(
  uri: string,
): { vendor: string; name: string; format: string; version: string } | undefined {
  const match = /^iglu:([^/]+)\/([^/]+)\/([^/]+)\/(\d+-\d+-\d+)$/.exec(uri);
  if (!match) return undefined;
  const [, vendor, name, format, version] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { vendor, name, format, version };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

const number = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return value === '' || !Number.isFinite(n) ? undefined : n;
};

/** `W` and `H` of a `WxH` size; undefined parts when it is not one. */
function size(value: unknown): [number | undefined, number | undefined] {
  const match = /^(\d+)x(\d+)$/.exec(text(value) ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [undefined, undefined];
}

/** The entries whose value is set. */
function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** The tracker event code (`pv`, `ue`, …) of a stored event; undefined for Sift's own events. */
export function trackerCode(event: StoredEvent): string | undefined {
  return text(field(event.document, 'snowplow', 'event_code'));
}

/** The Iglu URI of a stored event's schema (`snowplow.event_schema`); undefined when not kept. */
export function eventSchemaUri(event: StoredEvent): string | undefined {
  return text(field(event.document, 'snowplow', 'event_schema'));
}

/** The Iglu URIs of a stored event's entities (`snowplow.contexts`), in the order sent. */
export function contextUris(event: StoredEvent): string[] {
  const uris = field(event.document, 'snowplow', 'contexts');
  return Array.isArray(uris) ? uris.filter((uri): uri is string => typeof uri === 'string') : [];
}

/** Micro's `eventType` of a tracker event: the canonical `event`, the schema's name for `ue`. */
export function microEventType(event: StoredEvent): string | undefined {
  const code = trackerCode(event);
  if (code === undefined) return undefined;
  if (code === 'ue') {
    const uri = eventSchemaUri(event);
    return (uri && parseIgluUri(uri)?.name) ?? event.eventType?.split('.').pop();
  }
  return CANONICAL_EVENT[code] ?? code;
}

/**
 * The entities as `{schema, data}` pairs: each URI of `snowplow.contexts` takes, in order, the
 * next entity stored under its `entities.<vendor_name>` key.
 */
function entityPairs(event: StoredEvent): { schema: string; data: unknown }[] {
  const stored = field(event.document, 'entities');
  const taken = new Map<string, number>();
  const pairs: { schema: string; data: unknown }[] = [];
  for (const uri of contextUris(event)) {
    const parts = parseIgluUri(uri);
    if (!parts) continue;
    const key = dataKey(`${parts.vendor}.${parts.name}`);
    const list = field(stored as Record<string, unknown>, key);
    const index = taken.get(key) ?? 0;
    taken.set(key, index + 1);
    if (Array.isArray(list) && index < list.length) pairs.push({ schema: uri, data: list[index] });
  }
  return pairs;
}

/**
 * A tracker event in Snowplow's canonical enriched shape, as far as the stored document keeps
 * it: ids, tracker and user fields, page and URL parts, the structured, transaction and page
 * ping fields, `unstruct_event` and `contexts`.
 */
export function canonicalEvent(event: StoredEvent): Record<string, unknown> {
  const doc = event.document;
  const code = trackerCode(event) ?? '';
  const sp = (...path: string[]) => field(doc, 'snowplow', ...path);
  const data = field(doc, 'data', dataKey(event.eventType ?? '')) as
    Record<string, unknown> | undefined;
  const d = (name: string) => (data && typeof data === 'object' ? data[name] : undefined);
  const schema = eventSchemaUri(event);
  const parts = schema === undefined ? undefined : parseIgluUri(schema);
  const pairs = entityPairs(event);
  const [screenWidth, screenHeight] = size(sp('screen', 'resolution'));
  const [viewWidth, viewHeight] = size(sp('viewport'));
  const page = code === 'pv' || code === 'pp';
  return defined({
    app_id: text(sp('app_id')),
    platform: text(sp('platform')),
    collector_tstamp: text(field(doc, 'event', 'created')),
    derived_tstamp: text(field(doc, '@timestamp')),
    event: CANONICAL_EVENT[code] ?? code,
    event_id: event.id,
    name_tracker: text(sp('tracker', 'name')),
    v_tracker: text(sp('tracker', 'version')),
    user_id: text(field(doc, 'user', 'id')),
    user_ipaddress: text(field(doc, 'client', 'ip')),
    domain_userid: text(sp('domain_userid')),
    domain_sessionidx: number(sp('session_index')),
    domain_sessionid: text(sp('session_id')),
    network_userid: text(sp('network_userid')),
    geo_country: text(field(doc, 'client', 'geo', 'country_iso_code')),
    geo_region: text(field(doc, 'client', 'geo', 'region_iso_code')),
    geo_city: text(field(doc, 'client', 'geo', 'city_name')),
    geo_timezone: text(field(doc, 'client', 'geo', 'timezone')),
    page_url: text(field(doc, 'url', 'full')),
    page_title: page ? text(d('page_title')) : undefined,
    page_referrer: text(field(doc, 'http', 'request', 'referrer')),
    page_urlscheme: text(field(doc, 'url', 'scheme')),
    page_urlhost: text(field(doc, 'url', 'domain')),
    page_urlport: number(field(doc, 'url', 'port')),
    page_urlpath: text(field(doc, 'url', 'path')),
    page_urlquery: text(field(doc, 'url', 'query')),
    page_urlfragment: text(field(doc, 'url', 'fragment')),
    contexts: pairs.length === 0 ? undefined : { schema: CONTEXTS_SCHEMA, data: pairs },
    se_category: code === 'se' ? text(d('category')) : undefined,
    se_action: code === 'se' ? text(d('action')) : undefined,
    se_label: code === 'se' ? text(d('label')) : undefined,
    se_property: code === 'se' ? text(d('property')) : undefined,
    se_value: code === 'se' ? number(d('value')) : undefined,
    unstruct_event:
      code === 'ue' && schema !== undefined
        ? { schema: UNSTRUCT_EVENT_SCHEMA, data: { schema, data } }
        : undefined,
    tr_orderid: code === 'tr' ? text(d('order_id')) : undefined,
    tr_affiliation: code === 'tr' ? text(d('affiliation')) : undefined,
    tr_total: code === 'tr' ? number(d('total')) : undefined,
    tr_tax: code === 'tr' ? number(d('tax')) : undefined,
    tr_shipping: code === 'tr' ? number(d('shipping')) : undefined,
    tr_city: code === 'tr' ? text(d('city')) : undefined,
    tr_state: code === 'tr' ? text(d('state')) : undefined,
    tr_country: code === 'tr' ? text(d('country')) : undefined,
    tr_currency: code === 'tr' ? text(d('currency')) : undefined,
    ti_orderid: code === 'ti' ? text(d('order_id')) : undefined,
    ti_sku: code === 'ti' ? text(d('sku')) : undefined,
    ti_name: code === 'ti' ? text(d('name')) : undefined,
    ti_category: code === 'ti' ? text(d('category')) : undefined,
    ti_price: code === 'ti' ? number(d('price')) : undefined,
    ti_quantity: code === 'ti' ? number(d('quantity')) : undefined,
    ti_currency: code === 'ti' ? text(d('currency')) : undefined,
    pp_xoffset_min: code === 'pp' ? number(d('x_offset_min')) : undefined,
    pp_xoffset_max: code === 'pp' ? number(d('x_offset_max')) : undefined,
    pp_yoffset_min: code === 'pp' ? number(d('y_offset_min')) : undefined,
    pp_yoffset_max: code === 'pp' ? number(d('y_offset_max')) : undefined,
    useragent: text(field(doc, 'user_agent', 'original')),
    br_lang: text(sp('language')),
    br_viewwidth: viewWidth,
    br_viewheight: viewHeight,
    os_timezone: text(sp('tz')),
    dvce_screenwidth: screenWidth,
    dvce_screenheight: screenHeight,
    event_vendor: parts?.vendor,
    event_name: code === 'ue' ? parts?.name : CANONICAL_NAME[code],
    event_format: parts?.format,
    event_version: parts?.version,
  });
}

/**
 * The tracker parameters of an event as far as the document keeps them: `e`, `eid`, `aid`, `p`,
 * `tv`, `tna`, `uid`, `duid`, `sid`, `vid`, `nuid`, `res`, `vp`, `lang`, `tz`, `url`, `refr`,
 * `page`, `se_*`, `ue_pr` and `co` as JSON text; the send times `dtm`/`stm` are not kept.
 */
export function rawTrackerEvent(event: StoredEvent): Record<string, unknown> {
  const canonical = canonicalEvent(event);
  const c = (name: string) => text(canonical[name]);
  const doc = event.document;
  return {
    api: { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' },
    parameters: defined({
      e: trackerCode(event),
      eid: event.id,
      aid: c('app_id'),
      p: c('platform'),
      tv: c('v_tracker'),
      tna: c('name_tracker'),
      uid: c('user_id'),
      duid: c('domain_userid'),
      sid: c('domain_sessionid'),
      vid: c('domain_sessionidx'),
      nuid: c('network_userid'),
      res: text(field(doc, 'snowplow', 'screen', 'resolution')),
      vp: text(field(doc, 'snowplow', 'viewport')),
      lang: c('br_lang'),
      tz: c('os_timezone'),
      url: c('page_url'),
      refr: c('page_referrer'),
      page: c('page_title'),
      se_ca: c('se_category'),
      se_ac: c('se_action'),
      se_la: c('se_label'),
      se_pr: c('se_property'),
      se_va: c('se_value'),
      ue_pr:
        canonical['unstruct_event'] === undefined
          ? undefined
          : JSON.stringify(canonical['unstruct_event']),
      co: canonical['contexts'] === undefined ? undefined : JSON.stringify(canonical['contexts']),
    }),
    contentType: 'application/json',
    source: { name: 'sift', encoding: 'UTF-8' },
    context: defined({
      timestamp: c('collector_tstamp'),
      ipAddress: c('user_ipaddress'),
      useragent: c('useragent'),
      refererUri: c('page_referrer'),
      userId: c('network_userid'),
    }),
  };
}

/** The API vendor and version Micro gives every tracker event (`rawEvent.api`). */
export const TRACKER_API = { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' };

/**
 * The tracker's own parameter map a bad event kept as its payload (the map, or for a POST
 * `{event: map, payload_data}`); undefined for Sift's own bad events.
 */
export function badTrackerParameters(event: StoredEvent): Record<string, unknown> | undefined {
  const payload = field(event.document, 'payload');
  if (typeof payload !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const isMap = (value: unknown): value is Record<string, unknown> =>
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>)['e'] === 'string' &&
    !((value as Record<string, unknown>)['e'] as string).includes('.');
  if (isMap(parsed)) return parsed;
  const inner = (parsed as Record<string, unknown> | null)?.['event'];
  return isMap(inner) ? inner : undefined;
}

/** A bad tracker event's `rawEvent` in Micro's shape: the API, the tracker's parameters, the request's context. */
export function badRawTrackerEvent(
  event: StoredEvent,
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const doc = event.document;
  return {
    api: TRACKER_API,
    parameters,
    contentType: 'application/json',
    source: { name: 'sift', encoding: 'UTF-8' },
    context: defined({
      timestamp: event.receivedAt,
      ipAddress: text(field(doc, 'client', 'ip')),
      useragent: text(field(doc, 'user_agent', 'original')),
    }),
  };
}
