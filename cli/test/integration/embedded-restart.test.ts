import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, freePorts, startSiftUp } from '../support/sift-process';
import type { SiftProcess } from '../support/sift-process';

let dir: string;
let schemasDir: string;
const started: SiftProcess[] = [];

beforeAll(async () => {
  buildCli();
  dir = await mkdtemp(join(tmpdir(), 'sift-restart-'));
  schemasDir = join(dir, 'schemas');
  await mkdir(join(schemasDir, 'com.test.ping'), { recursive: true });
  await writeFile(
    join(schemasDir, 'com.test.ping', '1.json'),
    JSON.stringify({
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
    }),
  );
}, 300_000);

afterAll(async () => {
  for (const sift of started) await sift.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function up(dataDir: string): Promise<SiftProcess> {
  const sift = await startSiftUp({
    dataDir,
    ports: await freePorts(),
    args: ['--schemas', schemasDir],
  });
  started.push(sift);
  return sift;
}

/** Sends batches of events, half of them bad, and answers the ids the collector answered for. */
async function send(sift: SiftProcess, batches: number, from: number): Promise<string[]> {
  const ids: string[] = [];
  for (let b = 0; b < batches; b++) {
    const events = Array.from({ length: 20 }, (_, i) => ({
      event: 'com.test.ping',
      data: { n: i % 2 === 0 ? from + b * 20 + i : 'not a number' },
    }));
    const response = await fetch(`http://127.0.0.1:${sift.ports.collector}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sift-test-id': 'restart' },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: { id: string }[] };
    ids.push(...body.events.map((event) => event.id));
  }
  return ids;
}

/** Waits until `count` events with the test id are stored, then answers their ids and counts. */
async function stored(sift: SiftProcess, count: number) {
  const base = `http://127.0.0.1:${sift.ports.console}`;
  const wait = await fetch(
    `${base}/api/wait?test_id=restart&count=${count}&timeout_ms=30000&limit=1000`,
  );
  const body = (await wait.json()) as { total: number; events: { id: string }[] };
  const counts = (await (await fetch(`${base}/api/counts?test_id=restart`)).json()) as {
    total: number;
    good: number;
    bad: number;
  };
  return { status: wait.status, ids: body.events.map((event) => event.id), counts };
}

describe('sift up, embedded, across restarts', () => {
  it('keeps every accepted event through a kill -9 and a restart, storing each exactly once', async () => {
    const dataDir = join(dir, 'crash');
    const first = await up(dataDir);
    const sent = await send(first, 25, 0);
    // Killed at once: the sinks may be anywhere in the log.
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await up(dataDir);
    const after = await stored(second, sent.length);
    expect(after.status).toBe(200);
    expect(after.counts).toEqual({ total: 500, good: 250, bad: 250 });
    expect(new Set(after.ids)).toEqual(new Set(sent));
    await second.stop();
  });

  it('keeps stored events and consumer positions through a clean stop and start', async () => {
    const dataDir = join(dir, 'clean');
    const first = await up(dataDir);
    const sent = await send(first, 5, 0);
    expect((await stored(first, sent.length)).status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await up(dataDir);
    const more = await send(second, 1, 1000);
    const after = await stored(second, sent.length + more.length);
    expect(after.counts).toEqual({ total: 120, good: 60, bad: 60 });
    await second.stop();
  });
});
