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
  /** Ends the run early (Ctrl-C): requests in flight finish, then the summary. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Sends one planned request over a kept-alive connection and reads the collector's answer. */
async function send(agent: Agent, endpoint: URL, planned: PlannedRequest): Promise<RequestOutcome> {
  const started = performance.now();
  const body = Buffer.from(planned.body, 'utf8');
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(endpoint, {
        method: 'POST',
        agent,
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
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, latencyMs: performance.now() - started, reason: code };
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
        if (wait > 0) await sleep(wait);
        // The slot may fall after the end of the run.
        if (over()) return;
      }
      stats.record(planned.expected, await send(agent, endpoint, planned));
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
