import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { loadRegistryConfig, startRegistry } from '@sift/registry';

export const KAFKA = '127.0.0.1:9092';
export const ELASTICSEARCH = 'http://127.0.0.1:9200';

export const testLogger = createLogger(
  'sink-it',
  process.env['SIFT_TEST_LOG_LEVEL'] === 'debug' ? 'debug' : 'warn',
);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A registry of the test's own, in this process, on a free port and a temporary file. */
export function startTestRegistry(): Promise<RunningServer> {
  return startRegistry(
    loadRegistryConfig({
      SIFT_REGISTRY_PORT: '0',
      SIFT_REGISTRY_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'sift-sink-it-')), 'schemas.jsonl'),
    }),
    testLogger,
  );
}

/** Registers a schema version under a subject; resolves with its global id. */
export async function register(
  registryUrl: string,
  subject: string,
  schema: unknown,
  schemaType: 'AVRO' | 'JSON' = 'AVRO',
): Promise<number> {
  const answer = await fetch(`${registryUrl}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema), schemaType }),
  });
  if (answer.status !== 200) throw new Error(`register ${subject}: ${await answer.text()}`);
  return ((await answer.json()) as { id: number }).id;
}

/** Sends a request to Elasticsearch and parses its JSON answer. */
export async function es<T>(
  url: string,
  path: string,
  body?: unknown,
  method?: string,
): Promise<T> {
  const answer = await fetch(`${url}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await answer.json()) as T;
}

/** How many documents the indices matching a pattern hold, after a refresh; 0 when none exist. */
export async function countDocuments(
  url: string,
  pattern: string,
  query?: unknown,
): Promise<number> {
  await fetch(`${url}/${pattern}/_refresh?ignore_unavailable=true&allow_no_indices=true`, {
    method: 'POST',
  });
  const answer = await es<{ count?: number }>(
    url,
    `/${pattern}/_count?ignore_unavailable=true&allow_no_indices=true`,
    query === undefined ? undefined : { query },
  );
  return answer.count ?? 0;
}

/** Polls until `check` resolves true, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Deletes the indices and templates of an index prefix, and Kafka topics. */
export async function cleanUp(url: string, prefix: string, topics: string[]): Promise<void> {
  await fetch(`${url}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
  for (const verdict of ['good', 'bad']) {
    await fetch(`${url}/_index_template/${prefix}-${verdict}`, { method: 'DELETE' }).catch(
      () => undefined,
    );
  }
  if (topics.length === 0) return;
  const admin = new Kafka({ brokers: [KAFKA], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}
