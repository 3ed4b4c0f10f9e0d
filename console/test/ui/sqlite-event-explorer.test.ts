import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '@sift/sinks';
import { SqliteEventExplorer } from '../../src/ui/adapters/sqlite/sqlite-event-explorer';
import { badEvent, storeBad, storeGood } from './harness';

describe('SqliteEventExplorer', () => {
  let dir: string;
  let store: SqliteEventStore;
  let explorer: SqliteEventExplorer;
  const none = { eventTypes: [], kinds: [] };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sift-ui-sqlite-'));
    const file = path.join(dir, 'events.db');
    store = new SqliteEventStore({ file });
    explorer = new SqliteEventExplorer({ file });
  });
  afterEach(async () => {
    await explorer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages 3 000 bad events without gaps or repeats, newest stored first among equal times', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const events = Array.from({ length: 3000 }, (_, n) =>
      badEvent({
        id: `e${n}`,
        received_at: n % 2 === 0 ? at : new Date(Date.parse(at) + n).toISOString(),
      }),
    );
    await storeBad(store, events);
    const seen: string[] = [];
    for (let offset = 0; offset < 3000; offset += 200) {
      const page = await explorer.search(none, { offset, size: 200 });
      expect(page.total).toBe(3000);
      seen.push(...page.events.map((event) => event.id));
    }
    expect(new Set(seen).size).toBe(3000);
    // The odd ones are later; the even ones share one time and come newest stored first.
    expect(seen.slice(0, 2)).toEqual(['e2999', 'e2997']);
    expect(seen.slice(-2)).toEqual(['e2', 'e0']);

    // Paging by cursor gives the same order, and no cursor after the last page.
    const byCursor: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await explorer.search(none, {
        offset: 0,
        size: 700,
        ...(after ? { after } : {}),
      });
      byCursor.push(...page.events.map((event) => event.id));
      after = page.next;
      pages++;
    } while (after !== undefined);
    expect(pages).toBe(5);
    expect(byCursor).toEqual(seen);
  });

  it('refuses a cursor it did not make', async () => {
    for (const after of ['x', '12|', '12|abc', '|3']) {
      await expect(explorer.search(none, { offset: 0, size: 10, after })).rejects.toMatchObject({
        code: 'SIFT_REQUEST_INVALID',
      });
    }
  });

  it('counts an event once per distinct message and groups events without messages by kind', async () => {
    const message = '/path must be string, got 42';
    // A minute ago: the trend's last step ends at now, exclusive.
    const received_at = new Date(Date.now() - 60_000).toISOString();
    await storeBad(store, [
      badEvent({
        received_at,
        errors: [
          { path: '/path', keyword: 'type', message },
          { path: '/path', keyword: 'type', message },
        ],
      }),
      badEvent({ received_at, kind: 'malformed_json', errors: [], event: undefined }),
    ]);
    const groups = await explorer.groups(none, { limit: 10, buckets: 2, now: new Date() });
    expect(groups.total).toBe(2);
    expect(groups.groups.map((group) => [group.message, group.count, group.trend])).toEqual([
      [message, 1, [0, 1]],
      ['malformed_json', 1, [0, 1]],
    ]);
  });

  it('leaves events older than the trend (a day without since) out of the trend but in the counts', async () => {
    const now = new Date();
    await storeBad(store, [
      badEvent({ received_at: new Date(now.getTime() - 30 * 3600_000).toISOString() }),
    ]);
    const groups = await explorer.groups({ ...none, until: now }, { limit: 10, buckets: 2, now });
    expect(groups.groups[0]?.count).toBe(1);
    expect(groups.groups[0]?.trend).toEqual([0, 0]);
  });

  it('finds text in a payload, a message or an event type, case-insensitively', async () => {
    await storeBad(store, [
      badEvent({ id: 'p', payload: '{"data":{"q":"Blue SHOES"}}' }),
      badEvent({
        id: 'm',
        errors: [{ path: '', keyword: 'required', message: "must have required property 'sku'" }],
      }),
      badEvent({ id: 't', event: 'com.acme.wishlist_added' }),
    ]);
    const ids = async (text: string) =>
      (await explorer.search({ ...none, text }, { offset: 0, size: 10 })).events.map((e) => e.id);
    expect(await ids('blue shoes')).toEqual(['p']);
    expect(await ids("'SKU'")).toEqual(['m']);
    expect(await ids('wishlist')).toEqual(['t']);
    expect(await ids('blue sku')).toEqual([]);
  });

  it('follows good events by arrival: the newest first, then only later ones', async () => {
    await storeGood(store, { id: 'a', type: 'com.acme.page_view', data: { path: '/a' } });
    await storeGood(store, { id: 'b', type: 'com.acme.signup', data: {} });
    const first = await explorer.recent({ eventTypes: [] }, undefined, 1);
    expect(first.events.map((e) => e.id)).toEqual(['b']);
    const none = await explorer.recent({ eventTypes: [] }, first.cursor, 10);
    expect(none).toEqual({ events: [], cursor: first.cursor });
    await storeBad(store, [badEvent()]);
    await storeGood(store, { id: 'c', type: 'com.acme.page_view', data: { path: '/c' } });
    const next = await explorer.recent({ eventTypes: ['com.acme.page_view'] }, first.cursor, 10);
    expect(next.events.map((e) => [e.id, e.data])).toEqual([['c', { path: '/c' }]]);
    expect(Number(next.cursor)).toBeGreaterThan(Number(first.cursor));
  });

  it('says which database it cannot open', () => {
    expect(() => new SqliteEventExplorer({ file: path.join(dir, 'missing', 'events.db') })).toThrow(
      expect.objectContaining({ code: 'SIFT_EVENT_STORE_UNAVAILABLE' }),
    );
  });
});
