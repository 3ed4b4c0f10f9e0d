import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newTracker } from '@snowplow/node-tracker';
import { BAD_TOPIC, createLogger, decodeEntitiesHeader, GOOD_TOPIC, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { RegistryCodegenSource, parseEventSelection, writeCodegen } from '@sift/codegen';
import { buildCollectorApp, IgluRegistrySchemaSource, RegistrySchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { decodeWireFormat, RegistryClient } from '@sift/registry-client';
import { loadGenerated, ROOT } from './support/generated-code';

// End to end without Kafka: Iglu Central schemas in a real (in-memory) registry, code generated
// from it for the node target, Snowplow's node tracker calling it, and Sift's collector app.
const IGLU = join(ROOT, 'test/fixtures/iglu-central/schemas/com.snowplowanalytics.snowplow');
const logger = createLogger('codegen-snowplow-collector', 'silent');

let registry: RunningServer;
let collector: RunningServer;
let client: RegistryClient;
const log = new MemoryEventLog();
let dir: string;

beforeAll(async () => {
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  registry = await listen(app, 0, '127.0.0.1');
  client = new RegistryClient({ url: registry.url });
  for (const [name, versions] of [
    ['link_click', ['1-0-0', '1-0-1']],
    ['web_page', ['1-0-0']],
  ] as const) {
    await client.setCompatibility(`com.snowplowanalytics.snowplow.${name}`, 'NONE');
    for (const version of versions) {
      const text = readFileSync(join(IGLU, name, 'jsonschema', version), 'utf8');
      await client.register(`com.snowplowanalytics.snowplow.${name}`, text, 'JSON');
    }
  }
  const collectorApp = buildCollectorApp(
    { maxBodyBytes: 64 * 1024, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC },
    {
      schemas: new RegistrySchemaSource(client),
      iglu: new IgluRegistrySchemaSource(client),
      log,
      logger,
    },
  );
  collector = await listen(collectorApp, 0, '127.0.0.1');
  // Inside the repository's node_modules, so that the generated code resolves @snowplow/*.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'node_modules/.cache/sift-codegen-collector-'));
});

afterAll(async () => {
  await collector.close();
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

it('sends a generated snowplow-node event with its entity that the collector keeps as a good event', async () => {
  await writeCodegen(
    new RegistryCodegenSource(client),
    dir,
    parseEventSelection('com.snowplowanalytics.snowplow.link_click'),
    {
      target: 'snowplow-node',
      entities: parseEventSelection('com.snowplowanalytics.snowplow.web_page'),
    },
  );
  const { tracker, validators } = loadGenerated(dir);
  const generated = tracker as unknown as Record<string, (...args: unknown[]) => void>;
  generated['useValidators']?.(validators.validators);
  const snowplow = newTracker(
    { namespace: 'sift-test', appId: 'shop' },
    { endpoint: collector.url, eventMethod: 'post', bufferSize: 1 },
  );
  const page = { id: '2f1a3c4d-1111-2222-3333-444455556666' };
  generated['trackLinkClick']?.(snowplow, { targetUrl: 'https://example.com' }, [
    { schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0', data: page },
  ]);
  await snowplow.flush();

  expect(log.records(BAD_TOPIC)).toEqual([]);
  const good = log.records(GOOD_TOPIC);
  expect(good).toHaveLength(1);
  const headers = good[0]?.headers ?? {};
  expect(headers['sift-event-type']).toBe('com.snowplowanalytics.snowplow.link_click');
  expect(headers['sift-schema-version']).toBe('2');
  const { schemaId, payload } = decodeWireFormat(good[0]?.value ?? Buffer.alloc(0));
  expect(schemaId).toBe((await client.version('com.snowplowanalytics.snowplow.link_click', 2)).id);
  expect(JSON.parse(payload.toString())).toEqual({ targetUrl: 'https://example.com' });
  const entities = decodeEntitiesHeader(headers['sift-entities'] ?? '').map((bytes) =>
    JSON.parse(decodeWireFormat(bytes).payload.toString()),
  );
  expect(entities).toEqual([page]);
}, 120_000);
