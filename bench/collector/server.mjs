// @ts-check
/**
 * The server under test, run as a child process of run.mjs so the load generator does not share
 * its event loop. Started with IPC (`child_process.fork`):
 *
 *   server.mjs collector <lingerMs|off> <brokers|-> <goodTopic> <badTopic> <logLevel> [validate|raw]
 *       the collector app over a BoundedEventLog on a write-only in-memory log (`-`) or on Kafka;
 *       in raw mode it records each request whole on `<goodTopic>.raw` (for `sift validate`)
 *   server.mjs baseline
 *       a bare node:http server: parses each JSON body (or pixel `d`) and answers 200
 *
 * Listens on 127.0.0.1, port 0, and sends `{ type: 'ready', url }` to the parent. Answers
 * `{ type: 'stats' }` with its CPU time and memory, closes on `{ type: 'close' }`, and exits when
 * the parent goes away (the IPC channel disconnects), so it never outlives a benchmark.
 */
import { buildCollectorApp, loadCollectorConfig } from '@sift/collector';
import { createLogger, listen } from '@sift/common';
import { BoundedEventLog, KafkaEventLog } from '@sift/event-log';
import { igluSchemas, SCHEMAS, TP2_PATH } from './workloads.mjs';

const HOST = '127.0.0.1';

/** @typedef {import('node:http').RequestListener} RequestListener */
/** @typedef {import('@sift/collector').SchemaSource} SchemaSource */

/** @type {SchemaSource} The registry's answers, from memory: the benchmark measures the collector. */
const schemas = {
  async resolve(eventType, version) {
    const found = SCHEMAS[eventType];
    if (!found) return 'unknown_event';
    if (version !== undefined && version !== found.version) return 'unknown_version';
    return found;
  },
};

/** The Iglu schemas the benchmark's registry knows, by `vendor/name/version`. */
const IGLU = await igluSchemas();

/** @type {import('@sift/collector').IgluSchemaSource} Iglu look-ups (Snowplow events and entities), from memory. */
const iglu = {
  async resolveIglu({ vendor, name, version }) {
    const found = IGLU[`${vendor}/${name}/${version}`];
    if (found) return found;
    const known = Object.keys(IGLU).some((key) => key.startsWith(`${vendor}/${name}/`));
    return known ? 'unknown_version' : 'unknown_event';
  },
};

/**
 * The collector app as `startCollector` builds it, with the schema source above and the event
 * log wrapped in a BoundedEventLog.
 * @param {string[]} args `<lingerMs|off> <brokers|-> <goodTopic> <badTopic> <logLevel> [mode]`
 * @returns {Promise<{ handler: RequestListener; close: () => Promise<void> }>}
 */
async function collector([
  linger = 'off',
  brokers = '-',
  goodTopic = '',
  badTopic = '',
  level = '',
  mode = 'validate',
]) {
  const logger = createLogger(
    'collector',
    /** @type {Parameters<typeof createLogger>[1]} */ (level || 'info'),
  );
  const inner =
    brokers === '-'
      ? new DiscardingEventLog()
      : new KafkaEventLog({
          brokers: brokers.split(','),
          clientId: 'sift-bench-collector',
          logger,
        });
  const rawTopic = `${goodTopic}.raw`;
  await inner.ensureTopics([goodTopic, badTopic, ...(mode === 'raw' ? [rawTopic] : [])]);
  const log = new BoundedEventLog({
    inner,
    ...(linger === 'off' ? {} : { lingerMs: Number(linger) }),
    logger,
  });
  const config = {
    ...loadCollectorConfig({}),
    goodTopic,
    badTopic,
    mode: /** @type {'validate' | 'raw'} */ (mode),
    rawTopic,
  };
  const app = buildCollectorApp(config, { schemas, iglu, log, logger });
  return { handler: app, close: () => log.close() };
}

/**
 * The in-memory stand-in for Kafka: acknowledges appends at once and keeps only counts, so the
 * figures measure the collector rather than a test double that holds every record (and the
 * garbage collector's work on a heap that only grows).
 * @implements {import('@sift/event-log').EventLog}
 */
class DiscardingEventLog {
  records = 0;
  bytes = 0;
  async ensureTopics() {}
  /** @param {string} _topic @param {import('@sift/event-log').LogRecord[]} records */
  async append(_topic, records) {
    this.records += records.length;
    for (const record of records) this.bytes += record.value.length;
  }
  /** @returns {never} */
  consume() {
    throw new Error('the benchmark log is write-only');
  }
  async close() {}
}

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const GIF_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(GIF.length),
  'cache-control': 'no-store',
};

/**
 * What a bare server parses of one Snowplow event map: the base64url JSON of `ue_px` and `cx`
 * (or the JSON of `ue_pr` and `co`).
 * @param {Record<string, string | null | undefined>} map
 */
function parseTrackerEvent(map) {
  for (const key of ['ue_px', 'cx']) {
    const text = map[key];
    if (text) JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  }
  for (const key of ['ue_pr', 'co']) {
    const text = map[key];
    if (text) JSON.parse(text);
  }
}

/**
 * A bare node:http handler: reads a POST body and JSON.parses it, or base64url-decodes and
 * parses a pixel's `d`, then answers 200 with a small JSON (or the 1×1 GIF). For Snowplow
 * requests (a tp2 POST, a tp1 GET without `d`) it also parses each event's `ue_px` and `cx`
 * and answers `ok` (or the GIF), as the collector does.
 * @returns {Promise<{ handler: RequestListener; close: () => Promise<void> }>}
 */
async function baseline() {
  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} value */
  const json = (res, status, value) => {
    const bytes = Buffer.from(JSON.stringify(value));
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(bytes.length),
    });
    res.end(bytes);
  };
  return {
    handler: (req, res) => {
      if (req.method === 'GET') {
        const query = new URL(req.url ?? '/', `http://${HOST}`).searchParams;
        const d = query.get('d');
        try {
          if (d === null) parseTrackerEvent(Object.fromEntries(query));
          else JSON.parse(Buffer.from(d, 'base64url').toString('utf8'));
        } catch {
          // The collector's pixel answers the GIF whatever the data: so does the baseline.
        }
        res.writeHead(200, GIF_HEADERS);
        res.end(GIF);
        return;
      }
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        let parsed;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          json(res, 400, { error: 'malformed JSON' });
          return;
        }
        if (req.url === TP2_PATH) {
          try {
            for (const map of Array.isArray(parsed?.data) ? parsed.data : [])
              parseTrackerEvent(map);
          } catch {
            // The collector answers ok for a batch with bad events in it: so does the baseline.
          }
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
          res.end('ok');
          return;
        }
        const events = Array.isArray(parsed?.events) ? parsed.events.length : 0;
        json(res, 200, { accepted: events, rejected: 0 });
      });
    },
    close: async () => {},
  };
}

const [kind, ...args] = process.argv.slice(2);
if (!process.send) throw new Error('server.mjs must be started by run.mjs with an IPC channel');
const send = process.send.bind(process);

const target = kind === 'collector' ? await collector(args) : await baseline();
const running = await listen(target.handler, 0, HOST);

process.on('message', async (/** @type {{ type: string }} */ message) => {
  if (message.type === 'stats') {
    send({ type: 'stats', usage: process.cpuUsage(), rss: process.memoryUsage.rss() });
  }
  if (message.type === 'close') {
    await running.close();
    await target.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: running.url });
