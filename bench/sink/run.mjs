// @ts-check
/**
 * Sift sink benchmark: documents/s of `sift sink --kind good` draining a backlog of good events
 * from Kafka into Elasticsearch, beside a bare bulk-indexing loop that writes the same documents
 * to the same Elasticsearch in the same run.
 *
 *   node bench/sink/run.mjs [--events 20000] [--batch 500] [--build]
 *
 * Flags can also come from the environment: BENCH_EVENTS, BENCH_BATCH. Needs Kafka on
 * SIFT_KAFKA_BROKERS (127.0.0.1:9092) and Elasticsearch on SIFT_ELASTICSEARCH_URL
 * (http://127.0.0.1:9200), as `npm run services -- start` runs them. See README.md.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ensureBuilt, removeOnExit, ROOT } from '../lib/children.mjs';
import { alignTable, fixed, machine, saveResults } from '../lib/report.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: process.env.BENCH_EVENTS ?? '20000' },
    batch: { type: 'string', default: process.env.BENCH_BATCH ?? '500' },
    build: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const KAFKA = process.env.SIFT_KAFKA_BROKERS ?? '127.0.0.1:9092';
const ELASTICSEARCH = process.env.SIFT_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

ensureBuilt({
  packages: ['common', 'validator', 'registry-client', 'event-log', 'registry', 'sinks', 'cli'],
  force: values.build,
});
const { createLogger } = await import('@sift/common');
const { loadRegistryConfig, startRegistry } = await import('@sift/registry');
const { encodeWireFormat } = await import('@sift/registry-client');
const { KafkaEventLog } = await import('@sift/event-log');
const { ElasticsearchEventStore, goodDocument } = await import('@sift/sinks');
const { avroFormat, schemaIndexField } = await import('@sift/validator');

const logger = createLogger('bench-sink', 'warn');
const run = randomUUID().slice(0, 8);
const eventType = 'com.acme.page_view';
const topic = `bench-sink-${run}.good`;
const prefixes = {
  bare: `bench-bare-${run}`,
  bareAfter: `bench-bare-after-${run}`,
  sink: `bench-sink-${run}`,
};
const schema = {
  type: 'record',
  name: 'PageView',
  namespace: 'com.acme',
  fields: [
    { name: 'path', type: 'string' },
    { name: 'title', type: 'string' },
    { name: 'scroll_depth', type: 'int' },
    { name: 'load_ms', type: 'double' },
    { name: 'logged_in', type: 'boolean' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

/** @param {string} path @param {unknown} [body] @param {string} [method] */
async function es(path, body, method) {
  const answer = await fetch(`${ELASTICSEARCH}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return /** @type {any} */ (await answer.json());
}

/** @param {string} prefix */
async function count(prefix) {
  const answer = await es(`/${prefix}-good-*/_count?ignore_unavailable=true&allow_no_indices=true`);
  return /** @type {number} */ (answer.count ?? 0);
}

async function cleanUp() {
  for (const prefix of Object.values(prefixes)) {
    await fetch(`${ELASTICSEARCH}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
    for (const verdict of ['good', 'bad']) {
      await fetch(`${ELASTICSEARCH}/_index_template/${prefix}-${verdict}`, {
        method: 'DELETE',
      }).catch(() => undefined);
    }
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dataDir = await mkdtemp(join(tmpdir(), 'sift-bench-sink-'));
removeOnExit(dataDir);
const registry = await startRegistry(
  loadRegistryConfig({
    SIFT_REGISTRY_PORT: '0',
    SIFT_REGISTRY_DATA_FILE: join(dataDir, 'schemas.jsonl'),
  }),
  logger,
);
const log = new KafkaEventLog({ brokers: [KAFKA], clientId: `bench-sink-${run}`, logger });
/** @type {import('node:child_process').ChildProcess | undefined} */
let sink;
const m = machine();
try {
  const registered = await fetch(`${registry.url}/subjects/${eventType}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  const { id: schemaId } = /** @type {{ id: number }} */ (await registered.json());
  const compiled = avroFormat.compile({ schema: JSON.stringify(schema) });
  const receivedAt = new Date().toISOString();
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const data = {
      path: `/products/${i % 500}`,
      title: `Product ${i % 500}`,
      scroll_depth: i % 100,
      load_ms: 120.5 + (i % 37),
      logged_in: i % 3 === 0,
      tags: ['shoes', i % 2 ? 'red' : 'blue'],
    };
    /** @type {Record<string, string>} */
    const headers = {
      'sift-event-id': randomUUID(),
      'sift-event-type': eventType,
      'sift-schema-id': String(schemaId),
      'sift-schema-version': '1',
      'sift-received-at': receivedAt,
      'sift-user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0',
      'sift-ua-name': 'Chrome',
      'sift-client-ip': '203.0.113.0',
      'sift-page-url': `https://shop.example/products/${i % 500}`,
      'sift-url-path': `/products/${i % 500}`,
      'sift-source-category': 'search',
    };
    return { data, headers };
  });

  // Baseline: the same documents, built the same way, bulk-indexed by a bare loop into an index
  // with the same template and schema-derived mapping; run before and after the sink, so that
  // a warming Elasticsearch favours neither.
  /** @param {string} prefix */
  async function bareLoop(prefix) {
    console.error(`bare bulk loop: ${EVENTS} documents in bulks of ${BATCH} ...`);
    const store = new ElasticsearchEventStore({
      url: ELASTICSEARCH,
      verdicts: ['good'],
      indexPrefix: prefix,
    });
    await store.prepare();
    const docs = events.map(({ data, headers }) => goodDocument(headers, data, prefix));
    const field = schemaIndexField('AVRO', { schema: JSON.stringify(schema) });
    if (field && docs[0]) await store.ensureDataMapping(docs[0].index, 'com_acme_page_view', field);
    const started = performance.now();
    for (let from = 0; from < docs.length; from += BATCH) {
      const answer = await store.client.bulk({
        operations: docs
          .slice(from, from + BATCH)
          .flatMap(({ index, id, document }) => [{ index: { _index: index, _id: id } }, document]),
      });
      if (answer.errors) throw new Error('the bare loop got bulk item errors');
    }
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    return seconds;
  }
  const bareS = await bareLoop(prefixes.bare);

  // The sink: the same events as a backlog on a Kafka topic, drained by `sift sink --kind good`.
  console.error(`sift sink: ${EVENTS} events on ${topic} ...`);
  await log.ensureTopics([topic]);
  for (let from = 0; from < events.length; from += 1000) {
    await log.append(
      topic,
      events.slice(from, from + 1000).map(({ data, headers }) => ({
        key: headers['sift-event-id'] ?? null,
        value: encodeWireFormat(schemaId, compiled.encode(data)),
        headers,
      })),
    );
  }
  const spawned = performance.now();
  sink = spawn(process.execPath, [join(ROOT, 'cli/dist/bin.js'), 'sink', '--kind', 'good'], {
    env: {
      ...process.env,
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_ELASTICSEARCH_URL: ELASTICSEARCH,
      SIFT_REGISTRY_URL: registry.url,
      SIFT_SINK_TOPIC: topic,
      SIFT_SINK_GROUP_ID: `bench-sink-${run}`,
      SIFT_SINK_PORT: '0',
      SIFT_SINK_MAX_BATCH: String(BATCH),
      SIFT_INDEX_PREFIX: prefixes.sink,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = sink;
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sift sink exited with ${code}`)));
    createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on(
      'line',
      (line) => {
        if (line.includes('"sink consuming"')) resolve(undefined);
      },
    );
  });
  // Measured from the first indexed document to the last, so start-up and the group join are out.
  let first = 0;
  let firstCount = 0;
  for (;;) {
    const now = await count(prefixes.sink);
    if (now > 0 && first === 0) {
      first = performance.now();
      firstCount = now;
    }
    if (now >= EVENTS) break;
    if (performance.now() - spawned > 600_000) throw new Error(`sink indexed only ${now}`);
    await sleep(100);
  }
  const sinkS = (performance.now() - first) / 1000;
  sink.kill('SIGKILL');
  const bareAfterS = await bareLoop(prefixes.bareAfter);
  const startS = (first - spawned) / 1000;
  const sinkRate = (EVENTS - firstCount) / sinkS;
  const bareRate = (2 * EVENTS) / (bareS + bareAfterS);

  console.log(
    `sift sink bench — ${m.cores} cores (${m.cpu ?? 'unknown'}), node ${m.node}, ` +
      `load avg ${fixed(m.loadAvg1mBefore, 2)} before, ${EVENTS} events, bulks of ${BATCH}`,
  );
  console.log(
    alignTable(
      ['target', 'docs/s', 'seconds', 'of bare'],
      [
        ['bare bulk loop, before the sink', fixed(EVENTS / bareS, 0), fixed(bareS, 2), ''],
        ['bare bulk loop, after the sink', fixed(EVENTS / bareAfterS, 0), fixed(bareAfterS, 2), ''],
        ['bare bulk loop, both', fixed(bareRate, 0), fixed(bareS + bareAfterS, 2), '100 %'],
        [
          'sift sink (Kafka backlog → ES)',
          fixed(sinkRate, 0),
          fixed(sinkS, 2),
          `${fixed((100 * sinkRate) / bareRate, 0)} %`,
        ],
        [`sink start-up until its first document: ${fixed(startS, 1)} s (not counted)`],
      ],
    ),
  );
  await saveResults(
    'sink',
    {
      machine: m,
      options: { events: EVENTS, batch: BATCH },
      bare: { docsPerSecond: bareRate, secondsBefore: bareS, secondsAfter: bareAfterS },
      sink: { docsPerSecond: sinkRate, seconds: sinkS, startupSeconds: startS },
    },
    false,
  );
} finally {
  sink?.kill('SIGKILL');
  await log.close();
  await registry.close();
  await cleanUp();
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
