import { Client } from '@elastic/elasticsearch';
import { DEFAULT_INDEX_PREFIX, UpstreamError } from '@sift/common';
import type { Verdict } from '@sift/common';
import { documentField as field } from '@sift/sinks';
import type { EventCounts, EventFilter, EventPage, EventQuery, StoredEvent } from '../../ports';

/** Where the indices are. */
export interface ElasticsearchEventQueryOptions {
  url: string;
  /** First part of index names; default `sift`. */
  indexPrefix?: string;
  /** A client of the caller's (tests); default one for `url`. */
  client?: Client;
}

function unavailable(error: unknown): UpstreamError {
  return new UpstreamError(
    'SIFT_EVENT_STORE_UNAVAILABLE',
    `Elasticsearch did not answer the query: ${(error as Error).message}`,
    { cause: error },
  );
}

/** The event query over the daily `sift-good-*` and `sift-bad-*` indices (distributed mode). */
export class ElasticsearchEventQuery implements EventQuery {
  private readonly client: Client;
  private readonly prefix: string;

  constructor(options: ElasticsearchEventQueryOptions) {
    this.client = options.client ?? new Client({ node: options.url });
    this.prefix = options.indexPrefix ?? DEFAULT_INDEX_PREFIX;
  }

  private indices(verdict?: Verdict): string {
    const verdicts: Verdict[] = verdict ? [verdict] : ['good', 'bad'];
    return verdicts.map((v) => `${this.prefix}-${v}-*`).join(',');
  }

  private query(filter: EventFilter): Record<string, unknown> {
    const must: Record<string, unknown>[] = [];
    const term = (name: string, value: unknown) => must.push({ term: { [name]: value } });
    if (filter.id !== undefined) term('event.id', filter.id);
    if (filter.eventType !== undefined) term('event.dataset', filter.eventType);
    if (filter.vendor !== undefined)
      must.push({ prefix: { 'event.dataset': `${filter.vendor}.` } });
    if (filter.schemaVersion !== undefined) term('sift.schema_version', filter.schemaVersion);
    if (filter.kind !== undefined) term('failure.kind', filter.kind);
    if (filter.testId !== undefined) term('test_id', filter.testId);
    if (filter.since !== undefined || filter.until !== undefined) {
      must.push({
        range: {
          'event.created': {
            ...(filter.since ? { gte: filter.since.toISOString() } : {}),
            ...(filter.until ? { lt: filter.until.toISOString() } : {}),
          },
        },
      });
    }
    return { bool: { filter: must } };
  }

  private toStoredEvent(hit: { _index: string; _id?: string; _source?: unknown }): StoredEvent {
    const document = (hit._source ?? {}) as Record<string, unknown>;
    const verdict: Verdict = hit._index.startsWith(`${this.prefix}-bad-`) ? 'bad' : 'good';
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const eventType = text(field(document, 'event', 'dataset'));
    const version = field(document, 'sift', 'schema_version');
    const kind = text(field(document, 'failure', 'kind'));
    const testId = text(field(document, 'test_id'));
    return {
      id: hit._id ?? '',
      verdict,
      ...(eventType ? { eventType } : {}),
      ...(typeof version === 'number' ? { schemaVersion: version } : {}),
      ...(kind ? { kind } : {}),
      ...(testId ? { testId } : {}),
      receivedAt: text(field(document, 'event', 'created')) ?? text(document['@timestamp']) ?? '',
      document,
    };
  }

  async list(
    filter: EventFilter,
    page: EventPage = {},
  ): Promise<{ total: number; events: StoredEvent[] }> {
    try {
      const result = await this.client.search({
        index: this.indices(filter.verdict),
        ignore_unavailable: true,
        allow_no_indices: true,
        track_total_hits: true,
        from: page.offset ?? 0,
        size: page.limit ?? 100,
        query: this.query(filter),
        sort: [
          {
            'event.created': {
              order: page.order === 'oldest' ? 'asc' : 'desc',
              unmapped_type: 'date',
            },
          },
        ],
      });
      const total = result.hits.total;
      return {
        total: typeof total === 'number' ? total : (total?.value ?? 0),
        events: result.hits.hits.map((hit) => this.toStoredEvent(hit)),
      };
    } catch (error) {
      throw unavailable(error);
    }
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    return (await this.list({ id }, { limit: 1 })).events[0];
  }

  async counts(filter: EventFilter = {}): Promise<EventCounts> {
    const count = async (verdict: Verdict) => {
      if (filter.verdict !== undefined && filter.verdict !== verdict) return 0;
      try {
        const result = await this.client.count({
          index: this.indices(verdict),
          ignore_unavailable: true,
          allow_no_indices: true,
          query: this.query(filter),
        });
        return result.count;
      } catch (error) {
        throw unavailable(error);
      }
    };
    const [good, bad] = await Promise.all([count('good'), count('bad')]);
    return { total: good + bad, good, bad };
  }

  /** Deletes the daily indices themselves: the integ-test distribution has no delete-by-query. */
  async deleteAll(): Promise<void> {
    try {
      const found = await this.client.indices.get({
        index: this.indices(),
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      const names = Object.keys(found);
      // Named one by one: Elasticsearch refuses wildcard deletes by default.
      if (names.length > 0) await this.client.indices.delete({ index: names.join(',') });
    } catch (error) {
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
