import { DEFAULT_INDEX_PREFIX } from '@sift/common';
import type { Verdict } from '@sift/common';

const keyword = { type: 'keyword', ignore_above: 1024 };
const searchableKeyword = {
  type: 'keyword',
  ignore_above: 1024,
  fields: { text: { type: 'text' } },
};

/** Envelope fields every Sift document has, good or bad (Elastic Common Schema names). */
const envelope = {
  '@timestamp': { type: 'date' },
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
    },
  },
  user_agent: { properties: { original: searchableKeyword } },
  client: { properties: { ip: { type: 'ip' } } },
  url: { properties: { full: searchableKeyword } },
  http: { properties: { request: { properties: { referrer: searchableKeyword } } } },
  source_category: keyword,
  user: { properties: { id: keyword } },
  session: { properties: { id: keyword } },
};

/**
 * The composable index template of a verdict's daily indices. Fields outside the mapping
 * stay in `_source` but are not indexed (`dynamic: false`), so no guess ever fixes a type.
 * Event data under `data.<event_type>` is mapped dynamically until mappings are derived
 * from the registered schemas.
 */
export function indexTemplate(
  verdict: Verdict,
  prefix = DEFAULT_INDEX_PREFIX,
): { name: string; body: Record<string, unknown> } {
  const properties: Record<string, unknown> =
    verdict === 'good'
      ? { ...envelope, data: { type: 'object', dynamic: true } }
      : {
          ...envelope,
          failure: {
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
          },
          payload: { type: 'text' },
        };
  return {
    name: `${prefix}-${verdict}`,
    body: {
      index_patterns: [`${prefix}-${verdict}-*`],
      priority: 100,
      template: {
        settings: { number_of_shards: 1, auto_expand_replicas: '0-1', refresh_interval: '1s' },
        mappings: { dynamic: false, properties },
      },
      _meta: { managed_by: 'sift', description: `Sift ${verdict} events, one index per UTC day` },
    },
  };
}
