import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BAD_TOPIC, createLogger, decodeEntitiesHeader, GOOD_TOPIC, listen } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { buildCollectorApp, IgluRegistrySchemaSource, RegistrySchemaSource } from '@sift/collector';
import type { CollectorApp } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { EventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { decodeWireFormat, RegistryClient } from '@sift/registry-client';

/** The Sift-authored schemas of the tracker's built-in event kinds, as shipped. */
const SHIPPED = join(__dirname, '../../../cli/snowplow-schemas/com.snowplowanalytics.snowplow');

const selfDescribing = (
  vendor: string,
  name: string,
  version: string,
  body: Record<string, unknown>,
) =>
  JSON.stringify({
    $schema:
      'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
    self: { vendor, name, format: 'jsonschema', version },
    type: 'object',
    ...body,
  });

/** `com.acme/signup` 1-0-0 (`method` required) then 1-0-1 (adds `plan`). */
export const signupSchemas = [
  selfDescribing('com.acme', 'signup', '1-0-0', {
    properties: { method: { type: 'string' } },
    required: ['method'],
    additionalProperties: false,
  }),
  selfDescribing('com.acme', 'signup', '1-0-1', {
    properties: { method: { type: 'string' }, plan: { type: 'string' } },
    required: ['method'],
    additionalProperties: false,
  }),
];

/** Entities: `com.acme/user` 1-0-0 (`id` required string), `com.acme/device` 1-0-0 (`model`). */
export const entitySchemas = {
  user: selfDescribing('com.acme', 'user', '1-0-0', {
    properties: { id: { type: 'string' } },
    required: ['id'],
  }),
  device: selfDescribing('com.acme', 'device', '1-0-0', {
    properties: { model: { type: 'string' } },
    required: ['model'],
  }),
};

/** A real registry (in memory) with the shipped schemas and the test schemas registered. */
export async function startSnowplowRegistry(): Promise<{
  registry: RunningServer;
  client: RegistryClient;
}> {
  const logger = createLogger('snowplow-registry', 'silent');
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  const registry = await listen(app, 0, '127.0.0.1');
  const client = new RegistryClient({ url: registry.url });
  for (const name of readdirSync(SHIPPED)) {
    const text = readFileSync(join(SHIPPED, name, 'jsonschema', '1-0-0'), 'utf8');
    await client.register(`com.snowplowanalytics.snowplow.${name}`, text, 'JSON');
  }
  for (const text of signupSchemas) await client.register('com.acme.signup', text, 'JSON');
  await client.register('com.acme.user', entitySchemas.user, 'JSON');
  await client.register('com.acme.device', entitySchemas.device, 'JSON');
  return { registry, client };
}

/** The collector app over an in-memory log, reading the registry through its client. */
export function snowplowCollector(
  client: RegistryClient,
  config: Partial<Parameters<typeof buildCollectorApp>[0]> = {},
  now?: () => Date,
  logOverride?: EventLog,
): { app: CollectorApp; log: MemoryEventLog } {
  const log = new MemoryEventLog();
  const app = buildCollectorApp(
    { maxBodyBytes: 64 * 1024, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC, ...config },
    {
      schemas: new RegistrySchemaSource(client),
      iglu: new IgluRegistrySchemaSource(client),
      log: logOverride ?? log,
      logger: createLogger('snowplow-collector', 'silent'),
      ...(now ? { now } : {}),
    },
  );
  return { app, log };
}

/** A good record decoded: its headers, data, and entities each with its schema id. */
export interface DecodedGood {
  headers: Record<string, string>;
  schemaId: number;
  data: unknown;
  snowplow: Record<string, string>;
  entities: { schemaId: number; data: unknown }[];
}

/** The good records of a log, decoded as any Confluent consumer would. */
export function goodEvents(log: MemoryEventLog): DecodedGood[] {
  return log.records(GOOD_TOPIC).map((record) => {
    const headers = record.headers ?? {};
    const { schemaId, payload } = decodeWireFormat(record.value);
    const entities = headers['sift-entities']
      ? decodeEntitiesHeader(headers['sift-entities']).map((bytes) => {
          const entity = decodeWireFormat(bytes);
          return {
            schemaId: entity.schemaId,
            data: JSON.parse(entity.payload.toString()) as unknown,
          };
        })
      : [];
    return {
      headers,
      schemaId,
      data: JSON.parse(payload.toString()) as unknown,
      snowplow: JSON.parse(headers['sift-snowplow'] ?? '{}') as Record<string, string>,
      entities,
    };
  });
}

/** The bad events of a log. */
export function badEvents(log: MemoryEventLog): BadEvent[] {
  return log.records(BAD_TOPIC).map((record) => JSON.parse(record.value.toString()) as BadEvent);
}
