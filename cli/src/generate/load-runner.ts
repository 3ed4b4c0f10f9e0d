import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LoadStats } from './load-stats';
import type { LoadSummary, RequestOutcome } from './load-stats';
import type { PlannedRequest, TrafficModel } from './traffic-model';

/** How a load run goes. */
export interface LoadOptions {
  /** Collector base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  model: TrafficModel;
  /** Events per request; default 25. */
  batch: number;
  /** Requests in flight at once; default 8. */
  concurrency: number;
  /** Stop after this many inputs; none: until `durationMs`. */
  count?: number;
  /** Stop after this long, ms. */
  durationMs?: number;
  /** Inputs a second to aim at; none: as fast as the collector answers. */
  rate?: number;
  /** Called with the figures so far every `progressIntervalMs`. */
  onProgress?: (summary: LoadSummary) => void;
  progressIntervalMs?: number;
  /** Wait for one answer, ms, then count the request's inputs as errors (`timeout`); default 30 000. */
  timeoutMs?: number;
  /** Ends the run at once (Ctrl-C): requests in flight are cut and count as errors (`stopped`). */
  signal?: AbortSignal;
}

/** Default of {@link LoadOptions.timeoutMs}, ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * How long requests still in flight when the duration ends may take to be answered, ms; a
 * collector that keeps up answers in milliseconds, and one that does not must not hold the run.
 */
export const END_GRACE_MS = 1000;

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** The per-input verdicts of a collector answer, or undefined when it has none. */
export function verdictsOf(body: string): string[] | undefined {
  try {
    const parsed = JSON.parse(body) as { events?: { status?: unknown; kind?: unknown }[] };
    if (!Array.isArray(parsed.events)) return undefined;
    return parsed.events.map((verdict) =>
      verdict.status === 'accepted' ? 'accepted' : String(verdict.kind),
    );
  } catch {
    return undefined;
  }
}

/**
 * Sends one planned request over a kept-alive connection and reads the collector's answer;
 * gives up after `timeoutMs` (`timeout`) or when `signal` aborts (`stopped`).
 */
async function send(
  agent: Agent,
  endpoint: URL,
  planned: PlannedRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RequestOutcome> {
  const started = performance.now();
  const body = Buffer.from(planned.body, 'utf8');
  const cut = new AbortController();
  let reason = 'stopped';
  const timer = setTimeout(() => {
    reason = 'timeout';
    cut.abort();
  }, timeoutMs);
  const stop = () => cut.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted === true) cut.abort();
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      // The signal destroys the request and its response, wherever they are.
      const req = request(endpoint, {
        method: 'POST',
        agent,
        signal: cut.signal,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': planned.userAgent,
        },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(body);
    });
    const text = await readAll(response);
    const latencyMs = performance.now() - started;
    const verdicts = verdictsOf(text);
    if (verdicts === undefined) {
      return { ok: false, latencyMs, reason: `HTTP ${response.statusCode ?? 0}` };
    }
    return { ok: true, latencyMs, verdicts };
  } catch (error) {
    const code = cut.signal.aborted
      ? reason
      : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    return { ok: false, latencyMs: performance.now() - started, reason: code };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}

/**
 * Sends the model's traffic to a collector's `POST /v1/events` until the count or the
 * duration is reached, `concurrency` requests at a time, paced to `rate` when given.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const endpoint = new URL('/v1/events', options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const stats = new LoadStats(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const pending: PlannedRequest[] = [];
  let planned = 0;

  const over = (): boolean =>
    options.signal?.aborted === true ||
    (options.durationMs !== undefined && elapsed() >= options.durationMs);

  /** The next request to send, or undefined when the run is over. */
  const next = (): PlannedRequest | undefined => {
    if (over()) return undefined;
    if (pending.length === 0) {
      const left = options.count === undefined ? options.batch : options.count - planned;
      if (left <= 0) return undefined;
      const requests = options.model.nextRequests(Math.min(options.batch, left));
      for (const each of requests) planned += each.expected.length;
      pending.push(...requests);
    }
    return pending.shift();
  };

  let sentInputs = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const planned = next();
      if (planned === undefined) return;
      if (options.rate !== undefined) {
        // Each request waits for its slot on the rate's timeline.
        const due = (sentInputs * 1000) / options.rate;
        sentInputs += planned.expected.length;
        const wait = Math.min(due, options.durationMs ?? due) - elapsed();
        if (wait > 0) await sleep(wait, options.signal);
        // The slot may fall after the end of the run.
        if (over()) return;
      }
      // A request sent near the end of the duration waits no longer than the grace after it.
      const left =
        options.durationMs === undefined
          ? timeoutMs
          : Math.min(timeoutMs, options.durationMs + END_GRACE_MS - elapsed());
      const outcome = await send(agent, endpoint, planned, left, options.signal);
      stats.record(planned.expected, outcome);
    }
  };

  const timer =
    options.onProgress &&
    setInterval(
      () => options.onProgress?.(stats.summary(elapsed())),
      options.progressIntervalMs ?? 5000,
    );
  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  } finally {
    if (timer) clearInterval(timer);
    agent.destroy();
  }
  return stats.summary(elapsed());
}
