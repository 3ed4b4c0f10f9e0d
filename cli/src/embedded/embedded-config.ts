import { loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';

/** Settings of the embedded deployment (`sift up` with no Kafka or Elasticsearch configured). */
export interface EmbeddedConfig {
  /** Folder of the local event log, the event database and the registry file; default `.sift`. */
  dataDir: string;
  /** When the local log forces appends to disk: `always` (default), `interval`, `never`. */
  logFsync: 'always' | 'interval' | 'never';
  /** Largest a topic of the local log grows before its oldest segments go, bytes; default 1 GiB. */
  logRetentionBytes: number;
  /** Oldest a segment of the local log gets, ms; default 7 days. */
  logRetentionMs: number;
  /** Most events the event database keeps (oldest go first); default 100000. */
  storeMaxEvents: number;
  /** Oldest an event in the event database gets, ms; default 7 days. */
  storeMaxAgeMs: number;
  /** Longest the collector holds a `?wait=indexed` answer, ms; default 10000. */
  syncTimeoutMs: number;
  /** Whether changes to the schemas folder are registered while running; default true. */
  watchSchemas: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

const schema: JSONSchemaType<EmbeddedConfig> = {
  type: 'object',
  properties: {
    dataDir: { type: 'string', minLength: 1, default: '.sift' },
    logFsync: { type: 'string', enum: ['always', 'interval', 'never'], default: 'always' },
    logRetentionBytes: { type: 'integer', minimum: 1024 * 1024, default: 1024 * 1024 * 1024 },
    logRetentionMs: { type: 'integer', minimum: 60_000, default: 7 * DAY_MS },
    storeMaxEvents: { type: 'integer', minimum: 1, default: 100_000 },
    storeMaxAgeMs: { type: 'integer', minimum: 1000, default: 7 * DAY_MS },
    syncTimeoutMs: { type: 'integer', minimum: 1, maximum: 600_000, default: 10_000 },
    watchSchemas: { type: 'boolean', default: true },
  },
  required: [
    'dataDir',
    'logFsync',
    'logRetentionBytes',
    'logRetentionMs',
    'storeMaxEvents',
    'storeMaxAgeMs',
    'syncTimeoutMs',
    'watchSchemas',
  ],
  additionalProperties: false,
};

const fields: EnvMap<EmbeddedConfig> = {
  dataDir: { env: 'SIFT_DATA_DIR', type: 'string' },
  logFsync: { env: 'SIFT_LOG_FSYNC', type: 'string' },
  logRetentionBytes: { env: 'SIFT_LOG_RETENTION_BYTES', type: 'integer' },
  logRetentionMs: { env: 'SIFT_LOG_RETENTION_MS', type: 'integer' },
  storeMaxEvents: { env: 'SIFT_STORE_MAX_EVENTS', type: 'integer' },
  storeMaxAgeMs: { env: 'SIFT_STORE_MAX_AGE_MS', type: 'integer' },
  syncTimeoutMs: { env: 'SIFT_COLLECTOR_SYNC_TIMEOUT_MS', type: 'integer' },
  watchSchemas: { env: 'SIFT_SCHEMAS_WATCH', type: 'boolean' },
};

/** Reads the embedded deployment's settings; throws one error naming every bad variable. */
export function loadEmbeddedConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<EmbeddedConfig> {
  return loadConfig(schema, fields, env);
}

const snowplowSchema: JSONSchemaType<{ snowplowSchemas: boolean }> = {
  type: 'object',
  properties: { snowplowSchemas: { type: 'boolean', default: true } },
  required: ['snowplowSchemas'],
  additionalProperties: false,
};

/**
 * Whether `sift up` registers the bundled Snowplow tracker schemas at start, embedded or
 * distributed (`SIFT_SNOWPLOW_SCHEMAS`, default true).
 */
export function loadSnowplowSchemasSetting(
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return loadConfig(
    snowplowSchema,
    { snowplowSchemas: { env: 'SIFT_SNOWPLOW_SCHEMAS', type: 'boolean' } },
    env,
  ).snowplowSchemas;
}
