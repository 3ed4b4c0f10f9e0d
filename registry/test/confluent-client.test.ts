import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';

// The kafkajs client (@kafkajs/confluent-schema-registry) against Sift's registry, unchanged.
describe('@kafkajs/confluent-schema-registry against Sift', () => {
  let server: RunningServer;
  let client: KafkaJsRegistry;

  beforeEach(async () => {
    const { app } = await buildRegistryApp(
      {},
      { store: new MemorySchemaStore(), logger: createLogger('kjs-test', 'silent') },
    );
    server = await listen(app, 0, '127.0.0.1');
    client = new KafkaJsRegistry({ host: server.url });
  });
  afterEach(() => server.close());

  const avro = {
    type: 'record',
    name: 'CheckoutCompleted',
    namespace: 'com.acme',
    fields: [
      { name: 'order_id', type: 'string' },
      { name: 'total', type: 'double' },
    ],
  };

  it('registers an Avro schema, encodes in wire format and decodes it back', async () => {
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(avro) });
    const encoded = await client.encode(id, { order_id: 'o-1', total: 12.5 });
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    await expect(client.decode(encoded)).resolves.toEqual({ order_id: 'o-1', total: 12.5 });
    await expect(client.getLatestSchemaId('com.acme.CheckoutCompleted')).resolves.toBe(id);
  });

  it('registers a compatible second version and is refused an incompatible one', async () => {
    await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(avro) });
    const evolved = {
      ...avro,
      fields: [...avro.fields, { name: 'coupon', type: ['null', 'string'], default: null }],
    };
    const { id } = await client.register({
      type: SchemaType.AVRO,
      schema: JSON.stringify(evolved),
    });
    await expect(
      client.getRegistryIdBySchema('com.acme.CheckoutCompleted', {
        type: SchemaType.AVRO,
        schema: JSON.stringify(evolved),
      }),
    ).resolves.toBe(id);
    const broken = { ...avro, fields: [...avro.fields, { name: 'currency', type: 'string' }] };
    await expect(
      client.register({ type: SchemaType.AVRO, schema: JSON.stringify(broken) }),
    ).rejects.toThrow(/incompatible/);
  });

  it('registers a JSON schema under an explicit subject and round-trips a message', async () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: { query: { type: 'string' } },
      required: ['query'],
    });
    const { id } = await client.register(
      { type: SchemaType.JSON, schema },
      { subject: 'com.acme.search' },
    );
    const encoded = await client.encode(id, { query: 'red shoes' });
    await expect(client.decode(encoded)).resolves.toEqual({ query: 'red shoes' });
    await expect(client.encode(id, { query: 7 })).rejects.toThrow();
  });
});
