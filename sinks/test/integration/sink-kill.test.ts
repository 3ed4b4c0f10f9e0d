import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { encodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';
import {
  cleanUp,
  countDocuments,
  ELASTICSEARCH,
  KAFKA,
  register,
  sleep,
  startTestRegistry,
  testLogger,
  waitFor,
} from './helpers';

// The real `sift sink --kind good` process, killed with SIGKILL three times while a stream of
// events flows and restarted each time, ends with exactly one document per event.
const root = join(__dirname, '../../..');
const run = randomUUID().slice(0, 8);
const prefix = `sift-it-kill-${run}`;
const topic = `sift-it-kill-${run}.good`;
const eventType = `com.sift_it_${run}.add_to_cart`;
const EVENTS = 3000;
const PER_APPEND = 50;
const schema = {
  type: 'record',
  name: 'AddToCart',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'quantity', type: 'int' },
  ],
};

/** Starts `sift sink --kind good`; resolves once it consumes. */
function startSinkProcess(registryUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'cli/dist/bin.js'), 'sink', '--kind', 'good'], {
    env: {
      ...process.env,
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_ELASTICSEARCH_URL: ELASTICSEARCH,
      SIFT_REGISTRY_URL: registryUrl,
      SIFT_SINK_TOPIC: topic,
      SIFT_SINK_GROUP_ID: `sift-it-kill-${run}`,
      SIFT_SINK_PORT: '0',
      SIFT_SINK_MAX_BATCH: '200',
      SIFT_INDEX_PREFIX: prefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sink process did not start')), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sink process exited with ${code ?? signal}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string };
      if (entry.msg === 'sink consuming') {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('sift sink under SIGKILL', () => {
  let registry: RunningServer;
  let log: KafkaEventLog;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
      { cwd: root },
    );
    registry = await startTestRegistry();
    log = new KafkaEventLog({
      brokers: [KAFKA],
      clientId: `sift-it-kill-${run}`,
      logger: testLogger,
    });
    await log.ensureTopics([topic]);
  });

  afterAll(async () => {
    for (const child of children) await kill(child);
    await log.close();
    await registry.close();
    await cleanUp(ELASTICSEARCH, prefix, [topic]);
  });

  it('indexes every event exactly once across three kills and restarts', async () => {
    const schemaId = await register(registry.url, eventType, schema);
    const compiled = avroFormat.compile({ schema: JSON.stringify(schema) });
    const receivedAt = new Date().toISOString();
    const ids = Array.from({ length: EVENTS }, () => randomUUID());

    // The stream: 50 events every 1.25 s (about 75 s, as long as the kills and restarts take),
    // spread over the partitions by key.
    let produced = 0;
    const producing = (async () => {
      for (let from = 0; from < EVENTS; from += PER_APPEND) {
        await log.append(
          topic,
          ids.slice(from, from + PER_APPEND).map((id, i) => ({
            key: id,
            value: encodeWireFormat(
              schemaId,
              compiled.encode({ sku: `sku-${from + i}`, quantity: 1 }),
            ),
            headers: {
              'sift-event-id': id,
              'sift-event-type': eventType,
              'sift-schema-id': String(schemaId),
              'sift-schema-version': '1',
              'sift-received-at': receivedAt,
            },
          })),
        );
        produced += PER_APPEND;
        await sleep(1_250);
      }
    })();

    const pattern = `${prefix}-good-*`;
    for (let kills = 0; kills < 3; kills++) {
      const child = await startSinkProcess(registry.url);
      children.push(child);
      const before = await countDocuments(ELASTICSEARCH, pattern);
      // Kill it while it indexes: once it has added documents since it started.
      await waitFor(
        `sink ${kills + 1} indexing`,
        async () => (await countDocuments(ELASTICSEARCH, pattern)) > before,
        90_000,
        100,
      );
      await kill(child);
    }
    children.push(await startSinkProcess(registry.url));
    await producing;
    expect(produced).toBe(EVENTS);

    await waitFor(
      `all ${EVENTS} events indexed`,
      async () => (await countDocuments(ELASTICSEARCH, pattern)) >= EVENTS,
      90_000,
    );
    await sleep(2_000);
    expect(await countDocuments(ELASTICSEARCH, pattern)).toBe(EVENTS);
    // Each event is there under its own id, nothing refused.
    expect(await countDocuments(ELASTICSEARCH, pattern, { ids: { values: ids } })).toBe(EVENTS);
    expect(await countDocuments(ELASTICSEARCH, `${prefix}-bad-*`)).toBe(0);
  }, 300_000);
});
