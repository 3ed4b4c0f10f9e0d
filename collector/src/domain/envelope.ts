import type { ValidationIssue } from '@sift/common';

/** One event as senders post it in `POST /v1/events` (see DESIGN.md, "Collector input"). */
export interface EventEnvelope {
  event: string;
  version?: number;
  id?: string;
  sent_at?: string;
  context?: Record<string, unknown>;
  data: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;

/** Longest event type (registry subject) taken, characters; a longer one cannot be a subject's name in a URL. */
export const MAX_EVENT_TYPE_CHARS = 255;

/** Highest schema version: Confluent registries number versions with 32-bit signed integers. */
export const MAX_SCHEMA_VERSION = 2147483647;

/** Whether a sender-given id is a UUID Sift keeps as the event id. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks an envelope's own fields (not its data); returns it typed, or the issues found. */
export function readEnvelope(
  raw: unknown,
): { envelope: EventEnvelope } | { issues: ValidationIssue[] } {
  if (!isObject(raw)) {
    return { issues: [{ path: '', keyword: 'type', message: 'an event must be a JSON object' }] };
  }
  const issues: ValidationIssue[] = [];
  const { event, version, id, sent_at: sentAt, context, data } = raw;
  if (typeof event === 'string' && event.length > MAX_EVENT_TYPE_CHARS) {
    issues.push({
      path: '/event',
      keyword: 'maxLength',
      message: `/event is ${event.length} characters; an event type has at most ${MAX_EVENT_TYPE_CHARS}`,
    });
  } else if (typeof event !== 'string' || !EVENT_TYPE.test(event)) {
    issues.push({
      path: '/event',
      keyword: event === undefined ? 'required' : 'pattern',
      message:
        event === undefined
          ? '/event is required: the event type, e.g. "com.acme.checkout_completed"'
          : '/event must be a dotted event type such as "com.acme.checkout_completed"',
    });
  }
  if (
    version !== undefined &&
    !(
      Number.isInteger(version) &&
      (version as number) >= 1 &&
      (version as number) <= MAX_SCHEMA_VERSION
    )
  ) {
    issues.push({
      path: '/version',
      keyword: !Number.isInteger(version)
        ? 'type'
        : (version as number) < 1
          ? 'minimum'
          : 'maximum',
      message: `/version must be an integer from 1 to ${MAX_SCHEMA_VERSION} (a registered schema version)`,
    });
  }
  if (id !== undefined && typeof id !== 'string') {
    issues.push({ path: '/id', keyword: 'type', message: '/id must be a string (a UUID)' });
  }
  if (sentAt !== undefined && (typeof sentAt !== 'string' || Number.isNaN(Date.parse(sentAt)))) {
    issues.push({
      path: '/sent_at',
      keyword: 'format',
      message: '/sent_at must be an ISO 8601 date-time',
    });
  }
  if (context !== undefined && !isObject(context)) {
    issues.push({ path: '/context', keyword: 'type', message: '/context must be an object' });
  }
  if (data === undefined) {
    issues.push({
      path: '/data',
      keyword: 'required',
      message: '/data is required: the event data',
    });
  }
  if (issues.length > 0) return { issues };
  return { envelope: raw as unknown as EventEnvelope };
}
