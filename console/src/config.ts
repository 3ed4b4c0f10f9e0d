import { DEFAULT_INDEX_PREFIX, GOOD_TOPIC, loadConfig } from '@sift/common';
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
  /** Registry base URL, for the console UI; default http://127.0.0.1:8081. */
  registryUrl: string;
  /** Basic-auth user for a registry with auth on; used only with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password for a registry with auth on; used only with `registryUsername`. */
  registryPassword?: string;
  /** Kafka bootstrap brokers, comma-separated, for `sift ui`: where recovery sends events; default 127.0.0.1:9092. */
  kafkaBrokers: string[];
  /** Topic recovered events go to; default `sift.events.good`. */
  goodTopic: string;
  /** Host names the console answers to besides `localhost`, IP addresses and `host`; `*`: any (no DNS-rebinding check). */
  allowedHosts: string[];
  /** Origins (`http://host:port`) besides the console's own whose pages may reset, recover or write; `*`: any. */
  allowedOrigins: string[];
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
    registryUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8081' },
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    goodTopic: { type: 'string', minLength: 1, default: GOOD_TOPIC },
    allowedHosts: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    allowedOrigins: {
      type: 'array',
      items: { type: 'string', pattern: '^(\\*|https?://[^/]+)$' },
      default: [],
    },
  },
  required: [
    'port',
    'host',
    'maxWaitMs',
    'elasticsearchUrl',
    'indexPrefix',
    'allowReset',
    'registryUrl',
    'kafkaBrokers',
    'goodTopic',
    'allowedHosts',
    'allowedOrigins',
  ],
  additionalProperties: false,
};

const fields: EnvMap<ConsoleConfig> = {
  port: { env: 'SIFT_CONSOLE_PORT', type: 'integer' },
  host: { env: 'SIFT_CONSOLE_HOST', type: 'string' },
  maxWaitMs: { env: 'SIFT_CONSOLE_MAX_WAIT_MS', type: 'integer' },
  elasticsearchUrl: { env: 'SIFT_ELASTICSEARCH_URL', type: 'string' },
  indexPrefix: { env: 'SIFT_INDEX_PREFIX', type: 'string' },
  allowReset: { env: 'SIFT_CONSOLE_ALLOW_RESET', type: 'boolean' },
  registryUrl: { env: 'SIFT_REGISTRY_URL', type: 'string' },
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  goodTopic: { env: 'SIFT_GOOD_TOPIC', type: 'string' },
  allowedHosts: { env: 'SIFT_CONSOLE_ALLOWED_HOSTS', type: 'list' },
  allowedOrigins: { env: 'SIFT_CONSOLE_ALLOWED_ORIGINS', type: 'list' },
};

/** Reads the console's config from the environment; throws one error naming every bad variable. */
export function loadConsoleConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<ConsoleConfig> {
  return loadConfig(schema, fields, env);
}
