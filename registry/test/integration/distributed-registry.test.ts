import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { loadRegistryConfig, startRegistry } from '@sift/registry';

// Two registry instances sharing one `_schemas`-style topic on real Kafka.
const KAFKA = '127.0.0.1:9092';
const run = randomUUID().slice(0, 8);
const topic = `_schemas_it_${run}`;
const logger = createLogger('distributed-registry-test', 'warn');

function instance(extra: Record<string, string> = {}): Promise<RunningServer> {
  return startRegistry(
    loadRegistryConfig({
      SIFT_REGISTRY_PORT: '0',
      SIFT_REGISTRY_STORE: 'kafka',
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_REGISTRY_TOPIC: topic,
      SIFT_REGISTRY_GROUP_ID: `sift-registry-it-${run}`,
      ...extra,
    }),
    logger,
  );
}

async function post(
  url: string,
  body: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const schema = (name: string) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.acme',
    fields: [{ name: 'id', type: 'string' }],
  });

describe('registry on a Kafka topic, two instances', () => {
  const running: RunningServer[] = [];

  afterAll(async () => {
    for (const server of running) await server.close().catch(() => undefined);
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}_leader`] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('takes writes through either instance, hands out distinct ids, and rebuilds from the topic', async () => {
    const a = await instance();
    running.push(a);
    const b = await instance({ SIFT_REGISTRY_LEADER_ELIGIBLE: 'false' });
    running.push(b);

    // b never leads: its writes are forwarded to a once b has learned a's URL.
    const viaB = await eventually(async () => {
      const answer = await post(`${b.url}/subjects/com.acme.one/versions`, {
        schema: schema('One'),
      });
      return answer.status === 200 ? answer : undefined;
    });
    const viaA = await post(`${a.url}/subjects/com.acme.two/versions`, { schema: schema('Two') });
    expect(viaA.status).toBe(200);
    expect(new Set([viaB.body['id'], viaA.body['id']]).size).toBe(2);

    // Both instances serve both schemas.
    for (const server of [a, b]) {
      const two = await eventually(async () => {
        const answer = await fetch(`${server.url}/subjects/com.acme.two/versions/latest`);
        return answer.status === 200 ? ((await answer.json()) as { id: number }) : undefined;
      });
      expect(two.id).toBe(viaA.body['id']);
    }

    // A fresh instance rebuilds the same state from the topic.
    const c = await instance({ SIFT_REGISTRY_LEADER_ELIGIBLE: 'false' });
    running.push(c);
    const subjects = (await (await fetch(`${c.url}/subjects`)).json()) as string[];
    expect(subjects).toEqual(['com.acme.one', 'com.acme.two']);
    const one = (await (await fetch(`${c.url}/schemas/ids/${viaB.body['id']}`)).json()) as {
      schema: string;
    };
    expect(JSON.parse(one.schema)).toMatchObject({ name: 'One' });
  });
});
