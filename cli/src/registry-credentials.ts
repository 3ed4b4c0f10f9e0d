import { loadConfig } from '@sift/common';
import type { EnvMap, JSONSchemaType } from '@sift/common';
import type { RegistryConnectionConfig } from '@sift/registry-client';

/** Basic credentials of the commands that take the registry URL from a flag (`schemas`, `codegen`). */
export type RegistryCredentials = Omit<RegistryConnectionConfig, 'registryUrl'>;

const schema: JSONSchemaType<RegistryCredentials> = {
  type: 'object',
  properties: {
    registryUsername: { type: 'string', minLength: 1, nullable: true },
    registryPassword: { type: 'string', minLength: 1, nullable: true },
  },
  required: [],
  additionalProperties: false,
};

const fields: EnvMap<RegistryCredentials> = {
  registryUsername: { env: 'SIFT_REGISTRY_USERNAME', type: 'string' },
  registryPassword: { env: 'SIFT_REGISTRY_PASSWORD', type: 'string' },
};

/** Reads `SIFT_REGISTRY_USERNAME` / `SIFT_REGISTRY_PASSWORD`; pass the result to `registryClientFromConfig`. */
export function loadRegistryCredentials(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<RegistryCredentials> {
  return loadConfig(schema, fields, env);
}
