import { ConfigError, isSiftError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { RegistryClient, RegistryConnectionConfig } from '@sift/registry-client';

/** A subject nobody registers: looking it up changes nothing and needs write permission. */
const PROBE_SUBJECT = 'sift.credentials-check';

/**
 * Asks the registry, with the credentials every service of `sift up` uses, a question that
 * needs them whenever auth is on (a `POST` lookup, which changes nothing), and throws a
 * ConfigError naming `SIFT_REGISTRY_USERNAME` / `SIFT_REGISTRY_PASSWORD` when it refuses them:
 * so a platform whose collector would answer every event 503 stops at start instead. A
 * registry that cannot be asked now is only logged; the services retry it.
 */
export async function checkRegistryCredentials(
  client: RegistryClient,
  connection: Readonly<RegistryConnectionConfig>,
  logger: Logger,
): Promise<void> {
  try {
    await client.lookup(PROBE_SUBJECT, '"string"');
  } catch (error) {
    if (!isSiftError(error) || error.code !== 'SIFT_REGISTRY_UNAUTHORIZED') {
      logger.warn({ err: error }, 'could not check the registry credentials at start');
      return;
    }
    const { registryUrl, registryUsername } = connection;
    const status = String(error.details?.['status'] ?? 401);
    throw new ConfigError(
      registryUsername === undefined
        ? `Invalid configuration: the registry at ${registryUrl} requires credentials (${status}): ` +
            'set SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD to one of its users (SIFT_REGISTRY_AUTH_USERS)'
        : `Invalid configuration: the registry at ${registryUrl} refused SIFT_REGISTRY_USERNAME=` +
            `${JSON.stringify(registryUsername)} with its SIFT_REGISTRY_PASSWORD (${status}): ` +
            'set them to one of its users (SIFT_REGISTRY_AUTH_USERS)',
      { cause: error, details: { status } },
    );
  }
}
