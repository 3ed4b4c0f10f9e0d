import { NotFoundError } from '@sift/common';
import type { RegistryClient } from '@sift/registry-client';
import type { ResolvedSchema, SchemaMiss, SchemaSource } from '../../ports';

/** Resolves event schemas through the registry client; the subject is the event type. */
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
      throw error;
    }
  }
}
