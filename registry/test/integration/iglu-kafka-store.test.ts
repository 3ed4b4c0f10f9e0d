import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import request from 'supertest';
import { createLogger } from '@sift/common';
import { buildRegistryApp, CONFLUENT_JSON, KafkaSchemaStore } from '@sift/registry';

const brokers = ['127.0.0.1:9092'];
const logger = createLogger('iglu-kafka-store-test', 'error');
const run = randomUUID().slice(0, 8);
const topic = `sift-test-iglu-schemas-${run}`;
const metaschema =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';

function signup(version: string, properties: Record<string, object>): string {
  return JSON.stringify({
    $schema: metaschema,
    self: { vendor: 'com.acme', name: `signup_${run}`, format: 'jsonschema', version },
    type: 'object',
    properties,
    additionalProperties: false,
  });
}

describe('Iglu schemas over the Kafka _schemas store', () => {
  const stores: KafkaSchemaStore[] = [];
  const newStore = () => {
    const store = new KafkaSchemaStore({
      brokers,
      topic,
      logger,
      clientId: `sift-test-${run}`,
      timeoutMs: 10_000,
    });
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
    const admin = new Kafka({
      clientId: `sift-test-${run}`,
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('rebuilds the SchemaVer index from the topic, so a new instance resolves every SchemaVer', async () => {
    const subject = `com.acme.signup_${run}`;
    const first = (await buildRegistryApp({}, { store: newStore(), logger })).app;
    for (const [version, properties] of [
      ['1-0-0', { email: { type: 'string' } }],
      ['1-0-1', { email: { type: 'string' }, plan: { type: 'string' } }],
      ['2-0-0', { plan: { type: 'string' } }],
    ] as const) {
      await request(first)
        .post(`/subjects/${subject}/versions`)
        .set('Content-Type', CONFLUENT_JSON)
        .send({ schemaType: 'JSON', schema: signup(version, properties) })
        .expect(200);
    }

    const second = (await buildRegistryApp({}, { store: newStore(), logger })).app;
    const answer = await request(second)
      .get(`/api/schemas/com.acme/signup_${run}/jsonschema/1-0-1`)
      .expect(200);
    expect(answer.body).toEqual(
      JSON.parse(signup('1-0-1', { email: { type: 'string' }, plan: { type: 'string' } })),
    );
    expect(answer.headers['x-sift-version']).toBe('2');
    const model = await request(second).get(`/api/schemas/com.acme/signup_${run}/jsonschema/2`);
    expect(model.body).toEqual([`iglu:com.acme/signup_${run}/jsonschema/2-0-0`]);
    // The rebuilt index still refuses a published SchemaVer with other content.
    await request(second)
      .post(`/subjects/${subject}/versions`)
      .set('Content-Type', CONFLUENT_JSON)
      .send({ schemaType: 'JSON', schema: signup('1-0-0', { other: { type: 'string' } }) })
      .expect(409);
  }, 60_000);
});
