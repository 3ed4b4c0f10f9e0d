import { BAD_TOPIC, DEFAULT_INDEX_PREFIX, GOOD_TOPIC, loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';
import { RAW_TOPIC } from './raw-record';

/** Settings of `sift recover`, from `SIFT_*` variables. */
export interface RecoveryConfig {
  /** Kafka bootstrap brokers, comma-separated; default 127.0.0.1:9092. */
  kafkaBrokers: string[];
  /** Registry base URL; default http://127.0.0.1:8081. */
  registryUrl: string;
  /** Basic-auth user for a registry with auth on; set with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password for a registry with auth on; set with `registryUsername`. */
  registryPassword?: string;
  /** Elasticsearch base URL, for `--from index`; default http://127.0.0.1:9200. */
  elasticsearchUrl: string;
  /** Topic recovered events go to; default `sift.events.good`. */
  goodTopic: string;
  /** Topic bad events are read from with `--from topic`; default `sift.events.bad`. */
  badTopic: string;
  /** First part of index names: `--from index` reads `<prefix>-bad-*`; default `sift`. */
  indexPrefix: string;
  /** Referrer domains that count as the site itself, as the collector has them. */
  internalDomains: string[];
}

/** Settings of `sift validate`, the validation stream stage, from `SIFT_*` variables. */
export interface ValidateStageConfig {
  kafkaBrokers: string[];
  registryUrl: string;
  /** Basic-auth user for a registry with auth on; set with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password for a registry with auth on; set with `registryUsername`. */
  registryPassword?: string;
  /** Topic of raw request bodies; default `sift.events.raw`. */
  rawTopic: string;
  goodTopic: string;
  badTopic: string;
  /** Consumer group on the raw topic; default `sift-validate`. */
  groupId: string;
  /** Port of /healthz and /metrics; default 8085. */
  port: number;
  host: string;
  /** How long a `latest` schema answer is reused, ms; default 30000. */
  schemaCacheMs: number;
  /** How much of client addresses is kept, as the collector does it; default `partial`. */
  ipAnonymization: 'none' | 'partial' | 'full';
  /** Referrer domains that count as the site itself, as the collector has them. */
  internalDomains: string[];
  /** A MaxMind-format city database (.mmdb) for geo enrichment; none by default. */
  geoDatabase?: string;
}

const recoverySchema: JSONSchemaType<RecoveryConfig> = {
  type: 'object',
  properties: {
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    registryUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8081' },
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
    elasticsearchUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:9200' },
    goodTopic: { type: 'string', minLength: 1, default: GOOD_TOPIC },
    badTopic: { type: 'string', minLength: 1, default: BAD_TOPIC },
    indexPrefix: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      default: DEFAULT_INDEX_PREFIX,
    },
    internalDomains: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
  },
  required: [
    'kafkaBrokers',
    'registryUrl',
    'elasticsearchUrl',
    'goodTopic',
    'badTopic',
    'indexPrefix',
    'internalDomains',
  ],
  additionalProperties: false,
};

const recoveryFields: EnvMap<RecoveryConfig> = {
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  registryUrl: { env: 'SIFT_REGISTRY_URL', type: 'string' },
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
  elasticsearchUrl: { env: 'SIFT_ELASTICSEARCH_URL', type: 'string' },
  goodTopic: { env: 'SIFT_GOOD_TOPIC', type: 'string' },
  badTopic: { env: 'SIFT_BAD_TOPIC', type: 'string' },
  indexPrefix: { env: 'SIFT_INDEX_PREFIX', type: 'string' },
  internalDomains: { env: 'SIFT_COLLECTOR_INTERNAL_DOMAINS', type: 'list' },
};

const validateSchema: JSONSchemaType<ValidateStageConfig> = {
  type: 'object',
  properties: {
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    registryUrl: { type: 'string', pattern: '^https?://', default: 'http://127.0.0.1:8081' },
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
    rawTopic: { type: 'string', minLength: 1, default: RAW_TOPIC },
    goodTopic: { type: 'string', minLength: 1, default: GOOD_TOPIC },
    badTopic: { type: 'string', minLength: 1, default: BAD_TOPIC },
    groupId: { type: 'string', minLength: 1, default: 'sift-validate' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8085 },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    schemaCacheMs: { type: 'integer', minimum: 0, default: 30000 },
    ipAnonymization: { type: 'string', enum: ['none', 'partial', 'full'], default: 'partial' },
    internalDomains: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    geoDatabase: { type: 'string', minLength: 1, nullable: true },
  },
  required: [
    'kafkaBrokers',
    'registryUrl',
    'rawTopic',
    'goodTopic',
    'badTopic',
    'groupId',
    'port',
    'host',
    'schemaCacheMs',
    'ipAnonymization',
    'internalDomains',
  ],
  additionalProperties: false,
};

const validateFields: EnvMap<ValidateStageConfig> = {
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  registryUrl: { env: 'SIFT_REGISTRY_URL', type: 'string' },
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
  rawTopic: { env: 'SIFT_RAW_TOPIC', type: 'string' },
  goodTopic: { env: 'SIFT_GOOD_TOPIC', type: 'string' },
  badTopic: { env: 'SIFT_BAD_TOPIC', type: 'string' },
  groupId: { env: 'SIFT_VALIDATE_GROUP_ID', type: 'string' },
  port: { env: 'SIFT_VALIDATE_PORT', type: 'integer' },
  host: { env: 'SIFT_VALIDATE_HOST', type: 'string' },
  schemaCacheMs: { env: 'SIFT_VALIDATE_SCHEMA_CACHE_MS', type: 'integer' },
  // Enrichment is configured once for the collector and the stages that validate in its stead.
  ipAnonymization: { env: 'SIFT_COLLECTOR_IP_ANONYMIZATION', type: 'string' },
  internalDomains: { env: 'SIFT_COLLECTOR_INTERNAL_DOMAINS', type: 'list' },
  geoDatabase: { env: 'SIFT_COLLECTOR_GEO_DATABASE', type: 'string' },
};

/** Reads `sift recover`'s config from the given environment; throws one error naming every bad variable. */
export function loadRecoveryConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<RecoveryConfig> {
  return loadConfig(recoverySchema, recoveryFields, env);
}

/** Reads `sift validate`'s config from the given environment; throws one error naming every bad variable. */
export function loadValidateStageConfig(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<ValidateStageConfig> {
  return loadConfig(validateSchema, validateFields, env);
}
