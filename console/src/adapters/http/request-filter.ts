import type { IncomingMessage } from 'node:http';
import { requestRefusal, SiftError, ValidationError } from '@sift/common';
import type { RequestGuardOptions } from '@sift/common';
import type { EventFilter, EventQuery, ResetBarrier } from '../../ports';

type Params = Record<string, unknown>;

function single(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ValidationError('SIFT_REQUEST_INVALID', `${name} must be given once, as text`);
  }
  return value;
}

/** An optional whole number parameter within bounds. */
export function integerParam(
  params: Params,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = single(params, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < bounds.min || value > bounds.max) {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      `${name} must be a whole number from ${bounds.min} to ${bounds.max}, not '${text}'`,
    );
  }
  return value;
}

function timeParam(params: Params, name: string): Date | undefined {
  const text = single(params, name);
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new ValidationError('SIFT_REQUEST_INVALID', `${name} '${text}' is not an ISO 8601 time`);
  }
  return new Date(at);
}

/**
 * The event filter of a test-API request: `verdict`, `id`, `event`, `vendor`, `version`,
 * `kind`, `test_id`, `since`, `until`.
 */
export function eventFilter(params: Params): EventFilter {
  const verdict = single(params, 'verdict');
  if (verdict !== undefined && verdict !== 'good' && verdict !== 'bad') {
    throw new ValidationError(
      'SIFT_REQUEST_INVALID',
      `verdict must be good or bad, not '${verdict}'`,
    );
  }
  const text: [keyof EventFilter, string][] = [
    ['id', 'id'],
    ['eventType', 'event'],
    ['vendor', 'vendor'],
    ['kind', 'kind'],
    ['testId', 'test_id'],
  ];
  const filter: EventFilter = {};
  if (verdict !== undefined) filter.verdict = verdict;
  for (const [key, name] of text) {
    const value = single(params, name);
    if (value !== undefined) (filter as Record<string, unknown>)[key as string] = value;
  }
  const version = integerParam(params, 'version', { min: 1, max: 2 ** 31 - 1 });
  if (version !== undefined) filter.schemaVersion = version;
  const since = timeParam(params, 'since');
  if (since !== undefined) filter.since = since;
  const until = timeParam(params, 'until');
  if (until !== undefined) filter.until = until;
  return filter;
}

/** Throws unless this console may delete every stored event (`SIFT_CONSOLE_ALLOW_RESET`). */
export function assertResetAllowed(allowed: boolean): void {
  if (!allowed) {
    throw new SiftError(
      'SIFT_CONSOLE_RESET_DISABLED',
      'Reset is off on this console: it would delete every stored event; set SIFT_CONSOLE_ALLOW_RESET=true to allow it',
    );
  }
}

/** What a reset needs. */
export interface ResetDeps {
  query: Pick<EventQuery, 'deleteAll'>;
  /** Whether reset may delete every stored event. */
  allowReset: boolean;
  /** Who may ask: a reset is refused to every web page of another site, even as a GET. */
  guard: RequestGuardOptions;
  /** Holds back the log's records from before the reset; none: the store alone is emptied. */
  barrier?: ResetBarrier;
  /** Longest the barrier waits for batches from before the reset, ms. */
  resetTimeoutMs: number;
}

/**
 * Empties the store of every event received before now, those still in the log included;
 * refuses a request a web page of another site sent (a GET `<img>` too).
 */
export async function resetStore(req: IncomingMessage, deps: ResetDeps): Promise<void> {
  const refusal = requestRefusal(req, { ...deps.guard, changesState: () => true });
  if (refusal) throw new SiftError(refusal.code, refusal.message);
  assertResetAllowed(deps.allowReset);
  await deps.barrier?.mark(deps.resetTimeoutMs);
  await deps.query.deleteAll();
}
