import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildPageView, buildSelfDescribingEvent, newTracker } from '@snowplow/node-tracker';
import { createLogger, decodeEntitiesHeader } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { loadCollectorConfig, startCollector } from '@sift/collector';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { decodeWireFormat, RegistryClient } from '@sift/registry-client';
import { cleanUp, KAFKA, readTopic } from './integration-support';

// The unmodified Snowplow node tracker, by POST, through the collector to real Kafka topics.
const run = randomUUID().slice(0, 8);
const topics = { good: `sift-snowplow-it-${run}.good`, bad: `sift-snowplow-it-${run}.bad` };
const vendor = `com.sift_it_${run}`;
const logger = createLogger('collector-snowplow-kafka-test', 'warn');
const shippedPageView = join(
  __dirname,
  '../../../cli/snowplow-schemas/com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0',
);

const iglu = (name: string, properties: object, required: string[]) =>
  JSON.stringify({
    $schema:
      'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
    self: { vendor, name, format: 'jsonschema', version: '1-0-0' },
    type: 'object',
    properties,
    required,
  });

describe('the Snowplow node tracker against the collector on real Kafka', () => {
  let registry: RunningServer;
  let collector: RunningServer;
  let ids: Record<string, number>;

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(
          mkdtempSync(join(tmpdir(), 'sift-snowplow-it-')),
          'schemas.jsonl',
        ),
      }),
      logger,
    );
    const client = new RegistryClient({ url: registry.url });
    const register = async (subject: string, schema: string) =>
      (await client.register(subject, schema, 'JSON')).id;
    ids = {
      pageView: await register(
        'com.snowplowanalytics.snowplow.page_view',
        readFileSync(shippedPageView, 'utf8'),
      ),
      signup: await register(
        `${vendor}.signup`,
        iglu('signup', { method: { type: 'string' } }, ['method']),
      ),
      user: await register(`${vendor}.user`, iglu('user', { id: { type: 'string' } }, ['id'])),
    };
    collector = await startCollector(
      loadCollectorConfig({
        SIFT_COLLECTOR_PORT: '0',
        SIFT_REGISTRY_URL: registry.url,
        SIFT_KAFKA_BROKERS: KAFKA,
        SIFT_GOOD_TOPIC: topics.good,
        SIFT_BAD_TOPIC: topics.bad,
      }),
      logger,
    );
  });

  afterAll(async () => {
    await collector?.close();
    await registry?.close();
    await cleanUp([topics.good, topics.bad]);
  });

  it('routes a page view and a self-describing event with an entity to good, a wrong field to bad', async () => {
    const tracker = newTracker(
      { namespace: 'it', appId: 'shop', encodeBase64: true },
      { endpoint: collector.url, eventMethod: 'post', bufferSize: 1 },
    );
    const signup = (data: Record<string, unknown>) =>
      buildSelfDescribingEvent({
        event: { schema: `iglu:${vendor}/signup/jsonschema/1-0-0`, data },
      });
    tracker.track(buildPageView({ pageUrl: 'https://shop.example/' }));
    tracker.track(signup({ method: 'email' }), [
      { schema: `iglu:${vendor}/user/jsonschema/1-0-0`, data: { id: 'u-1' } },
    ]);
    tracker.track(signup({ method: 7 }));
    await tracker.flush();

    const good = await readTopic(topics.good, 2);
    const byType = new Map(good.map((record) => [record.headers['sift-event-type'], record]));
    const pageView = byType.get('com.snowplowanalytics.snowplow.page_view');
    expect(decodeWireFormat(pageView?.value ?? Buffer.alloc(0)).schemaId).toBe(ids['pageView']);
    expect(JSON.parse(pageView?.headers['sift-snowplow'] ?? '{}')).toMatchObject({
      e: 'pv',
      aid: 'shop',
      tna: 'it',
    });
    const signedUp = byType.get(`${vendor}.signup`);
    const value = decodeWireFormat(signedUp?.value ?? Buffer.alloc(0));
    expect(value.schemaId).toBe(ids['signup']);
    expect(JSON.parse(value.payload.toString())).toEqual({ method: 'email' });
    const entities = decodeEntitiesHeader(signedUp?.headers['sift-entities'] ?? '').map((bytes) => {
      const entity = decodeWireFormat(bytes);
      return { schemaId: entity.schemaId, data: JSON.parse(entity.payload.toString()) as unknown };
    });
    expect(entities).toEqual([{ schemaId: ids['user'], data: { id: 'u-1' } }]);

    const [bad] = (await readTopic(topics.bad, 1)).map(
      (record) => JSON.parse(record.value.toString()) as BadEvent,
    );
    expect(bad).toMatchObject({ kind: 'schema_violation', event: `${vendor}.signup` });
    expect(bad?.errors[0]).toMatchObject({ path: '/method', keyword: 'type' });
    expect(JSON.parse(bad?.payload ?? '{}')).toMatchObject({ event: { e: 'ue', aid: 'shop' } });
  });
});
