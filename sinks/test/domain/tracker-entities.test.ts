import { createLogger, encodeEntitiesHeader, indexName } from '@sift/common';
import type { ConsumedRecord } from '@sift/event-log';
import { encodeWireFormat } from '@sift/registry-client';
import { MemoryEventStore, Sink, SqliteEventStore } from '@sift/sinks';
import type { EventStore, IndexRequest, SchemaLookup } from '@sift/sinks';
import { schemaIndexField, ValidatorCache } from '@sift/validator';
import type { IndexField } from '@sift/validator';

// Snowplow tracker events: the collector sends their entities in `sift-entities` (each in wire
// format with its own schema id) and the tracker fields in `sift-snowplow`.

const iglu = (vendor: string, name: string, properties: Record<string, unknown>) =>
  JSON.stringify({
    self: { vendor, name, format: 'jsonschema', version: '1-0-0' },
    type: 'object',
    properties,
  });
const schemaTexts: Record<number, string> = {
  1: iglu('com.acme', 'signup', { plan: { type: 'string' } }),
  2: iglu('com.snowplowanalytics.snowplow', 'web_page', { id: { type: 'string' } }),
  3: iglu('com.acme', 'experiment', { name: { type: 'string' }, bucket: { type: 'integer' } }),
  // Registered without an Iglu `self` block.
  4: JSON.stringify({ type: 'object', properties: { score: { type: 'number' } } }),
};

/** A registry of the schemas above, counting lookups. */
function lookup(): SchemaLookup & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    schemaById: async (id) => {
      calls.push(id);
      const schema = schemaTexts[id];
      if (schema === undefined)
        throw Object.assign(new Error(`no schema ${id}`), {
          code: 'SIFT_REGISTRY_SCHEMA_NOT_FOUND',
        });
      return { schemaType: 'JSON', schema, references: [] };
    },
    referencedSchemas: async () => [],
  };
}

const receivedAt = '2026-12-04T10:00:00.000Z';
const day = new Date(receivedAt);
const wire = (id: number, data: unknown) => encodeWireFormat(id, Buffer.from(JSON.stringify(data)));
const tracker = {
  e: 'ue',
  aid: 'shop',
  p: 'web',
  tv: 'js-3.24.0',
  tna: 'sp1',
  duid: 'd-1',
  sid: 's-1',
  vid: '3',
  res: '1920x1080',
  vp: '1280x720',
  lang: 'en-GB',
  tz: 'Europe/London',
  nuid: 'n-1',
};

function trackerRecord(id: string, entities: Buffer[], extra: Record<string, string> = {}) {
  return {
    topic: 'sift.events.good',
    partition: 0,
    offset: '0',
    timestamp: day.getTime(),
    value: wire(1, { plan: 'pro' }),
    headers: {
      'sift-event-id': id,
      'sift-event-type': 'com.acme.signup',
      'sift-schema-id': '1',
      'sift-schema-version': '1',
      'sift-received-at': receivedAt,
      'sift-session-id': 's-1',
      'sift-snowplow': JSON.stringify(tracker),
      'sift-entities': encodeEntitiesHeader(entities),
      ...extra,
    },
  } satisfies ConsumedRecord;
}

const fieldOf = (id: number) =>
  schemaIndexField('JSON', { schema: schemaTexts[id] as string }) as IndexField;

/** A memory store that records, in order, each mapping asked for and each document indexed. */
class RecordingStore extends MemoryEventStore {
  readonly steps: string[] = [];

  override async ensureDataMapping(
    index: string,
    key: string,
    field: IndexField,
    under: 'data' | 'entities' = 'data',
  ): Promise<void> {
    this.steps.push(`map ${under}.${key}`);
    await super.ensureDataMapping(index, key, field, under);
  }

  override async index(requests: IndexRequest[]) {
    for (const request of requests) this.steps.push(`index ${request.id}`);
    return super.index(requests);
  }
}

function sink(store: EventStore, schemas: SchemaLookup = lookup()) {
  return new Sink({
    verdict: 'good',
    store,
    schemas,
    validators: new ValidatorCache(),
    logger: createLogger('sink-test', 'silent'),
    retry: { attempts: 2, baseDelayMs: 1 },
    sleep: async () => undefined,
  });
}

describe('Sink with Snowplow tracker events', () => {
  it('stores each entity decoded with its own schema under entities.<vendor_name>, two of a kind as an array', async () => {
    const store = new MemoryEventStore();
    const record = trackerRecord('t-1', [
      wire(2, { id: 'page-1' }),
      wire(3, { name: 'hero', bucket: 1 }),
      wire(3, { name: 'price', bucket: 2 }),
    ]);
    await sink(store).handleBatch([record]);
    const document = store.indices.get(indexName('good', day))?.get('t-1');
    expect(document).toMatchObject({
      data: { com_acme_signup: { plan: 'pro' } },
      session: { id: 's-1' },
      entities: {
        com_snowplowanalytics_snowplow_web_page: [{ id: 'page-1' }],
        com_acme_experiment: [
          { name: 'hero', bucket: 1 },
          { name: 'price', bucket: 2 },
        ],
      },
    });
  });

  it('stores the tracker fields under snowplow.* with stable names', async () => {
    const store = new MemoryEventStore();
    await sink(store).handleBatch([trackerRecord('t-2', [])]);
    const document = store.indices.get(indexName('good', day))?.get('t-2');
    expect(document?.['snowplow']).toEqual({
      event_code: 'ue',
      app_id: 'shop',
      platform: 'web',
      tracker: { version: 'js-3.24.0', name: 'sp1' },
      domain_userid: 'd-1',
      session_id: 's-1',
      session_index: '3',
      network_userid: 'n-1',
      screen: { resolution: '1920x1080' },
      viewport: '1280x720',
      language: 'en-GB',
      tz: 'Europe/London',
      event_schema: 'iglu:com.acme/signup/jsonschema/1-0-0',
    });
    expect(document).not.toHaveProperty('entities');
  });

  it('keeps the Iglu URIs of the event schema and of each entity under snowplow.event_schema and snowplow.contexts', async () => {
    const store = new MemoryEventStore();
    const record = trackerRecord('t-uri', [
      wire(2, { id: 'page-1' }),
      wire(4, { score: 0.5 }),
      wire(3, { name: 'hero', bucket: 1 }),
    ]);
    await sink(store).handleBatch([record]);
    const document = store.indices.get(indexName('good', day))?.get('t-uri');
    // Schema 4 has no Iglu self block, so it has no URI to keep.
    expect(document?.['snowplow']).toMatchObject({
      event_schema: 'iglu:com.acme/signup/jsonschema/1-0-0',
      contexts: [
        'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
        'iglu:com.acme/experiment/jsonschema/1-0-0',
      ],
    });
  });

  it('looks up the event schema for its Iglu URI once, however many events use it', async () => {
    const schemas = lookup();
    const events = sink(new MemoryEventStore(), schemas);
    await events.handleBatch([trackerRecord('t-u1', [])]);
    const first = schemas.calls.filter((id) => id === 1).length;
    await events.handleBatch([trackerRecord('t-u2', [])]);
    // The second event only decodes: one lookup.
    expect(schemas.calls.filter((id) => id === 1).length - first).toBe(1);
  });

  it('maps each entity kind from its schema before the first document that carries it', async () => {
    const store = new RecordingStore();
    const batch = [
      trackerRecord('t-3', [wire(2, { id: 'page-1' }), wire(3, { name: 'hero', bucket: 1 })]),
      trackerRecord('t-4', [wire(3, { name: 'price', bucket: 2 })]),
    ];
    await sink(store).handleBatch(batch);
    expect(store.steps).toEqual([
      'map data.com_acme_signup',
      'map entities.com_snowplowanalytics_snowplow_web_page',
      'map entities.com_acme_experiment',
      'index t-3',
      'index t-4',
    ]);
    const index = indexName('good', day);
    expect(Object.fromEntries(store.entityMappings.get(index) ?? [])).toEqual({
      com_snowplowanalytics_snowplow_web_page: fieldOf(2),
      com_acme_experiment: fieldOf(3),
    });
    expect(Object.fromEntries(store.dataMappings.get(index) ?? [])).toEqual({
      com_acme_signup: fieldOf(1),
    });
  });

  it('names an entity whose schema has no Iglu self block by its schema id', async () => {
    const store = new MemoryEventStore();
    await sink(store).handleBatch([trackerRecord('t-5', [wire(4, { score: 0.5 })])]);
    expect(store.indices.get(indexName('good', day))?.get('t-5')).toMatchObject({
      entities: { schema_4: [{ score: 0.5 }] },
    });
  });

  it('looks up an entity schema once for its key, however many events carry it', async () => {
    const schemas = lookup();
    const store = new MemoryEventStore();
    const events = sink(store, schemas);
    await events.handleBatch([trackerRecord('t-6', [wire(2, { id: 'a' })])]);
    await events.handleBatch([trackerRecord('t-7', [wire(2, { id: 'b' })])]);
    // Per event: one lookup to decode the entity; the key and the mapping only the first time.
    const lookupsOf2 = schemas.calls.filter((id) => id === 2).length;
    expect(lookupsOf2).toBe(4);
    expect(store.indices.get(indexName('good', day))?.size).toBe(2);
  });

  it('sends a tracker event whose entity cannot be decoded to the bad index with its bytes', async () => {
    const store = new MemoryEventStore();
    const record = trackerRecord('t-8', [wire(2, { id: 'page-1' }), wire(99, { any: 1 })]);
    const result = await sink(store).handleBatch([record]);
    expect(result).toMatchObject({ indexed: 1, rejected: 0 });
    expect(store.indices.get(indexName('good', day))).toBeUndefined();
    const bad = store.indices.get(indexName('bad', day))?.get('t-8');
    expect(bad).toMatchObject({
      event: { id: 't-8', dataset: 'com.acme.signup' },
      failure: { kind: 'encoding_failed', stage: 'sink', messages: ['entity 1: no schema 99'] },
      payload: record.value.toString('base64'),
    });
  });

  it('sends a tracker event whose entities header is cut short to the bad index', async () => {
    const store = new MemoryEventStore();
    const cut = Buffer.from(encodeEntitiesHeader([wire(2, { id: 'p' })]), 'base64').subarray(0, 6);
    const record = trackerRecord('t-9', [], { 'sift-entities': cut.toString('base64') });
    await sink(store).handleBatch([record]);
    expect(store.indices.get(indexName('bad', day))?.get('t-9')).toMatchObject({
      failure: { kind: 'encoding_failed', messages: [expect.stringMatching(/cut short/)] },
    });
  });

  it('keeps a tracker event whose sift-snowplow header is not JSON, without tracker fields', async () => {
    const store = new MemoryEventStore();
    await sink(store).handleBatch([trackerRecord('t-10', [], { 'sift-snowplow': '{oops' })]);
    const document = store.indices.get(indexName('good', day))?.get('t-10');
    expect(document).toMatchObject({ data: { com_acme_signup: { plan: 'pro' } } });
    // Only the event schema's Iglu URI, which comes from the registry, not the header.
    expect(document?.['snowplow']).toEqual({
      event_schema: 'iglu:com.acme/signup/jsonschema/1-0-0',
    });
  });
});

describe('SqliteEventStore with Snowplow tracker events', () => {
  it('keeps the entities and snowplow fields in the document the console lists', async () => {
    const events = new SqliteEventStore({ file: ':memory:' });
    try {
      await sink(events).handleBatch([
        trackerRecord('t-11', [wire(2, { id: 'page-1' })], { 'sift-test-id': 'sp-run' }),
      ]);
      const page = await events.list({ testId: 'sp-run' });
      expect(page.total).toBe(1);
      expect(page.events[0]?.document).toMatchObject({
        snowplow: { app_id: 'shop', tracker: { name: 'sp1' } },
        entities: { com_snowplowanalytics_snowplow_web_page: [{ id: 'page-1' }] },
      });
    } finally {
      await events.close();
    }
  });
});
