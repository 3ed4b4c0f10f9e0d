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
import { fork, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad } from './load.mjs';
import { register, seed, workloads } from './workloads.mjs';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {import('./load.mjs').BenchRequest} BenchRequest */
/** @typedef {import('./load.mjs').LoadResult} LoadResult */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER = join(HERE, 'server.mjs');
const RESULTS = join(ROOT, 'bench', 'results');
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

/** Builds the packages the servers import when their dist/ is missing (or when asked). */
function ensureBuilt(force = false) {
  const missing = PACKAGES.filter((name) => !existsSync(join(ROOT, name, 'dist', 'index.js')));
  if (!force && missing.length === 0) return;
  console.error(`building (${force ? '--build' : `no dist/ in ${missing.join(', ')}`}) ...`);
  const built = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('npx tsc -b tsconfig.build.json failed');
}

/** Every server still running, and the registry's data directory: cleaned up on exit, whatever the reason. */
const children = new Set(/** @type {ChildProcess[]} */ ([]));
const tempDirs = new Set(/** @type {string[]} */ ([]));
process.on('exit', () => {
  children.forEach((child) => child.kill('SIGKILL'));
  tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    process.exit(130);
  });
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
  const child = fork(SERVER, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} server did not start`)), 30_000);
    child.once('message', (/** @type {{ url: string }} */ message) => {
      clearTimeout(timer);
      resolve(message.url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} server exited (${code}) before listening`));
    });
  });
  /** @returns {Promise<NodeJS.CpuUsage | undefined>} */
  const cpu = () =>
    new Promise((resolve) => {
      if (!child.connected) return resolve(undefined);
      /** @param {{ type: string; usage: NodeJS.CpuUsage }} message */
      const answer = (message) => message.type === 'cpu' && done(message.usage);
      /** @param {NodeJS.CpuUsage | undefined} usage */
      const done = (usage) => {
        child.off('message', answer);
        child.off('exit', gone);
        resolve(usage);
      };
      const gone = () => done(undefined);
      child.on('message', answer);
      child.once('exit', gone);
      child.send({ type: 'cpu' });
    });
  return { child, url, cpu };
}

/**
 * Asks a server to close; kills it if it has not exited within 3 s.
 * @param {ChildProcess} child
 */
async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
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
 * @param {number} value
 * @param {number} digits
 */
const fixed = (value, digits) => value.toFixed(digits);

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
  const widths = header.map((h, c) =>
    Math.max(h.length, ...lines.map((line) => line[c]?.length ?? 0)),
  );
  return [header, ...lines]
    .map((cells) =>
      cells
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

async function main() {
  const options = readOptions();
  ensureBuilt(options.build);

  const dataDir = await mkdtemp(join(tmpdir(), 'sift-bench-registry-'));
  tempDirs.add(dataDir);
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

    const cores = cpus();
    // Load from other work on the machine before this run starts: the figures are only as quiet.
    const loadBefore = loadavg()[0] ?? 0;
    const answerBytes = Buffer.byteLength(body);
    console.log(
      `sift registry bench — ${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ` +
        `node ${process.version}, load avg ${fixed(loadBefore, 2)} before, ` +
        `${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s each`,
    );
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
      if (child.exitCode !== null || child.signalCode !== null) {
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
    const failed = rows.filter(({ result }) => result.non2xx + result.errors > 0);
    for (const { name, result } of failed) {
      console.log(
        `WARNING ${name}: ${result.non2xx} non-2xx, ${result.errors} errors; first: ${result.firstProblem}`,
      );
    }
    if (stopped) console.log(`WARNING ${stopped}`);
    if (failed.length > 0 || stopped) process.exitCode = 1;

    await mkdir(RESULTS, { recursive: true });
    const file = join(RESULTS, `registry-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const report = {
      benchmark: 'registry',
      at: new Date().toISOString(),
      machine: {
        cores: cores.length,
        cpu: cores[0]?.model.trim(),
        platform: process.platform,
        node: process.version,
        loadAvg1mBefore: loadBefore,
      },
      options,
      answerBytes,
      stopped,
      results: rows.map(({ name, result }) => ({ target: name, ...result })),
    };
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `results: ${relative(process.cwd(), file)}${failed.length > 0 || stopped ? ' (RUN HAD ERRORS)' : ''}`,
    );
  } finally {
    await Promise.all([...children].map(stopServer));
  }
}

await main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
