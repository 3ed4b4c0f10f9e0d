import type { components } from './collector-api';
import { Identity } from './identity';
import { browserStorage, memoryStorage, readJson, writeJson } from './storage';
import type { KeyValueStorage } from './storage';
import { uuid } from './uuid';

/** An event as the collector takes it (collector/openapi.json). */
export type EventEnvelope = components['schemas']['EventEnvelope'];
/** The collector's answer to a batch. */
export type BatchResult = components['schemas']['BatchResult'];
/** Why the collector refused one event. */
export type RejectedVerdict = components['schemas']['RejectedVerdict'];

/** The header that marks a request's events as sent by a test run. */
export const TEST_ID_HEADER = 'X-Sift-Test-Id';

/** The part of `fetch` the tracker uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; keepalive?: boolean },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}>;

/** What went wrong while sending: events dropped or refused. */
export interface TrackerProblem {
  kind: 'dropped' | 'rejected' | 'queue_full';
  message: string;
  /** How many events it concerns. */
  events: number;
  /** Per-event reasons, for `rejected`. */
  verdicts?: RejectedVerdict[];
  cause?: unknown;
}

/** How a tracker sends. Durations in ms. */
export interface TrackerOptions {
  /** The collector's base URL, e.g. `https://collect.shop.example`; events go to `/v1/events`. */
  collectorUrl: string;
  /** Events per request; a full batch is sent at once. Default 25. */
  maxBatchEvents?: number;
  /** Longest an event waits before its batch is sent, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Events kept while the collector is unreachable; past it the oldest are dropped. Default 1000. */
  maxQueueEvents?: number;
  /** Tries per batch on network errors, 429 and 5xx. Default 5. */
  maxAttempts?: number;
  /** First retry delay, ms, doubled each try, full jitter. Default 500. */
  retryBaseMs?: number;
  /** Longest retry delay, ms. Default 30000. */
  retryMaxMs?: number;
  /** A session ends after this long without events, ms. Default 1800000 (30 min). */
  sessionTimeoutMs?: number;
  /** Marks every event as sent by a test run: `X-Sift-Test-Id`, or `context.test_id` in beacons. */
  testId?: string;
  /** Keep the queue in storage so events survive a reload (browser). Default false. */
  persistQueue?: boolean;
  /** Where ids, session and queue live. Default `localStorage` in browsers, memory elsewhere. */
  storage?: KeyValueStorage;
  /** Send the queue with `navigator.sendBeacon` when the page is hidden. Default true in browsers. */
  beaconOnPageHide?: boolean;
  /** Context added to every event (app version, …). */
  context?: Record<string, unknown>;
  /** Told about dropped and refused events; default: nothing. */
  onProblem?: (problem: TrackerProblem) => void;
  fetch?: FetchLike;
  /** For jitter; default Math.random. */
  random?: () => number;
}

interface Queued {
  event: string;
  version: number;
  id: string;
  context: Record<string, unknown>;
  data: unknown;
}

interface BrowserGlobals {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  document?: {
    visibilityState?: string;
    referrer?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
  location?: { href: string };
  navigator?: { sendBeacon?: (url: string, data: string) => boolean };
}

const QUEUE_KEY = 'sift:queue';
const browser = globalThis as BrowserGlobals;

/** Bodies under this many bytes go with `keepalive`, so they survive the page's unload. */
const KEEPALIVE_MAX_BYTES = 64 * 1024;

/** A timer that does not keep a Node process alive. */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => unrefTimer(setTimeout(resolve, ms)));
}

/** What became of a batch: answered (sent, refused or dropped), or to be tried again later. */
type PostOutcome = { retryInMs: number } | undefined;

/**
 * Batches events and sends them to the collector: by count and by time, retrying with backoff
 * and jitter, with a bounded queue, and by `sendBeacon` when the page is hidden.
 */
export class Tracker {
  private readonly url: string;
  private readonly options: Required<
    Pick<
      TrackerOptions,
      | 'maxBatchEvents'
      | 'flushIntervalMs'
      | 'maxQueueEvents'
      | 'maxAttempts'
      | 'retryBaseMs'
      | 'retryMaxMs'
    >
  >;
  private readonly identity: Identity;
  private readonly storage: KeyValueStorage;
  private readonly fetch: FetchLike;
  private queue: Queued[] = [];
  /** How many events at the queue's head are in a request now. */
  private inFlight = 0;
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private userId: string | undefined;
  private readonly detach: () => void;

  constructor(private readonly settings: TrackerOptions) {
    this.url = `${settings.collectorUrl.replace(/\/+$/, '')}/v1/events`;
    this.options = {
      maxBatchEvents: settings.maxBatchEvents ?? 25,
      flushIntervalMs: settings.flushIntervalMs ?? 1000,
      maxQueueEvents: settings.maxQueueEvents ?? 1000,
      maxAttempts: settings.maxAttempts ?? 5,
      retryBaseMs: settings.retryBaseMs ?? 500,
      retryMaxMs: settings.retryMaxMs ?? 30_000,
    };
    this.storage = settings.storage ?? browserStorage() ?? memoryStorage();
    this.identity = new Identity(this.storage, settings.sessionTimeoutMs ?? 30 * 60_000);
    const fetchImpl = settings.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!fetchImpl) throw new Error('No fetch here: pass options.fetch');
    // Called unbound: browsers refuse `fetch` called as a method of another object.
    this.fetch = (url, init) => fetchImpl(url, init);
    if (settings.persistQueue) {
      const stored = readJson(this.storage, QUEUE_KEY);
      if (Array.isArray(stored)) this.queue = stored as Queued[];
    }
    this.detach = this.attachPageHide();
    if (this.queue.length > 0) this.schedule();
  }

  /** The visitor's anonymous id, kept in storage. */
  get anonymousId(): string {
    return this.identity.anonymousId;
  }

  /** Events waiting to be sent. */
  get queued(): number {
    return this.queue.length;
  }

  /** Sets (or clears) the user id sent in every later event's context. */
  identify(userId: string | undefined): void {
    this.userId = userId;
  }

  /**
   * Queues an event for the exact schema version its data was written for. The event is
   * serialised here: data or context that JSON cannot carry (a BigInt, a cycle) throws a
   * TypeError and the event is not queued; other events are unaffected.
   */
  send(event: string, version: number, data: unknown, context?: Record<string, unknown>): void {
    const page = browser.location?.href;
    const referrer = browser.document?.referrer;
    this.queue.push(
      this.snapshot({
        event,
        version,
        id: uuid(),
        context: {
          ...this.settings.context,
          created_at: new Date().toISOString(),
          anonymous_id: this.identity.anonymousId,
          session_id: this.identity.touch(Date.now()),
          ...(this.userId !== undefined ? { user_id: this.userId } : {}),
          ...(page ? { page_url: page } : {}),
          ...(referrer ? { referrer } : {}),
          ...context,
        },
        data,
      }),
    );
    if (this.queue.length > this.options.maxQueueEvents) {
      // Drop the oldest event not already in a request.
      this.queue.splice(this.inFlight, 1);
      this.problem({ kind: 'queue_full', message: 'queue full: oldest event dropped', events: 1 });
    }
    this.persist();
    if (this.queue.length - this.inFlight >= this.options.maxBatchEvents) void this.flush();
    else this.schedule();
  }

  /**
   * Sends every queued event; resolves when each batch is answered, or when the collector stays
   * unreachable after `maxAttempts` tries: the events then stay queued and a later drain sends them.
   */
  flush(): Promise<void> {
    this.clearTimer();
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  /**
   * Sends the queue with `navigator.sendBeacon` (no answer, no headers: the test id goes in
   * `context.test_id`). Returns false when there is no beacon or it refused some events,
   * which then stay queued.
   */
  flushWithBeacon(): boolean {
    const sendBeacon = browser.navigator?.sendBeacon?.bind(browser.navigator);
    if (!sendBeacon) return false;
    this.clearTimer();
    while (this.queue.length > this.inFlight) {
      const batch = this.queue.slice(this.inFlight, this.inFlight + this.options.maxBatchEvents);
      const testId = this.settings.testId;
      const body = this.body(
        testId === undefined
          ? batch
          : batch.map((event) => ({ ...event, context: { ...event.context, test_id: testId } })),
      );
      if (!sendBeacon(this.url, body)) return false;
      this.queue.splice(this.inFlight, batch.length);
      this.persist();
    }
    return true;
  }

  /** Sends what is queued and stops listening to the page. */
  async shutdown(): Promise<void> {
    this.detach();
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.maxBatchEvents);
      this.inFlight = batch.length;
      let outcome: PostOutcome;
      try {
        outcome = await this.post(batch);
      } finally {
        // Kept at the head when it is to be tried again: only the bounded queue drops events.
        if (!outcome) this.queue.splice(0, this.inFlight);
        this.inFlight = 0;
        this.persist();
      }
      if (outcome) {
        this.retryLater(outcome.retryInMs);
        return;
      }
    }
  }

  private async post(batch: Queued[]): Promise<PostOutcome> {
    const body = this.body(batch);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.settings.testId !== undefined) headers[TEST_ID_HEADER] = this.settings.testId;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const response = await this.fetch(this.url, {
          method: 'POST',
          headers,
          body,
          // Lets the request outlive the page; browsers refuse keepalive bodies of 64 KiB or more.
          ...(byteLength(body) < KEEPALIVE_MAX_BYTES ? { keepalive: true } : {}),
        });
        if (response.ok || response.status === 400 || response.status === 413) {
          // 400/413: the collector kept the body as a bad event; sending it again cannot help.
          const result = (await response.json().catch(() => undefined)) as BatchResult | undefined;
          const verdicts = (result?.events ?? []).filter(
            (verdict): verdict is RejectedVerdict => verdict.status === 'rejected',
          );
          if (verdicts.length > 0 || !response.ok) {
            this.problem({
              kind: 'rejected',
              message: `the collector refused ${verdicts.length || batch.length} event(s)`,
              events: response.ok ? verdicts.length : batch.length,
              verdicts,
            });
          }
          return undefined;
        }
        const cause = new Error(`collector answered ${response.status}`);
        if (response.status !== 429 && response.status !== 408 && response.status < 500) {
          this.problem({ kind: 'dropped', message: String(cause), events: batch.length, cause });
          return undefined;
        }
        const retryAfter = Number(response.headers.get('retry-after'));
        if (retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, this.options.retryMaxMs);
      } catch {
        // A network error: tried again like a 5xx.
      }
      const delayMs = retryAfterMs ?? this.backoff(attempt);
      if (attempt >= this.options.maxAttempts) return { retryInMs: delayMs };
      await sleep(delayMs);
    }
  }

  /** Full jitter: a random delay up to base × 2^(attempt − 1), capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(
      this.options.retryMaxMs,
      this.options.retryBaseMs * 2 ** (attempt - 1),
    );
    return Math.floor((this.settings.random ?? Math.random)() * ceiling);
  }

  /** The event as JSON will carry it, so a value JSON cannot carry fails here, for this event alone. */
  private snapshot(event: Queued): Queued {
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (error) {
      throw new TypeError(
        `${event.event} v${event.version}: the event cannot be sent as JSON: ${String(error)}`,
        { cause: error },
      );
    }
    return JSON.parse(json) as Queued;
  }

  private body(batch: Queued[]): string {
    const sentAt = new Date().toISOString();
    const events: EventEnvelope[] = batch.map((event) => ({ ...event, sent_at: sentAt }));
    return JSON.stringify({ events });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs);
    // In Node, a pending flush does not keep the process alive: call shutdown() before exit.
    unrefTimer(this.timer);
  }

  /** Drains again after `ms`, when the collector could not be reached. */
  private retryLater(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    unrefTimer(this.timer);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private persist(): void {
    if (this.settings.persistQueue) writeJson(this.storage, QUEUE_KEY, this.queue);
  }

  private problem(problem: TrackerProblem): void {
    try {
      this.settings.onProblem?.(problem);
    } catch {
      // A handler's own error must not stop sending, nor surface as an unhandled rejection.
    }
  }

  private attachPageHide(): () => void {
    const document = browser.document;
    if (
      this.settings.beaconOnPageHide === false ||
      !document ||
      !browser.addEventListener ||
      !browser.navigator?.sendBeacon
    ) {
      return () => undefined;
    }
    const onHidden = (): void => {
      if (document.visibilityState === 'hidden') this.flushWithBeacon();
    };
    const onPageHide = (): void => {
      this.flushWithBeacon();
    };
    document.addEventListener('visibilitychange', onHidden);
    browser.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      browser.removeEventListener?.('pagehide', onPageHide);
    };
  }
}

/** The UTF-8 size of a string, in bytes. */
function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** A tracker for a collector; see TrackerOptions for the defaults. */
export function createTracker(options: TrackerOptions): Tracker {
  return new Tracker(options);
}
