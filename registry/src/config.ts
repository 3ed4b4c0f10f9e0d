import { loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';
import { compatibilityLevels } from '@sift/validator';
import type { CompatibilityLevel } from '@sift/validator';

/** The registry's settings, from `SIFT_REGISTRY_*` variables. */
export interface RegistryConfig {
  /** TCP port; default 8081, as Confluent's. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host: string;
  /** Where records live: `file` (one instance) or `kafka` (a compacted topic shared by instances). */
  store: 'file' | 'kafka';
  /** The file of the file store. */
  dataFile: string;
  /** Kafka brokers of the kafka store. */
  kafkaBrokers: string[];
  /** The compacted topic of the kafka store; default `_schemas`. */
  topic: string;
  /** Consumer group through which instances elect the leader; default `sift-registry`. */
  groupId: string;
  /** The URL other instances forward writes to; default `http://<host>:<port>`. */
  advertisedUrl?: string;
  /** Whether this instance may lead; default true. */
  leaderEligible: boolean;
  /** How long the others wait for a silent leader before electing another, ms; default 10000. */
  sessionTimeoutMs: number;
  /** Compatibility level when neither subject nor global config sets one; default BACKWARD. */
  defaultCompatibility: CompatibilityLevel;
  /**
   * JSON Schema: refuse a property that becomes required even when it has a default (Confluent
   * accepts it; Sift's validator fills no defaults); default false.
   */
  jsonStrictRequired: boolean;
  /** Largest request body accepted, bytes; default 1 MiB. */
  maxBodyBytes: number;
  /** How long a write forwarded to the leader may take, ms; default 10000. */
  forwardTimeoutMs: number;
  /** `user:password` pairs allowed to write (and read, with `authReads`); empty: no auth. */
  authUsers: string[];
  /** Whether reads need credentials too; default false (reads open). */
  authReads: boolean;
}

const schema: JSONSchemaType<RegistryConfig> = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8081 },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    store: { type: 'string', enum: ['file', 'kafka'], default: 'file' },
    dataFile: { type: 'string', minLength: 1, default: '.sift/registry/schemas.jsonl' },
    kafkaBrokers: {
      type: 'array',
      items: { type: 'string', pattern: '^[^:]+:\\d+$' },
      minItems: 1,
      default: ['127.0.0.1:9092'],
    },
    topic: { type: 'string', minLength: 1, default: '_schemas' },
    groupId: { type: 'string', minLength: 1, default: 'sift-registry' },
    advertisedUrl: { type: 'string', pattern: '^https?://', nullable: true },
    leaderEligible: { type: 'boolean', default: true },
    sessionTimeoutMs: { type: 'integer', minimum: 6000, maximum: 300000, default: 10000 },
    defaultCompatibility: { type: 'string', enum: [...compatibilityLevels], default: 'BACKWARD' },
    jsonStrictRequired: { type: 'boolean', default: false },
    maxBodyBytes: { type: 'integer', minimum: 1024, default: 1048576 },
    forwardTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
    authUsers: { type: 'array', items: { type: 'string', pattern: '^[^:]+:.+$' }, default: [] },
    authReads: { type: 'boolean', default: false },
  },
  required: [
    'port',
    'host',
    'store',
    'dataFile',
    'kafkaBrokers',
    'topic',
    'groupId',
    'leaderEligible',
    'sessionTimeoutMs',
    'defaultCompatibility',
    'jsonStrictRequired',
    'maxBodyBytes',
    'forwardTimeoutMs',
    'authUsers',
    'authReads',
  ],
  additionalProperties: false,
};

const fields: EnvMap<RegistryConfig> = {
  port: { env: 'SIFT_REGISTRY_PORT', type: 'integer' },
  host: { env: 'SIFT_REGISTRY_HOST', type: 'string' },
  store: { env: 'SIFT_REGISTRY_STORE', type: 'string' },
  dataFile: { env: 'SIFT_REGISTRY_DATA_FILE', type: 'string' },
  kafkaBrokers: { env: 'SIFT_KAFKA_BROKERS', type: 'list' },
  topic: { env: 'SIFT_REGISTRY_TOPIC', type: 'string' },
  groupId: { env: 'SIFT_REGISTRY_GROUP_ID', type: 'string' },
  advertisedUrl: { env: 'SIFT_REGISTRY_ADVERTISED_URL', type: 'string' },
  leaderEligible: { env: 'SIFT_REGISTRY_LEADER_ELIGIBLE', type: 'boolean' },
  sessionTimeoutMs: { env: 'SIFT_REGISTRY_SESSION_TIMEOUT_MS', type: 'integer' },
  defaultCompatibility: { env: 'SIFT_REGISTRY_COMPATIBILITY', type: 'string' },
  jsonStrictRequired: { env: 'SIFT_REGISTRY_JSON_STRICT_REQUIRED', type: 'boolean' },
  maxBodyBytes: { env: 'SIFT_REGISTRY_MAX_BODY_BYTES', type: 'integer' },
  forwardTimeoutMs: { env: 'SIFT_REGISTRY_FORWARD_TIMEOUT_MS', type: 'integer' },
  authUsers: { env: 'SIFT_REGISTRY_AUTH_USERS', type: 'list' },
  authReads: { env: 'SIFT_REGISTRY_AUTH_READS', type: 'boolean' },
};

/** Reads the registry's config from the environment; throws one error naming every bad variable. */
export function loadRegistryConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<RegistryConfig> {
  return loadConfig(schema, fields, env);
}
