import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

// Three `sift registry` processes on one Kafka topic; the leader is killed with SIGKILL.
const KAFKA = '127.0.0.1:9092';
const root = join(__dirname, '../../..');
const run = randomUUID().slice(0, 8);
const topic = `_schemas_failover_${run}`;

interface Instance {
  child: ChildProcess;
  url: string;
}

function startInstance(): Promise<Instance> {
  const child = spawn(process.execPath, [join(root, 'cli/dist/bin.js'), 'registry'], {
    env: {
      ...process.env,
      SIFT_REGISTRY_PORT: '0',
      SIFT_REGISTRY_STORE: 'kafka',
      SIFT_KAFKA_BROKERS: KAFKA,
      SIFT_REGISTRY_TOPIC: topic,
      SIFT_REGISTRY_GROUP_ID: `sift-registry-failover-${run}`,
      SIFT_REGISTRY_SESSION_TIMEOUT_MS: '6000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('registry process did not start')), 60_000);
    child.once('exit', (code) => reject(new Error(`registry process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'registry listening' && entry.url) {
        clearTimeout(timer);
        resolve({ child, url: entry.url });
      }
    });
  });
}

async function leaderOf(instance: Instance): Promise<string | null> {
  const answer = await fetch(`${instance.url}/healthz`).catch(() => undefined);
  return answer?.ok ? (((await answer.json()) as { leader: string | null }).leader ?? null) : null;
}

/** Registers, retrying while no leader is known (5xx), as Confluent's clients do. */
async function register(url: string, name: string): Promise<number> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const answer = await fetch(`${url}/subjects/com.acme.${name}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({
        schema: JSON.stringify({ type: 'record', name, fields: [{ name: 'id', type: 'string' }] }),
      }),
    }).catch(() => undefined);
    if (answer?.status === 200) return ((await answer.json()) as { id: number }).id;
    if (answer && answer.status < 500)
      throw new Error(`register ${name}: ${answer.status} ${await answer.text()}`);
    if (Date.now() > deadline) throw new Error(`register ${name}: no leader in time`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function idsBySubject(url: string): Promise<Record<string, number>> {
  const all = (await (await fetch(`${url}/schemas`)).json()) as { subject: string; id: number }[];
  return Object.fromEntries(all.map(({ subject, id }) => [subject, id]));
}

/** An instance's state once it has caught up with `expected` (followers apply within ms), or as it is after 10 s. */
async function settledIds(
  url: string,
  expected: Record<string, number>,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ids = await idsBySubject(url);
    if (Object.keys(ids).length >= Object.keys(expected).length || Date.now() > deadline)
      return ids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('three registry instances sharing one topic', () => {
  const instances: Instance[] = [];

  beforeAll(() => {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
      {
        cwd: root,
      },
    );
  });

  afterAll(async () => {
    for (const { child } of instances) child.kill('SIGKILL');
    const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}_leader`] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('hands out unique ids under concurrent writes, agrees on state, and loses nothing when the leader is killed', async () => {
    instances.push(...(await Promise.all([startInstance(), startInstance(), startInstance()])));

    const acknowledged: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const name = `before_${i}`;
        acknowledged[`com.acme.${name}`] = await register(instances[i % 3]!.url, name);
      }),
    );
    expect(new Set(Object.values(acknowledged)).size).toBe(30);

    for (const instance of instances) {
      expect(await settledIds(instance.url, acknowledged)).toEqual(acknowledged);
    }

    const leaders = await Promise.all(instances.map(leaderOf));
    const leaderIndex = leaders.indexOf('self');
    expect(leaderIndex).toBeGreaterThanOrEqual(0);
    expect(leaders.filter((leader) => leader === 'self')).toHaveLength(1);
    const [killed] = instances.splice(leaderIndex, 1);
    killed!.child.kill('SIGKILL');

    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const name = `after_${i}`;
        acknowledged[`com.acme.${name}`] = await register(instances[i % 2]!.url, name);
      }),
    );
    expect(new Set(Object.values(acknowledged)).size).toBe(40);
    for (const instance of instances) {
      expect(await settledIds(instance.url, acknowledged)).toEqual(acknowledged);
    }
    expect(
      (await Promise.all(instances.map(leaderOf))).filter((leader) => leader === 'self'),
    ).toHaveLength(1);
  });
});
