// @ts-check
/**
 * The shared core of the benchmarks' load generators: a closed loop of `connections` workers, each
 * sending one request at a time over a keep-alive socket, for a warm-up and then a measured
 * duration. Every latency is recorded (not sampled); percentiles are exact over the measured
 * requests. Each benchmark's own load.mjs turns the measurement into its result.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * One request to send; `events` is how many events it carries (counted only when answered 2xx).
 * @typedef {{ method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string>; events?: number }} BenchRequest
 */

/**
 * Load options; `S` is what the server reports about itself.
 * @template S
 * @typedef {object} MeasureOptions
 * @property {string} origin `http://127.0.0.1:<port>`
 * @property {number} connections concurrent workers, each with its own socket
 * @property {number} warmupMs time sent but not measured, ms
 * @property {number} durationMs measured time, ms
 * @property {number} timeoutMs a request without an answer after this long is an error, ms
 * @property {() => BenchRequest} next the request a worker sends next
 * @property {() => Promise<S | undefined>} [serverStats] the server's figures so far
 * @property {Record<string, string>} [bodyHeaders] headers sent with every request that has a body
 * @property {number} [maxPathChars] how much of a request's path a problem quotes
 * @property {number} [maxBodyChars] how much of an answer's body a problem quotes
 */

/**
 * What the load generator itself measured, in the order the results report it.
 * @typedef {object} Counts
 * @property {number} requests requests answered (any status) during the measured duration
 * @property {number} non2xx answers with a status outside 200-299
 * @property {number} errors requests that got no answer (socket error, timeout)
 * @property {number} elapsedS measured wall time, from the start to the last answer, s
 * @property {number} rps requests answered per second, any status
 */

/**
 * Latency percentiles of answered requests, ms, and the generator's own CPU.
 * @typedef {object} Timing
 * @property {number} meanMs
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} clientCpuPct CPU the load generator used, % of one core
 */

/**
 * One measured run, before a benchmark turns it into its result.
 * @template S
 * @typedef {object} Measured
 * @property {Counts} counts
 * @property {Timing} timing
 * @property {number} elapsedMs
 * @property {number} events events carried by 2xx-answered requests
 * @property {S | undefined} serverBefore
 * @property {S | undefined} serverAfter
 * @property {string | undefined} firstProblem the first non-2xx answer or error, for diagnosis
 */

/**
 * Sends one request and waits for the whole answer.
 * @param {Agent} agent
 * @param {URL} origin
 * @param {BenchRequest} req
 * @param {number} timeoutMs
 * @param {Record<string, string>} [bodyHeaders] added when the request has a body
 * @returns {Promise<{ status: number; body: string }>} `body` only for a non-2xx answer
 */
export function send(agent, origin, req, timeoutMs, bodyHeaders) {
  return new Promise((resolve, reject) => {
    const headers =
      req.body === undefined
        ? { ...req.headers }
        : {
            ...bodyHeaders,
            ...req.headers,
            'content-length': String(Buffer.byteLength(req.body)),
          };
    const outgoing = request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: req.method,
        path: req.path,
        headers,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        /** @type {Buffer[]} */
        const chunks = [];
        // A good answer is drained unread: parsing it would measure the client, not the server.
        res.on('data', (chunk) => ok || chunks.push(chunk));
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(new Error(`no answer after ${timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Value at quantile `q` of ascending `sorted` (nearest rank); 0 when empty.
 * @param {Float64Array} sorted
 * @param {number} q
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * CPU time over wall time, % of one core (up to 100 × cores).
 * @param {NodeJS.CpuUsage} used µs
 * @param {number} elapsedMs
 */
export function cpuPct(used, elapsedMs) {
  return ((used.user + used.system) / 1000 / elapsedMs) * 100;
}

/**
 * CPU time used between two readings; undefined unless both are known.
 * @param {NodeJS.CpuUsage | undefined} before
 * @param {NodeJS.CpuUsage | undefined} after
 * @returns {NodeJS.CpuUsage | undefined}
 */
export function cpuUsed(before, after) {
  return before && after
    ? { user: after.user - before.user, system: after.system - before.system }
    : undefined;
}

/**
 * Runs the workers until `endAt` (performance.now() ms); `record` sees every finished request.
 * @template S
 * @param {MeasureOptions<S>} options
 * @param {Agent} agent
 * @param {number} endAt
 * @param {(ms: number, status: number, events: number, problem?: string) => void} record `status` 0 = error
 */
async function drive(options, agent, endAt, record) {
  const origin = new URL(options.origin);
  const { maxPathChars = Infinity, maxBodyChars = Infinity } = options;
  const worker = async () => {
    while (performance.now() < endAt) {
      const req = options.next();
      const started = performance.now();
      try {
        const { status, body } = await send(
          agent,
          origin,
          req,
          options.timeoutMs,
          options.bodyHeaders,
        );
        const problem =
          status >= 200 && status < 300
            ? undefined
            : `${req.method} ${req.path.slice(0, maxPathChars)} -> ${status} ${body.slice(0, maxBodyChars)}`;
        record(performance.now() - started, status, req.events ?? 1, problem);
      } catch (error) {
        record(
          performance.now() - started,
          0,
          req.events ?? 1,
          `${req.method} ${req.path.slice(0, maxPathChars)} -> ${String(error)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
}

/**
 * Warms up, then measures one kind of request: counts, latency percentiles, and the server's
 * figures before and after.
 * @template S
 * @param {MeasureOptions<S>} options
 * @returns {Promise<Measured<S>>}
 */
export async function measureLoad(options) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  });
  try {
    await drive(options, agent, performance.now() + options.warmupMs, () => {});

    /** @type {number[]} */
    const latencies = [];
    let non2xx = 0;
    let errors = 0;
    let events = 0;
    /** @type {string | undefined} */
    let firstProblem;
    const serverBefore = await options.serverStats?.();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await drive(options, agent, started + options.durationMs, (ms, status, count, problem) => {
      // A request with no answer has no latency worth reporting (a refused connect is fast).
      if (status === 0) errors++;
      else latencies.push(ms);
      if (status >= 200 && status < 300) events += count;
      else if (status !== 0) non2xx++;
      firstProblem ??= problem;
    });
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const serverAfter = await options.serverStats?.();

    const answered = latencies.length;
    const sorted = Float64Array.from(latencies).sort();
    const sum = latencies.reduce((total, ms) => total + ms, 0);
    return {
      counts: {
        requests: answered,
        non2xx,
        errors,
        elapsedS: elapsedMs / 1000,
        rps: answered / (elapsedMs / 1000),
      },
      timing: {
        meanMs: latencies.length === 0 ? 0 : sum / latencies.length,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: quantile(sorted, 1),
        clientCpuPct: cpuPct(cpu, elapsedMs),
      },
      elapsedMs,
      events,
      serverBefore,
      serverAfter,
      firstProblem,
    };
  } finally {
    agent.destroy();
  }
}
