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

  it('fails the batch, committing nothing, when the store stays unreachable', async () => {
    const store = new MemoryEventStore();
    store.index = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9200');
    };
    await expect(sink(store).handleBatch([goodRecord('e-4', encoded)])).rejects.toMatchObject({
      code: 'SIFT_EVENT_STORE_UNAVAILABLE',
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
