import { DEFAULT_INDEX_PREFIX } from '@sift/common';
import type { Verdict } from '@sift/common';
import type { IndexField } from '@sift/validator';

const keyword = { type: 'keyword', ignore_above: 1024 };
const searchableKeyword = {
  type: 'keyword',
  ignore_above: 1024,
  fields: { text: { type: 'text' } },
};

const geo = {
  properties: {
    continent_code: keyword,
    country_iso_code: keyword,
    country_name: keyword,
    region_iso_code: keyword,
    region_name: keyword,
    city_name: keyword,
    timezone: keyword,
    location: { type: 'geo_point' },
  },
};
const address = { properties: { ip: { type: 'ip' }, geo } };

/** Envelope fields every Sift document has, good or bad (Elastic Common Schema names). */
const envelope = {
  '@timestamp': { type: 'date' },
  test_id: keyword,
  event: {
    properties: {
      id: keyword,
      kind: keyword,
      dataset: keyword,
      created: { type: 'date' },
    },
  },
  sift: {
    properties: {
      verdict: keyword,
      schema_id: { type: 'long' },
      schema_version: { type: 'long' },
      sent_at: { type: 'date' },
      traffic: {
        properties: {
          source_name: keyword,
          utm: {
            properties: {
              source: keyword,
              medium: keyword,
              campaign: keyword,
              term: keyword,
              content: keyword,
            },
          },
          click_id: { properties: { name: keyword, id: keyword } },
        },
      },
      referrer: { properties: { domain: keyword, path: keyword } },
    },
  },
  user_agent: {
    properties: {
      original: searchableKeyword,
      name: keyword,
      version: keyword,
      os: { properties: { name: keyword, version: keyword } },
      device: {
        properties: { name: keyword, type: keyword, vendor: keyword, bot: { type: 'boolean' } },
      },
    },
  },
  client: address,
  source: address,
  url: {
    properties: {
      full: searchableKeyword,
      scheme: keyword,
      domain: keyword,
      port: { type: 'long' },
      path: keyword,
      query: keyword,
      fragment: keyword,
    },
  },
  http: { properties: { request: { properties: { referrer: searchableKeyword } } } },
  source_category: keyword,
  user: { properties: { id: keyword } },
  session: { properties: { id: keyword } },
};

/** A Snowplow tracker event's fields without an ECS name (header `sift-snowplow`) and its Iglu URIs, all keywords. */
const snowplow = {
  properties: {
    event_code: keyword,
    app_id: keyword,
    platform: keyword,
    tracker: { properties: { version: keyword, name: keyword } },
    domain_userid: keyword,
    session_id: keyword,
    session_index: keyword,
    network_userid: keyword,
    screen: { properties: { resolution: keyword } },
    viewport: keyword,
    language: keyword,
    tz: keyword,
    event_schema: keyword,
    contexts: keyword,
  },
};

const failure = {
  properties: {
    kind: keyword,
    stage: keyword,
    endpoint: keyword,
    errors: {
      type: 'nested',
      properties: {
        path: keyword,
        keyword,
        message: searchableKeyword,
        jsonPath: keyword,
        expected: keyword,
      },
    },
    messages: searchableKeyword,
  },
};

/** The name of a verdict's index template: `sift-good`. */
export function templateName(verdict: Verdict, prefix = DEFAULT_INDEX_PREFIX): string {
  return `${prefix}-${verdict}`;
}

/**
 * The `data` field of good indices (one object per event type) or the `entities` field (one
 * per entity kind, each document holding an array of them), each mapped from its schemas.
 */
export function dataField(properties: Record<string, IndexField>): Record<string, unknown> {
  return { type: 'object', dynamic: false, properties };
}

/**
 * The composable index template of a verdict's daily indices. Fields outside the mapping
 * stay in `_source` but are not indexed (`dynamic: false`), so no guess ever fixes a type.
 * Good indices map event data under `data.<event_type>` and entities under
 * `entities.<vendor_name>` from the registered schemas (`dataProperties`,
 * `entityProperties`, grown as the sink meets new schemas), tracker fields under `snowplow`.
 */
export function indexTemplate(
  verdict: Verdict,
  prefix = DEFAULT_INDEX_PREFIX,
  dataProperties: Record<string, IndexField> = {},
  entityProperties: Record<string, IndexField> = {},
): { name: string; body: Record<string, unknown> } {
  const properties: Record<string, unknown> =
    verdict === 'good'
      ? {
          ...envelope,
          snowplow,
          data: dataField(dataProperties),
          entities: dataField(entityProperties),
        }
      : { ...envelope, failure, payload: { type: 'text' } };
  return {
    name: templateName(verdict, prefix),
    body: {
      index_patterns: [`${prefix}-${verdict}-*`],
      priority: 100,
      template: {
        settings: {
          number_of_shards: 1,
          auto_expand_replicas: '0-1',
          refresh_interval: '1s',
          // Every event type adds its own fields (and arrays of records their nested fields):
          // the default limits of 1000 fields and 50 nested fields are soon reached.
          'mapping.total_fields.limit': 20000,
          'mapping.nested_fields.limit': 2000,
        },
        mappings: { dynamic: false, properties },
      },
      _meta: { managed_by: 'sift', description: `Sift ${verdict} events, one index per UTC day` },
    },
  };
}
