import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import {
  buildPageView,
  buildSelfDescribingEvent,
  buildStructEvent,
  newTracker,
} from '@snowplow/node-tracker';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadConsoleConfig, startConsole } from '@sift/console';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { loadSinkConfig, startSink } from '@sift/sinks';

// A Snowplow tracker's events the whole way in the distributed deployment: the unmodified node
// tracker → the collector on real Kafka → the good and bad sinks → Elasticsearch, read back as a
// Micro user does (`sift ui` over those indices) and as an analyst does (the documents).
const KAFKA = '127.0.0.1:9092';
const ELASTICSEARCH = 'http://127.0.0.1:9200';
const SIFT = join(__dirname, '../../cli/bin/sift.mjs');
const run = randomUUID().slice(0, 8);
const prefix = `sift-sp-it-${run}`;
const topics = { good: `sift-sp-it-${run}.good`, bad: `sift-sp-it-${run}.bad` };
const vendor = `com.sift_sp_${run}`;
const appId = `shop-${run}`;
const logger = createLogger('snowplow-pipeline-test', 'warn');
const execFileAsync = promisify(execFile);

/** The team's own Iglu folder, as igluctl lays it out. */
function writeIgluFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'sift-sp-iglu-'));
  const write = (name: string, properties: object, required: string[]) => {
    const dir = join(root, vendor, name, 'jsonschema');
    mkdirSync(dir, { recursive: true });
    const schema = {
      $schema:
        'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
      self: { vendor, name, format: 'jsonschema', version: '1-0-0' },
      type: 'object',
      properties,
      required,
      additionalProperties: false,
    };
    writeFileSync(join(dir, '1-0-0'), JSON.stringify(schema, null, 2));
  };
  write('signup', { method: { type: 'string', enum: ['email', 'sso'] } }, ['method']);
  write('customer', { id: { type: 'string' }, tier: { type: 'string' } }, ['id']);
  return root;
}

async function sift(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [SIFT, ...args], {
    env: { ...process.env, ...env },
  });
  return stdout;
}

interface Hit {
  _index: string;
  _source: Record<string, unknown>;
}

/** The documents of this run's app in one index pattern, once there are `count` of them. */
async function documents(verdict: 'good' | 'bad', count: number): Promise<Hit[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await fetch(`${ELASTICSEARCH}/${prefix}-${verdict}-*/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: 100,
        query: { match_all: {} },
        sort: [{ '@timestamp': 'asc' }],
      }),
    });
    if (answer.ok) {
      const hits = ((await answer.json()) as { hits: { hits: Hit[] } }).hits.hits;
      if (hits.length >= count) return hits;
    }
    if (Date.now() > deadline) {
      throw new Error(`fewer than ${count} ${verdict} documents within 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function micro(
  console: RunningServer,
  path: string,
  body?: object,
): Promise<Record<string, unknown>[]> {
  const answer = await fetch(`${console.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as Record<string, unknown>[];
}

describe('Snowplow trackers through Kafka, the sinks and Elasticsearch, read through Micro’s API', () => {
  const running: RunningServer[] = [];
  let collector: RunningServer;
  let consoleServer: RunningServer;

  beforeAll(async () => {
    const registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'sift-sp-it-')), 'schemas.jsonl'),
      }),
      logger,
    );
    running.push(registry);
    // What a distributed deployment's operator runs once, and the team's own schemas as code.
    const registryEnv = { SIFT_REGISTRY_URL: registry.url };
    await sift(['schemas', 'push', '--snowplow'], registryEnv);
    await sift(['schemas', 'push', '--dir', writeIgluFolder()], registryEnv);

    const env = {
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_ELASTICSEARCH_URL: ELASTICSEARCH,
      SIFT_GOOD_TOPIC: topics.good,
      SIFT_BAD_TOPIC: topics.bad,
      SIFT_INDEX_PREFIX: prefix,
      SIFT_REGISTRY_URL: registry.url,
    };
    collector = await startCollector(
      loadCollectorConfig({ ...env, SIFT_COLLECTOR_PORT: '0' }),
      logger,
    );
    running.push(collector);
    for (const kind of ['good', 'bad'] as const) {
      const sink = await startSink(
        loadSinkConfig({
          ...env,
          SIFT_SINK_KIND: kind,
          SIFT_SINK_PORT: '0',
          SIFT_SINK_TOPIC: topics[kind],
          SIFT_SINK_GROUP_ID: `sift-sp-it-${run}-${kind}`,
        }),
        logger,
      );
      running.push(sink);
    }
    consoleServer = await startConsole(
      loadConsoleConfig({ ...env, SIFT_CONSOLE_PORT: '0' }),
      logger,
    );
    running.push(consoleServer);
  });

  afterAll(async () => {
    for (const part of running.reverse()) await part.close();
    await fetch(`${ELASTICSEARCH}/${prefix}-*`, { method: 'DELETE' });
    for (const verdict of ['good', 'bad']) {
      await fetch(`${ELASTICSEARCH}/_index_template/${prefix}-${verdict}`, { method: 'DELETE' });
    }
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const ours = [topics.good, topics.bad].filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('gives each kind of tracker event its verdict, by POST with base64 and by GET without', async () => {
    const iglu = (name: string) => `iglu:${vendor}/${name}/jsonschema/1-0-0`;
    const signup = (data: Record<string, unknown>) =>
      buildSelfDescribingEvent({ event: { schema: iglu('signup'), data } });
    const customer = (data: Record<string, unknown>) => ({ schema: iglu('customer'), data });

    const post = newTracker(
      { namespace: 'web', appId, encodeBase64: true },
      { endpoint: collector.url, eventMethod: 'post', bufferSize: 10 },
    );
    post.track(buildPageView({ pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing' }));
    post.track(buildStructEvent({ category: 'cart', action: 'add', label: 'sku-1', value: 2 }));
    post.track(signup({ method: 'email' }), [customer({ id: 'c-1', tier: 'gold' })]);
    await post.flush();

    const get = newTracker(
      { namespace: 'srv', appId, encodeBase64: false },
      { endpoint: collector.url, eventMethod: 'get', bufferSize: 1 },
    );
    // An event of a schema nobody registered, an entity with a wrong field, a wrong field.
    get.track(buildSelfDescribingEvent({ event: { schema: iglu('nowhere'), data: { any: 1 } } }));
    get.track(signup({ method: 'sso' }), [customer({ id: 42 })]);
    get.track(signup({ method: 'carrier pigeon' }));
    await get.flush();

    // Elasticsearch, as an analyst filters in Kibana.
    const good = await documents('good', 3);
    expect(good).toHaveLength(3);
    const byType = new Map(
      good.map((hit) => [(hit._source['event'] as { dataset: string }).dataset, hit._source]),
    );
    expect(byType.get('com.snowplowanalytics.snowplow.page_view')).toMatchObject({
      url: { full: 'https://shop.example/pricing' },
      snowplow: { event_code: 'pv', app_id: appId, tracker: { name: 'web' } },
    });
    expect(byType.get('com.snowplowanalytics.snowplow.structured_event')).toMatchObject({
      data: {
        com_snowplowanalytics_snowplow_structured_event: {
          category: 'cart',
          action: 'add',
          label: 'sku-1',
          value: 2,
        },
      },
    });
    const signedUp = byType.get(`${vendor}.signup`);
    expect(signedUp).toMatchObject({
      data: { [`${vendor.replace(/\./g, '_')}_signup`]: { method: 'email' } },
      entities: { [`${vendor.replace(/\./g, '_')}_customer`]: [{ id: 'c-1', tier: 'gold' }] },
      snowplow: { event_code: 'ue', event_schema: iglu('signup'), contexts: [iglu('customer')] },
    });

    const bad = await documents('bad', 3);
    expect(bad).toHaveLength(3);
    const failures = bad.map((hit) => ({
      kind: (hit._source['failure'] as { kind: string }).kind,
      errors: (hit._source['failure'] as { errors: { path: string; message: string }[] }).errors,
      payload: JSON.parse(hit._source['payload'] as string) as Record<string, unknown>,
    }));
    const unregistered = failures.find((failure) => failure.kind === 'unknown_event');
    expect(unregistered?.payload).toMatchObject({ e: 'ue', aid: appId, tna: 'srv' });
    const badEntity = failures.find((failure) =>
      failure.errors.some((error) => error.path.startsWith('/co/')),
    );
    expect(badEntity).toMatchObject({ kind: 'schema_violation' });
    expect(badEntity?.errors[0]?.path).toBe('/co/data/0/data/id');
    expect(badEntity?.errors[0]?.message).toContain('entity 0');
    const wrongField = failures.find((failure) =>
      failure.errors.some((error) => error.path === '/method'),
    );
    expect(wrongField).toMatchObject({ kind: 'schema_violation' });
    expect(wrongField?.payload).toMatchObject({ e: 'ue', aid: appId });

    // Micro's API over the same indices, as a Micro-based suite reads it.
    const all = (await micro(consoleServer, '/micro/all')) as unknown as {
      total: number;
      good: number;
      bad: number;
    };
    expect(all).toEqual({ total: 6, good: 3, bad: 3 });
    const [signupEvent] = await micro(consoleServer, '/micro/good', { schema: iglu('signup') });
    expect(signupEvent).toMatchObject({
      eventType: 'signup',
      schema: iglu('signup'),
      contexts: [iglu('customer')],
      event: {
        app_id: appId,
        event_name: 'signup',
        unstruct_event: {
          data: { schema: iglu('signup'), data: { method: 'email' } },
        },
        contexts: { data: [{ schema: iglu('customer'), data: { id: 'c-1', tier: 'gold' } }] },
      },
    });
    const [structEvent] = await micro(consoleServer, '/micro/good', { event_type: 'struct' });
    expect(structEvent).toMatchObject({
      event: { se_category: 'cart', se_action: 'add', se_label: 'sku-1', se_value: 2 },
    });
    const [pageView] = await micro(consoleServer, '/micro/good', { event_type: 'page_view' });
    expect(pageView).toMatchObject({
      event: { page_url: 'https://shop.example/pricing', page_title: 'Pricing' },
    });
    const badEvents = await micro(consoleServer, '/micro/bad', {
      vendor: 'com.snowplowanalytics.snowplow',
      version: 'tp2',
    });
    expect(badEvents).toHaveLength(3);
    for (const event of badEvents) {
      expect(event).toMatchObject({
        rawEvent: { api: { vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' } },
      });
      expect((event['errors'] as string[]).length).toBeGreaterThan(0);
    }
    const messages = badEvents.flatMap((event) => event['errors'] as string[]).join('\n');
    expect(messages).toContain('entity 0');
    expect(messages).toContain('/method');
  });
});
