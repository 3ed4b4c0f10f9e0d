import { Client, errors } from '@elastic/elasticsearch';
import { UpstreamError } from '@sift/common';
import type { Verdict } from '@sift/common';
import type { EventStore, IndexOutcome, IndexRequest } from '../../ports';
import { indexTemplate } from './index-templates';

/** How to reach Elasticsearch. */
export interface ElasticsearchEventStoreOptions {
  url: string;
  /** Which daily indices this store writes. */
  verdicts: Verdict[];
  /** First part of template and index names; default `sift`. */
  indexPrefix?: string;
  /** Per-request timeout, ms; default 30000. */
  requestTimeoutMs?: number;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string };
}

/** The event store on Elasticsearch: index templates, then bulk `index` by `_id`. */
export class ElasticsearchEventStore implements EventStore {
  readonly client: Client;

  constructor(private readonly options: ElasticsearchEventStoreOptions) {
    this.client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      maxRetries: 0,
    });
  }

  async prepare(): Promise<void> {
    try {
      for (const verdict of this.options.verdicts) {
        const { name, body } = indexTemplate(verdict, this.options.indexPrefix);
        await this.client.indices.putIndexTemplate({ name, ...body });
      }
    } catch (error) {
      throw this.wrap(error, 'cannot install index templates');
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
