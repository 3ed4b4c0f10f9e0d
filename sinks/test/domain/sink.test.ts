import { createLogger, indexName } from '@sift/common';
import type { BadEvent } from '@sift/common';
import type { ConsumedRecord } from '@sift/event-log';
import { encodeWireFormat } from '@sift/registry-client';
import { MemoryEventStore, Sink } from '@sift/sinks';
import type { IndexOutcome, SchemaLookup } from '@sift/sinks';
import { avroFormat, ValidatorCache } from '@sift/validator';

const schema = JSON.stringify({
  type: 'record',
  name: 'Search',
  fields: [{ name: 'query', type: 'string' }],
});
const schemas: SchemaLookup = {
  schemaById: async (id) => {
    if (id !== 5)
      throw Object.assign(new Error(`no schema ${id}`), { code: 'SIFT_REGISTRY_SCHEMA_NOT_FOUND' });
    return { schemaType: 'AVRO', schema, references: [] };
  },
  referencedSchemas: async () => [],
};
const logger = createLogger('sink-test', 'silent');
const receivedAt = '2026-11-23T10:00:00.000Z';
const day = new Date(receivedAt);

function goodRecord(id: string, value: Buffer): ConsumedRecord {
  return {
    topic: 'sift.events.good',
    partition: 0,
    offset: '0',
    timestamp: day.getTime(),
    value,
    headers: {
      'sift-event-id': id,
      'sift-event-type': 'com.acme.search',
      'sift-schema-id': '5',
      'sift-schema-version': '1',
      'sift-received-at': receivedAt,
      'sift-user-agent': 'Mozilla/5.0',
    },
  };
}

function sink(store: MemoryEventStore, verdict: 'good' | 'bad' = 'good') {
  return new Sink({
    verdict,
    store,
    schemas,
    validators: new ValidatorCache(),
    logger,
    retry: { attempts: 3, baseDelayMs: 1 },
    sleep: async () => undefined,
  });
}

const encoded = encodeWireFormat(5, avroFormat.compile({ schema }).encode({ query: 'red shoes' }));

describe('Sink', () => {
  it('decodes good events and indexes them by event id under their event type', async () => {
    const store = new MemoryEventStore();
    await sink(store).handleBatch([goodRecord('e-1', encoded), goodRecord('e-1', encoded)]);
    const docs = store.indices.get(indexName('good', day));
    expect(docs?.size).toBe(1);
    expect(docs?.get('e-1')).toMatchObject({
      '@timestamp': receivedAt,
      event: { id: 'e-1', kind: 'event', dataset: 'com.acme.search', created: receivedAt },
      sift: { verdict: 'good', schema_id: 5, schema_version: 1 },
      user_agent: { original: 'Mozilla/5.0' },
      data: { com_acme_search: { query: 'red shoes' } },
    });
  });

  it('indexes bad events with their failure and raw payload', async () => {
    const store = new MemoryEventStore();
    const bad: BadEvent = {
      id: 'b-1',
      received_at: receivedAt,
      stage: 'validator',
      kind: 'schema_violation',
      event: 'com.acme.search',
      version: 1,
      errors: [{ path: '/query', keyword: 'required', message: '/query is required' }],
      payload: '{"event":"com.acme.search","data":{}}',
      source: { endpoint: 'POST /v1/events' },
    };
    await sink(store, 'bad').handleBatch([
      { ...goodRecord('b-1', Buffer.from(JSON.stringify(bad))), topic: 'sift.events.bad' },
    ]);
    expect(store.indices.get(indexName('bad', day))?.get('b-1')).toMatchObject({
      event: { id: 'b-1', kind: 'pipeline_error', dataset: 'com.acme.search' },
      failure: { kind: 'schema_violation', stage: 'validator', messages: ['/query is required'] },
      payload: bad.payload,
    });
  });

  it('keys and dates a record without an event id or a readable receipt time by the log', async () => {
    const store = new MemoryEventStore();
    // Refused by the good index, so the index_rejected fallback must name and date it too.
    store.outcome = (request): IndexOutcome =>
      request.index.startsWith('sift-good')
        ? { status: 'rejected', reason: '400 mapper_parsing_exception: failed to parse' }
        : { status: 'indexed' };
    const record = goodRecord('', encoded);
    record.offset = '17';
    record.headers = { ...record.headers, 'sift-received-at': 'soon' };
    delete record.headers['sift-event-id'];
    const result = await sink(store).handleBatch([record, { ...record }]);
    expect(result).toMatchObject({ indexed: 2, rejected: 2 });
    const docs = store.indices.get(indexName('bad', day));
    expect([...(docs?.keys() ?? [])]).toEqual(['sift.events.good/0@17']);
    expect(docs?.get('sift.events.good/0@17')).toMatchObject({
      '@timestamp': receivedAt,
      failure: { kind: 'index_rejected' },
    });
  });

  it('sends a document the store refuses to the bad index as index_rejected', async () => {
    const store = new MemoryEventStore();
    store.outcome = (request): IndexOutcome =>
      request.index.startsWith('sift-good')
        ? { status: 'rejected', reason: '400 mapper_parsing_exception: failed to parse' }
        : { status: 'indexed' };
    const result = await sink(store).handleBatch([goodRecord('e-2', encoded)]);
    expect(result).toMatchObject({ indexed: 1, rejected: 1 });
    const doc = store.indices.get(indexName('bad', day))?.get('e-2');
    expect(doc).toMatchObject({ failure: { kind: 'index_rejected', stage: 'sink' } });
    expect(JSON.parse(doc?.['payload'] as string)).toMatchObject({
      data: { com_acme_search: { query: 'red shoes' } },
    });
  });

  it('retries documents the store could not take yet, then succeeds', async () => {
    const store = new MemoryEventStore();
    let calls = 0;
    store.outcome = () =>
      ++calls === 1
        ? { status: 'retry', reason: '429 es_rejected_execution_exception' }
        : { status: 'indexed' };
    const result = await sink(store).handleBatch([goodRecord('e-3', encoded)]);
    expect(result).toEqual({ indexed: 1, rejected: 0, retries: 1 });
  });

  it('stops retrying once the time budget is spent, so the consumer can stop within its session', async () => {
    const store = new MemoryEventStore();
    let calls = 0;
    store.outcome = () => {
      calls++;
      return { status: 'retry', reason: '429 es_rejected_execution_exception' };
    };
    const s = new Sink({
      verdict: 'good',
      store,
      schemas,
      validators: new ValidatorCache(),
      logger,
      retry: { attempts: 100, baseDelayMs: 1, maxElapsedMs: 0 },
      sleep: async () => undefined,
    });
    await expect(s.handleBatch([goodRecord('e-9', encoded)])).rejects.toMatchObject({
      code: 'SIFT_EVENT_STORE_UNAVAILABLE',
      retriable: true,
    });
    expect(calls).toBe(1);
  });

  it('fails the batch, committing nothing, when the store stays unreachable', async () => {
    const store = new MemoryEventStore();
    store.index = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9200');
    };
    await expect(sink(store).handleBatch([goodRecord('e-4', encoded)])).rejects.toMatchObject({
      code: 'SIFT_EVENT_STORE_UNAVAILABLE',
    });
  });

  it('maps the data of a schema in the index before the first document that uses it', async () => {
    const store = new MemoryEventStore();
    const mappedWhenIndexed: boolean[] = [];
    store.outcome = (request) => {
      mappedWhenIndexed.push(
        store.dataMappings.get(request.index)?.has('com_acme_search') ?? false,
      );
      return { status: 'indexed' };
    };
    const lookups: number[] = [];
    const counting: SchemaLookup = {
      ...schemas,
      schemaById: async (id) => {
        lookups.push(id);
        return schemas.schemaById(id);
      },
    };
    const s = new Sink({
      verdict: 'good',
      store,
      schemas: counting,
      validators: new ValidatorCache(),
      logger,
    });
    await s.handleBatch([goodRecord('e-6', encoded)]);
    await s.handleBatch([goodRecord('e-7', encoded)]);
    expect(mappedWhenIndexed).toEqual([true, true]);
    expect(store.dataMappings.get(indexName('good', day))?.get('com_acme_search')).toEqual({
      type: 'object',
      properties: { query: { type: 'keyword', ignore_above: 1024 } },
    });
    // One lookup per record to decode (the registry client caches them), one for the mapping,
    // one for the schema's Iglu URI.
    expect(lookups).toEqual([5, 5, 5, 5]);
  });

  it('carries the test id of good and bad events into their documents', async () => {
    const store = new MemoryEventStore();
    const record = goodRecord('e-8', encoded);
    await sink(store).handleBatch([
      { ...record, headers: { ...record.headers, 'sift-test-id': 'run-42' } },
    ]);
    expect(store.indices.get(indexName('good', day))?.get('e-8')).toMatchObject({
      test_id: 'run-42',
    });
    const bad: BadEvent = {
      id: 'b-2',
      received_at: receivedAt,
      stage: 'collector',
      kind: 'unknown_event',
      errors: [],
      payload: '{}',
      source: { endpoint: 'POST /v1/events' },
      test_id: 'run-42',
    };
    await sink(store, 'bad').handleBatch([
      { ...goodRecord('b-2', Buffer.from(JSON.stringify(bad))), topic: 'sift.events.bad' },
    ]);
    expect(store.indices.get(indexName('bad', day))?.get('b-2')).toMatchObject({
      test_id: 'run-42',
    });
  });

  it('keeps a record it cannot decode as a bad event with its bytes', async () => {
    const store = new MemoryEventStore();
    await sink(store).handleBatch([goodRecord('e-5', Buffer.from('not framed'))]);
    const doc = store.indices.get(indexName('bad', day))?.get('e-5');
    expect(doc).toMatchObject({ failure: { kind: 'encoding_failed', stage: 'sink' } });
    expect(Buffer.from(doc?.['payload'] as string, 'base64').toString()).toBe('not framed');
  });
});
