import { DEFAULT_INDEX_PREFIX, loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';

/** The console server's settings, from `SIFT_*` variables. */
export interface ConsoleConfig {
  /** TCP port; default 8082. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host: string;
  /** Longest a wait request is held, ms; default 60000. */
  maxWaitMs: number;
  /** Elasticsearch base URL, for `sift ui` (distributed mode); default http://127.0.0.1:9200. */
  elasticsearchUrl: string;
  /** First part of index names; default `sift`. */
  indexPrefix: string;
  /** Whether `/api/reset` and `/micro/reset` may delete every stored event; default false (true in `sift up`, embedded). */
  allowReset: boolean;
}

const schema: JSONSchemaType<ConsoleConfig> = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8082 },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    maxWaitMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 60_000 },
    elasticsearchUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:9200' },
    indexPrefix: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      default: DEFAULT_INDEX_PREFIX,
    },
    allowReset: { type: 'boolean', default: false },
  },
  required: ['port', 'host', 'maxWaitMs', 'elasticsearchUrl', 'indexPrefix', 'allowReset'],
  additionalProperties: false,
};

const fields: EnvMap<ConsoleConfig> = {
  port: { env: 'SIFT_CONSOLE_PORT', type: 'integer' },
  host: { env: 'SIFT_CONSOLE_HOST', type: 'string' },
  maxWaitMs: { env: 'SIFT_CONSOLE_MAX_WAIT_MS', type: 'integer' },
  elasticsearchUrl: { env: 'SIFT_ELASTICSEARCH_URL', type: 'string' },
  indexPrefix: { env: 'SIFT_INDEX_PREFIX', type: 'string' },
  allowReset: { env: 'SIFT_CONSOLE_ALLOW_RESET', type: 'boolean' },
};

/** Reads the console's config from the environment; throws one error naming every bad variable. */
export function loadConsoleConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<ConsoleConfig> {
  return loadConfig(schema, fields, env);
}
