import { DEFAULT_INDEX_PREFIX, loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType, Verdict } from '@sift/common';

/** A sink's settings, from `SIFT_*` variables. */
export interface SinkConfig {
  /** Which events this sink indexes: `good` or `bad`. */
  kind: Verdict;
  kafkaBrokers: string[];
  /** Elasticsearch base URL; default http://127.0.0.1:9200. */
  elasticsearchUrl: string;
  /** Registry base URL, to decode good events; default http://127.0.0.1:8081. */
  registryUrl: string;
  /** Basic-auth user for a registry with auth on; set with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password for a registry with auth on; set with `registryUsername`. */
  registryPassword?: string;
  /** Kafka consumer group; default `sift-sink-<kind>`. */
  groupId?: string;
  /** Port of /healthz and /metrics; default 8083 (good) or 8084 (bad). */
  port?: number;
  host: string;
  /** Most documents in one bulk request; default 500. */
  maxBatch: number;
  /** Longest a record waits for more to fill its bulk request, ms; default 200 (0: never). */
  flushIntervalMs: number;
  /** Longest wait for one Elasticsearch request, ms; default 10000 (a batch must end within the group's session timeout). */
  elasticsearchTimeoutMs: number;
  /** Topic to consume; default `sift.events.<kind>`. */
  topic?: string;
  /** First part of index and template names; default `sift`. */
  indexPrefix: string;
}

const schema: JSONSchemaType<SinkConfig> = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['good', 'bad'], default: 'good' },
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    elasticsearchUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:9200' },
    registryUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8081' },
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
    groupId: { type: 'string', minLength: 1, nullable: true },
    port: { type: 'integer', minimum: 0, maximum: 65535, nullable: true },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    maxBatch: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
    flushIntervalMs: { type: 'integer', minimum: 0, maximum: 60000, default: 200 },
    elasticsearchTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 10000 },
    topic: { type: 'string', minLength: 1, nullable: true },
    indexPrefix: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      default: DEFAULT_INDEX_PREFIX,
    },
  },
  required: [
    'kind',
    'kafkaBrokers',
    'elasticsearchUrl',
    'registryUrl',
    'host',
    'maxBatch',
    'flushIntervalMs',
    'elasticsearchTimeoutMs',
    'indexPrefix',
  ],
  additionalProperties: false,
};

const fields: EnvMap<SinkConfig> = {
  kind: { env: 'SIFT_SINK_KIND', type: 'string' },
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  elasticsearchUrl: { env: 'SIFT_ELASTICSEARCH_URL', type: 'string' },
  registryUrl: { env: 'SIFT_REGISTRY_URL', type: 'string' },
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
  groupId: { env: 'SIFT_SINK_GROUP_ID', type: 'string' },
  port: { env: 'SIFT_SINK_PORT', type: 'integer' },
  host: { env: 'SIFT_SINK_HOST', type: 'string' },
  maxBatch: { env: 'SIFT_SINK_MAX_BATCH', type: 'integer' },
  flushIntervalMs: { env: 'SIFT_SINK_FLUSH_INTERVAL_MS', type: 'integer' },
  elasticsearchTimeoutMs: { env: 'SIFT_ELASTICSEARCH_TIMEOUT_MS', type: 'integer' },
  topic: { env: 'SIFT_SINK_TOPIC', type: 'string' },
  indexPrefix: { env: 'SIFT_INDEX_PREFIX', type: 'string' },
};

/** Reads a sink's config from the environment; throws one error naming every bad variable. */
export function loadSinkConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<SinkConfig> {
  return loadConfig(schema, fields, env);
}
