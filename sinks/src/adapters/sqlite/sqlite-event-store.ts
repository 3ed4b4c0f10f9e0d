import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { UpstreamError } from '@sift/common';
import type { Verdict } from '@sift/common';
import { documentField } from '../../domain/documents';
import type { EventStore, IndexOutcome, IndexRequest } from '../../ports';
import type { EventCounts, EventFilter, EventPage, EventQuery, StoredEvent } from '../../query';

/** Settings of a `SqliteEventStore`. */
export interface SqliteEventStoreOptions {
  /** The database file (created with its folder), or `:memory:`. */
  file: string;
  /** Oldest events are deleted past this many; default 100000. */
  maxEvents?: number;
  /** Events received longer ago are deleted, ms; default 7 days. */
  maxAgeMs?: number;
  /** How often the age bound is applied besides at each write, ms; default 60000. */
  retentionCheckMs?: number;
  now?: () => number;
}

interface Row {
  id: string;
  verdict: Verdict;
  event_type: string | null;
  schema_version: number | null;
  kind: string | null;
  test_id: string | null;
  received_ms: number;
  document: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  verdict TEXT NOT NULL,
  id TEXT NOT NULL,
  event_type TEXT,
  schema_version INTEGER,
  kind TEXT,
  test_id TEXT,
  received_ms INTEGER NOT NULL,
  index_name TEXT NOT NULL,
  document TEXT NOT NULL,
  UNIQUE (verdict, id)
);
CREATE INDEX IF NOT EXISTS events_id ON events (id);
CREATE INDEX IF NOT EXISTS events_type ON events (event_type, seq);
CREATE INDEX IF NOT EXISTS events_test_id ON events (test_id, seq);
CREATE INDEX IF NOT EXISTS events_received ON events (received_ms);
CREATE INDEX IF NOT EXISTS events_verdict ON events (verdict, seq);
`;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
const integer = (value: unknown) => (Number.isSafeInteger(value) ? (value as number) : null);

function toStoredEvent(row: Row): StoredEvent {
  return {
    id: row.id,
    verdict: row.verdict,
    ...(row.event_type === null ? {} : { eventType: row.event_type }),
    ...(row.schema_version === null ? {} : { schemaVersion: row.schema_version }),
    ...(row.kind === null ? {} : { kind: row.kind }),
    ...(row.test_id === null ? {} : { testId: row.test_id }),
    receivedAt: new Date(row.received_ms).toISOString(),
    document: JSON.parse(row.document) as Record<string, unknown>,
  };
}

function where(filter: EventFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.verdict !== undefined) add('verdict = ?', filter.verdict);
  if (filter.id !== undefined) add('id = ?', filter.id);
  if (filter.eventType !== undefined) add('event_type = ?', filter.eventType);
  if (filter.vendor !== undefined) {
    add("substr(event_type, 1, length(?) + 1) = ? || '.'", filter.vendor);
    params.push(filter.vendor);
  }
  if (filter.schemaVersion !== undefined) add('schema_version = ?', filter.schemaVersion);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  if (filter.testId !== undefined) add('test_id = ?', filter.testId);
  if (filter.since !== undefined) add('received_ms >= ?', filter.since.getTime());
  if (filter.until !== undefined) add('received_ms < ?', filter.until.getTime());
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * The event store and its query side in one SQLite file, for the embedded deployment. Stores
 * the sinks' documents (the same ones Elasticsearch gets) keyed by verdict and event id, so a
 * replay overwrites; keeps at most `maxEvents`, none older than `maxAgeMs`.
 */
export class SqliteEventStore implements EventStore, EventQuery {
  private readonly db: Database.Database;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly upsert: Statement;
  private insertedSinceCheck = 0;

  constructor(options: SqliteEventStoreOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    try {
      this.db = new Database(options.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `Cannot open the event database ${options.file}: ${(error as Error).message}`,
        { cause: error, retriable: false },
      );
    }
    this.maxEvents = options.maxEvents ?? 100_000;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3600 * 1000;
    this.now = options.now ?? Date.now;
    this.upsert = this.db.prepare(`
      INSERT INTO events (verdict, id, event_type, schema_version, kind, test_id, received_ms, index_name, document)
      VALUES (@verdict, @id, @event_type, @schema_version, @kind, @test_id, @received_ms, @index_name, @document)
      ON CONFLICT (verdict, id) DO UPDATE SET
        event_type = excluded.event_type, schema_version = excluded.schema_version,
        kind = excluded.kind, test_id = excluded.test_id, received_ms = excluded.received_ms,
        index_name = excluded.index_name, document = excluded.document`);
    this.timer = setInterval(() => this.enforceRetention(), options.retentionCheckMs ?? 60_000);
    this.timer.unref();
  }

  async prepare(): Promise<void> {}

  async index(requests: IndexRequest[]): Promise<IndexOutcome[]> {
    const outcomes: IndexOutcome[] = [];
    const write = this.db.transaction((batch: IndexRequest[]) => {
      for (const request of batch) {
        const { document } = request;
        const verdict = documentField(document, 'sift', 'verdict');
        if ((verdict !== 'good' && verdict !== 'bad') || request.id === '') {
          outcomes.push({
            status: 'rejected',
            reason: 'a document needs an id and sift.verdict good or bad',
          });
          continue;
        }
        const received = Date.parse(String(documentField(document, 'event', 'created') ?? ''));
        this.upsert.run({
          verdict,
          id: request.id,
          event_type: text(documentField(document, 'event', 'dataset')),
          schema_version: integer(documentField(document, 'sift', 'schema_version')),
          kind: text(documentField(document, 'failure', 'kind')),
          test_id: text(documentField(document, 'test_id')),
          received_ms: Number.isFinite(received) ? received : this.now(),
          index_name: request.index,
          document: JSON.stringify(document),
        });
        outcomes.push({ status: 'indexed' });
      }
    });
    try {
      write(requests);
    } catch (error) {
      throw new UpstreamError(
        'SIFT_EVENT_STORE_UNAVAILABLE',
        `The event database refused a write: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.insertedSinceCheck += requests.length;
    // Counting is the costly part: do it about every hundredth of the bound.
    if (this.insertedSinceCheck >= Math.max(1, Math.ceil(this.maxEvents / 100))) {
      this.enforceRetention();
    } else {
      this.deleteOlderThanMaxAge();
    }
    for (const listener of [...this.listeners]) listener();
    return outcomes;
  }

  /** Deletes events past the count bound and the age bound. */
  enforceRetention(): void {
    this.insertedSinceCheck = 0;
    this.deleteOlderThanMaxAge();
    this.db
      .prepare(
        `DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      )
      .run(this.maxEvents);
  }

  private deleteOlderThanMaxAge(): void {
    this.db.prepare('DELETE FROM events WHERE received_ms < ?').run(this.now() - this.maxAgeMs);
  }

  async list(
    filter: EventFilter,
    page: EventPage = {},
  ): Promise<{ total: number; events: StoredEvent[] }> {
    const { sql, params } = where(filter);
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM events ${sql}`).get(...params) as { n: number }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT * FROM events ${sql} ORDER BY seq ${page.order === 'oldest' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      )
      .all(...params, page.limit ?? 100, page.offset ?? 0) as Row[];
    return { total, events: rows.map(toStoredEvent) };
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    const row = this.db
      .prepare('SELECT * FROM events WHERE id = ? ORDER BY seq DESC LIMIT 1')
      .get(id) as Row | undefined;
    return row ? toStoredEvent(row) : undefined;
  }

  async counts(filter: EventFilter = {}): Promise<EventCounts> {
    const { sql, params } = where(filter);
    const rows = this.db
      .prepare(`SELECT verdict, count(*) AS n FROM events ${sql} GROUP BY verdict`)
      .all(...params) as { verdict: Verdict; n: number }[];
    const good = rows.find((row) => row.verdict === 'good')?.n ?? 0;
    const bad = rows.find((row) => row.verdict === 'bad')?.n ?? 0;
    return { total: good + bad, good, bad };
  }

  async deleteAll(): Promise<void> {
    this.db.exec('DELETE FROM events');
  }

  onStored(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.db.open) this.db.close();
  }
}
