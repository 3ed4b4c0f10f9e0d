import request from 'supertest';
import { createLogger, indexName, UpstreamError } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { MemoryEventLog } from '@sift/event-log';
import { buildSinkApp, MemoryEventStore } from '@sift/sinks';
import type { IndexRequest } from '@sift/sinks';

const logger = createLogger('sink-app-test', 'silent');
const receivedAt = '2026-11-23T10:00:00.000Z';

function badEvent(id: string): Buffer {
  const bad: BadEvent = {
    id,
    received_at: receivedAt,
    stage: 'collector',
    kind: 'malformed_json',
    errors: [{ path: '', keyword: 'json', message: 'Unexpected token' }],
    payload: '{"events":',
    source: { endpoint: 'POST /v1/events' },
  };
  return Buffer.from(JSON.stringify(bad));
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A store that can be taken down: bulk requests and pings fail while `down`. */
class FlakyStore extends MemoryEventStore {
  down = false;
  pings = 0;

  override async index(requests: IndexRequest[]) {
    if (this.down) throw new UpstreamError('SIFT_EVENT_STORE_UNAVAILABLE', 'connect ECONNREFUSED');
    return super.index(requests);
  }

  async ping(): Promise<boolean> {
    this.pings++;
    return !this.down;
  }
}

describe('buildSinkApp', () => {
  it('pauses consumption while the store is down and indexes everything once it is back', async () => {
    const log = new MemoryEventLog();
    const store = new FlakyStore();
    const sink = buildSinkApp(
      { kind: 'bad', maxBatch: 100, flushIntervalMs: 0, topic: 'bad', indexPrefix: 'sift' },
      {
        log,
        store,
        schemas: { schemaById: jest.fn(), referencedSchemas: jest.fn() },
        logger,
        retry: { attempts: 2, baseDelayMs: 1 },
        probeDelayMs: { first: 5, max: 20 },
      },
    );
    await sink.start();
    const docs = () => store.indices.get(indexName('bad', new Date(receivedAt)));
    await log.append('bad', [{ value: badEvent('b-1') }]);
    await until(() => docs()?.size === 1);

    store.down = true;
    await log.append('bad', [{ value: badEvent('b-2') }, { value: badEvent('b-3') }]);
    await until(() => sink.paused && store.pings >= 2);
    expect((await request(sink.app).get('/healthz')).body).toEqual({ status: 'paused' });
    expect((await request(sink.app).get('/metrics')).text).toMatch(
      /^sift_sink_paused\{service="sink-bad"\} 1$/m,
    );

    store.down = false;
    await until(() => docs()?.size === 3);
    expect(sink.paused).toBe(false);
    const metrics = (await request(sink.app).get('/metrics')).text;
    // The group reads again from its last commit: b-1 may be indexed twice, under one _id.
    expect(metrics).toMatch(
      /^sift_sink_documents_total\{outcome="indexed",service="sink-bad"\} [34]$/m,
    );
    expect(metrics).toMatch(/^sift_sink_paused\{service="sink-bad"\} 0$/m);
    expect(metrics).toMatch(/^sift_sink_bulk_seconds_count\{service="sink-bad"\} [1-9]/m);
    expect(metrics).toMatch(/^sift_sink_documents_per_second\{service="sink-bad"\} 0\.[34]$/m);
    await sink.stop();
  });

  it('reports consumer lag per partition on /metrics', async () => {
    const sink = buildSinkApp(
      { kind: 'good', maxBatch: 10, topic: 'good', indexPrefix: 'sift' },
      {
        log: new MemoryEventLog(),
        store: new MemoryEventStore(),
        schemas: { schemaById: jest.fn(), referencedSchemas: jest.fn() },
        logger,
        lag: {
          lag: async (groupId, topic) =>
            groupId === 'sift-sink-good' && topic === 'good'
              ? [
                  { partition: 0, lag: 12 },
                  { partition: 1, lag: 0 },
                ]
              : [],
          close: async () => undefined,
        },
      },
    );
    const metrics = (await request(sink.app).get('/metrics')).text;
    expect(metrics).toMatch(/^sift_sink_consumer_lag\{partition="0",service="sink-good"\} 12$/m);
    expect(metrics).toMatch(/^sift_sink_consumer_lag\{partition="1",service="sink-good"\} 0$/m);
  });
});
