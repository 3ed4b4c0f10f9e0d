import { loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';

/** The registry's settings, from `SIFT_REGISTRY_*` variables. */
export interface RegistryConfig {
  /** TCP port; default 8081, as Confluent's. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host: string;
  /** File that holds the registry's records in the embedded deployment. */
  dataFile: string;
  /** Largest request body accepted, bytes; default 1 MiB. */
  maxBodyBytes: number;
}

const schema: JSONSchemaType<RegistryConfig> = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8081 },
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    dataFile: { type: 'string', minLength: 1, default: '.sift/registry/schemas.jsonl' },
    maxBodyBytes: { type: 'integer', minimum: 1024, default: 1048576 },
  },
  required: ['port', 'host', 'dataFile', 'maxBodyBytes'],
  additionalProperties: false,
};

const fields: EnvMap<RegistryConfig> = {
  port: { env: 'SIFT_REGISTRY_PORT', type: 'integer' },
  host: { env: 'SIFT_REGISTRY_HOST', type: 'string' },
  dataFile: { env: 'SIFT_REGISTRY_DATA_FILE', type: 'string' },
  maxBodyBytes: { env: 'SIFT_REGISTRY_MAX_BODY_BYTES', type: 'integer' },
};

/** Reads the registry's config from the environment; throws one error naming every bad variable. */
export function loadRegistryConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<RegistryConfig> {
  return loadConfig(schema, fields, env);
}
