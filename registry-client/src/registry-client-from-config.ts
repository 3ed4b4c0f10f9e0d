import { ConfigError } from '@sift/common';
import { RegistryClient } from './registry-client';
import type { RegistryClientOptions } from './registry-client';

/**
 * A service's registry settings: `SIFT_REGISTRY_URL`, and `SIFT_REGISTRY_USERNAME` with
 * `SIFT_REGISTRY_PASSWORD` for a registry with basic auth on.
 */
export interface RegistryConnectionConfig {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  registryUrl: string;
  /** Basic-auth user (`SIFT_REGISTRY_USERNAME`); used together with `registryPassword`. */
  registryUsername?: string;
  /** Basic-auth password (`SIFT_REGISTRY_PASSWORD`); used together with `registryUsername`. */
  registryPassword?: string;
}

/**
 * The registry client every service and command builds from its config: the URL, and the basic
 * credentials when both are set. One of the two without the other is a ConfigError naming the
 * missing variable, so a half-configured service stops at start instead of being refused later.
 */
export function registryClientFromConfig(
  config: Readonly<RegistryConnectionConfig>,
  options: Omit<RegistryClientOptions, 'url' | 'auth'> = {},
): RegistryClient {
  const { registryUsername: username, registryPassword: password } = config;
  if ((username === undefined) !== (password === undefined)) {
    const [missing, given] =
      username === undefined
        ? ['SIFT_REGISTRY_USERNAME', 'SIFT_REGISTRY_PASSWORD']
        : ['SIFT_REGISTRY_PASSWORD', 'SIFT_REGISTRY_USERNAME'];
    throw new ConfigError(
      `Invalid configuration: ${missing} is not set but ${given} is; set both for a registry with auth on, or neither`,
      { details: { problems: [`${missing} is required with ${given}`] } },
    );
  }
  return new RegistryClient({
    ...options,
    url: config.registryUrl,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
  });
}
