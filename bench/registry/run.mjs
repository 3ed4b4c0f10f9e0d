// @ts-check
/**
 * Sift registry benchmark: requests/s and p50/p99 latency of get-by-id and register, beside a bare
 * node:http server answering a fixed body of the same size, measured in the same run.
 *
 *   node bench/registry/run.mjs [--duration 5] [--warmup 1] [--connections 32] [--schemas 100]
 *                               [--store memory|file] [--log-level info] [--build]
 *
 * Each flag can also come from the environment: BENCH_DURATION_S, BENCH_WARMUP_S,
 * BENCH_CONNECTIONS, BENCH_SCHEMAS, BENCH_STORE, BENCH_LOG_LEVEL. See README.md.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ask,
  ensureBuilt,
  exited,
  forkServer,
  removeOnExit,
  stopServers,
} from '../lib/children.mjs';
import { alignTable, fixed, headline, machine, saveResults, warnProblems } from '../lib/report.mjs';
import { runLoad } from './load.mjs';
import { register, seed, workloads } from './workloads.mjs';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {import('./load.mjs').BenchRequest} BenchRequest */
/** @typedef {import('./load.mjs').LoadResult} LoadResult */

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.mjs');
const PACKAGES = ['common', 'validator', 'registry'];

/**
 * The benchmark's settings.
 * @typedef {object} BenchOptions
 * @property {number} durationS measured time per target, s
 * @property {number} warmupS unmeasured time before each target, s
 * @property {number} connections concurrent connections (one request in flight on each)
 * @property {number} schemas schemas registered before measuring
 * @property {'memory' | 'file'} store the registry's store; `file` fsyncs every append
 * @property {string} logLevel the registry's pino level (logs go to /dev/null)
 * @property {boolean} build run `tsc -b tsconfig.build.json` even when dist/ exists
 */

/** @returns {BenchOptions} */
function readOptions() {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: env.BENCH_DURATION_S ?? '5' },
      warmup: { type: 'string', default: env.BENCH_WARMUP_S ?? '1' },
      connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '32' },
      schemas: { type: 'string', default: env.BENCH_SCHEMAS ?? '100' },
      store: { type: 'string', default: env.BENCH_STORE ?? 'memory' },
      'log-level': { type: 'string', default: env.BENCH_LOG_LEVEL ?? 'info' },
      build: { type: 'boolean', default: false },
    },
  });
  /**
   * @param {string} name
   * @param {string | undefined} text
   * @param {number} min
   */
  const number = (name, text, min) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be >= ${min}`);
    return value;
  };
  if (values.store !== 'memory' && values.store !== 'file') {
    throw new Error('--store must be memory or file');
  }
  return {
    durationS: number('duration', values.duration, 0.1),
    warmupS: number('warmup', values.warmup, 0),
    connections: Math.floor(number('connections', values.connections, 1)),
    schemas: Math.floor(number('schemas', values.schemas, 1)),
    store: values.store,
    logLevel: values['log-level'] ?? 'info',
    build: values.build ?? false,
  };
}

/**
 * A server child process and how to talk to it.
 * @typedef {{ child: ChildProcess; url: string; cpu: () => Promise<NodeJS.CpuUsage | undefined> }} Server
 */

/**
 * Forks server.mjs and waits until it listens. Its stdout (the registry's logs) goes to /dev/null.
 * @param {string[]} args
 * @returns {Promise<Server>}
 */
async function startServer(args) {
  const { child, url } = await forkServer(SERVER, args, 30_000);
  /** @returns {Promise<NodeJS.CpuUsage | undefined>} */
  const cpu = () =>
    ask(child, 'cpu', (/** @type {{ usage: NodeJS.CpuUsage }} */ message) => message.usage);
  return { child, url, cpu };
}

/**
 * Sends one setup request (not measured) and returns the answer's text; throws unless 2xx.
 * @param {string} origin
 * @param {BenchRequest} req
 */
async function setupRequest(origin, req) {
  const res = await fetch(origin + req.path, {
    method: req.method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: req.body ?? null,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${req.method} ${req.path} -> ${res.status} ${text}`);
  return text;
}

/**
 * Registers schemas 0..n-1 under their own subjects.
 * @param {string} origin
 * @param {number} n
 * @returns {Promise<number[]>} their ids, in order
 */
async function seedRegistry(origin, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const { subject, schema } = seed(i);
    const answer = JSON.parse(await setupRequest(origin, register(subject, schema)));
    ids.push(/** @type {{ id: number }} */ (answer).id);
  }
  return ids;
}

/**
 * One benchmarked operation.
 * @typedef {{ name: string; server: Server; next: () => BenchRequest }} Target
 */

/**
 * The results as an aligned table.
 * @param {{ name: string; result: LoadResult }[]} rows
 */
function table(rows) {
  const baseline = rows[0]?.result.rps ?? 0;
  const header = [
    'target',
    'req/s',
    'vs base',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'errors',
    'srv cpu%',
    'srv µs/req',
    'gen cpu%',
  ];
  const lines = rows.map(({ name, result: r }) => [
    name,
    fixed(r.rps, 0),
    baseline > 0 ? `${fixed(r.rps / baseline, 2)}x` : '-',
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    fixed(r.maxMs, 1),
    String(r.non2xx),
    String(r.errors),
    r.serverCpuPct === undefined ? '-' : fixed(r.serverCpuPct, 0),
    r.serverCpuUsPerRequest === undefined ? '-' : fixed(r.serverCpuUsPerRequest, 0),
    fixed(r.clientCpuPct, 0),
  ]);
  return alignTable(header, lines);
}

async function main() {
  const options = readOptions();
  ensureBuilt({ packages: PACKAGES, force: options.build });

  const dataDir = await mkdtemp(join(tmpdir(), 'sift-bench-registry-'));
  removeOnExit(dataDir);
  try {
    const registry = await startServer([
      'registry',
      options.store,
      join(dataDir, 'schemas.jsonl'),
      options.logLevel,
    ]);
    const seededIds = await seedRegistry(registry.url, options.schemas);
    // The baseline answers exactly what the registry answers for a seeded schema: same bytes.
    const body = await setupRequest(registry.url, {
      method: 'GET',
      path: `/schemas/ids/${seededIds[0]}`,
    });
    const baseline = await startServer(['baseline', body]);

    const load = workloads(seededIds);
    /** @type {Target[]} */
    const targets = [
      { name: 'baseline node:http fixed body', server: baseline, next: load.getById },
      { name: 'registry GET /schemas/ids/{id}', server: registry, next: load.getById },
      { name: 'registry POST register (same)', server: registry, next: load.registerSame },
      {
        name: 'registry POST register (new subject)',
        server: registry,
        next: load.registerNewSubject,
      },
      {
        name: 'registry POST register (new version)',
        server: registry,
        next: load.registerNewVersion,
      },
    ];

    const host = machine();
    const answerBytes = Buffer.byteLength(body);
    console.log(headline('registry', host, options));
    console.log(
      `registry: ${options.store} store, log level ${options.logLevel}, ` +
        `${options.schemas} seeded schemas, get-by-id answer ${answerBytes} B (baseline sends the same bytes)`,
    );
    /** @type {{ name: string; result: LoadResult }[]} */
    const rows = [];
    /** @type {string | undefined} */
    let stopped;
    for (const target of targets) {
      const { child } = target.server;
      if (exited(child)) {
        stopped = `a server exited (${child.exitCode ?? child.signalCode}): "${target.name}" and later rows not run`;
        break;
      }
      process.stderr.write(`  ${target.name} ...\n`);
      const result = await runLoad({
        origin: target.server.url,
        connections: options.connections,
        warmupMs: options.warmupS * 1000,
        durationMs: options.durationS * 1000,
        timeoutMs: 10_000,
        next: target.next,
        serverCpu: target.server.cpu,
      });
      rows.push({ name: target.name, result });
    }

    console.log(table(rows));
    const hadErrors = warnProblems(rows, stopped);
    await saveResults(
      'registry',
      {
        machine: host,
        options,
        answerBytes,
        stopped,
        results: rows.map(({ name, result }) => ({ target: name, ...result })),
      },
      hadErrors,
    );
  } finally {
    await stopServers(3_000);
  }
}

await main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
