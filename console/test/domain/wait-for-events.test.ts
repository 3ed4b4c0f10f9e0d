import { waitForEvents, waitForIds } from '@sift/console';
import { SqliteEventStore } from '@sift/sinks';
import type { EventQuery } from '@sift/sinks';
import { goodEvent } from '../support/events';

let store: SqliteEventStore;

beforeEach(() => {
  store = new SqliteEventStore({ file: ':memory:' });
});

afterEach(async () => {
  await store.close();
});

/** The same store seen through a query that cannot tell when events arrive. */
function withoutNews(query: SqliteEventStore): EventQuery {
  return {
    list: (filter, page) => query.list(filter, page),
    get: (id) => query.get(id),
    counts: (filter) => query.counts(filter),
    deleteAll: () => query.deleteAll(),
  };
}

describe('waitForEvents', () => {
  it('asks again every pollMs when the store cannot say that events arrived', async () => {
    setTimeout(() => void store.index([goodEvent('a', { testId: 'p' })]), 50);
    const result = await waitForEvents(
      withoutNews(store),
      { testId: 'p' },
      {
        timeoutMs: 3000,
        pollMs: 20,
      },
    );
    expect(result.matched).toBe(true);
    expect(result.events.map((event) => event.id)).toEqual(['a']);
  });

  it('ends early, unmatched, when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const result = await waitForEvents(
      store,
      { testId: 'never' },
      {
        timeoutMs: 60_000,
        signal: controller.signal,
      },
    );
    expect(result).toEqual({ matched: false, total: 0, events: [] });
  });
});

describe('waitForIds', () => {
  it('answers the ids still missing when the time is up', async () => {
    await store.index([goodEvent('here')]);
    setTimeout(() => void store.index([goodEvent('soon')]), 30);
    expect(await waitForIds(store, ['here', 'soon'], { timeoutMs: 3000 })).toEqual([]);
    expect(await waitForIds(store, ['here', 'never'], { timeoutMs: 50 })).toEqual(['never']);
  });
});
