import type { BadEvent, BadEventKind } from '@sift/common';

// Every kind once: the compiler refuses this object when the contract gains or loses one.
const kinds: Record<BadEventKind, true> = {
  malformed_json: true,
  invalid_envelope: true,
  size_violation: true,
  unknown_event: true,
  unknown_version: true,
  schema_violation: true,
  encoding_failed: true,
  enrichment_failed: true,
  index_rejected: true,
};

/** Every kind of bad event. */
export const badEventKinds = Object.keys(kinds) as readonly BadEventKind[];

/** Kinds `sift recover` reads unless told otherwise: the ones a schema change can fix. */
export const defaultRecoveryKinds: readonly BadEventKind[] = [
  'schema_violation',
  'unknown_event',
  'unknown_version',
  'invalid_envelope',
  'encoding_failed',
];

/** Which bad events to read. */
export interface BadEventQuery {
  /** Event types to read; every event type when empty. */
  eventTypes: string[];
  /** Kinds to read. */
  kinds: BadEventKind[];
  /** Earliest `received_at`, inclusive. */
  since?: Date;
  /** Latest `received_at`, exclusive. */
  until?: Date;
}

/** One item read back: a bad event, or a record that is not one, named by where it sits. */
export type ReadBadEvent = { bad: BadEvent } | { unreadable: string; reason: string };

/**
 * Reads bad events back from where they are kept (the bad topic, the bad index). A reader
 * may apply the query itself or return more; the caller filters again. Iteration ends at
 * the end of what was there when reading began; breaking out of it releases the reader.
 */
export interface BadEventReader {
  read(query: BadEventQuery): AsyncIterable<ReadBadEvent>;
}

/** Whether a bad event is one the query asks for. */
export function matchesQuery(bad: BadEvent, query: BadEventQuery): boolean {
  if (!query.kinds.includes(bad.kind)) return false;
  if (query.eventTypes.length > 0 && !(bad.event && query.eventTypes.includes(bad.event))) {
    return false;
  }
  if (query.since || query.until) {
    const at = Date.parse(bad.received_at);
    if (Number.isNaN(at)) return false;
    if (query.since && at < query.since.getTime()) return false;
    if (query.until && at >= query.until.getTime()) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads the JSON of a bad-topic record value; answers why when it is not a bad event. */
export function parseBadEvent(text: string): BadEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!isObject(value)) return 'not a JSON object';
  const { id, kind, payload, received_at: receivedAt, errors, source } = value;
  if (typeof id !== 'string' || id === '') return 'no id';
  // A kind newer than this code is still a bad event: the query decides whether to read it.
  if (typeof kind !== 'string' || kind === '') return 'no kind';
  if (typeof payload !== 'string') return 'no payload';
  if (typeof receivedAt !== 'string') return 'no received_at';
  return {
    ...(value as unknown as BadEvent),
    errors: Array.isArray(errors) ? (errors as BadEvent['errors']) : [],
    source: isObject(source) ? (source as unknown as BadEvent['source']) : { endpoint: '' },
  };
}
