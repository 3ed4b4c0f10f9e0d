// @ts-check
/**
 * Sift console UI bench: how long the bad-events explorer's queries take over many stored bad
 * events (embedded mode: the SQLite event database), beside bare SQL over the same table
 * measured in the same run, and the same queries through the console API over HTTP.
 *
 *   node bench/console-ui/run.mjs [--events 100000] [--repeat 5] [--build]
 *
 * Each flag can also come from the environment: BENCH_EVENTS, BENCH_REPEAT. See README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../lib/children.mjs';
import { alignTable, fixed, machine, saveResults } from '../lib/report.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: process.env.BENCH_EVENTS ?? '100000' },
    repeat: { type: 'string', default: process.env.BENCH_REPEAT ?? '5' },
    build: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const repeat = Number(values.repeat);
ensureBuilt({ packages: ['sinks', 'console'], force: values.build });

const { badDocument, SqliteEventStore } = await import('@sift/sinks');
const { createUiRouter, SqliteEventExplorer } = await import('@sift/console');
const { createLogger, listen } = await import('@sift/common');
const { default: Database } = await import('better-sqlite3');
const { default: express } = await import('express');

const m = machine();
console.log(
  `sift console-ui bench — ${m.cores} cores (${m.cpu ?? 'unknown'}), node ${m.node}, ` +
    `load avg ${fixed(m.loadAvg1mBefore, 2)} before, ${events} bad events, median of ${repeat}`,
);

const dir = mkdtempSync(join(tmpdir(), 'sift-bench-console-ui-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'events.db');
const store = new SqliteEventStore({ file, maxEvents: events * 2 });
const now = Date.now();
const types = ['com.acme.page_view', 'com.acme.signup', 'com.acme.checkout', 'com.acme.search'];

console.error(`seeding ${events} bad events through SqliteEventStore ...`);
const seedStart = performance.now();
for (let start = 0; start < events; start += 5000) {
  const batch = [];
  for (let n = start; n < Math.min(events, start + 5000); n++) {
    const field = `f${n % 13}`;
    batch.push(
      badDocument({
        id: `bench-${n}`,
        // One every 800 ms backwards from now: 100 000 events span about 22 hours.
        received_at: new Date(now - n * 800).toISOString(),
        stage: 'collector',
        kind: n % 10 === 0 ? 'unknown_version' : 'schema_violation',
        event: types[n % types.length],
        version: 1,
        errors: [
          { path: `/${field}`, keyword: 'type', message: `/${field} must be string, got ${n % 5}` },
        ],
        payload: JSON.stringify({
          event: types[n % types.length],
          data: { [field]: n % 5, note: n === Math.floor(events / 2) ? 'needle' : 'hay' },
        }),
        source: { endpoint: '/v1/events', ip: '127.0.0.0' },
      }),
    );
  }
  await store.index(batch);
}
const seedMs = performance.now() - seedStart;

const explorer = new SqliteEventExplorer({ file });
const bare = new Database(file, { readonly: true });
const none = { eventTypes: [], kinds: [] };
const lastPage = Math.max(0, events - 50);

/**
 * @param {() => unknown} run
 * @returns {Promise<{ medianMs: number; maxMs: number }>}
 */
async function time(run) {
  const ms = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)] ?? 0, maxMs: ms[ms.length - 1] ?? 0 };
}

const app = express();
app.use(
  createUiRouter({
    // Not asked by the bad-event routes measured here.
    registry: { url: 'http://127.0.0.1:9' },
    bad: explorer,
    good: explorer,
    recovery: { log: { append: async () => undefined }, goodTopic: 'unused' },
    logger: createLogger('bench', 'silent'),
  }),
);
const server = await listen(app, 0, '127.0.0.1');
/** @param {string} path */
const get = async (path) => {
  const answer = await fetch(`${server.url}${path}`);
  if (!answer.ok) throw new Error(`${path}: HTTP ${answer.status}`);
  return answer.json();
};

// A cursor into the oldest events, as paging with Older leaves one.
const deepCursor = (await explorer.search(none, { offset: Math.max(0, lastPage - 50), size: 50 }))
  .next;

/** @type {[string, () => unknown][]} */
const cases = [
  [
    'bare SQL: count bad events',
    () => bare.prepare(`SELECT count(*) FROM events WHERE verdict = 'bad'`).get(),
  ],
  [
    'bare SQL: newest 50 ids',
    () =>
      bare
        .prepare(`SELECT id FROM events WHERE verdict = 'bad' ORDER BY received_ms DESC LIMIT 50`)
        .all(),
  ],
  ['explorer: first page (50) + total', () => explorer.search(none, { offset: 0, size: 50 })],
  [
    `explorer: last page (offset ${lastPage})`,
    () => explorer.search(none, { offset: lastPage, size: 50 }),
  ],
  [
    'explorer: last page by cursor (after)',
    () =>
      explorer.search(none, { offset: 0, size: 50, ...(deepCursor ? { after: deepCursor } : {}) }),
  ],
  [
    'explorer: one event type',
    () => explorer.search({ ...none, eventTypes: ['com.acme.signup'] }, { offset: 0, size: 50 }),
  ],
  [
    'explorer: text search (one match)',
    () => explorer.search({ ...none, text: 'needle' }, { offset: 0, size: 50 }),
  ],
  [
    'explorer: groups by message, 24-step trend',
    () => explorer.groups(none, { limit: 20, buckets: 24, now: new Date() }),
  ],
  ['HTTP: GET /ui/api/bad-events', () => get('/ui/api/bad-events')],
  ['HTTP: GET /ui/api/bad-events/groups', () => get('/ui/api/bad-events/groups')],
];
const rows = [];
for (const [name, run] of cases) {
  console.error(`measuring ${name} ...`);
  rows.push({ name, ...(await time(run)) });
}
await server.close();
await explorer.close();
bare.close();
await store.close();

console.log(`seeded ${events} bad events through SqliteEventStore in ${fixed(seedMs / 1000, 1)} s`);
console.log(
  alignTable(
    ['query', 'median ms', 'max ms'],
    rows.map((row) => [row.name, fixed(row.medianMs, 1), fixed(row.maxMs, 1)]),
  ),
);
await saveResults('console-ui', { machine: m, events, repeat, seedMs, rows }, false);
