import { isSiftError, NotFoundError, UpstreamError } from '@sift/common';
import type { RegistryClient } from '@sift/registry-client';
import type { ResolvedSchema, SchemaMiss, SchemaSource } from '../../ports';

/**
 * Resolves event schemas through the registry client; the subject is the event type. A registry
 * that refuses the client's credentials (401, 403) cannot be asked: that is a retriable
 * `SIFT_REGISTRY_UNAUTHORIZED` saying so, for the operator to fix, never an internal error.
 */
export class RegistrySchemaSource implements SchemaSource {
  constructor(private readonly client: RegistryClient) {}

  async resolve(
    eventType: string,
    version: number | undefined,
  ): Promise<ResolvedSchema | SchemaMiss> {
    try {
      const found = await this.client.version(eventType, version ?? 'latest');
      return {
        id: found.id,
        version: found.version,
        schemaType: found.schemaType,
        schema: found.schema,
        references: await this.client.referencedSchemas(found.references),
      };
    } catch (error) {
      if (error instanceof NotFoundError) {
        return error.code === 'SIFT_REGISTRY_VERSION_NOT_FOUND'
          ? 'unknown_version'
          : 'unknown_event';
      }
      // A version number the registry refuses (42202) can never be found: the sender's mistake.
      if (isSiftError(error) && error.code === 'SIFT_REGISTRY_VERSION_INVALID') {
        return 'unknown_version';
      }
      if (isSiftError(error) && error.code === 'SIFT_REGISTRY_UNAUTHORIZED') {
        throw new UpstreamError(
          'SIFT_REGISTRY_UNAUTHORIZED',
          `The registry refused the collector's registry credentials (${String(error.details?.['status'] ?? 401)}): ` +
            'set SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD to a user of the registry',
          { cause: error, details: error.details },
        );
      }
      throw error;
    }
  }
}
