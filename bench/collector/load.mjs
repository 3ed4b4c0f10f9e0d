// @ts-check
/**
 * The collector benchmark's load generator: bench/lib/load.mjs, with per-request headers, a count
 * of events per request, and the server's CPU time per event and memory.
 */
import { cpuPct, cpuUsed, measureLoad } from '../lib/load.mjs';

/** @typedef {import('./workloads.mjs').BenchRequest} BenchRequest */

/**
 * What one measured run saw. Latencies in ms, of answered requests.
 * @typedef {object} LoadResult
 * @property {number} requests requests answered (any status) during the measured duration
 * @property {number} non2xx answers with a status outside 200-299
 * @property {number} errors requests that got no answer (socket error, timeout)
 * @property {number} elapsedS measured wall time, from the start to the last answer, s
 * @property {number} rps requests answered per second, any status
 * @property {number} eventsPerS events carried by 2xx-answered requests, per second
 * @property {number} meanMs
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} clientCpuPct CPU the load generator used, % of one core
 * @property {number | undefined} serverCpuPct CPU the server used, % of one core, when known
 * @property {number | undefined} serverCpuUsPerEvent server CPU time per event answered 2xx, µs:
 *   steadier than events/s when other work on the machine takes cores
 * @property {number | undefined} serverRssMB the server's resident memory at the end, MB
 * @property {string | undefined} firstProblem the first non-2xx answer or error, for diagnosis
 */

/**
 * What a server reports about itself.
 * @typedef {{ usage: NodeJS.CpuUsage; rss: number }} ServerStats
 */

/**
 * Load options.
 * @typedef {object} LoadOptions
 * @property {string} origin `http://127.0.0.1:<port>`
 * @property {number} connections concurrent workers, each with its own socket
 * @property {number} warmupMs time sent but not measured, ms
 * @property {number} durationMs measured time, ms
 * @property {number} timeoutMs a request without an answer after this long is an error, ms
 * @property {() => BenchRequest} next the request a worker sends next
 * @property {() => Promise<ServerStats | undefined>} [serverStats] the server's CPU time and memory so far
 */

/**
 * Warms up, then measures: requests/s, events/s and latency percentiles of one kind of request.
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(options) {
  const measured = await measureLoad({ ...options, maxPathChars: 80, maxBodyChars: 300 });
  const { elapsedMs, events, serverAfter } = measured;
  const serverUsed = cpuUsed(measured.serverBefore?.usage, serverAfter?.usage);
  return {
    ...measured.counts,
    eventsPerS: events / (elapsedMs / 1000),
    ...measured.timing,
    serverCpuPct: serverUsed && cpuPct(serverUsed, elapsedMs),
    serverCpuUsPerEvent:
      serverUsed && events > 0 ? (serverUsed.user + serverUsed.system) / events : undefined,
    serverRssMB: serverAfter && serverAfter.rss / 1024 / 1024,
    firstProblem: measured.firstProblem,
  };
}
