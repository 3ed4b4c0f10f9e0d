import { randomUUID } from 'node:crypto';
import type { BadEvent, RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { loadSinkConfig, startSink } from '@sift/sinks';
import { cleanUp, countDocuments, KAFKA, sleep, testLogger, waitFor } from './helpers';
import { PrivateElasticsearch } from './private-elasticsearch';

// A bad sink on a private Elasticsearch node that is stopped (SIGTERM) mid-stream and started
// again on the same data: the sink pauses while the node is down and loses nothing.
const run = randomUUID().slice(0, 8);
const prefix = `sift-it-outage-${run}`;
const topic = `sift-it-outage-${run}.bad`;
const EVENTS = 1500;
const PER_APPEND = 50;

function badEvent(id: string): Buffer {
  const bad: BadEvent = {
    id,
    received_at: new Date().toISOString(),
    stage: 'collector',
    kind: 'schema_violation',
    event: 'com.acme.search',
    version: 1,
    errors: [{ path: '/query', keyword: 'type', message: '/query must be string, got 42' }],
    payload: `{"event":"com.acme.search","data":{"query":42},"id":"${id}"}`,
    source: { endpoint: 'POST /v1/events', ip: '203.0.113.0' },
    test_id: `outage-${run}`,
  };
  return Buffer.from(JSON.stringify(bad));
}

describe('sink during an Elasticsearch outage', () => {
  let es: PrivateElasticsearch;
  let log: KafkaEventLog;
  let sink: RunningServer | undefined;

  beforeAll(async () => {
    es = await PrivateElasticsearch.create();
    log = new KafkaEventLog({
      brokers: [KAFKA],
      clientId: `sift-it-outage-${run}`,
      logger: testLogger,
    });
    await log.ensureTopics([topic]);
  }, 120_000);

  afterAll(async () => {
    await sink?.close();
    await log.close();
    await cleanUp(es.url, prefix, [topic]).catch(() => undefined);
    await es.destroy();
  });

  it('pauses while Elasticsearch is stopped and indexes every event once it is back', async () => {
    sink = await startSink(
      loadSinkConfig({
        SIFT_SINK_KIND: 'bad',
        SIFT_KAFKA_BROKERS: KAFKA,
        SIFT_ELASTICSEARCH_URL: es.url,
        SIFT_ELASTICSEARCH_TIMEOUT_MS: '2000',
        SIFT_SINK_TOPIC: topic,
        SIFT_SINK_GROUP_ID: `sift-it-outage-${run}`,
        SIFT_SINK_PORT: '0',
        SIFT_INDEX_PREFIX: prefix,
      }),
      testLogger,
    );
    const health = async () =>
      ((await (await fetch(`${sink!.url}/healthz`)).json()) as { status: string }).status;
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    const pattern = `${prefix}-bad-*`;

    // The stream: 50 bad events every 500 ms, about 15 s, through the outage.
    const producing = (async () => {
      for (let from = 0; from < EVENTS; from += PER_APPEND) {
        const slice = ids.slice(from, from + PER_APPEND);
        await log.append(
          topic,
          slice.map((id) => ({ key: id, value: badEvent(id) })),
        );
        await sleep(500);
      }
    })();

    await waitFor(
      'first documents',
      async () => (await countDocuments(es.url, pattern)) > 0,
      30_000,
      200,
    );
    await es.stop();
    await waitFor('the sink pausing', async () => (await health()) === 'paused', 60_000, 200);
    const metrics = await (await fetch(`${sink.url}/metrics`)).text();
    expect(metrics).toMatch(/^sift_sink_paused\{service="sink-bad"\} 1$/m);
    await sleep(3_000);
    expect(await health()).toBe('paused');

    await es.start();
    await producing;
    await waitFor(
      `all ${EVENTS} events indexed`,
      async () => (await countDocuments(es.url, pattern)) >= EVENTS,
      90_000,
    );
    expect(await health()).toBe('ok');
    await sleep(2_000);
    expect(await countDocuments(es.url, pattern)).toBe(EVENTS);
    expect(await countDocuments(es.url, pattern, { ids: { values: ids } })).toBe(EVENTS);
  }, 240_000);
});
