/**
 * The live view's cursor over Elasticsearch, which keeps no arrival order: each poll asks again
 * from `LATE_MS` before the newest `event.created` sent, so an event that became searchable
 * after the view passed its created time (another partition or sink, the 1 s refresh) still
 * shows, and the cursor remembers the ids it sent in that span so none shows twice.
 */

/** How long after its created time an event may become searchable and still show, ms. */
export const LATE_MS = 10_000;

/**
 * Most sent ids a cursor remembers (more only when they share one created time); past it the
 * oldest are forgotten, and the search no longer reaches back before the oldest remembered.
 */
export const MAX_REMEMBERED = 2_000;

/** What the cursor holds: the newest created time sent (ms) and the ids sent since `LATE_MS` before it. */
export interface LiveCursor {
  created: number;
  /** The earliest created time (ms) to search from when the ids before it were forgotten. */
  floor?: number;
  sent: { id: string; created: number }[];
}

/** One search hit, by id and created time (ms). */
export interface LiveHit {
  id: string;
  created: number;
}

/** The cursor in its opaque string form. */
export function writeLiveCursor(cursor: LiveCursor): string {
  return JSON.stringify(cursor);
}

/** The cursor a string holds; undefined for none or one this module did not write. */
export function readLiveCursor(after: string | undefined): LiveCursor | undefined {
  if (after === undefined) return undefined;
  try {
    const cursor = JSON.parse(after) as Partial<LiveCursor>;
    if (typeof cursor.created !== 'number' || !Array.isArray(cursor.sent)) return undefined;
    return {
      created: cursor.created,
      ...(typeof cursor.floor === 'number' ? { floor: cursor.floor } : {}),
      sent: cursor.sent,
    };
  } catch {
    return undefined;
  }
}

/**
 * The search after a cursor: events created at or after `from` (ms), oldest first, `size` of
 * them, enough to hold every remembered one and still `limit` new ones.
 */
export function liveSearch(cursor: LiveCursor, limit: number): { from: number; size: number } {
  return {
    from: Math.max(cursor.created - LATE_MS, cursor.floor ?? -Infinity),
    size: cursor.sent.length + limit,
  };
}

/**
 * The hits not sent yet (at most `limit`, in the order given) and the cursor to keep after
 * sending them; `cursor` undefined starts a new one (the first answer).
 */
export function advanceLiveCursor(
  cursor: LiveCursor | undefined,
  hits: readonly LiveHit[],
  limit: number,
): { fresh: LiveHit[]; cursor: LiveCursor | undefined } {
  const sent = new Set(cursor?.sent.map((hit) => hit.id));
  const fresh = hits.filter((hit) => !sent.has(hit.id)).slice(0, limit);
  const all = [...(cursor?.sent ?? []), ...fresh];
  if (all.length === 0) return { fresh, cursor };
  const created = Math.max(cursor?.created ?? -Infinity, ...fresh.map((hit) => hit.created));
  const late = all
    .filter(
      (hit) => hit.created >= created - LATE_MS && hit.created >= (cursor?.floor ?? -Infinity),
    )
    .sort((a, b) => a.created - b.created);
  if (late.length <= MAX_REMEMBERED) {
    return { fresh, cursor: { created, ...floorOf(cursor), sent: late } };
  }
  // Forget the oldest, and never search before what is still remembered, or they would show again.
  const floor = late[late.length - MAX_REMEMBERED]?.created ?? created;
  return { fresh, cursor: { created, floor, sent: late.filter((hit) => hit.created >= floor) } };
}

function floorOf(cursor: LiveCursor | undefined): { floor?: number } {
  return cursor?.floor === undefined ? {} : { floor: cursor.floor };
}
