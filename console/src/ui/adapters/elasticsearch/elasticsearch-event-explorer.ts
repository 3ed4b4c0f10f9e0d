import { Client } from '@elastic/elasticsearch';
import { DEFAULT_INDEX_PREFIX, UpstreamError, ValidationError } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { badEventFromDocument } from '@sift/collector';
import {
  badSummary,
  goodView,
  pageCursor,
  readPageCursor,
  trendBuckets,
  words,
} from '../../documents';
import type { BadDocument, GoodDocument } from '../../documents';
import type {
  BadEventExplorer,
  BadEventFilter,
  BadEventGroup,
  BadEventGroups,
  BadEventPage,
  BadEventPageRequest,
  GoodEventExplorer,
  GoodEventView,
} from '../../ports';
import { advanceLiveCursor, liveSearch, readLiveCursor, writeLiveCursor } from './live-cursor';

/** How to reach the indices. */
export interface ElasticsearchEventExplorerOptions {
  url: string;
  /** First part of index names; default `sift`: reads `<prefix>-bad-*` and `<prefix>-good-*`. */
  indexPrefix?: string;
  /** Per-request timeout, ms; default 10000. */
  requestTimeoutMs?: number;
}

/** Elasticsearch's default `index.max_result_window`: from + size may not pass it. */
const MAX_RESULT_WINDOW = 10_000;

interface TermsBucket {
  key: string;
  doc_count: number;
}

interface MessageBucket extends TermsBucket {
  trend: { buckets: { key: number; doc_count: number }[] };
  types: { buckets: TermsBucket[] };
}

/**
 * The explorer over the daily indices: filters, paging, counts and the grouping by error
 * message (a terms aggregation on `failure.messages` with a date histogram inside) all run
 * in Elasticsearch.
 */
export class ElasticsearchEventExplorer implements BadEventExplorer, GoodEventExplorer {
  private readonly client: Client;
  private readonly badIndex: string;
  private readonly goodIndex: string;

  constructor(private readonly options: ElasticsearchEventExplorerOptions) {
    this.client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      maxRetries: 0,
    });
    const prefix = options.indexPrefix ?? DEFAULT_INDEX_PREFIX;
    this.badIndex = `${prefix}-bad-*`;
    this.goodIndex = `${prefix}-good-*`;
  }

  private badQuery(filter: BadEventFilter): Record<string, unknown> {
    const clauses: Record<string, unknown>[] = [];
    if (filter.since || filter.until) {
      clauses.push({
        range: {
          '@timestamp': {
            ...(filter.since ? { gte: filter.since.toISOString() } : {}),
            ...(filter.until ? { lt: filter.until.toISOString() } : {}),
          },
        },
      });
    }
    if (filter.eventTypes.length > 0)
      clauses.push({ terms: { 'event.dataset': filter.eventTypes } });
    if (filter.kinds.length > 0) clauses.push({ terms: { 'failure.kind': filter.kinds } });
    const must = words(filter.text).map((word) => ({
      bool: {
        should: [
          { match: { payload: { query: word, operator: 'and' } } },
          { match: { 'failure.messages.text': { query: word, operator: 'and' } } },
          { wildcard: { 'event.dataset': { value: `*${word}*`, case_insensitive: true } } },
          { term: { 'event.id': word } },
        ],
        minimum_should_match: 1,
      },
    }));
    return { bool: { filter: clauses, must } };
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `Elasticsearch at ${this.options.url}: cannot ${what}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async search(filter: BadEventFilter, page: BadEventPageRequest): Promise<BadEventPage> {
    if (page.after === undefined && page.offset + page.size > MAX_RESULT_WINDOW) {
      throw new ValidationError(
        'SIFT_REQUEST_INVALID',
        `Offsets reach the newest ${MAX_RESULT_WINDOW} matching bad events; page on with the cursor (after) or narrow the filter`,
      );
    }
    const cursor = page.after === undefined ? undefined : readPageCursor(page.after);
    // One hit more than the page tells whether another page follows.
    const answer = await this.call('search the bad indices', () =>
      this.client.search<BadDocument>({
        index: this.badIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        ...(cursor
          ? { search_after: [cursor.receivedMs, cursor.tieBreaker] }
          : { from: page.offset }),
        size: page.size + 1,
        track_total_hits: true,
        query: this.badQuery(filter),
        sort: [{ '@timestamp': 'desc' }, { 'event.id': 'desc' }],
        _source: ['@timestamp', 'event', 'sift', 'failure.kind', 'failure.stage', 'failure.errors'],
      }),
    );
    const total = answer.hits.total;
    const hits = answer.hits.hits.slice(0, page.size);
    const last = hits[hits.length - 1];
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      events: hits.map((hit) => badSummary(hit._id ?? '', hit._source ?? {})),
      ...(answer.hits.hits.length > page.size && last?.sort
        ? { next: pageCursor(Number(last.sort[0]), String(last.sort[1])) }
        : {}),
    };
  }

  async groups(
    filter: BadEventFilter,
    options: { limit: number; buckets: number; now: Date },
  ): Promise<BadEventGroups> {
    const { starts, bucketMs } = trendBuckets(filter, options.buckets, options.now);
    const first = starts[0] ?? 0;
    const last = (starts[starts.length - 1] ?? 0) + bucketMs - 1;
    const trend = {
      date_histogram: {
        field: '@timestamp',
        fixed_interval: `${bucketMs}ms`,
        offset: `${((first % bucketMs) + bucketMs) % bucketMs}ms`,
        min_doc_count: 0,
        // No hard_bounds: it empties the last bucket; buckets outside the range are dropped below.
        extended_bounds: { min: first, max: last },
      },
    };
    const types = { terms: { field: 'event.dataset', size: 5 } };
    const answer = await this.call('group the bad indices', () =>
      this.client.search({
        index: this.badIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        track_total_hits: true,
        query: this.badQuery(filter),
        aggs: {
          messages: {
            terms: { field: 'failure.messages', size: options.limit },
            aggs: { trend, types },
          },
          // Bad events without any error message (such as an unknown event type) group by kind.
          unexplained: {
            missing: { field: 'failure.messages' },
            aggs: {
              kinds: {
                terms: { field: 'failure.kind', size: options.limit },
                aggs: { trend, types },
              },
            },
          },
        },
      }),
    );
    const aggs = answer.aggregations as
      | {
          messages?: { buckets: MessageBucket[] };
          unexplained?: { kinds: { buckets: MessageBucket[] } };
        }
      | undefined;
    const toGroup = (bucket: MessageBucket): BadEventGroup => {
      const counts = new Array<number>(options.buckets).fill(0);
      for (const slot of bucket.trend.buckets) {
        const index = Math.round((slot.key - first) / bucketMs);
        if (index >= 0 && index < options.buckets) counts[index] = slot.doc_count;
      }
      return {
        message: String(bucket.key),
        count: bucket.doc_count,
        trend: counts,
        eventTypes: bucket.types.buckets.map((type) => String(type.key)),
      };
    };
    const groups = [
      ...(aggs?.messages?.buckets ?? []).map(toGroup),
      ...(aggs?.unexplained?.kinds.buckets ?? []).map(toGroup),
    ]
      .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
      .slice(0, options.limit);
    const total = answer.hits.total;
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      buckets: starts.map((start) => new Date(start).toISOString()),
      bucketMs,
      groups,
    };
  }

  async get(id: string): Promise<BadEvent | undefined> {
    const answer = await this.call('read a bad event', () =>
      this.client.search<BadDocument>({
        index: this.badIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 1,
        query: { term: { 'event.id': id } },
      }),
    );
    const hit = answer.hits.hits[0];
    if (!hit) return undefined;
    const bad = badEventFromDocument(hit._id ?? id, hit._source ?? {});
    return typeof bad === 'string' ? undefined : bad;
  }

  /**
   * Good events by `event.created` (when the collector received them): Elasticsearch keeps no
   * arrival order, so a recovered event, which keeps its first received time, shows in the
   * counts but not among the newest arrivals. After a cursor, asks again from `LATE_MS` before
   * the newest created time sent and leaves out the ids already sent (`live-cursor.ts`).
   */
  async recent(
    filter: { eventTypes: string[] },
    after: string | undefined,
    limit: number,
  ): Promise<{ events: GoodEventView[]; cursor: string | undefined }> {
    const clauses: object[] =
      filter.eventTypes.length > 0 ? [{ terms: { 'event.dataset': filter.eventTypes } }] : [];
    const previous = readLiveCursor(after);
    const order = previous === undefined ? 'desc' : 'asc';
    const search = previous === undefined ? undefined : liveSearch(previous, limit);
    if (search) clauses.push({ range: { 'event.created': { gte: search.from } } });
    const answer = await this.call('search the good indices', () =>
      this.client.search<GoodDocument>({
        index: this.goodIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: Math.min(search?.size ?? limit, MAX_RESULT_WINDOW),
        query: { bool: { filter: clauses } },
        sort: [{ 'event.created': order }, { 'event.id': order }],
      }),
    );
    const hits = previous === undefined ? [...answer.hits.hits].reverse() : answer.hits.hits;
    const byId = new Map(hits.map((hit) => [String(hit.sort?.[1] ?? hit._id ?? ''), hit]));
    const { fresh, cursor } = advanceLiveCursor(
      previous,
      [...byId].map(([id, hit]) => ({ id, created: Number(hit.sort?.[0] ?? 0) })),
      limit,
    );
    return {
      events: fresh.flatMap(({ id }) => {
        const hit = byId.get(id);
        return hit ? [goodView(hit._id ?? '', hit._source ?? {})] : [];
      }),
      cursor: cursor === undefined ? after : writeLiveCursor(cursor),
    };
  }

  async counts(filter: { since?: Date }): Promise<{ event: string; count: number }[]> {
    const answer = await this.call('count the good indices', () =>
      this.client.search({
        index: this.goodIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        query: filter.since
          ? { range: { 'event.created': { gte: filter.since.toISOString() } } }
          : { match_all: {} },
        aggs: { types: { terms: { field: 'event.dataset', size: 200 } } },
      }),
    );
    const buckets =
      (answer.aggregations as { types?: { buckets: TermsBucket[] } } | undefined)?.types?.buckets ??
      [];
    return buckets.map((bucket) => ({ event: String(bucket.key), count: bucket.doc_count }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
