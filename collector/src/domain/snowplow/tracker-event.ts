import type { SnowplowFields, ValidationIssue } from '@sift/common';

/** An Iglu schema key: `iglu:<vendor>/<name>/jsonschema/<model>-<revision>-<addition>`. */
export interface IgluKey {
  vendor: string;
  name: string;
  /** The SchemaVer, `M-R-A`. */
  version: string;
}

/** One self-describing entity attached to a tracker event. */
export interface TrackerEntity {
  key: IgluKey;
  uri: string;
  data: unknown;
}

/** A tracker event read into Sift's terms, ready for validation. */
export interface TrackerEvent {
  /** The Sift envelope (`event`, `id`, `sent_at`, `context`, `data`) built from the tracker fields. */
  envelope: Record<string, unknown>;
  /** The schema the data is checked against. */
  schema: IgluKey;
  entities: TrackerEntity[];
  /** The fields for the `sift-snowplow` header. */
  fields: SnowplowFields;
}

/** The Snowplow vendor of the tracker's built-in event kinds. */
export const SNOWPLOW_VENDOR = 'com.snowplowanalytics.snowplow';

/** The tracker's event codes, each with the schema name of its Sift event type (`ue` names its own). */
const BUILT_IN: Record<string, string> = {
  pv: 'page_view',
  pp: 'page_ping',
  se: 'structured_event',
  tr: 'transaction',
  ti: 'transaction_item',
};

/** Whether a pixel's `e` is a Snowplow tracker event code rather than a dotted Sift event type. */
export function isTrackerEventCode(value: string | undefined): boolean {
  return value !== undefined && (value === 'ue' || value in BUILT_IN);
}

const IGLU_URI = /^iglu:([A-Za-z0-9_.-]+)\/([A-Za-z0-9_-]+)\/jsonschema\/([1-9]\d*-\d+-\d+)$/;

/** Reads an `iglu:` URI; undefined when it is not one of a JSON Schema. */
export function parseIgluUri(uri: unknown): IgluKey | undefined {
  const match = typeof uri === 'string' ? IGLU_URI.exec(uri) : null;
  if (!match) return undefined;
  return { vendor: match[1] as string, name: match[2] as string, version: match[3] as string };
}

/** The Sift event type (registry subject) of an Iglu schema: `<vendor>.<name>`. */
export function igluEventType(key: IgluKey): string {
  return `${key.vendor}.${key.name}`;
}

/** The Iglu URI of a key. */
export function igluUri(key: IgluKey): string {
  return `iglu:${key.vendor}/${key.name}/jsonschema/${key.version}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads a JSON field given as text (`plain`) or as unpadded base64url (`encoded`). */
function jsonField(
  map: Record<string, string>,
  plain: string,
  encoded: string,
): { value?: unknown } | { issue: ValidationIssue } {
  const text = map[plain];
  const base64 = map[encoded];
  const field = text !== undefined ? plain : encoded;
  try {
    if (text !== undefined) return { value: JSON.parse(text) };
    if (base64 !== undefined) {
      return { value: JSON.parse(utf8.decode(Buffer.from(base64, 'base64url'))) };
    }
    return {};
  } catch (error) {
    return {
      issue: {
        path: `/${field}`,
        keyword: 'json',
        message: `${field} must be ${field === plain ? 'JSON' : 'base64url-encoded JSON'}: ${(error as Error).message}`,
      },
    };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A self-describing `{schema, data}` pair, or the issue with it at `path`. */
function selfDescribing(
  value: unknown,
  path: string,
): { key: IgluKey; uri: string; data: unknown } | { issue: ValidationIssue } {
  const key = isObject(value) ? parseIgluUri(value['schema']) : undefined;
  if (!isObject(value) || key === undefined || !('data' in value)) {
    return {
      issue: {
        path,
        keyword: 'self-describing',
        message: `${path} must be {"schema": "iglu:<vendor>/<name>/jsonschema/<M-R-A>", "data": …}`,
      },
    };
  }
  return { key, uri: value['schema'] as string, data: value['data'] };
}

/** A numeric tracker field as a number when it reads as one; kept as sent otherwise, for the schema to judge. */
function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The data of a built-in event kind, under the field names of Sift's shipped schemas. */
function builtInData(code: string, m: Record<string, string | undefined>): Record<string, unknown> {
  switch (code) {
    case 'pv':
      return compact({ page_url: m['url'], page_title: m['page'], referrer: m['refr'] });
    case 'pp':
      return compact({
        page_url: m['url'],
        page_title: m['page'],
        referrer: m['refr'],
        x_offset_min: numeric(m['pp_mix']),
        x_offset_max: numeric(m['pp_max']),
        y_offset_min: numeric(m['pp_miy']),
        y_offset_max: numeric(m['pp_may']),
      });
    case 'se':
      return compact({
        category: m['se_ca'],
        action: m['se_ac'],
        label: m['se_la'],
        property: m['se_pr'],
        value: numeric(m['se_va']),
      });
    case 'tr':
      return compact({
        order_id: m['tr_id'],
        affiliation: m['tr_af'],
        total: numeric(m['tr_tt']),
        tax: numeric(m['tr_tx']),
        shipping: numeric(m['tr_sh']),
        city: m['tr_ci'],
        state: m['tr_st'],
        country: m['tr_co'],
        currency: m['tr_cu'],
      });
    default:
      return compact({
        order_id: m['ti_id'],
        sku: m['ti_sk'],
        name: m['ti_nm'],
        category: m['ti_ca'],
        price: numeric(m['ti_pr']),
        quantity: numeric(m['ti_qu']),
        currency: m['ti_cu'],
      });
  }
}

/** Milliseconds since the epoch (`dtm`, `stm`) as ISO 8601; undefined when not 13 digits. */
function epochMs(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{13}$/.test(value)
    ? new Date(Number(value)).toISOString()
    : undefined;
}

/**
 * Reads one event of Snowplow's tracker protocol (a map of strings, from a POST body's
 * `data` or a GET query) into a Sift envelope, its Iglu schema and its entities; the issues
 * when the event cannot be read (unknown `e`, malformed `ue_pr`/`ue_px`/`co`/`cx`). `nuid` is
 * the network user id the collector settled on.
 */
export function readTrackerEvent(
  map: Record<string, string>,
  nuid?: string,
): { event: TrackerEvent } | { issues: ValidationIssue[] } {
  const code = map['e'];
  const issues: ValidationIssue[] = [];
  let schema: IgluKey | undefined;
  let data: unknown;
  if (code === 'ue') {
    const read = jsonField(map, 'ue_pr', 'ue_px');
    if ('issue' in read) issues.push(read.issue);
    else if (read.value === undefined) {
      issues.push({
        path: '/ue_px',
        keyword: 'required',
        message: 'a self-describing event (e=ue) needs ue_pr or ue_px',
      });
    } else {
      const outer = isObject(read.value) ? read.value['data'] : undefined;
      const inner = selfDescribing(outer, '/ue_pr/data');
      if ('issue' in inner) issues.push(inner.issue);
      else {
        schema = inner.key;
        data = inner.data;
      }
    }
  } else if (code !== undefined && code in BUILT_IN) {
    schema = { vendor: SNOWPLOW_VENDOR, name: BUILT_IN[code] as string, version: '1-0-0' };
    data = builtInData(code, map);
  } else {
    issues.push({
      path: '/e',
      keyword: code === undefined ? 'required' : 'enum',
      message: 'e must be a tracker event code: pv, pp, se, ue, tr or ti',
      ...(code !== undefined ? { value: code } : {}),
    });
  }

  const entities: TrackerEntity[] = [];
  const contexts = jsonField(map, 'co', 'cx');
  if ('issue' in contexts) issues.push(contexts.issue);
  else if (contexts.value !== undefined) {
    const list = isObject(contexts.value) ? contexts.value['data'] : undefined;
    if (!Array.isArray(list)) {
      issues.push({
        path: '/co/data',
        keyword: 'type',
        message: 'co/cx must be {"schema": "iglu:…/contexts/…", "data": [entities]}',
      });
    } else {
      list.forEach((entity, index) => {
        const read = selfDescribing(entity, `/co/data/${index}`);
        if ('issue' in read) issues.push(read.issue);
        else entities.push(read);
      });
    }
  }
  if (issues.length > 0 || schema === undefined) return { issues };

  const sentAt = epochMs(map['stm']);
  const context = compact({
    created_at: epochMs(map['dtm']),
    user_id: map['uid'],
    session_id: map['sid'],
    page_url: map['url'],
    referrer: map['refr'],
  });
  const envelope = compact({
    event: igluEventType(schema),
    id: map['eid'],
    sent_at: sentAt,
    context,
    data,
  });
  const fields = compact({
    e: code,
    aid: map['aid'],
    p: map['p'],
    tv: map['tv'],
    tna: map['tna'],
    duid: map['duid'],
    sid: map['sid'],
    vid: map['vid'],
    res: map['res'],
    vp: map['vp'],
    lang: map['lang'],
    tz: map['tz'],
    nuid,
  }) as SnowplowFields;
  return { event: { envelope, schema, entities, fields } };
}

/**
 * The events of a `POST …/tp2` body: `{"schema": "iglu:…/payload_data/…", "data": [maps]}`,
 * each map's values strings; the issue when the body is not that.
 */
export function readPayloadData(
  parsed: unknown,
): { events: Record<string, string>[] } | { issue: ValidationIssue } {
  const data = isObject(parsed) ? parsed['data'] : undefined;
  const schema = isObject(parsed) ? parseIgluUri(parsed['schema']) : undefined;
  if (schema?.name !== 'payload_data' || !Array.isArray(data)) {
    return {
      issue: {
        path: '',
        keyword: 'payload_data',
        message:
          'the body must be {"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", "data": [events]}',
      },
    };
  }
  const events: Record<string, string>[] = [];
  for (const [index, event] of data.entries()) {
    if (!isObject(event) || !Object.values(event).every((v) => typeof v === 'string')) {
      return {
        issue: {
          path: `/data/${index}`,
          keyword: 'type',
          message: `/data/${index} must be an object of strings`,
        },
      };
    }
    events.push(event as Record<string, string>);
  }
  return { events };
}
