import type { BadEvent, BadEventKind } from '@sift/common';

/** Which bad events the explorer shows; every field narrows, none given means all. */
export interface BadEventFilter {
  /** Earliest `received_at`, inclusive. */
  since?: Date;
  /** Latest `received_at`, exclusive. */
  until?: Date;
  /** Event types; every event type when empty. */
  eventTypes: string[];
  /** Kinds; every kind when empty. */
  kinds: BadEventKind[];
  /** Words that must all occur in an error message, the payload or the event type (case-insensitive). */
  text?: string;
}

/** One line of the bad-events list. */
export interface BadEventSummary {
  id: string;
  receivedAt: string;
  kind: BadEventKind;
  stage: string;
  event?: string;
  version?: number;
  /** The first reason, in words. */
  message: string;
  errorCount: number;
}

/** One page of bad events, newest first. */
export interface BadEventPage {
  /** How many bad events match the filter in all. */
  total: number;
  events: BadEventSummary[];
  /** Where the next (older) page starts, for `after`; absent on the last page. */
  next?: string;
}

/** Which page: `size` events after the cursor `after` (from a page's `next`), else after skipping `offset`. */
export interface BadEventPageRequest {
  offset: number;
  size: number;
  /** An opaque cursor from `BadEventPage.next`; with it, `offset` is not used. */
  after?: string;
}

/** Bad events that share one error message. */
export interface BadEventGroup {
  message: string;
  count: number;
  /** Counts per trend bucket, oldest first, as many as `BadEventGroups.buckets`. */
  trend: number[];
  /** The event types it was seen on, most frequent first (at most 5). */
  eventTypes: string[];
}

/** Bad events grouped by error message, with a trend over the filter's time range. */
export interface BadEventGroups {
  /** Bad events matching the filter. */
  total: number;
  /** Start of each trend bucket, ISO time, oldest first. */
  buckets: string[];
  /** Width of a trend bucket, ms. */
  bucketMs: number;
  /** The most frequent messages first. */
  groups: BadEventGroup[];
}

/**
 * Queries over the bad index for the console's bad-events explorer: filtering, paging and
 * aggregation happen in the store, so the explorer stays fast with 100 000 bad events.
 */
export interface BadEventExplorer {
  /**
   * One page of the matching bad events, newest first. Paging with `after` (keyset) costs the
   * same at any depth; `offset` counts from the newest and some stores bound it.
   */
  search(filter: BadEventFilter, page: BadEventPageRequest): Promise<BadEventPage>;
  /** The matching bad events grouped by error message (an event counts once per distinct message). */
  groups(
    filter: BadEventFilter,
    options: { limit: number; buckets: number; now: Date },
  ): Promise<BadEventGroups>;
  /** One bad event whole, or undefined when there is none with that id. */
  get(id: string): Promise<BadEvent | undefined>;
}

/** One good event as the live view shows it. */
export interface GoodEventView {
  id: string;
  event: string;
  /** When the collector received it, ISO time. */
  receivedAt: string;
  schemaId?: number;
  version?: number;
  data: unknown;
}

/** Queries over the good index for the console's live view. */
export interface GoodEventExplorer {
  /**
   * Good events stored after the cursor, oldest first, at most `limit`; without a cursor,
   * the newest `limit` events. Answers the cursor to ask with next time (an opaque string).
   */
  recent(
    filter: { eventTypes: string[] },
    after: string | undefined,
    limit: number,
  ): Promise<{ events: GoodEventView[]; cursor: string | undefined }>;
  /** How many good events each event type has, most first. */
  counts(filter: { since?: Date }): Promise<{ event: string; count: number }[]>;
}
