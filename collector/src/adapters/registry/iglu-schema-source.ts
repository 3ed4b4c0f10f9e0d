import type { RegistryClient } from '@sift/registry-client';
import type { IgluSchemaSource, ResolvedSchema, SchemaMiss } from '../../ports';
import { RegistrySchemaSource } from './registry-schema-source';

/** Misses remembered at most; past it the oldest are forgotten. */
const MAX_MISSES = 10_000;

/**
 * Resolves Iglu keys through the registry's own SchemaVer index (its Iglu read API, through
 * `RegistryClient.igluSchema`): exactly the SchemaVer asked for, never a neighbour. A found
 * key is cached for good (a registered version never changes); a miss is remembered for
 * `missTtlMs`, so a stream of events of an unregistered SchemaVer does not ask the registry
 * once each, while a SchemaVer registered later is found soon after.
 */
export class IgluRegistrySchemaSource implements IgluSchemaSource {
  private readonly numbered: RegistrySchemaSource;
  private readonly misses = new Map<string, { miss: SchemaMiss; at: number }>();

  /** `missTtlMs`: how long an unknown event or SchemaVer is remembered; default 1000. */
  constructor(
    private readonly client: RegistryClient,
    private readonly missTtlMs = 1000,
  ) {
    this.numbered = new RegistrySchemaSource(client);
  }

  async resolveIglu(key: {
    vendor: string;
    name: string;
    version: string;
  }): Promise<ResolvedSchema | SchemaMiss> {
    const uri = `iglu:${key.vendor}/${key.name}/jsonschema/${key.version}`;
    const remembered = this.misses.get(uri);
    if (remembered !== undefined && Date.now() - remembered.at < this.missTtlMs) {
      return remembered.miss;
    }
    const found = await this.client.igluSchema(uri);
    if (found !== undefined) return this.numbered.resolve(found.subject, found.version);
    const subject = `${key.vendor}.${key.name}`;
    const miss =
      (await this.client.versions(subject)).length === 0 ? 'unknown_event' : 'unknown_version';
    if (this.misses.size >= MAX_MISSES) this.misses.clear();
    this.misses.set(uri, { miss, at: Date.now() });
    return miss;
  }
}
