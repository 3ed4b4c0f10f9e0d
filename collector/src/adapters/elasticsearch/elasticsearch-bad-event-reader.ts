import { Client } from '@elastic/elasticsearch';
import { DEFAULT_INDEX_PREFIX, UpstreamError } from '@sift/common';
import type { BadEvent, BadEventKind, BadEventStage, ValidationIssue } from '@sift/common';
import type { BadEventQuery, BadEventReader, ReadBadEvent } from '../../recovery/bad-event-reader';

/** How to reach the bad indices. */
export interface ElasticsearchBadEventReaderOptions {
  url: string;
  /** First part of index names; default `sift`: reads `<prefix>-bad-*`. */
  indexPrefix?: string;
  /** Documents per search request; default 500. */
  pageSize?: number;
  /** Per-request timeout, ms; default 30000. */
  requestTimeoutMs?: number;
  /** The clock; default `new Date()`. Without `until`, reading stops at the start time. */
  now?: () => Date;
}

/** A bad-index document as the bad sink writes it (sinks' `badDocument`). */
interface BadDocument {
  '@timestamp'?: string;
  event?: { id?: string; dataset?: string };
  sift?: { schema_version?: number };
  user_agent?: { original?: string };
  client?: { ip?: string };
  failure?: { kind?: string; stage?: string; endpoint?: string; errors?: ValidationIssue[] };
  payload?: string;
}

interface Hit {
  _index: string;
  _id?: string;
  _source?: BadDocument;
  sort?: (string | number | null)[];
}

/** The bad event a bad-index document was made from, or why it cannot be one. */
export function badEventFromDocument(id: string, doc: BadDocument): BadEvent | string {
  const kind = doc.failure?.kind;
  if (typeof kind !== 'string' || kind === '') return 'no failure.kind';
  if (typeof doc.payload !== 'string') return 'no payload';
  const receivedAt = doc['@timestamp'];
  if (typeof receivedAt !== 'string') return 'no @timestamp';
  return {
    id: doc.event?.id ?? id,
    received_at: receivedAt,
    stage: (doc.failure?.stage ?? 'collector') as BadEventStage,
    kind: kind as BadEventKind,
    ...(doc.event?.dataset ? { event: doc.event.dataset } : {}),
    ...(typeof doc.sift?.schema_version === 'number' ? { version: doc.sift.schema_version } : {}),
    errors: doc.failure?.errors ?? [],
    payload: doc.payload,
    source: {
      endpoint: doc.failure?.endpoint ?? '',
      ...(doc.client?.ip ? { ip: doc.client.ip } : {}),
      ...(doc.user_agent?.original ? { user_agent: doc.user_agent.original } : {}),
    },
  };
}

/**
 * Reads bad events from the bad indices `<prefix>-bad-*` with one filtered query (event
 * type, kind, `@timestamp` range), sorted by `@timestamp` and `event.id` and paged with
 * `search_after`. Without `until` it reads what was received before it started, so bad
 * events indexed meanwhile never keep it going.
 */
export class ElasticsearchBadEventReader implements BadEventReader {
  private readonly client: Client;
  private readonly index: string;
  private readonly pageSize: number;
  private readonly now: () => Date;

  constructor(private readonly options: ElasticsearchBadEventReaderOptions) {
    this.client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      maxRetries: 0,
    });
    this.index = `${options.indexPrefix ?? DEFAULT_INDEX_PREFIX}-bad-*`;
    this.pageSize = options.pageSize ?? 500;
    this.now = options.now ?? (() => new Date());
  }

  async *read(query: BadEventQuery): AsyncIterable<ReadBadEvent> {
    const until = query.until ?? this.now();
    const filter: Record<string, unknown>[] = [
      { terms: { 'failure.kind': query.kinds } },
      {
        range: {
          '@timestamp': {
            ...(query.since ? { gte: query.since.toISOString() } : {}),
            lt: until.toISOString(),
          },
        },
      },
    ];
    if (query.eventTypes.length > 0) filter.push({ terms: { 'event.dataset': query.eventTypes } });
    let after: (string | number | null)[] | undefined;
    for (;;) {
      const hits = await this.search(filter, after);
      for (const hit of hits) {
        const parsed = badEventFromDocument(hit._id ?? '', hit._source ?? {});
        yield typeof parsed === 'string'
          ? { unreadable: `${hit._index}/${hit._id ?? '?'}`, reason: parsed }
          : { bad: parsed };
      }
      const last = hits[hits.length - 1];
      if (hits.length < this.pageSize || !last?.sort) return;
      after = last.sort;
    }
  }

  private async search(
    filter: Record<string, unknown>[],
    after: (string | number | null)[] | undefined,
  ): Promise<Hit[]> {
    try {
      const answer = await this.client.search<BadDocument>({
        index: this.index,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: this.pageSize,
        track_total_hits: false,
        query: { bool: { filter } },
        sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
      return answer.hits.hits as Hit[];
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `Elasticsearch at ${this.options.url}: cannot search ${this.index}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
