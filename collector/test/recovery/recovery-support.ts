import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, listen } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { badEventRecord, EventProcessor, RegistrySchemaSource } from '@sift/collector';
import type { EventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { ValidatorCache } from '@sift/validator';

/** A schema file of `fixtures/`, as text. */
export function fixtureSchema(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** A registry in this process, on a free port. */
export interface TestRegistry {
  url: string;
  register(subject: string, schema: string): Promise<{ id: number }>;
  close(): Promise<void>;
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const logger = createLogger('recovery-test', 'silent');
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  const server: RunningServer = await listen(app, 0, '127.0.0.1');
  return {
    url: server.url,
    register: (subject, schema) =>
      new RegistryClient({ url: server.url }).register(subject, schema),
    close: () => server.close(),
  };
}

/** A schema source with a fresh cache, as a newly started process has. */
export function freshSchemas(registry: TestRegistry): RegistrySchemaSource {
  return new RegistrySchemaSource(new RegistryClient({ url: registry.url }));
}

/** Where test requests come from; the address as the collector stores it. */
export const testSource = {
  endpoint: 'POST /v1/events',
  ip: '203.0.113.0',
  user_agent: 'recovery-test',
};

/**
 * Does what the collector does with one request body: validates it against the registry as
 * it is now and appends good records and bad events to their topics. Answers the bad events.
 */
export async function collect(
  registry: TestRegistry,
  log: EventLog,
  topics: { good: string; bad: string },
  events: unknown[],
  receivedAt = new Date(),
): Promise<BadEvent[]> {
  const processor = new EventProcessor({
    schemas: freshSchemas(registry),
    validators: new ValidatorCache(),
    now: () => receivedAt,
  });
  const collected = await processor.processBody(
    JSON.stringify({ events }),
    testSource,
    testSource.ip ? { clientIp: testSource.ip } : {},
  );
  await log.append(topics.good, collected.good);
  await log.append(topics.bad, collected.bad.map(badEventRecord));
  return collected.bad;
}
