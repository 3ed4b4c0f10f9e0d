import { NotFoundError } from '@sift/common';
import type { CodegenSchemaSource, ResolvedSchema } from '../../ports';

/** Schemas already read (an Iglu-layout folder, tests), by event type and version. */
export class MemoryCodegenSource implements CodegenSchemaSource {
  private readonly byType = new Map<string, ResolvedSchema[]>();

  constructor(schemas: readonly ResolvedSchema[]) {
    for (const schema of schemas) {
      const versions = this.byType.get(schema.eventType) ?? [];
      versions.push(schema);
      this.byType.set(schema.eventType, versions);
    }
    for (const versions of this.byType.values()) versions.sort((a, b) => a.version - b.version);
  }

  eventTypes(): Promise<string[]> {
    return Promise.resolve([...this.byType.keys()].sort());
  }

  resolve(eventType: string, version: number | 'latest'): Promise<ResolvedSchema> {
    const versions = this.byType.get(eventType) ?? [];
    const found =
      version === 'latest'
        ? versions[versions.length - 1]
        : versions.find((schema) => schema.version === version);
    if (!found) {
      return Promise.reject(
        new NotFoundError(
          versions.length === 0
            ? 'SIFT_REGISTRY_SUBJECT_NOT_FOUND'
            : 'SIFT_REGISTRY_VERSION_NOT_FOUND',
          versions.length === 0
            ? `No schema for ${eventType}`
            : `${eventType} has no version ${version}`,
        ),
      );
    }
    return Promise.resolve(found);
  }
}
