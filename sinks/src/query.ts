import type { Verdict } from '@sift/common';

/** Which stored events a query matches; every field given must match. */
export interface EventFilter {
  verdict?: Verdict;
  /** The event id (`event.id`). */
  id?: string;
  /** The event type (`event.dataset`), e.g. `com.acme.page_view`. */
  eventType?: string;
  /** Event types whose name starts with `<vendor>.`, e.g. `com.acme`. */
  vendor?: string;
  /** The schema version the event was checked against (`sift.schema_version`). */
  schemaVersion?: number;
  /** A bad event's kind (`failure.kind`), e.g. `schema_violation`. */
  kind?: string;
  /** The sender's test id (`test_id`). */
  testId?: string;
  /** Received at or after (inclusive). */
  since?: Date;
  /** Received before (exclusive). */
  until?: Date;
}

/** Which slice of the matches a list returns. */
export interface EventPage {
  /** Most events returned; default 100. */
  limit?: number;
  /** Matches skipped first; default 0. */
  offset?: number;
  /** `newest` first (default) or `oldest` first, by arrival in the store. */
  order?: 'newest' | 'oldest';
}

/** One stored event: the fields queries filter on, and the indexed document whole. */
export interface StoredEvent {
  id: string;
  verdict: Verdict;
  eventType?: string;
  schemaVersion?: number;
  kind?: string;
  testId?: string;
  /** When the collector received it, ISO 8601. */
  receivedAt: string;
  /** The document as the sink built it (`goodDocument` / `badDocument`). */
  document: Record<string, unknown>;
}

/** How many events match, by verdict. */
export interface EventCounts {
  total: number;
  good: number;
  bad: number;
}

/**
 * Reads what the sinks stored: the console's test API and UI go through it. SQLite in the
 * embedded deployment; Elasticsearch in the distributed one.
 */
export interface EventQuery {
  /** Matching events, newest first unless asked otherwise, and how many match in all. */
  list(filter: EventFilter, page?: EventPage): Promise<{ total: number; events: StoredEvent[] }>;
  /** The event with this id (the most recently stored one if it is both good and bad). */
  get(id: string): Promise<StoredEvent | undefined>;
  counts(filter?: EventFilter): Promise<EventCounts>;
  /** Deletes every stored event. */
  deleteAll(): Promise<void>;
  /**
   * Calls `listener` after each batch of events is stored; returns the unsubscribe function.
   * Stores that cannot tell leave it out, and waiting falls back to asking again.
   */
  onStored?(listener: () => void): () => void;
}
