import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BadEvent } from '@sift/common';
import { badDocument, goodDocument, SqliteEventStore } from '@sift/sinks';
import type { IndexRequest } from '@sift/sinks';

const stores: SqliteEventStore[] = [];

function store(options: Partial<ConstructorParameters<typeof SqliteEventStore>[0]> = {}) {
  const opened = new SqliteEventStore({ file: ':memory:', ...options });
  stores.push(opened);
  return opened;
}

afterEach(async () => {
  for (const opened of stores.splice(0)) await opened.close();
});

function good(
  id: string,
  options: { type?: string; version?: number; testId?: string; at?: string } = {},
): IndexRequest {
  const headers: Record<string, string> = {
    'sift-event-id': id,
    'sift-event-type': options.type ?? 'com.acme.page_view',
    'sift-schema-id': '1',
    'sift-schema-version': String(options.version ?? 1),
    'sift-received-at': options.at ?? new Date().toISOString(),
  };
  if (options.testId) headers['sift-test-id'] = options.testId;
  return goodDocument(headers, { path: `/${id}` });
}

function bad(
  id: string,
  options: { kind?: BadEvent['kind']; testId?: string; at?: string } = {},
): IndexRequest {
  const event: BadEvent = {
    id,
    received_at: options.at ?? new Date().toISOString(),
    stage: 'collector',
    kind: options.kind ?? 'schema_violation',
    event: 'com.acme.page_view',
    version: 1,
    errors: [{ path: '/path', keyword: 'type', message: '/path must be string' }],
    payload: '{"path":42}',
    source: { endpoint: 'POST /v1/events' },
    ...(options.testId ? { test_id: options.testId } : {}),
  };
  return badDocument(event);
}

describe('SqliteEventStore', () => {
  it('stores the sinks documents and answers them by id, with the fields queries use', async () => {
    const events = store();
    const outcomes = await events.index([good('g1', { testId: 'run-1' }), bad('b1')]);
    expect(outcomes).toEqual([{ status: 'indexed' }, { status: 'indexed' }]);
    const one = await events.get('g1');
    expect(one).toMatchObject({
      id: 'g1',
      verdict: 'good',
      eventType: 'com.acme.page_view',
      schemaVersion: 1,
      testId: 'run-1',
      document: { data: { com_acme_page_view: { path: '/g1' } } },
    });
    expect(await events.get('b1')).toMatchObject({
      verdict: 'bad',
      kind: 'schema_violation',
      document: { failure: { kind: 'schema_violation' }, payload: '{"path":42}' },
    });
    expect(await events.get('nope')).toBeUndefined();
  });

  it('overwrites an event stored again under the same id, as a replay does', async () => {
    const events = store();
    await events.index([good('g1', { version: 1 })]);
    await events.index([good('g1', { version: 2 })]);
    expect(await events.counts()).toEqual({ total: 1, good: 1, bad: 0 });
    expect((await events.get('g1'))?.schemaVersion).toBe(2);
  });

  it('filters by verdict, event type, vendor, version, kind, test id and time, and pages newest first', async () => {
    const events = store({ maxAgeMs: 365 * 24 * 3600_000 });
    await events.index([
      good('a', { type: 'com.acme.page_view', version: 1, at: '2026-11-01T10:00:00Z' }),
      good('b', { type: 'com.acme.search', version: 2, testId: 't1', at: '2026-11-02T10:00:00Z' }),
      good('c', { type: 'org.other.search', version: 2, testId: 't1', at: '2026-11-03T10:00:00Z' }),
      bad('d', { kind: 'unknown_event', testId: 't1', at: '2026-11-04T10:00:00Z' }),
      bad('e', { kind: 'schema_violation', at: '2026-11-05T10:00:00Z' }),
    ]);
    const ids = async (filter: Parameters<typeof events.list>[0]) =>
      (await events.list(filter)).events.map((event) => event.id);
    expect(await ids({})).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(await ids({ verdict: 'bad' })).toEqual(['e', 'd']);
    expect(await ids({ eventType: 'com.acme.search' })).toEqual(['b']);
    expect(await ids({ vendor: 'com.acme' })).toEqual(['e', 'd', 'b', 'a']);
    expect(await ids({ vendor: 'com.ac' })).toEqual([]);
    expect(await ids({ schemaVersion: 2 })).toEqual(['c', 'b']);
    expect(await ids({ kind: 'unknown_event' })).toEqual(['d']);
    expect(await ids({ testId: 't1' })).toEqual(['d', 'c', 'b']);
    expect(await ids({ testId: 't1', verdict: 'good' })).toEqual(['c', 'b']);
    expect(
      await ids({
        since: new Date('2026-11-02T10:00:00Z'),
        until: new Date('2026-11-04T10:00:00Z'),
      }),
    ).toEqual(['c', 'b']);
    const page = await events.list({}, { limit: 2, offset: 1, order: 'oldest' });
    expect(page.total).toBe(5);
    expect(page.events.map((event) => event.id)).toEqual(['b', 'c']);
    expect(await events.counts({ testId: 't1' })).toEqual({ total: 3, good: 2, bad: 1 });
  });

  it('deletes everything on reset', async () => {
    const events = store();
    await events.index([good('a'), bad('b')]);
    await events.deleteAll();
    expect(await events.counts()).toEqual({ total: 0, good: 0, bad: 0 });
  });

  it('keeps at most maxEvents, dropping the oldest first', async () => {
    const events = store({ maxEvents: 5 });
    for (let i = 0; i < 12; i++) await events.index([good(`e${i}`)]);
    const { total, events: kept } = await events.list({});
    expect(total).toBe(5);
    expect(kept.map((event) => event.id)).toEqual(['e11', 'e10', 'e9', 'e8', 'e7']);
  });

  it('stays within about a hundredth over the count bound between checks when the bound is large', async () => {
    const events = store({ maxEvents: 1000 });
    for (let i = 0; i < 30; i++) {
      await events.index(Array.from({ length: 100 }, (_, j) => good(`e${i * 100 + j}`)));
    }
    const { total } = await events.counts();
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(total).toBeLessThanOrEqual(1010 + 100);
  });

  it('deletes events received longer ago than maxAgeMs', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const events = store({ maxAgeMs: 3600_000, now: () => now });
    await events.index([
      good('old', { at: '2026-11-23T10:00:00Z' }),
      good('new', { at: '2026-11-23T11:30:00Z' }),
    ]);
    expect((await events.list({})).events.map((event) => event.id)).toEqual(['new']);
    now += 3600_000;
    events.enforceRetention();
    expect(await events.counts()).toEqual({ total: 0, good: 0, bad: 0 });
  });

  it('tells listeners after each stored batch', async () => {
    const events = store();
    const heard: number[] = [];
    const stop = events.onStored(() => heard.push(heard.length));
    await events.index([good('a')]);
    stop();
    await events.index([good('b')]);
    expect(heard).toEqual([0]);
  });

  it('refuses a document that carries no verdict, and keeps the rest of the batch', async () => {
    const events = store();
    const outcomes = await events.index([
      { index: 'x', id: 'n', document: { event: { id: 'n' } } },
      good('a'),
    ]);
    expect(outcomes[0]?.status).toBe('rejected');
    expect(outcomes[1]?.status).toBe('indexed');
  });

  it('keeps what it stored across a close and reopen of its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-sqlite-'));
    try {
      const file = join(dir, 'data', 'events.db');
      const first = new SqliteEventStore({ file });
      await first.index([good('a'), bad('b')]);
      await first.close();
      const second = store({ file });
      expect(await second.counts()).toEqual({ total: 2, good: 1, bad: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
