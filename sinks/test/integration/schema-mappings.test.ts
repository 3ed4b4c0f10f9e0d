import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { indexName } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { encodeWireFormat, RegistryClient } from '@sift/registry-client';
import { buildSinkApp, dataKey, ElasticsearchEventStore, indexTemplate } from '@sift/sinks';
import type { SinkApp } from '@sift/sinks';
import { avroFormat, jsonSchemaFormat, schemaIndexField } from '@sift/validator';
import type { IndexField } from '@sift/validator';
import {
  cleanUp,
  countDocuments,
  ELASTICSEARCH,
  es,
  KAFKA,
  register,
  startTestRegistry,
  testLogger,
  waitFor,
} from './helpers';

// A good sink on real Kafka and Elasticsearch: mappings from Avro and JSON schemas, a new schema
// version's fields mapped before its first document, and one refused document among good ones.
const run = randomUUID().slice(0, 8);
const prefix = `sift-it-map-${run}`;
const topic = `sift-it-map-${run}.good`;
const avroType = `com.sift_it_${run}.checkout_completed`;
const jsonType = `com.sift_it_${run}.page_view`;
const avroKey = avroType.replace(/\./g, '_');
const jsonKey = jsonType.replace(/\./g, '_');
const now = new Date();
const goodIndex = indexName('good', now, prefix);
const badIndex = indexName('bad', now, prefix);

const checkoutV1 = {
  type: 'record',
  name: 'CheckoutCompleted',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'quantity', type: 'int' },
    { name: 'paid_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'express', type: 'boolean' },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Item',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'price', type: 'double' },
          ],
        },
      },
    },
  ],
};
const checkoutV2 = {
  ...checkoutV1,
  fields: [...checkoutV1.fields, { name: 'coupon', type: ['null', 'string'], default: null }],
};
const pageView = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    path: { type: 'string' },
    title: { type: 'string', maxLength: 2000 },
    seen_at: { type: 'string', format: 'date-time' },
    scroll: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['path'],
};

function headers(id: string, eventType: string, schemaId: number, version: number) {
  return {
    'sift-event-id': id,
    'sift-event-type': eventType,
    'sift-schema-id': String(schemaId),
    'sift-schema-version': String(version),
    'sift-received-at': now.toISOString(),
    'sift-client-ip': '203.0.113.0',
    'sift-geo-location': '52.37,4.89',
    'sift-test-id': `it-${run}`,
  };
}

type Mapping = Record<string, { mappings: { properties: Record<string, unknown> } }>;

describe('good sink mappings on real Kafka and Elasticsearch', () => {
  let registry: RunningServer;
  let sink: SinkApp;
  let log: KafkaEventLog;
  let store: ElasticsearchEventStore;

  beforeAll(async () => {
    registry = await startTestRegistry();
    log = new KafkaEventLog({
      brokers: [KAFKA],
      clientId: `sift-it-map-${run}`,
      logger: testLogger,
    });
    store = new ElasticsearchEventStore({
      url: ELASTICSEARCH,
      verdicts: ['good', 'bad'],
      indexPrefix: prefix,
    });
    sink = buildSinkApp(
      {
        kind: 'good',
        maxBatch: 500,
        flushIntervalMs: 100,
        topic,
        groupId: `sift-it-map-${run}`,
        indexPrefix: prefix,
      },
      {
        log,
        store,
        schemas: new RegistryClient({ url: registry.url }),
        logger: testLogger,
        retry: { attempts: 3, baseDelayMs: 50 },
      },
    );
    await sink.start();
  });

  afterAll(async () => {
    await sink.stop();
    await log.close();
    await store.close();
    await registry.close();
    await cleanUp(ELASTICSEARCH, prefix, [topic]);
  });

  it('maps both schema types from their schemas and sends a document Elasticsearch refuses to the bad index', async () => {
    const avroId = await register(registry.url, avroType, checkoutV1);
    const jsonId = await register(registry.url, jsonType, pageView, 'JSON');
    const avro = avroFormat.compile({ schema: JSON.stringify(checkoutV1) });
    const json = jsonSchemaFormat.compile({ schema: JSON.stringify(pageView) });
    const paidAt = Date.parse('2026-11-23T09:30:00.000Z');
    const refusedId = randomUUID();
    await log.append(topic, [
      {
        value: encodeWireFormat(
          avroId,
          avro.encode({
            order_id: 'o-1',
            total: 12.5,
            quantity: 2,
            paid_at: paidAt,
            express: true,
            items: [
              { sku: 'red-shoe', price: 10 },
              { sku: 'blue-sock', price: 2.5 },
            ],
          }),
        ),
        headers: headers('avro-1', avroType, avroId, 1),
      },
      {
        value: encodeWireFormat(
          jsonId,
          json.encode({
            path: '/pricing',
            title: 'Plans and pricing',
            seen_at: '2026-11-23T09:31:00Z',
            scroll: 80,
            tags: ['a', 'b'],
          }),
        ),
        headers: headers('json-1', jsonType, jsonId, 1),
      },
      // A valid JSON Schema integer that no Elasticsearch long holds: refused per item.
      {
        value: encodeWireFormat(
          jsonId,
          Buffer.from('{"path":"/huge","scroll":100000000000000000000}'),
        ),
        headers: headers(refusedId, jsonType, jsonId, 1),
      },
    ]);

    await waitFor('two good documents and one refused', async () => {
      return (
        (await countDocuments(ELASTICSEARCH, goodIndex)) === 2 &&
        (await countDocuments(ELASTICSEARCH, badIndex)) === 1
      );
    });

    const mapping = await es<Mapping>(ELASTICSEARCH, `/${goodIndex}/_mapping`);
    const data = mapping[goodIndex]?.mappings.properties['data'] as {
      properties: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    };
    const keyword = { type: 'keyword', ignore_above: 1024 };
    expect(data.properties[avroKey]?.properties).toEqual({
      order_id: keyword,
      total: { type: 'double' },
      quantity: { type: 'long' },
      paid_at: { type: 'date' },
      express: { type: 'boolean' },
      items: { type: 'nested', properties: { sku: keyword, price: { type: 'double' } } },
    });
    expect(data.properties[jsonKey]?.properties).toEqual({
      path: keyword,
      title: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
      seen_at: { type: 'date', ignore_malformed: true },
      scroll: { type: 'long' },
      tags: keyword,
    });
    const envelope = mapping[goodIndex]?.mappings.properties as Record<
      string,
      { type?: string; properties?: Record<string, { type?: string; properties?: object }> }
    >;
    expect(envelope['test_id']?.type).toBe('keyword');
    expect(envelope['client']?.properties?.['geo']?.properties).toMatchObject({
      location: { type: 'geo_point' },
    });

    // The derived types work in queries: nested items, a date range, a geo distance.
    const nested = await countDocuments(ELASTICSEARCH, goodIndex, {
      nested: {
        path: `data.${avroKey}.items`,
        query: {
          bool: {
            must: [
              { term: { [`data.${avroKey}.items.sku`]: 'blue-sock' } },
              { range: { [`data.${avroKey}.items.price`]: { lt: 5 } } },
            ],
          },
        },
      },
    });
    expect(nested).toBe(1);
    const paid = await countDocuments(ELASTICSEARCH, goodIndex, {
      range: {
        [`data.${avroKey}.paid_at`]: { gte: '2026-11-23T09:00:00Z', lt: '2026-11-23T10:00:00Z' },
      },
    });
    expect(paid).toBe(1);
    const near = await countDocuments(ELASTICSEARCH, goodIndex, {
      geo_distance: { distance: '10km', 'client.geo.location': { lat: 52.4, lon: 4.9 } },
    });
    expect(near).toBe(2);

    const refused = await es<{ _source: Record<string, unknown> }>(
      ELASTICSEARCH,
      `/${badIndex}/_doc/${refusedId}`,
    );
    expect(refused._source).toMatchObject({
      test_id: `it-${run}`,
      event: { id: refusedId, dataset: jsonType },
      failure: { kind: 'index_rejected', stage: 'sink' },
    });
    expect(JSON.stringify(refused._source['failure'])).toMatch(
      /document_parsing_exception.*scroll\] of type \[long\]/,
    );
  });

  it('maps the fields of a new schema version before its first document is indexed', async () => {
    const v2Id = await register(registry.url, avroType, checkoutV2);
    const avro = avroFormat.compile({ schema: JSON.stringify(checkoutV2) });
    await log.append(topic, [
      {
        value: encodeWireFormat(
          v2Id,
          avro.encode({
            order_id: 'o-2',
            total: 5,
            quantity: 1,
            paid_at: Date.now(),
            express: false,
            items: [],
            coupon: 'WELCOME10',
          }),
        ),
        headers: headers('avro-2', avroType, v2Id, 2),
      },
    ]);
    await waitFor(
      'the v2 document',
      async () => (await countDocuments(ELASTICSEARCH, goodIndex)) === 3,
    );
    // Searchable at once: the field was mapped before the document arrived, not guessed after.
    expect(
      await countDocuments(ELASTICSEARCH, goodIndex, {
        term: { [`data.${avroKey}.coupon`]: 'WELCOME10' },
      }),
    ).toBe(1);
    type Fields = { properties: Record<string, { properties: Record<string, unknown> }> };
    const template = await es<{
      index_templates: {
        index_template: { template: { mappings: { properties: Record<string, Fields> } } };
      }[];
    }>(ELASTICSEARCH, `/_index_template/${prefix}-good`);
    const templateData =
      template.index_templates[0]?.index_template.template.mappings.properties['data'];
    expect(templateData?.properties[avroKey]?.properties['coupon']).toEqual({
      type: 'keyword',
      ignore_above: 1024,
    });
    expect(templateData?.properties[jsonKey]?.properties['scroll']).toEqual({ type: 'long' });
  });

  it('has Elasticsearch accept the mappings derived from every Iglu Central schema', async () => {
    const root = join(__dirname, '../../../test/fixtures/iglu-central/schemas');
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    })(root);
    const data: Record<string, IndexField> = {};
    for (const file of files) {
      const field = schemaIndexField('JSON', { schema: readFileSync(file, 'utf8') });
      if (field) data[dataKey(file.slice(root.length + 1))] = field;
    }
    expect(Object.keys(data).length).toBeGreaterThan(600);
    const { body } = indexTemplate('good', `${prefix}-iglu`, data);
    const template = body['template'] as { settings: object; mappings: object };
    const index = `${prefix}-iglu-good-all`;
    const created = await fetch(`${ELASTICSEARCH}/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: template.settings, mappings: template.mappings }),
    });
    expect([created.status, await created.text()]).toEqual([200, expect.stringContaining(index)]);
  });
});
