// @ts-check
/**
 * Sift collector benchmark: events/s and p50/p99 latency of 25-event batches (`POST /v1/events`),
 * of pixel requests (`GET /i`), and of Snowplow tracker requests (tp2 POSTs of 25 events, tp1
 * GETs of one), beside a bare node:http server that parses the same JSON and answers 200,
 * measured in the same run.
 *
 *   node bench/collector/run.mjs [--duration 5] [--warmup 1] [--connections 32] [--linger 0]
 *                                [--kafka 127.0.0.1:9092] [--log-level info] [--build | --skip-build]
 *
 * Each flag can also come from the environment: BENCH_DURATION_S, BENCH_WARMUP_S,
 * BENCH_CONNECTIONS, BENCH_LINGER_MS, BENCH_KAFKA, BENCH_LOG_LEVEL. See README.md.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ask, ensureBuilt, exited, forkServer, stopServers } from '../lib/children.mjs';
import { alignTable, fixed, headline, machine, saveResults, warnProblems } from '../lib/report.mjs';
import { runLoad } from './load.mjs';
import {
  batchBodies,
  pixelPaths,
  snowplowWorkloads,
  tp1Paths,
  tp2Bodies,
  workloads,
} from './workloads.mjs';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {import('./workloads.mjs').BenchRequest} BenchRequest */
/** @typedef {import('./load.mjs').LoadResult} LoadResult */
/** @typedef {import('./load.mjs').ServerStats} ServerStats */

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.mjs');
const PACKAGES = ['common', 'validator', 'registry-client', 'event-log', 'collector'];
const EVENTS_PER_BATCH = 25;
const INVALID_SHARE = 0.1;
const POOL = 200;

/**
 * The benchmark's settings.
 * @typedef {object} BenchOptions
 * @property {number} durationS measured time per row, s
 * @property {number} warmupS unmeasured time before each row, s
 * @property {number} connections concurrent connections (one request in flight on each)
 * @property {(number | 'off')[]} lingerMs one collector per value: the BoundedEventLog's
 *   `lingerMs` (0: combine the appends of one event-loop turn), or `off` (no combining)
 * @property {string | undefined} kafka Kafka brokers (comma-separated); none: a write-only in-memory log
 * @property {string} logLevel the collector's pino level (logs go to /dev/null)
 * @property {boolean} build run `tsc -b tsconfig.build.json` even when dist/ looks current
 * @property {boolean} skipBuild never build: measure dist/ as it is, even when stale
 */

/** @returns {BenchOptions} */
function readOptions() {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: env.BENCH_DURATION_S ?? '5' },
      warmup: { type: 'string', default: env.BENCH_WARMUP_S ?? '1' },
      connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '32' },
      linger: { type: 'string', default: env.BENCH_LINGER_MS ?? '0' },
      kafka: { type: 'string', default: env.BENCH_KAFKA ?? '' },
      'log-level': { type: 'string', default: env.BENCH_LOG_LEVEL ?? 'info' },
      build: { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
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
  return {
    durationS: number('duration', values.duration, 0.1),
    warmupS: number('warmup', values.warmup, 0),
    connections: Math.floor(number('connections', values.connections, 1)),
    lingerMs: (values.linger ?? '0')
      .split(',')
      .map((ms) => (ms.trim() === 'off' ? 'off' : number('linger', ms.trim(), 0))),
    kafka: values.kafka || undefined,
    logLevel: values['log-level'] ?? 'info',
    build: values.build ?? false,
    skipBuild: values['skip-build'] ?? false,
  };
}

/**
 * A server child process and how to talk to it.
 * @typedef {{ child: ChildProcess; url: string; stats: () => Promise<ServerStats | undefined> }} Server
 */

/**
 * Forks server.mjs and waits until it listens. Its stdout (the collector's logs) goes to /dev/null.
 * @param {string[]} args
 * @returns {Promise<Server>}
 */
async function startServer(args) {
  const { child, url } = await forkServer(SERVER, args, 60_000);
  /** @returns {Promise<ServerStats | undefined>} */
  const stats = () =>
    ask(child, 'stats', (/** @type {ServerStats} */ message) => ({
      usage: message.usage,
      rss: message.rss,
    }));
  return { child, url, stats };
}

/**
 * Sends one request (not measured) and returns the status and the answer's text.
 * @param {string} origin
 * @param {BenchRequest} req
 */
async function probe(origin, req) {
  const res = await fetch(origin + req.path, {
    method: req.method,
    headers: req.headers ?? {},
    body: req.body ?? null,
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Deletes the benchmark's topics from Kafka.
 * @param {string} brokers
 * @param {string[]} topics
 */
async function deleteTopics(brokers, topics) {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The kind of request of a row: its baseline row is the one of the same kind.
 * @typedef {'batch' | 'pixel' | 'tp2' | 'tp1'} Kind
 */

/**
 * One benchmarked row: `kind` pairs it with the baseline row it is compared with.
 * @typedef {{ name: string; kind: Kind; server: Server; next: () => BenchRequest; skip?: string }} Target
 */

/**
 * A measured or skipped row.
 * @typedef {{ name: string; kind: Kind; result?: LoadResult; skipped?: string }} Row
 */

/**
 * The results as an aligned table.
 * @param {Row[]} rows
 * @param {Record<Kind, number>} baseline the baseline's events/s per kind
 */
function table(rows, baseline) {
  const header = [
    'target',
    'req/s',
    'events/s',
    'vs base',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'errors',
    'srv cpu%',
    'srv µs/event',
    'gen cpu%',
  ];
  const lines = rows.map(({ name, kind, result: r }) => {
    if (!r) return [name, 'skipped (see the note below)'];
    const base = baseline[kind];
    return [
      name,
      fixed(r.rps, 0),
      fixed(r.eventsPerS, 0),
      base > 0 ? `${fixed((r.eventsPerS / base) * 100, 0)} %` : '-',
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.maxMs, 1),
      String(r.non2xx),
      String(r.errors),
      r.serverCpuPct === undefined ? '-' : fixed(r.serverCpuPct, 0),
      r.serverCpuUsPerEvent === undefined ? '-' : fixed(r.serverCpuUsPerEvent, 1),
      fixed(r.clientCpuPct, 0),
    ];
  });
  return alignTable(header, lines);
}

async function main() {
  const options = readOptions();
  ensureBuilt({
    packages: PACKAGES,
    force: options.build,
    skip: options.skipBuild,
    checkSources: true,
  });

  const run = randomUUID().slice(0, 8);
  const topics = { good: `sift.bench.${run}.good`, bad: `sift.bench.${run}.bad` };
  const bodies = batchBodies({
    count: POOL,
    eventsPerBatch: EVENTS_PER_BATCH,
    invalidShare: INVALID_SHARE,
  });
  const pixels = pixelPaths({ count: POOL, invalidShare: INVALID_SHARE });
  const load = workloads({ bodies, pixels, eventsPerBatch: EVENTS_PER_BATCH });
  const spBodies = tp2Bodies({
    count: POOL,
    eventsPerBatch: EVENTS_PER_BATCH,
    invalidShare: INVALID_SHARE,
  });
  const spPaths = tp1Paths({ count: POOL, invalidShare: INVALID_SHARE });
  const snowplow = snowplowWorkloads({
    bodies: spBodies,
    paths: spPaths,
    eventsPerBatch: EVENTS_PER_BATCH,
  });
  try {
    const baseline = await startServer(['baseline']);
    /** @type {{ lingerMs: number | 'off'; server: Server }[]} */
    const collectors = [];
    // One after the other: on Kafka, each creates the topics if they are missing.
    for (const lingerMs of options.lingerMs) {
      const server = await startServer([
        'collector',
        String(lingerMs),
        options.kafka ?? '-',
        topics.good,
        topics.bad,
        options.logLevel,
      ]);
      collectors.push({ lingerMs, server });
    }
    // Raw mode (validation left to `sift validate`), at the first linger setting.
    const rawCollector = await startServer([
      'collector',
      String(options.lingerMs[0] ?? 0),
      options.kafka ?? '-',
      topics.good,
      topics.bad,
      options.logLevel,
      'raw',
    ]);

    // Not measured: what the collector says about one batch, and whether it has a pixel endpoint.
    const first = collectors[0]?.server.url ?? '';
    const sample = await probe(first, load.batch());
    if (sample.status !== 200) {
      throw new Error(`the collector answered a batch with ${sample.status}: ${sample.text}`);
    }
    const verdict = /** @type {{ accepted: number; rejected: number }} */ (JSON.parse(sample.text));
    const pixel = await probe(first, load.pixel());
    const noPixel =
      pixel.status === 404
        ? 'GET /i answered 404: this collector build has no pixel endpoint yet'
        : pixel.status >= 300
          ? `GET /i answered ${pixel.status}: ${pixel.text.slice(0, 200)}`
          : undefined;
    const tp2 = await probe(first, snowplow.tp2());
    const noSnowplow =
      tp2.status !== 200
        ? `the Snowplow tp2 POST answered ${tp2.status}: ${tp2.text.slice(0, 200)}`
        : undefined;

    /** @param {number | 'off'} lingerMs */
    const suffix = (lingerMs) =>
      lingerMs === 'off'
        ? options.lingerMs.length > 1
          ? ' (linger off)'
          : ''
        : ` (linger ${lingerMs} ms)`;
    /** @type {Target[]} */
    const targets = [
      { name: 'baseline node:http batch', kind: 'batch', server: baseline, next: load.batch },
      ...collectors.map(({ lingerMs, server }) => ({
        name: `collector POST /v1/events${suffix(lingerMs)}`,
        kind: /** @type {const} */ ('batch'),
        server,
        next: load.batch,
      })),
      {
        name: 'collector POST /v1/events, raw mode',
        kind: 'batch',
        server: rawCollector,
        next: load.batch,
      },
      { name: 'baseline node:http pixel', kind: 'pixel', server: baseline, next: load.pixel },
      ...collectors.map(({ lingerMs, server }) => ({
        name: `collector GET /i${suffix(lingerMs)}`,
        kind: /** @type {const} */ ('pixel'),
        server,
        next: load.pixel,
        ...(noPixel ? { skip: noPixel } : {}),
      })),
      { name: 'collector GET /i, raw mode', kind: 'pixel', server: rawCollector, next: load.pixel },
      { name: 'baseline node:http tp2 POST', kind: 'tp2', server: baseline, next: snowplow.tp2 },
      ...collectors.map(({ lingerMs, server }) => ({
        name: `collector Snowplow tp2 POST${suffix(lingerMs)}`,
        kind: /** @type {const} */ ('tp2'),
        server,
        next: snowplow.tp2,
        ...(noSnowplow ? { skip: noSnowplow } : {}),
      })),
      { name: 'baseline node:http tp1 GET', kind: 'tp1', server: baseline, next: snowplow.tp1 },
      ...collectors.map(({ lingerMs, server }) => ({
        name: `collector Snowplow tp1 GET /i${suffix(lingerMs)}`,
        kind: /** @type {const} */ ('tp1'),
        server,
        next: snowplow.tp1,
        ...(noSnowplow ? { skip: noSnowplow } : {}),
      })),
    ];

    const host = machine();
    const batchBytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / POOL;
    const pixelBytes = pixels.reduce((sum, path) => sum + path.length, 0) / POOL;
    const tp2Bytes = spBodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / POOL;
    const tp1Bytes = spPaths.reduce((sum, path) => sum + path.length, 0) / POOL;
    console.log(headline('collector', host, options));
    console.log(
      `collector: ${options.kafka ? `Kafka ${options.kafka} (topics ${topics.good}, ${topics.bad})` : 'write-only in-memory log'} ` +
        `behind a BoundedEventLog, log level ${options.logLevel}; batches of ${EVENTS_PER_BATCH} events, ` +
        `${fixed(batchBytes / 1024, 1)} KiB on average, ~${INVALID_SHARE * 100} % invalid ` +
        `(a sample batch: ${verdict.accepted} accepted, ${verdict.rejected} rejected); ` +
        `pixel paths ${fixed(pixelBytes, 0)} B on average; Snowplow tp2 bodies of ` +
        `${EVENTS_PER_BATCH} events, ${fixed(tp2Bytes / 1024, 1)} KiB, tp1 paths ` +
        `${fixed(tp1Bytes, 0)} B on average`,
    );
    /** @type {Row[]} */
    const rows = [];
    /** @type {string | undefined} */
    let stopped;
    for (const target of targets) {
      if (target.skip) {
        rows.push({ name: target.name, kind: target.kind, skipped: target.skip });
        continue;
      }
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
        timeoutMs: 15_000,
        next: target.next,
        serverStats: target.server.stats,
      });
      rows.push({ name: target.name, kind: target.kind, result });
    }

    /** @param {Kind} kind */
    const base = (kind) =>
      rows.find((row) => row.kind === kind && row.name.startsWith('baseline'))?.result
        ?.eventsPerS ?? 0;
    const baselineEps = {
      batch: base('batch'),
      pixel: base('pixel'),
      tp2: base('tp2'),
      tp1: base('tp1'),
    };
    console.log(table(rows, baselineEps));
    for (const { name, skipped } of rows) if (skipped) console.log(`NOTE ${name}: ${skipped}`);
    const hadErrors = warnProblems(rows, stopped);
    await saveResults(
      'collector',
      {
        machine: host,
        options,
        workload: {
          eventsPerBatch: EVENTS_PER_BATCH,
          invalidShare: INVALID_SHARE,
          distinctBodies: POOL,
          meanBatchBytes: Math.round(batchBytes),
          meanPixelPathBytes: Math.round(pixelBytes),
          meanTp2BodyBytes: Math.round(tp2Bytes),
          meanTp1PathBytes: Math.round(tp1Bytes),
          sampleBatchVerdict: { accepted: verdict.accepted, rejected: verdict.rejected },
        },
        stopped,
        results: rows.map(({ name, kind, result, skipped }) => ({
          target: name,
          kind,
          ...(result
            ? {
                ...result,
                vsBaselineEventsPct:
                  baselineEps[kind] > 0 ? (result.eventsPerS / baselineEps[kind]) * 100 : undefined,
              }
            : { skipped }),
        })),
      },
      hadErrors,
    );
  } finally {
    await stopServers(10_000);
    if (options.kafka) {
      await deleteTopics(options.kafka, [topics.good, topics.bad, `${topics.good}.raw`]).catch(
        (error) => console.error(`could not delete the benchmark's topics: ${error}`),
      );
    }
  }
}

await main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
