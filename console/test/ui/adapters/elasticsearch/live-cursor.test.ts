import {
  advanceLiveCursor,
  LATE_MS,
  liveSearch,
  MAX_REMEMBERED,
  readLiveCursor,
  writeLiveCursor,
} from '../../../../src/ui/adapters/elasticsearch/live-cursor';
import type { LiveCursor, LiveHit } from '../../../../src/ui/adapters/elasticsearch/live-cursor';

const hit = (id: string, created: number): LiveHit => ({ id, created });

/** One poll as the explorer runs it: search from the cursor, then advance. */
function poll(cursor: LiveCursor | undefined, searchable: LiveHit[], limit = 100) {
  const from = cursor === undefined ? -Infinity : liveSearch(cursor, limit).from;
  const hits = searchable
    .filter((h) => h.created >= from)
    .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  return advanceLiveCursor(cursor, hits, limit);
}

describe('live cursor', () => {
  it('shows an event that became searchable after the cursor passed its created time', () => {
    const first = poll(undefined, [hit('a', 100_000), hit('c', 103_000)]);
    expect(first.fresh.map((h) => h.id)).toEqual(['a', 'c']);
    // 'b' (created between a and c) comes from a slower partition, after 'c' was sent.
    const second = poll(first.cursor, [hit('a', 100_000), hit('b', 101_000), hit('c', 103_000)]);
    expect(second.fresh.map((h) => h.id)).toEqual(['b']);
    expect(second.cursor?.created).toBe(103_000);
  });

  it('sends each event once over many polls', () => {
    const searchable = [hit('a', 1_000), hit('b', 2_000)];
    let state = poll(undefined, searchable);
    const shown = state.fresh.map((h) => h.id);
    for (let i = 0; i < 3; i += 1) {
      state = poll(state.cursor, searchable);
      shown.push(...state.fresh.map((h) => h.id));
    }
    searchable.push(hit('c', 3_000));
    state = poll(state.cursor, searchable);
    shown.push(...state.fresh.map((h) => h.id));
    expect(shown).toEqual(['a', 'b', 'c']);
  });

  it('forgets ids older than the late span, and never more than its bound', () => {
    const first = poll(undefined, [hit('old', 0), hit('new', LATE_MS + 1)]);
    expect(first.cursor?.sent.map((h) => h.id)).toEqual(['new']);
    const many = Array.from({ length: MAX_REMEMBERED + 50 }, (_, i) => hit(`e${i}`, 50_000 + i));
    let state = poll(first.cursor, many, 1000);
    while (state.fresh.length > 0) state = poll(state.cursor, many, 1000);
    expect(state.cursor?.sent.length).toBe(MAX_REMEMBERED);
    expect(state.cursor?.sent.at(-1)?.id).toBe(`e${MAX_REMEMBERED + 49}`);
  });

  it('asks for enough hits to pass every remembered one and still find new ones', () => {
    const sent = Array.from({ length: 300 }, (_, i) => hit(`s${i}`, 5_000));
    const cursor: LiveCursor = { created: 5_000, sent };
    expect(liveSearch(cursor, 200)).toEqual({ from: 5_000 - LATE_MS, size: 500 });
    const next = advanceLiveCursor(cursor, [...sent, hit('n', 5_000)], 200);
    expect(next.fresh).toEqual([hit('n', 5_000)]);
  });

  it('keeps no cursor while nothing was sent, and reads back what it writes', () => {
    expect(advanceLiveCursor(undefined, [], 10)).toEqual({ fresh: [], cursor: undefined });
    const cursor: LiveCursor = { created: 7, sent: [hit('x', 7)] };
    expect(readLiveCursor(writeLiveCursor(cursor))).toEqual(cursor);
    expect(readLiveCursor('1234|abc')).toBeUndefined();
    expect(readLiveCursor(undefined)).toBeUndefined();
  });
});
