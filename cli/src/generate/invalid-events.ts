import { unknownEventTypes } from './catalogue';
import { stackTrace } from './event-data';
import type { Prng } from './prng';

/** The kinds of bad input the collector tells apart, each of which `sift generate` can send. */
export const invalidKinds = [
  'malformed_json',
  'invalid_envelope',
  'unknown_event',
  'unknown_version',
  'schema_violation',
  'size_violation',
] as const;

export type InvalidKind = (typeof invalidKinds)[number];

/** One event as `POST /v1/events` takes it; an invalid one may break any of these rules. */
export interface Envelope {
  event: unknown;
  version?: unknown;
  id?: unknown;
  sent_at?: unknown;
  context?: unknown;
  data?: unknown;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** An envelope whose own fields break the collector's envelope rules, the data left as it was. */
function invalidEnvelope(prng: Prng, valid: Envelope): Envelope {
  const broken = copy(valid);
  switch (prng.int(0, 4)) {
    case 0:
      delete broken.data;
      break;
    case 1:
      broken.version = 'latest';
      break;
    case 2:
      broken.event = 'checkout completed';
      break;
    case 3:
      broken.context = 'mobile';
      break;
    default:
      broken.sent_at = 'yesterday';
  }
  return broken;
}

/** Data that breaks the event type's schema the way real senders do: a wrong type, a missing field, a value out of range. */
function violateSchema(prng: Prng, valid: Envelope): Envelope {
  const broken = copy(valid);
  const data = broken.data as Record<string, unknown>;
  const flip = prng.chance(0.5);
  switch (broken.event) {
    case 'com.acme.page_view':
      if (flip) data['path'] = 404;
      else delete data['path'];
      break;
    case 'com.acme.link_click':
      if (flip) data['target_url'] = '/p/relative-link';
      else delete data['target_url'];
      break;
    case 'com.acme.search':
      if (flip) data['results_count'] = String(data['results_count']);
      else delete data['query'];
      break;
    case 'com.acme.add_to_cart': {
      const item = data['item'] as Record<string, unknown>;
      if (flip) item['unit_price'] = Number(item['unit_price']);
      else item['quantity'] = 0;
      break;
    }
    case 'com.acme.checkout_completed':
      if (flip) data['total_minor'] = (Number(data['total_minor']) / 100).toFixed(2);
      else delete data['order_id'];
      break;
    case 'com.acme.signup':
      data['method'] = flip ? 'facebook' : 'Email';
      break;
    case 'com.acme.app_error':
      if (flip) delete data['message'];
      else data['lineno'] = -1;
      break;
    default:
      throw new RangeError(`no schema violation known for ${String(broken.event)}`);
  }
  return broken;
}

/**
 * An app_error whose stack trace makes the event larger than `bytes` (more than the
 * collector's event size limit, 64 KiB by default).
 */
function oversize(valid: Envelope, bytes: number): Envelope {
  const context = valid.context as Record<string, unknown>;
  const frames = Math.ceil(bytes / 60);
  return {
    ...copy(valid),
    event: 'com.acme.app_error',
    data: {
      message: 'Maximum call stack size exceeded',
      error_name: 'RangeError',
      stack: stackTrace('RangeError', 'Maximum call stack size exceeded', '/assets/app.js', frames),
      url: String(context['page_url']),
      severity: 'fatal',
      handled: false,
      source: 'window_error',
    },
  };
}

/**
 * Turns a valid event into an invalid one of `kind`. `malformed_json` keeps the event as is:
 * it is the body around it that breaks (see `malformedBody`).
 */
export function makeInvalid(
  prng: Prng,
  kind: InvalidKind,
  valid: Envelope,
  oversizeBytes: number,
): Envelope {
  switch (kind) {
    case 'invalid_envelope':
      return invalidEnvelope(prng, valid);
    case 'unknown_event':
      return { ...copy(valid), event: prng.pick(unknownEventTypes) };
    case 'unknown_version':
      return { ...copy(valid), version: prng.int(90, 99) };
    case 'schema_violation':
      return violateSchema(prng, valid);
    case 'size_violation':
      return oversize(valid, oversizeBytes);
    case 'malformed_json':
      return valid;
  }
}

/** A body that is not JSON: cut off mid-way, or with a trailing comma, as broken senders do. */
export function malformedBody(prng: Prng, events: readonly Envelope[]): string {
  const text = JSON.stringify({ events });
  if (prng.chance(0.5)) return text.slice(0, prng.int(1, text.length - 1));
  return `${text.slice(0, -2)},]}`;
}
