import { Client, errors } from '@elastic/elasticsearch';
import { ConflictError, UpstreamError } from '@sift/common';
import type { Verdict } from '@sift/common';
import { mergeIndexFields } from '@sift/validator';
import type { IndexField } from '@sift/validator';
import type { EventStore, IndexOutcome, IndexRequest, MappedRoot } from '../../ports';
import { indexTemplate, templateName } from './index-templates';

/** How to reach Elasticsearch. */
export interface ElasticsearchEventStoreOptions {
  url: string;
  /** Which daily indices this store writes. */
  verdicts: Verdict[];
  /** First part of template and index names; default `sift`. */
  indexPrefix?: string;
  /** Per-request timeout, ms; default 30000. */
  requestTimeoutMs?: number;
  /** A client to use instead of one built from `url` (tests). */
  client?: Client;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

function errorType(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body = error.body as { error?: { type?: string } } | undefined;
  return body?.error?.type;
}

/**
 * The event store on Elasticsearch: index templates, then bulk `index` by `_id`. The good
 * template maps `data.<event_type>` and `entities.<vendor_name>` from the schemas the sink has
 * met, learned again from the installed template at start so that every sink instance adds to
 * what the others found.
 */
export class ElasticsearchEventStore implements EventStore {
  readonly client: Client;
  private readonly prefix: string | undefined;
  private readonly fields: Record<MappedRoot, Map<string, IndexField>> = {
    data: new Map(),
    entities: new Map(),
  };

  constructor(private readonly options: ElasticsearchEventStoreOptions) {
    this.prefix = options.indexPrefix;
    this.client =
      options.client ??
      new Client({
        node: options.url,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        maxRetries: 0,
      });
  }

  async prepare(): Promise<void> {
    try {
      for (const verdict of this.options.verdicts) {
        if (verdict === 'good') {
          await this.learnInstalledDataFields();
          await this.putGoodTemplate();
        } else {
          const { name, body } = indexTemplate(verdict, this.prefix);
          await this.client.indices.putIndexTemplate({ name, ...body });
        }
      }
    } catch (error) {
      throw this.wrap(error, 'cannot install index templates');
    }
  }

  /** The `data.<key>` fields the good template maps now, as far as this store knows. */
  get dataMapping(): Record<string, IndexField> {
    return Object.fromEntries(this.fields.data);
  }

  /** The `entities.<key>` fields the good template maps now, as far as this store knows. */
  get entityMapping(): Record<string, IndexField> {
    return Object.fromEntries(this.fields.entities);
  }

  async ensureDataMapping(
    index: string,
    key: string,
    field: IndexField,
    under: MappedRoot = 'data',
  ): Promise<void> {
    let merged: IndexField;
    const path = `${under}.${key}`;
    try {
      await this.learnInstalledDataFields();
      const fields = this.fields[under];
      const known = fields.get(key);
      merged = known ? mergeIndexFields(known, field) : field;
      if (JSON.stringify(merged) !== JSON.stringify(known)) {
        // Recorded only once the template holds it: after a failed PUT the next call tries again.
        // A template Elasticsearch refuses (400, e.g. a field limit) must not stop indexing:
        // the day's index still gets the field below, and later indices through a later PUT.
        const grown = { ...Object.fromEntries(fields), [key]: merged };
        const refused = await this.putGoodTemplate(
          under === 'data' ? grown : this.dataMapping,
          under === 'entities' ? grown : this.entityMapping,
        ).then(
          () => false,
          (error: unknown) => {
            if (error instanceof errors.ResponseError && error.statusCode === 400) return true;
            throw error;
          },
        );
        if (!refused) fields.set(key, merged);
      }
      await this.client.indices.create({ index }).catch((error: unknown) => {
        if (errorType(error) !== 'resource_already_exists_exception') throw error;
      });
    } catch (error) {
      throw this.wrap(error, `cannot map ${path} in ${index}`);
    }
    try {
      await this.client.indices.putMapping({
        index,
        properties: { [under]: { properties: { [key]: merged } } },
      } as Parameters<Client['indices']['putMapping']>[0]);
    } catch (error) {
      // Only the index's existing mapping can refuse the schema for good; other failures pass.
      if (error instanceof errors.ResponseError && error.statusCode === 400) {
        throw new ConflictError(
          'SIFT_INDEX_MAPPING_CONFLICT',
          `${index} cannot map ${path} as the schema asks: ${error.message}`,
          { cause: error, details: { index, key: path } },
        );
      }
      throw this.wrap(error, `cannot map ${path} in ${index}`);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.cluster.health({ timeout: '1s' }, { requestTimeout: 2_000 });
      return true;
    } catch {
      return false;
    }
  }

  async index(requests: IndexRequest[]): Promise<IndexOutcome[]> {
    if (requests.length === 0) return [];
    let items: Record<string, BulkItem>[];
    try {
      const answer = await this.client.bulk({
        operations: requests.flatMap(({ index, id, document }) => [
          { index: { _index: index, _id: id } },
          document,
        ]),
      });
      items = answer.items as unknown as Record<string, BulkItem>[];
    } catch (error) {
      throw this.wrap(error, `bulk request of ${requests.length} documents failed`);
    }
    return items.map((entry): IndexOutcome => {
      const item = Object.values(entry)[0] as BulkItem;
      if (item.status >= 200 && item.status < 300) return { status: 'indexed' };
      const reason = `${item.status} ${item.error?.type ?? ''}: ${item.error?.reason ?? 'no reason given'}`;
      return item.status === 429 || item.status >= 500
        ? { status: 'retry', reason }
        : { status: 'rejected', reason };
    });
  }

  /** Adds the event-type and entity fields of the installed good template (other sinks may have added some). */
  private async learnInstalledDataFields(): Promise<void> {
    const name = templateName('good', this.prefix);
    const answer = await this.client.indices.getIndexTemplate({ name }).catch((error: unknown) => {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw error;
    });
    const properties = answer?.index_templates[0]?.index_template.template?.mappings?.properties;
    for (const under of ['data', 'entities'] as const) {
      const installed = properties?.[under] as
        { properties?: Record<string, IndexField> } | undefined;
      const fields = this.fields[under];
      for (const [key, field] of Object.entries(installed?.properties ?? {})) {
        const known = fields.get(key);
        fields.set(key, known ? mergeIndexFields(field, known) : field);
      }
    }
  }

  private async putGoodTemplate(
    data: Record<string, IndexField> = this.dataMapping,
    entities: Record<string, IndexField> = this.entityMapping,
  ): Promise<void> {
    const { name, body } = indexTemplate('good', this.prefix, data, entities);
    await this.client.indices.putIndexTemplate({ name, ...body });
  }

  private wrap(error: unknown, what: string): UpstreamError {
    const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
    return new UpstreamError(
      'SIFT_EVENT_STORE_UNAVAILABLE',
      `Elasticsearch at ${this.options.url}: ${what}: ${(error as Error).message}`,
      {
        cause: error,
        details: { status },
      },
    );
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
