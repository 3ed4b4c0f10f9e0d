import Database from 'better-sqlite3';
import { UpstreamError, ValidationError } from '@sift/common';
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

/** Settings of a `SqliteEventExplorer`. */
export interface SqliteEventExplorerOptions {
  /** The database file the embedded deployment's `SqliteEventStore` (@sift/sinks) writes. */
  file: string;
}

/** SQL that gives the text a bad event's free-text filter searches: messages, payload, event type, id. */
const SEARCHED = `lower(coalesce(json_extract(document, '$.payload'), '') || ' ' ||
  coalesce(json_extract(document, '$.failure.messages'), '') || ' ' ||
  coalesce(event_type, '') || ' ' || id)`;

/** One message per bad event: its distinct error messages, or its kind when it has none. */
const MESSAGES = `(
  SELECT seq, received_ms, event_type, m.value AS message FROM filtered, json_each(filtered.document, '$.failure.messages') AS m
  UNION
  SELECT seq, received_ms, event_type, kind AS message FROM filtered
  WHERE coalesce(json_array_length(filtered.document, '$.failure.messages'), 0) = 0
)`;

function filterSql(filter: BadEventFilter): { sql: string; params: unknown[] } {
  const clauses = ["verdict = 'bad'"];
  const params: unknown[] = [];
  if (filter.since) {
    clauses.push('received_ms >= ?');
    params.push(filter.since.getTime());
  }
  if (filter.until) {
    clauses.push('received_ms < ?');
    params.push(filter.until.getTime());
  }
  if (filter.eventTypes.length > 0) {
    clauses.push(`event_type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
    params.push(...filter.eventTypes);
  }
  if (filter.kinds.length > 0) {
    clauses.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  for (const word of words(filter.text)) {
    clauses.push(`instr(${SEARCHED}, ?) > 0`);
    params.push(word);
  }
  return { sql: clauses.join(' AND '), params };
}

/**
 * The explorer over the embedded deployment's SQLite event database (the `events` table of
 * @sift/sinks' `SqliteEventStore`), through its own connection: filters, paging, counts and
 * the grouping by error message run as SQL, so 100 000 bad events never reach JavaScript.
 * Text search is a case-insensitive substring match.
 */
export class SqliteEventExplorer implements BadEventExplorer, GoodEventExplorer {
  private readonly db: Database.Database;

  constructor(private readonly options: SqliteEventExplorerOptions) {
    try {
      this.db = new Database(options.file, { fileMustExist: true });
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `Cannot open the event database ${options.file}: ${(error as Error).message}`,
        { cause: error, retriable: false },
      );
    }
  }

  private run<T>(what: string, query: () => T): T {
    try {
      return query();
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `The event database ${this.options.file} cannot ${what}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async search(filter: BadEventFilter, page: BadEventPageRequest): Promise<BadEventPage> {
    const { sql, params } = filterSql(filter);
    let keyset = '';
    const keysetParams: unknown[] = [];
    if (page.after !== undefined) {
      const cursor = readPageCursor(page.after);
      const seq = Number(cursor.tieBreaker);
      if (!Number.isSafeInteger(seq)) {
        throw new ValidationError('SIFT_REQUEST_INVALID', `'${page.after}' is not a page cursor`);
      }
      keyset = 'AND (received_ms < ? OR (received_ms = ? AND seq < ?))';
      keysetParams.push(cursor.receivedMs, cursor.receivedMs, seq);
    }
    return this.run('list bad events', () => {
      const total = (
        this.db.prepare(`SELECT count(*) AS n FROM events WHERE ${sql}`).get(...params) as {
          n: number;
        }
      ).n;
      // The page's rows first, by the received-time index alone; only they are read whole.
      // One row more than the page tells whether another page follows.
      const rows = this.db
        .prepare(
          `WITH page AS (
             SELECT seq FROM events WHERE ${sql} ${keyset}
             ORDER BY received_ms DESC, seq DESC LIMIT ? OFFSET ?)
           SELECT e.id AS id, e.seq AS seq, e.received_ms AS received_ms, json_object(
             '@timestamp', json_extract(e.document, '$."@timestamp"'),
             'event', json_extract(e.document, '$.event'),
             'sift', json_extract(e.document, '$.sift'),
             'failure', json_object(
               'kind', e.kind,
               'stage', json_extract(e.document, '$.failure.stage'),
               'errors', json_extract(e.document, '$.failure.errors'))) AS summary
           FROM page JOIN events e ON e.seq = page.seq
           ORDER BY e.received_ms DESC, e.seq DESC`,
        )
        .all(
          ...params,
          ...keysetParams,
          page.size + 1,
          page.after === undefined ? page.offset : 0,
        ) as { id: string; seq: number; received_ms: number; summary: string }[];
      const shown = rows.slice(0, page.size);
      const last = shown[shown.length - 1];
      return {
        total,
        events: shown.map((row) => badSummary(row.id, JSON.parse(row.summary) as BadDocument)),
        ...(rows.length > page.size && last
          ? { next: pageCursor(last.received_ms, last.seq) }
          : {}),
      };
    });
  }

  async groups(
    filter: BadEventFilter,
    options: { limit: number; buckets: number; now: Date },
  ): Promise<BadEventGroups> {
    const { sql, params } = filterSql(filter);
    const { starts, bucketMs } = trendBuckets(filter, options.buckets, options.now);
    const first = starts[0] ?? 0;
    const filtered = `WITH filtered AS (SELECT seq, received_ms, event_type, kind, document FROM events WHERE ${sql}),
      messages AS ${MESSAGES}`;
    return this.run('group bad events', () => {
      const total = (
        this.db.prepare(`SELECT count(*) AS n FROM events WHERE ${sql}`).get(...params) as {
          n: number;
        }
      ).n;
      const rows = this.db
        .prepare(
          `${filtered},
           top AS (SELECT message, count(DISTINCT seq) AS n FROM messages GROUP BY message
                   ORDER BY n DESC, message LIMIT ?)
           SELECT m.message AS message, top.n AS n,
                  CASE WHEN m.received_ms < ? THEN -1 ELSE CAST((m.received_ms - ?) / ? AS INTEGER) END AS bucket, count(DISTINCT m.seq) AS bucket_n,
                  json_group_array(m.event_type) AS types
           FROM messages m JOIN top ON top.message = m.message
           GROUP BY m.message, bucket`,
        )
        .all(...params, options.limit, first, first, bucketMs) as {
        message: string;
        n: number;
        bucket: number;
        bucket_n: number;
        types: string;
      }[];
      const byMessage = new Map<string, BadEventGroup & { typeCounts: Map<string, number> }>();
      for (const row of rows) {
        const group = byMessage.get(row.message) ?? {
          message: row.message,
          count: row.n,
          trend: new Array<number>(options.buckets).fill(0),
          eventTypes: [],
          typeCounts: new Map<string, number>(),
        };
        if (row.bucket >= 0 && row.bucket < options.buckets) {
          group.trend[row.bucket] = row.bucket_n;
        }
        for (const type of JSON.parse(row.types) as (string | null)[]) {
          if (type) group.typeCounts.set(type, (group.typeCounts.get(type) ?? 0) + 1);
        }
        byMessage.set(row.message, group);
      }
      const groups = [...byMessage.values()]
        .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
        .map(({ typeCounts, ...group }) => ({
          ...group,
          eventTypes: [...typeCounts.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            .map(([type]) => type),
        }));
      return {
        total,
        buckets: starts.map((start) => new Date(start).toISOString()),
        bucketMs,
        groups,
      };
    });
  }

  async get(id: string): Promise<BadEvent | undefined> {
    const row = this.run(
      'read a bad event',
      () =>
        this.db
          .prepare(`SELECT id, document FROM events WHERE verdict = 'bad' AND id = ?`)
          .get(id) as { id: string; document: string } | undefined,
    );
    if (!row) return undefined;
    const bad = badEventFromDocument(row.id, JSON.parse(row.document) as BadDocument);
    return typeof bad === 'string' ? undefined : bad;
  }

  async recent(
    filter: { eventTypes: string[] },
    after: string | undefined,
    limit: number,
  ): Promise<{ events: GoodEventView[]; cursor: string | undefined }> {
    const clauses = ["verdict = 'good'"];
    const params: unknown[] = [];
    if (filter.eventTypes.length > 0) {
      clauses.push(`event_type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
      params.push(...filter.eventTypes);
    }
    if (after !== undefined) {
      clauses.push('seq > ?');
      params.push(Number(after) || 0);
    }
    const rows = this.run(
      'list good events',
      () =>
        this.db
          .prepare(
            `SELECT seq, id, document FROM events WHERE ${clauses.join(' AND ')}
             ORDER BY seq ${after === undefined ? 'DESC' : 'ASC'} LIMIT ?`,
          )
          .all(...params, limit) as { seq: number; id: string; document: string }[],
    );
    if (after === undefined) rows.reverse();
    // The cursor is the newest row overall, so an empty first answer still starts from now.
    const newest =
      after === undefined
        ? (this.db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number | null })
            .seq
        : rows[rows.length - 1]?.seq;
    return {
      events: rows.map((row) => goodView(row.id, JSON.parse(row.document) as GoodDocument)),
      cursor: newest === null || newest === undefined ? after : String(newest),
    };
  }

  async counts(filter: { since?: Date }): Promise<{ event: string; count: number }[]> {
    const rows = this.run(
      'count good events',
      () =>
        this.db
          .prepare(
            `SELECT event_type AS event, count(*) AS count FROM events
             WHERE verdict = 'good' AND event_type IS NOT NULL ${filter.since ? 'AND received_ms >= ?' : ''}
             GROUP BY event_type ORDER BY count DESC, event_type`,
          )
          .all(...(filter.since ? [filter.since.getTime()] : [])) as {
          event: string;
          count: number;
        }[],
    );
    return rows;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
