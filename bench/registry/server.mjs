// @ts-check
/**
 * The server under test, run as a child process of run.mjs so the load generator does not share
 * its event loop. Started with IPC (`child_process.fork`):
 *
 *   server.mjs registry <memory|file> <dataFile> <logLevel>   the registry app on a schema store
 *   server.mjs baseline <body>                                a bare node:http server: one fixed body
 *
 * Listens on 127.0.0.1, port 0, and sends `{ type: 'ready', url }` to the parent. Answers
 * `{ type: 'cpu' }` with its `process.cpuUsage()`, closes on `{ type: 'close' }`, and exits when
 * the parent goes away (the IPC channel disconnects), so it never outlives a benchmark.
 */
import {
  buildRegistryApp,
  CONFLUENT_JSON,
  FileSchemaStore,
  MemorySchemaStore,
} from '@sift/registry';
import { createLogger, listen } from '@sift/common';

const HOST = '127.0.0.1';

/** @typedef {import('node:http').RequestListener} RequestListener */

/**
 * The registry app over a memory or file store, as `startRegistry` builds it, minus Kafka.
 * @param {string[]} args `<memory|file> <dataFile> <logLevel>`
 * @returns {Promise<{ handler: RequestListener; close: () => Promise<void> }>}
 */
async function registry([storeKind = 'memory', dataFile = '', logLevel = 'info']) {
  const store = storeKind === 'file' ? new FileSchemaStore(dataFile) : new MemorySchemaStore();
  const logger = createLogger(
    'registry',
    /** @type {Parameters<typeof createLogger>[1]} */ (logLevel),
  );
  const { app } = await buildRegistryApp({}, { store, logger });
  return { handler: app, close: () => store.close() };
}

/**
 * A bare node:http handler that answers every request with the same JSON body.
 * @param {string[]} args `<body>`
 * @returns {Promise<{ handler: RequestListener; close: () => Promise<void> }>}
 */
async function baseline([body = '{}']) {
  const bytes = Buffer.from(body);
  const headers = { 'content-type': CONFLUENT_JSON, 'content-length': String(bytes.length) };
  return {
    handler: (_req, res) => {
      res.writeHead(200, headers);
      res.end(bytes);
    },
    close: async () => {},
  };
}

const [kind, ...args] = process.argv.slice(2);
if (!process.send) throw new Error('server.mjs must be started by run.mjs with an IPC channel');
const send = process.send.bind(process);

const target = kind === 'registry' ? await registry(args) : await baseline(args);
const running = await listen(target.handler, 0, HOST);

process.on('message', async (/** @type {{ type: string }} */ message) => {
  if (message.type === 'cpu') send({ type: 'cpu', usage: process.cpuUsage() });
  if (message.type === 'close') {
    await running.close();
    await target.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: running.url });
