import { BAD_TOPIC, GOOD_TOPIC, loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';
import { RAW_TOPIC } from './recovery/raw-record';

/** The collector's settings, from `SIFT_*` variables. */
export interface CollectorConfig {
  /** TCP port; default 8080. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host: string;
  /** Registry base URL; default http://127.0.0.1:8081. */
  registryUrl: string;
  /** Basic-auth user for a registry with auth on; set with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password for a registry with auth on; set with `registryUsername`. */
  registryPassword?: string;
  /** Kafka bootstrap brokers, comma-separated. */
  kafkaBrokers: string[];
  /** Largest request body accepted, bytes; default 1 MiB. */
  maxBodyBytes: number;
  /** How long a `latest` schema answer is reused, ms; default 30000. */
  schemaCacheMs: number;
  /** Topic of good events; default `sift.events.good`. */
  goodTopic: string;
  /** Topic of bad events; default `sift.events.bad`. */
  badTopic: string;
  /** Origins browsers may send from and read answers (CORS); `*` for any; default none. */
  corsOrigins: string[];
  /** Most events in one batch; default 500. */
  maxBatchEvents: number;
  /** Largest single event, bytes; default 65536. */
  maxEventBytes: number;
  /** Most levels of nesting in one event, the event object counting as one; default 64. */
  maxEventDepth: number;
  /** How much of client addresses is kept: `none` (all), `partial` (default), `full` (nothing). */
  ipAnonymization: 'none' | 'partial' | 'full';
  /** Referrer domains that count as the site itself (source category `internal`). */
  internalDomains: string[];
  /** A MaxMind-format city database (.mmdb) for geo enrichment; none by default. */
  geoDatabase?: string;
  /** Records handed to Kafka and not yet acknowledged, at most; past it requests get 503. Default 10000. */
  maxPendingRecords: number;
  /** Bytes handed to Kafka and not yet acknowledged, at most; default 64 MiB. */
  maxPendingBytes: number;
  /** How long a request waits for Kafka's acknowledgement before a 503, ms; default 10000. */
  appendTimeoutMs: number;
  /** How long appends wait to be combined into one produce request, ms; default 0 (one event-loop turn). */
  lingerMs: number;
  /**
   * `validate` (default): check each event here and answer per event. `raw`: record each
   * request whole on `rawTopic` and answer 202 at once; `sift validate` does the rest.
   */
  mode: 'validate' | 'raw';
  /** Topic of raw requests in raw mode; default `sift.events.raw`. */
  rawTopic: string;
  /** Compression of what the collector produces to Kafka: `none` (default) or `gzip`. */
  kafkaCompression: 'none' | 'gzip';
  /** Lifetime of the Snowplow network user id cookie `sp`, days; default 365. */
  spCookieDays: number;
  /** Domain of the `sp` cookie; default none (the collector's host). */
  spCookieDomain?: string;
  /** SameSite of the `sp` cookie: `None` (default), `Lax` or `Strict`. */
  spCookieSameSite: 'None' | 'Lax' | 'Strict';
  /** Whether the `sp` cookie is `Secure`; default true (browsers need it with SameSite=None). */
  spCookieSecure: boolean;
  /** Domains `GET /r/tp2?u=` may redirect to (and their subdomains); empty (default): redirects off. */
  redirectDomains: string[];
}

const schema: JSONSchemaType<CollectorConfig> = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    registryUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8081' },
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    maxBodyBytes: { type: 'integer', minimum: 1024, default: 1048576 },
    schemaCacheMs: { type: 'integer', minimum: 0, default: 30000 },
    goodTopic: { type: 'string', minLength: 1, default: GOOD_TOPIC },
    badTopic: { type: 'string', minLength: 1, default: BAD_TOPIC },
    corsOrigins: {
      type: 'array',
      items: { type: 'string', pattern: '^(\\*|https?://[^/]+)$' },
      default: [],
    },
    maxBatchEvents: { type: 'integer', minimum: 1, maximum: 100000, default: 500 },
    maxEventBytes: { type: 'integer', minimum: 256, default: 65536 },
    // Past a few thousand levels, recursive work (serializing, validating) exhausts the stack.
    maxEventDepth: { type: 'integer', minimum: 4, maximum: 1000, default: 64 },
    ipAnonymization: { type: 'string', enum: ['none', 'partial', 'full'], default: 'partial' },
    internalDomains: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    geoDatabase: { type: 'string', minLength: 1, nullable: true },
    maxPendingRecords: { type: 'integer', minimum: 1, default: 10000 },
    maxPendingBytes: { type: 'integer', minimum: 1024, default: 67108864 },
    appendTimeoutMs: { type: 'integer', minimum: 1, default: 10000 },
    lingerMs: { type: 'integer', minimum: 0, maximum: 1000, default: 0 },
    mode: { type: 'string', enum: ['validate', 'raw'], default: 'validate' },
    rawTopic: { type: 'string', minLength: 1, default: RAW_TOPIC },
    kafkaCompression: { type: 'string', enum: ['none', 'gzip'], default: 'none' },
    spCookieDays: { type: 'integer', minimum: 0, maximum: 3650, default: 365 },
    spCookieDomain: { type: 'string', pattern: '^\\.?[A-Za-z0-9.-]+$', nullable: true },
    spCookieSameSite: { type: 'string', enum: ['None', 'Lax', 'Strict'], default: 'None' },
    spCookieSecure: { type: 'boolean', default: true },
    redirectDomains: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z0-9.-]+$' },
      default: [],
    },
  },
  required: [
    'port',
    'host',
    'registryUrl',
    'kafkaBrokers',
    'maxBodyBytes',
    'schemaCacheMs',
    'goodTopic',
    'badTopic',
    'corsOrigins',
    'maxBatchEvents',
    'maxEventBytes',
    'maxEventDepth',
    'ipAnonymization',
    'internalDomains',
    'maxPendingRecords',
    'maxPendingBytes',
    'appendTimeoutMs',
    'lingerMs',
    'mode',
    'rawTopic',
    'kafkaCompression',
    'spCookieDays',
    'spCookieSameSite',
    'spCookieSecure',
    'redirectDomains',
  ],
  additionalProperties: false,
};

const fields: EnvMap<CollectorConfig> = {
  port: { env: 'SIFT_COLLECTOR_PORT', type: 'integer' },
  host: { env: 'SIFT_COLLECTOR_HOST', type: 'string' },
  registryUrl: { env: 'SIFT_REGISTRY_URL', type: 'string' },
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  maxBodyBytes: { env: 'SIFT_COLLECTOR_MAX_BODY_BYTES', type: 'integer' },
  schemaCacheMs: { env: 'SIFT_COLLECTOR_SCHEMA_CACHE_MS', type: 'integer' },
  goodTopic: { env: 'SIFT_GOOD_TOPIC', type: 'string' },
  badTopic: { env: 'SIFT_BAD_TOPIC', type: 'string' },
  corsOrigins: { env: 'SIFT_COLLECTOR_CORS_ORIGINS', type: 'list' },
  maxBatchEvents: { env: 'SIFT_COLLECTOR_MAX_BATCH_EVENTS', type: 'integer' },
  maxEventBytes: { env: 'SIFT_COLLECTOR_MAX_EVENT_BYTES', type: 'integer' },
  maxEventDepth: { env: 'SIFT_COLLECTOR_MAX_EVENT_DEPTH', type: 'integer' },
  ipAnonymization: { env: 'SIFT_COLLECTOR_IP_ANONYMIZATION', type: 'string' },
  internalDomains: { env: 'SIFT_COLLECTOR_INTERNAL_DOMAINS', type: 'list' },
  geoDatabase: { env: 'SIFT_COLLECTOR_GEO_DATABASE', type: 'string' },
  maxPendingRecords: { env: 'SIFT_COLLECTOR_MAX_PENDING_RECORDS', type: 'integer' },
  maxPendingBytes: { env: 'SIFT_COLLECTOR_MAX_PENDING_BYTES', type: 'integer' },
  appendTimeoutMs: { env: 'SIFT_COLLECTOR_APPEND_TIMEOUT_MS', type: 'integer' },
  lingerMs: { env: 'SIFT_COLLECTOR_LINGER_MS', type: 'integer' },
  mode: { env: 'SIFT_COLLECTOR_MODE', type: 'string' },
  rawTopic: { env: 'SIFT_RAW_TOPIC', type: 'string' },
  kafkaCompression: { env: 'SIFT_KAFKA_COMPRESSION', type: 'string' },
  spCookieDays: { env: 'SIFT_COLLECTOR_SP_COOKIE_DAYS', type: 'integer' },
  spCookieDomain: { env: 'SIFT_COLLECTOR_SP_COOKIE_DOMAIN', type: 'string' },
  spCookieSameSite: { env: 'SIFT_COLLECTOR_SP_COOKIE_SAMESITE', type: 'string' },
  spCookieSecure: { env: 'SIFT_COLLECTOR_SP_COOKIE_SECURE', type: 'boolean' },
  redirectDomains: { env: 'SIFT_COLLECTOR_REDIRECT_DOMAINS', type: 'list' },
};

/** Reads the collector's config from the environment; throws one error naming every bad variable. */
export function loadCollectorConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<CollectorConfig> {
  return loadConfig(schema, fields, env);
}
