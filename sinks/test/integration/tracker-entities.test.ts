import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEntitiesHeader, indexName } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { KafkaEventLog } from '@sift/event-log';
import { encodeWireFormat, RegistryClient } from '@sift/registry-client';
import { buildSinkApp, ElasticsearchEventStore } from '@sift/sinks';
import type { SinkApp } from '@sift/sinks';
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

// A good sink on real Kafka and Elasticsearch fed Snowplow tracker events as the collector
// writes them: entities in `sift-entities`, tracker fields in `sift-snowplow`.
const run = randomUUID().slice(0, 8);
const prefix = `sift-it-sp-${run}`;
const topic = `sift-it-sp-${run}.good`;
const vendor = `com.sift_it_${run}`;
const vendorKey = vendor.replace(/\./g, '_');
const webPageKey = 'com_snowplowanalytics_snowplow_web_page';
const now = new Date();
const goodIndex = indexName('good', now, prefix);

const iglu = (name: string, properties: Record<string, unknown>) => ({
  $schema:
    'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
  self: { vendor, name, format: 'jsonschema', version: '1-0-0' },
  type: 'object',
  properties,
});
const signup = iglu('signup', { plan: { type: 'string' } });
const experiment = iglu('experiment', {
  name: { type: 'string' },
  bucket: { type: 'integer' },
});
const cart = iglu('cart', { total: { type: 'number' } });
const webPage = JSON.parse(
  readFileSync(
    join(
      __dirname,
      '../../../cli/snowplow-schemas/com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
    ),
    'utf8',
  ),
) as unknown;

const wire = (id: number, data: unknown) => encodeWireFormat(id, Buffer.from(JSON.stringify(data)));

function headers(id: string, schemaId: number, entities: Buffer[]) {
  return {
    'sift-event-id': id,
    'sift-event-type': `${vendor}.signup`,
    'sift-schema-id': String(schemaId),
    'sift-schema-version': '1',
    'sift-received-at': now.toISOString(),
    'sift-test-id': `it-${run}`,
    'sift-snowplow': JSON.stringify({ e: 'ue', aid: 'shop', p: 'web', tv: 'js-3.24.0', vid: '2' }),
    'sift-entities': encodeEntitiesHeader(entities),
  };
}

type Properties = Record<string, { type?: string; properties?: Properties }>;
type Mapping = Record<string, { mappings: { properties: Properties } }>;

describe('good sink with Snowplow tracker events on real Kafka and Elasticsearch', () => {
  let registry: RunningServer;
  let sink: SinkApp;
  let log: KafkaEventLog;
  let store: ElasticsearchEventStore;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    registry = await startTestRegistry();
    ids['signup'] = await register(registry.url, `${vendor}.signup`, signup, 'JSON');
    ids['experiment'] = await register(registry.url, `${vendor}.experiment`, experiment, 'JSON');
    ids['webPage'] = await register(
      registry.url,
      'com.snowplowanalytics.snowplow.web_page',
      webPage,
      'JSON',
    );
    log = new KafkaEventLog({
      brokers: [KAFKA],
      clientId: `sift-it-sp-${run}`,
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
        groupId: `sift-it-sp-${run}`,
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

  it('indexes entities under entities.<vendor_name> mapped from their schemas, and the tracker fields as keywords', async () => {
    const pageId = randomUUID();
    await log.append(topic, [
      {
        value: wire(ids['signup'] as number, { plan: 'pro' }),
        headers: headers('sp-1', ids['signup'] as number, [
          wire(ids['webPage'] as number, { id: pageId }),
          wire(ids['experiment'] as number, { name: 'hero', bucket: 1 }),
          wire(ids['experiment'] as number, { name: 'price', bucket: 2 }),
        ]),
      },
    ]);
    await waitFor(
      'the tracker event',
      async () => (await countDocuments(ELASTICSEARCH, goodIndex)) === 1,
    );

    const mapping = await es<Mapping>(ELASTICSEARCH, `/${goodIndex}/_mapping`);
    const properties = mapping[goodIndex]?.mappings.properties;
    const entities = properties?.['entities']?.properties;
    const keyword = { type: 'keyword', ignore_above: 1024 };
    expect(entities?.[webPageKey]?.properties).toEqual({ id: keyword });
    expect(entities?.[`${vendorKey}_experiment`]?.properties).toEqual({
      name: keyword,
      bucket: { type: 'long' },
    });
    expect(properties?.['snowplow']?.properties?.['app_id']).toEqual(keyword);
    expect(properties?.['snowplow']?.properties?.['tracker']?.properties?.['version']).toEqual(
      keyword,
    );

    const stored = await es<{ _source: Record<string, unknown> }>(
      ELASTICSEARCH,
      `/${goodIndex}/_doc/sp-1`,
    );
    expect(stored._source).toMatchObject({
      data: { [`${vendorKey}_signup`]: { plan: 'pro' } },
      entities: {
        [webPageKey]: [{ id: pageId }],
        [`${vendorKey}_experiment`]: [
          { name: 'hero', bucket: 1 },
          { name: 'price', bucket: 2 },
        ],
      },
      snowplow: { event_code: 'ue', app_id: 'shop', platform: 'web', session_index: '2' },
    });

    // Analysts filter on them: an entity's field, a range over an entity number, a tracker field.
    const count = (query: unknown) => countDocuments(ELASTICSEARCH, goodIndex, query);
    expect(await count({ term: { [`entities.${webPageKey}.id`]: pageId } })).toBe(1);
    expect(
      await count({ range: { [`entities.${vendorKey}_experiment.bucket`]: { gte: 2 } } }),
    ).toBe(1);
    expect(await count({ term: { 'snowplow.app_id': 'shop' } })).toBe(1);
    expect(await count({ term: { 'snowplow.tracker.version': 'js-3.24.0' } })).toBe(1);
    // And on the Iglu URIs of the event and of its entities, as keywords.
    const signupUri = `iglu:${vendor}/signup/jsonschema/1-0-0`;
    const webPageUri = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
    expect(await count({ term: { 'snowplow.event_schema': signupUri } })).toBe(1);
    expect(await count({ term: { 'snowplow.contexts': webPageUri } })).toBe(1);
  });

  it('maps a new kind of entity in the template and the index before its first document lands', async () => {
    ids['cart'] = await register(registry.url, `${vendor}.cart`, cart, 'JSON');
    await log.append(topic, [
      {
        value: wire(ids['signup'] as number, { plan: 'team' }),
        headers: headers('sp-2', ids['signup'] as number, [
          wire(ids['cart'] as number, { total: 12.5 }),
        ]),
      },
    ]);
    await waitFor(
      'the second tracker event',
      async () => (await countDocuments(ELASTICSEARCH, goodIndex)) === 2,
    );
    // Searchable at once: mapped before the document arrived, not guessed after.
    expect(
      await countDocuments(ELASTICSEARCH, goodIndex, {
        range: { [`entities.${vendorKey}_cart.total`]: { gt: 12 } },
      }),
    ).toBe(1);
    const template = await es<{
      index_templates: {
        index_template: { template: { mappings: { properties: Properties } } };
      }[];
    }>(ELASTICSEARCH, `/_index_template/${prefix}-good`);
    const templateProperties =
      template.index_templates[0]?.index_template.template.mappings.properties;
    expect(templateProperties?.['entities']?.properties?.[`${vendorKey}_cart`]?.properties).toEqual(
      {
        total: { type: 'double' },
      },
    );
    expect(
      templateProperties?.['entities']?.properties?.[`${vendorKey}_experiment`]?.properties?.[
        'bucket'
      ],
    ).toEqual({ type: 'long' });
    expect(templateProperties?.['data']?.properties?.[`${vendorKey}_signup`]).toBeDefined();
  });
});
