/** Where in the pipeline an event was found bad. */
export type BadEventStage = 'collector' | 'validator' | 'sink';

/** Why an event is bad. */
export type BadEventKind =
  | 'malformed_json'
  | 'invalid_envelope'
  | 'size_violation'
  | 'unknown_event'
  | 'unknown_version'
  | 'schema_violation'
  | 'encoding_failed'
  | 'enrichment_failed'
  | 'index_rejected';

/** One reason an event was refused: where in the payload, which rule, in words. */
export interface ValidationIssue {
  /** JSON pointer into the event data (RFC 6901); `""` is the whole document. */
  path: string;
  /** The schema rule that failed, e.g. `required`, `type`, `enum`. */
  keyword: string;
  /** What a person reads. */
  message: string;
  /** The same place as a JSONPath: `$.items[0].price`, `$['weird key']`; `$` is the whole document. */
  jsonPath?: string;
  /** The constraint that failed, in words or schema terms: `"type": "string"`, `>= 0`, `format email`. */
  expected?: string;
  /**
   * The offending value, capped: strings over 200 characters cut with `…`, objects and
   * arrays as JSON text cut the same way; left out when there is none (a missing field).
   */
  value?: unknown;
}

/** Who sent the event and how. */
export interface BadEventSource {
  endpoint: string;
  ip?: string;
  user_agent?: string;
}

/** The value of a record on the bad topic: every input that is not a good event becomes one. */
export interface BadEvent {
  /** The event's own id when the input carried one, else a new UUID. */
  id: string;
  received_at: string;
  stage: BadEventStage;
  kind: BadEventKind;
  event?: string;
  version?: number;
  errors: ValidationIssue[];
  /** The original input, whole, as a string. */
  payload: string;
  source: BadEventSource;
  /** The sender's test id (`X-Sift-Test-Id` header or `context.test_id`), when it gave one. */
  test_id?: string;
}
