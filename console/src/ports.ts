export type { EventCounts, EventFilter, EventPage, EventQuery, StoredEvent } from '@sift/sinks';

/** Keeps every event received before a reset out of the store, for a reset that empties it whole. */
export interface ResetBarrier {
  /**
   * Makes the end of the log the reset point: records before it are never stored from now on.
   * Resolves once none of them is still being stored, so the store can be emptied; throws
   * `SIFT_CONSOLE_RESET_INCOMPLETE` (retriable) when that takes longer than `timeoutMs`.
   */
  mark(timeoutMs: number): Promise<void>;
}
