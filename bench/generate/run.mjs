// @ts-check
/**
 * `sift generate` driving the embedded platform (`sift up` with no Kafka or Elasticsearch: the
 * local log and SQLite) as fast as it answers, beside the same generator against a bare
 * node:http server that answers every event accepted (the generator's own ceiling), measured in
 * the same run. Samples the resident memory (VmRSS) of the `sift up` process every second.
 *
 *   node bench/generate/run.mjs [--duration 60] [--baseline 10] [--concurrency 16] [--batch 25]
 *                               [--invalid 0.05] [--skip-build]
 *
 * A table goes to stdout, progress to stderr, the full results to bench/results/generate-*.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ensureBuilt } from '../lib/children.mjs';
import { alignTable, machine, saveResults } from '../lib/report.mjs';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

const BIN = join(ROOT, 'cli', 'dist', 'bin.js');

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    baseline: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    batch: { type: 'string', default: '25' },
    invalid: { type: 'string', default: '0.05' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const options = {
  durationS: Number(values.duration),
  baselineS: Number(values.baseline),
  concurrency: Number(values.concurrency),
  batch: Number(values.batch),
  invalid: Number(values.invalid),
};

/** @type {ChildProcess[]} */
const children = [];
const cleanups = /** @type {(() => void)[]} */ ([]);
const stopAll = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (const cleanup of cleanups.splice(0)) cleanup();
};
process.on('exit', stopAll);

/** A free loopback port. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The resident memory of a process, MiB, or undefined once it is gone. @param {number} pid */
function rssMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((each) => each.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `sift generate` against `url` for `seconds`, sampling the RSS of `watchPid` (and of the
 * generator) every second; resolves with its JSON summary and the samples.
 * @param {string} url
 * @param {number} seconds
 * @param {number} invalid
 * @param {number | undefined} watchPid
 */
function generate(url, seconds, invalid, watchPid) {
  const args = [
    BIN,
    'generate',
    '--url',
    url,
    '--duration',
    `${seconds}s`,
    '--invalid',
    String(invalid),
    '--batch',
    String(options.batch),
    '--concurrency',
    String(options.concurrency),
    '--seed',
    '1',
    '--format',
    'json',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  /** @type {number[]} */
  const serverRss = [];
  /** @type {number[]} */
  const generatorRss = [];
  const sampler = setInterval(() => {
    const server = watchPid === undefined ? undefined : rssMiB(watchPid);
    const own = child.pid === undefined ? undefined : rssMiB(child.pid);
    if (server !== undefined) serverRss.push(server);
    if (own !== undefined) generatorRss.push(own);
  }, 1000);
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', () => {
      clearInterval(sampler);
      try {
        resolve({ summary: JSON.parse(out), serverRss, generatorRss });
      } catch (error) {
        reject(new Error(`sift generate printed no summary: ${String(error)}\n${out}`));
      }
    });
  });
}

/** A bare node:http collector stand-in: reads the batch, parses it, answers every event accepted. */
async function startBaseline() {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      /** @type {unknown[]} */
      let events = [];
      try {
        events = JSON.parse(body).events;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ events: [{ index: null, status: 'rejected', kind: 'malformed_json' }] }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          accepted: events.length,
          rejected: 0,
          events: events.map((_, index) => ({ index, status: 'accepted' })),
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Starts `sift up` embedded in a new data folder on free ports and waits for its collector. */
async function startEmbedded() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sift-bench-generate-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const [collector, registry, consolePort] = [await freePort(), await freePort(), await freePort()];
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    SIFT_DATA_DIR: dataDir,
    SIFT_COLLECTOR_PORT: String(collector),
    SIFT_REGISTRY_PORT: String(registry),
    SIFT_CONSOLE_PORT: String(consolePort),
  };
  delete env.SIFT_KAFKA_BROKERS;
  delete env.SIFT_ELASTICSEARCH_URL;
  const child = spawn(process.execPath, [BIN, 'up', '--schemas', join(ROOT, 'schemas')], {
    env,
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${collector}`;
  for (let tries = 0; tries < 600; tries += 1) {
    if (child.exitCode !== null) throw new Error(`sift up exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('sift up did not answer /healthz within 60 s');
}

/** @param {number[]} samples */
const peak = (samples) => (samples.length === 0 ? 0 : Math.max(...samples));
/** @param {number[]} samples */
const mean = (samples) =>
  samples.length === 0 ? 0 : samples.reduce((sum, value) => sum + value, 0) / samples.length;

async function main() {
  ensureBuilt({ packages: ['cli'], force: false, skip: values['skip-build'] });
  process.stderr.write(`baseline: sift generate → bare node:http, ${options.baselineS} s\n`);
  const bare = await startBaseline();
  const baseline = await generate(bare.url, options.baselineS, 0, undefined);
  bare.close();

  process.stderr.write(`sift generate → sift up (embedded), ${options.durationS} s\n`);
  const up = await startEmbedded();
  const idleRss = up.child.pid === undefined ? undefined : rssMiB(up.child.pid);
  const embedded = await generate(up.url, options.durationS, options.invalid, up.child.pid);
  const stopped = new Promise((resolve) => up.child.once('exit', resolve));
  up.child.kill('SIGTERM');
  await stopped;

  /** @param {string} name @param {any} run @param {number | undefined} idle */
  const row = (name, run, idle) => [
    name,
    String(run.summary.eventsPerSecond),
    `${run.summary.latencyMs.p50} / ${run.summary.latencyMs.p99}`,
    String(run.summary.errors + run.summary.unexpected),
    run.serverRss.length === 0
      ? '–'
      : `${(idle ?? 0).toFixed(0)} / ${mean(run.serverRss).toFixed(0)} / ${peak(run.serverRss).toFixed(0)}`,
    peak(run.generatorRss).toFixed(0),
  ];
  const m = machine();
  const table = alignTable(
    [
      'target',
      'events/s',
      'p50 / p99 ms',
      'errors',
      'server RSS idle / mean / peak MiB',
      'generator RSS MiB',
    ],
    [
      row('bare node:http (baseline)', baseline, undefined),
      row('sift up (embedded)', embedded, idleRss),
    ],
  );
  process.stdout.write(
    `sift generate bench — ${m.cores} cores, node ${m.node}, load avg ${m.loadAvg1mBefore.toFixed(2)} before, ` +
      `concurrency ${options.concurrency}, batch ${options.batch}, invalid ${options.invalid}\n${table}\n`,
  );
  const hadErrors =
    baseline.summary.errors + embedded.summary.errors + embedded.summary.unexpected > 0;
  await saveResults(
    'generate',
    { machine: m, options, baseline, embedded, idleRssMiB: idleRss },
    hadErrors,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
