import { ValidationError } from '@sift/common';
import type { RegistryClient } from '@sift/registry-client';
import type { CodegenSchemaSource, ResolvedSchema } from '../../ports';

/** Schemas from a registry through the registry client; the subject is the event type. */
export class RegistryCodegenSource implements CodegenSchemaSource {
  constructor(private readonly client: RegistryClient) {}

  async eventTypes(): Promise<string[]> {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      'With --registry, name the event types to generate: --events com.acme.page_view,com.acme.signup',
    );
  }

  async resolve(eventType: string, version: number | 'latest'): Promise<ResolvedSchema> {
    const found = await this.client.version(eventType, version);
    return {
      eventType,
      version: found.version,
      schemaType: found.schemaType === 'JSON' ? 'JSON' : 'AVRO',
      schema: found.schema,
      references: await this.client.referencedSchemas(found.references),
      schemaId: found.id,
    };
  }
}
