// @ts-check
/**
 * The registry benchmark's load generator: bench/lib/load.mjs, with registry JSON headers on every
 * request that has a body, and server CPU time per answered request.
 */
import { cpuPct, cpuUsed, measureLoad } from '../lib/load.mjs';

/**
 * One request to send.
 * @typedef {import('../lib/load.mjs').BenchRequest} BenchRequest
 */

/**
 * What one measured run saw. Latencies in ms, of answered requests; `rps` counts every answer, good or not.
 * @typedef {object} LoadResult
 * @property {number} requests requests answered (any status) during the measured duration
 * @property {number} non2xx answers with a status outside 200-299
 * @property {number} errors requests that got no answer (socket error, timeout)
 * @property {number} elapsedS measured wall time, from the start to the last answer, s
 * @property {number} rps requests answered per second
 * @property {number} meanMs
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} maxMs
 * @property {number} clientCpuPct CPU the load generator used, % of one core
 * @property {number | undefined} serverCpuPct CPU the server used, % of one core, when known
 * @property {number | undefined} serverCpuUsPerRequest server CPU time per answered request, µs:
 *   steadier than req/s when other work on the machine takes cores
 * @property {string | undefined} firstProblem the first non-2xx answer or error, for diagnosis
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
 * @property {() => Promise<NodeJS.CpuUsage | undefined>} [serverCpu] the server's CPU time so far
 */

const JSON_HEADERS = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

/**
 * Warms up, then measures: requests/s and latency percentiles of one kind of request.
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad({ serverCpu, ...options }) {
  const measured = await measureLoad({
    ...options,
    serverStats: serverCpu,
    bodyHeaders: JSON_HEADERS,
  });
  const { counts, elapsedMs } = measured;
  const serverUsed = cpuUsed(measured.serverBefore, measured.serverAfter);
  return {
    ...counts,
    ...measured.timing,
    serverCpuPct: serverUsed && cpuPct(serverUsed, elapsedMs),
    serverCpuUsPerRequest:
      serverUsed && counts.requests > 0
        ? (serverUsed.user + serverUsed.system) / counts.requests
        : undefined,
    firstProblem: measured.firstProblem,
  };
}
