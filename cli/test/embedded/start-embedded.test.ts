import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, isSiftError } from '@sift/common';
import { startEmbedded, stopAll } from '../../src/embedded/start-embedded';
import type { EmbeddedPlatform } from '../../src/embedded/start-embedded';
import { loadEmbeddedConfig } from '../../src/embedded/embedded-config';
import { isDistributed } from '../../src/commands/up';

let dir: string;
let platform: EmbeddedPlatform | undefined;
const logger = createLogger('test', 'silent');

const schema = (required: string[]) =>
  JSON.stringify({
    type: 'object',
    properties: { button: { type: 'string' }, label: { type: 'string' } },
    required,
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-embedded-'));
  await mkdir(join(dir, 'schemas', 'com.test.click'), { recursive: true });
  await writeFile(join(dir, 'schemas', 'com.test.click', '1.json'), schema(['button']));
});

afterEach(async () => {
  if (platform) await stopAll(platform.running, logger);
  platform = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<EmbeddedPlatform> {
  platform = await startEmbedded(
    { schemas: join(dir, 'schemas') },
    {
      SIFT_DATA_DIR: join(dir, 'data'),
      SIFT_REGISTRY_PORT: '0',
      SIFT_COLLECTOR_PORT: '0',
      SIFT_CONSOLE_PORT: '0',
      ...env,
    },
    logger,
  );
  return platform;
}

function post(url: string, events: unknown[], headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ events }),
  });
}

describe('the embedded platform', () => {
  it('answers ?wait=indexed only once the events are in the store, so a query right after finds them', async () => {
    const sift = await start();
    const response = await post(`${sift.collectorUrl}/v1/events?wait=indexed`, [
      { event: 'com.test.click', data: { button: 'buy' } },
      { event: 'com.test.click', data: {} },
      { event: 'com.test.unknown', data: {} },
    ]);
    expect(response.headers.get('x-sift-indexed')).toBe('true');
    const body = (await response.json()) as { events: { id: string }[] };
    for (const { id } of body.events) {
      const stored = await fetch(`${sift.consoleUrl}/api/events/${id}`);
      expect(stored.status).toBe(200);
    }
    const counts = await (await fetch(`${sift.consoleUrl}/api/counts`)).json();
    expect(counts).toEqual({ total: 3, good: 1, bad: 2 });
  });

  it('also waits when asked by the X-Sift-Wait header, and carries the test id to the store', async () => {
    const sift = await start();
    const response = await post(
      `${sift.collectorUrl}/v1/events`,
      [{ event: 'com.test.click', data: { button: 'buy' } }],
      { 'x-sift-wait': 'indexed', 'x-sift-test-id': 'header-run' },
    );
    expect(response.headers.get('x-sift-indexed')).toBe('true');
    const listed = (await (
      await fetch(`${sift.consoleUrl}/api/events?test_id=header-run`)
    ).json()) as { total: number };
    expect(listed.total).toBe(1);
  });

  it('keeps the event store within SIFT_STORE_MAX_EVENTS, newest kept', async () => {
    const sift = await start({ SIFT_STORE_MAX_EVENTS: '10' });
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 10 }, (_, i) => ({
        event: 'com.test.click',
        data: { button: `b${batch * 10 + i}` },
      }));
      await post(`${sift.collectorUrl}/v1/events?wait=indexed`, events);
    }
    const listed = (await (await fetch(`${sift.consoleUrl}/api/events?limit=100`)).json()) as {
      total: number;
      events: { document: { data: { com_test_click: { button: string } } } }[];
    };
    expect(listed.total).toBe(10);
    const buttons = listed.events.map((event) => event.document.data.com_test_click.button);
    expect(buttons.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b${20 + i}`).sort());
  });

  it('registers a schema version saved into the folder while running', async () => {
    const sift = await start();
    await writeFile(join(dir, 'schemas', 'com.test.click', '2.json'), schema([]));
    let versions: number[] = [];
    for (let i = 0; i < 50 && versions.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      versions = (await (
        await fetch(`${sift.registryUrl}/subjects/com.test.click/versions`)
      ).json()) as number[];
    }
    expect(versions).toEqual([1, 2]);
  });

  it('refuses a second platform on the same data folder before it opens anything', async () => {
    const sift = await start();
    const second = await startEmbedded(
      {},
      {
        SIFT_DATA_DIR: join(dir, 'data'),
        SIFT_REGISTRY_PORT: '0',
        SIFT_COLLECTOR_PORT: '0',
        SIFT_CONSOLE_PORT: '0',
      },
      logger,
    ).catch((error: unknown) => error);
    expect(isSiftError(second) && second.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
    expect((await fetch(`${sift.collectorUrl}/healthz`)).status).toBe(200);
  });

  it('keeps running when the schemas folder holds a schema the registry refuses', async () => {
    await writeFile(join(dir, 'schemas', 'com.test.click', '2.json'), '{"type": "nonsense"');
    const sift = await start();
    const versions = await (
      await fetch(`${sift.registryUrl}/subjects/com.test.click/versions`)
    ).json();
    expect(versions).toEqual([1]);
    const health = await fetch(`${sift.collectorUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('sift up', () => {
  it('runs embedded unless Kafka or Elasticsearch is configured or --services is given', () => {
    expect(isDistributed({}, {})).toBe(false);
    expect(isDistributed({}, { SIFT_KAFKA_BROKERS: '127.0.0.1:9092' })).toBe(true);
    expect(isDistributed({}, { SIFT_ELASTICSEARCH_URL: 'http://127.0.0.1:9200' })).toBe(true);
    expect(isDistributed({ services: true }, {})).toBe(true);
  });

  it('names every bad embedded variable in one error', () => {
    let error: unknown;
    try {
      loadEmbeddedConfig({ SIFT_LOG_FSYNC: 'sometimes', SIFT_STORE_MAX_EVENTS: 'many' });
    } catch (caught) {
      error = caught;
    }
    expect(isSiftError(error) && error.code).toBe('SIFT_CONFIG_INVALID');
    expect((error as Error).message).toMatch(/SIFT_LOG_FSYNC/);
    expect((error as Error).message).toMatch(/SIFT_STORE_MAX_EVENTS/);
  });
});
