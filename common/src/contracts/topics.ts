/** Kafka topic (or local log) that carries good events in Confluent wire format. */
export const GOOD_TOPIC = 'sift.events.good';
/** Kafka topic (or local log) that carries bad events as JSON. */
export const BAD_TOPIC = 'sift.events.bad';

/** Which stream an event belongs to. */
export type Verdict = 'good' | 'bad';

/**
 * Headers of a record on the good topic. The event data itself is the value; everything
 * Sift knows about the event beyond its data travels here.
 */
export const goodEventHeaders = {
  eventId: 'sift-event-id',
  eventType: 'sift-event-type',
  schemaId: 'sift-schema-id',
  schemaVersion: 'sift-schema-version',
  receivedAt: 'sift-received-at',
  sentAt: 'sift-sent-at',
  userAgent: 'sift-user-agent',
  clientIp: 'sift-client-ip',
  pageUrl: 'sift-page-url',
  referrer: 'sift-referrer',
  sourceCategory: 'sift-source-category',
  userId: 'sift-user-id',
  sessionId: 'sift-session-id',
} as const;

/** The topics events flow through; tests and side-by-side deployments may rename them. */
export interface Topics {
  good: string;
  bad: string;
}

/** The topic names of the contract. */
export const defaultTopics: Readonly<Topics> = Object.freeze({ good: GOOD_TOPIC, bad: BAD_TOPIC });

/** First part of every index name; `sift` unless a deployment or test sets its own. */
export const DEFAULT_INDEX_PREFIX = 'sift';

/** The Elasticsearch index (one per UTC day) that holds events of a verdict: `sift-good-2026.11.23`. */
export function indexName(verdict: Verdict, at: Date, prefix = DEFAULT_INDEX_PREFIX): string {
  const yyyy = at.getUTCFullYear();
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `${prefix}-${verdict}-${yyyy}.${mm}.${dd}`;
}
