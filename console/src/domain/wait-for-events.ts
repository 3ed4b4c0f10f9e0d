import type { EventFilter, EventQuery, StoredEvent } from '../ports';

/** How long and for how many events a wait holds on. */
export interface WaitOptions {
  /** Matching events needed; default 1. */
  count?: number;
  timeoutMs: number;
  /** How often a store that cannot tell about new events is asked again, ms; default 200. */
  pollMs?: number;
  /** Most events returned; default 100. */
  limit?: number;
  /** Ends the wait early (the client went away). */
  signal?: AbortSignal;
}

/** What a wait found: `matched` when at least `count` events matched before the timeout. */
export interface WaitResult {
  matched: boolean;
  total: number;
  events: StoredEvent[];
}

/**
 * Resolves once `check` answers true, or false after `timeoutMs` (or on abort). Asks again
 * each time the store says it stored events, or every `pollMs` when it cannot say.
 */
export async function waitUntil(
  query: Pick<EventQuery, 'onStored'>,
  check: () => Promise<boolean>,
  options: Pick<WaitOptions, 'timeoutMs' | 'pollMs' | 'signal'>,
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let changed = true;
  let wake: () => void = () => undefined;
  const unsubscribe = query.onStored?.(() => {
    changed = true;
    wake();
  });
  const onAbort = () => wake();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (changed || !query.onStored) {
        changed = false;
        if (await check()) return true;
      }
      const left = deadline - Date.now();
      if (left <= 0 || options.signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          resolve,
          query.onStored ? left : Math.min(left, options.pollMs ?? 200),
        );
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        // Stored while the check ran: look again at once.
        if (changed) wake();
      });
    }
  } finally {
    unsubscribe?.();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits until at least `count` stored events match `filter`; answers them newest first. */
export async function waitForEvents(
  query: EventQuery,
  filter: EventFilter,
  options: WaitOptions,
): Promise<WaitResult> {
  const count = options.count ?? 1;
  let last: { total: number; events: StoredEvent[] } = { total: 0, events: [] };
  const matched = await waitUntil(
    query,
    async () => {
      last = await query.list(filter, { limit: options.limit ?? 100 });
      return last.total >= count;
    },
    options,
  );
  return { matched, ...last };
}

/** Waits until every one of `ids` is stored (good or bad); answers those still missing. */
export async function waitForIds(
  query: EventQuery,
  ids: readonly string[],
  options: Pick<WaitOptions, 'timeoutMs' | 'pollMs' | 'signal'>,
): Promise<string[]> {
  let missing = [...new Set(ids)];
  await waitUntil(
    query,
    async () => {
      const found = await Promise.all(missing.map((id) => query.get(id)));
      missing = missing.filter((_, i) => found[i] === undefined);
      return missing.length === 0;
    },
    options,
  );
  return missing;
}
