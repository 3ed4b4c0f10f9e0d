import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import {
  defaultUiStaticDir,
  loadConsoleConfig,
  startConsole,
  UI_CONTENT_SECURITY_POLICY,
} from '@sift/console';
import { KafkaEventLog } from '@sift/event-log';
import type { ConsumedRecord } from '@sift/event-log';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { badDocument, ElasticsearchEventStore, templateName } from '@sift/sinks';

// `sift ui` (startConsole) on real Kafka and Elasticsearch with a registry in this process:
// the console UI is served, reads the registry with the console's credentials, and recovers
// bad events from the index to the good topic.
const KAFKA = '127.0.0.1:9092';
const ES = 'http://127.0.0.1:9200';
const run = randomUUID().slice(0, 8);
const prefix = `sift-console-it-${run}`;
const goodTopic = `sift-console-it-${run}.good`;
const eventType = `com.sift_console_it_${run}.page_view`;
const auth = { username: 'console', password: `pw-${run}` };
const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
const schemaHeaders = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
const logger = createLogger('start-console-test', 'warn');
const pageView = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'com.acme',
  fields: [{ name: 'path', type: 'string' }],
});

/** One line of `GET /ui/api/subjects`. */
interface SubjectLine {
  subject: string;
  latestVersion: number;
  schemaType: string;
}

function consoleEnv(registryUrl: string): Record<string, string> {
  return {
    SIFT_CONSOLE_PORT: '0',
    SIFT_ELASTICSEARCH_URL: ES,
    SIFT_INDEX_PREFIX: prefix,
    SIFT_REGISTRY_URL: registryUrl,
    SIFT_REGISTRY_USERNAME: auth.username,
    SIFT_REGISTRY_PASSWORD: auth.password,
    SIFT_KAFKA_BROKERS: KAFKA,
    SIFT_GOOD_TOPIC: goodTopic,
  };
}

/** Reads the topic from the beginning until a record matches, or fails after 30 s. */
async function findRecord(
  log: KafkaEventLog,
  topic: string,
  matches: (record: ConsumedRecord) => boolean,
): Promise<ConsumedRecord> {
  let subscription: { stop(): Promise<void> } | undefined;
  try {
    return await new Promise<ConsumedRecord>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching record on ${topic}`)), 30_000);
      void log
        .consume({
          topics: [topic],
          groupId: `reader-${randomUUID()}`,
          fromBeginning: true,
          handleBatch: async (records) => {
            const found = records.find(matches);
            if (found) {
              clearTimeout(timer);
              resolve(found);
            }
          },
        })
        .then((started) => {
          subscription = started;
        }, reject);
    });
  } finally {
    await subscription?.stop();
  }
}

describe('sift ui (startConsole) on Kafka and Elasticsearch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sift-console-it-'));
  const es = new Client({ node: ES });
  let registry: RunningServer;
  let consoleServer: RunningServer | undefined;
  let reader: KafkaEventLog;

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(dir, 'schemas.jsonl'),
        SIFT_REGISTRY_AUTH_USERS: `${auth.username}:${auth.password}`,
      }),
      logger,
    );
    reader = new KafkaEventLog({ brokers: [KAFKA], clientId: 'console-it', logger });
    // The collector creates the good topic in a deployment; here the test does.
    await reader.ensureTopics([goodTopic]);
    const registered = await fetch(`${registry.url}/subjects/${eventType}/versions`, {
      method: 'POST',
      headers: { ...schemaHeaders, authorization: basic },
      body: JSON.stringify({ schema: pageView }),
    });
    expect(registered.status).toBe(200);
    consoleServer = await startConsole(loadConsoleConfig(consoleEnv(registry.url)), logger);
  });

  afterAll(async () => {
    await consoleServer?.close();
    await registry?.close();
    await reader?.close();
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [goodTopic] }).catch(() => undefined);
    await admin.disconnect();
    await es.indices.delete({ index: `${prefix}-*`, allow_no_indices: true });
    await es.indices
      .deleteIndexTemplate({ name: templateName('bad', prefix) })
      .catch(() => undefined);
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console UI at /ui/ with its Content-Security-Policy', async () => {
    const answer = await fetch(`${consoleServer?.url}/ui/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('content-security-policy')).toBe(UI_CONTENT_SECURITY_POLICY);
    expect(await answer.text()).toBe(
      readFileSync(join(defaultUiStaticDir(), 'index.html'), 'utf8'),
    );
  });

  it('lists the registered subjects', async () => {
    const answer = await fetch(`${consoleServer?.url}/ui/api/subjects`);
    expect(answer.status).toBe(200);
    const { subjects } = (await answer.json()) as { subjects: SubjectLine[] };
    expect(subjects).toContainEqual(
      expect.objectContaining({ subject: eventType, latestVersion: 1, schemaType: 'AVRO' }),
    );
  });

  it("registers through the console only with the caller's registry credentials, never its own", async () => {
    const subject = `${eventType}_via_console`;
    const body = JSON.stringify({ schema: pageView });
    const refused = await fetch(
      `${consoleServer?.url}/ui/api/registry/subjects/${subject}/versions`,
      { method: 'POST', headers: schemaHeaders, body },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="Sift registry"/);
    const missing = await fetch(`${registry.url}/subjects/${subject}/versions`);
    expect(missing.status).toBe(404);

    const registered = await fetch(
      `${consoleServer?.url}/ui/api/registry/subjects/${subject}/versions`,
      { method: 'POST', headers: { ...schemaHeaders, authorization: basic }, body },
    );
    expect(registered.status).toBe(200);
    const answer = await fetch(`${consoleServer?.url}/ui/api/subjects/${subject}`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ subject });
  });

  it('recovers a bad event from the index to the good topic on Kafka, keeping its id', async () => {
    const id = randomUUID();
    const store = new ElasticsearchEventStore({ url: ES, verdicts: ['bad'], indexPrefix: prefix });
    try {
      await store.prepare();
      const request = badDocument({
        id,
        received_at: new Date().toISOString(),
        stage: 'collector',
        kind: 'unknown_event',
        event: eventType,
        errors: [{ path: '', keyword: 'event', message: `${eventType} is not registered` }],
        payload: JSON.stringify({ event: eventType, data: { path: '/checkout' } }),
        source: { endpoint: 'POST /v1/events', ip: '10.0.0.0', user_agent: 'jest' },
      });
      const outcomes = await store.index([
        { ...request, index: request.index.replace(/^sift-/, `${prefix}-`) },
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['indexed']);
    } finally {
      await store.close();
    }
    await es.indices.refresh({ index: `${prefix}-bad-*` });

    const answer = await fetch(`${consoleServer?.url}/ui/api/bad-events/recover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [id] }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ read: 1, recovered: 1, stillBad: 0 });

    const record = await findRecord(
      reader,
      goodTopic,
      (found) => found.headers?.['sift-event-id'] === id,
    );
    expect(record.headers?.['sift-event-type']).toBe(eventType);
  });

  it('stops while the UI live view holds a server-sent-event stream open', async () => {
    const second = await startConsole(loadConsoleConfig(consoleEnv(registry.url)), logger);
    const response = await fetch(`${second.url}/ui/api/good-events/stream`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = response.body?.getReader();
    const first = await stream?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('retry:');

    let closed = false;
    const closing = second.close().then(() => {
      closed = true;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
    await stream?.cancel().catch(() => undefined);
    expect(closed).toBe(true);
    await closing;
  });
});
