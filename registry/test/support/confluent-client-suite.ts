import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  JsonDeserializer,
  JsonSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp } from '@sift/registry';
import type { SchemaStore } from '@sift/registry';

/**
 * Drives Sift's registry with both real npm clients, unchanged: the kafkajs client
 * (@kafkajs/confluent-schema-registry) and Confluent's own (@confluentinc/schemaregistry,
 * with its Avro and JSON serializers). `newStore` gives each test a fresh, empty store.
 */
export function describeConfluentClients(storage: string, newStore: () => SchemaStore): void {
  const stores: SchemaStore[] = [];
  const store = () => {
    const created = newStore();
    stores.push(created);
    return created;
  };
  afterEach(async () => {
    for (const created of stores.splice(0)) await created.close();
  });

  describe(`@kafkajs/confluent-schema-registry against Sift (${storage} store)`, () => {
    let server: RunningServer;
    let client: KafkaJsRegistry;

    beforeEach(async () => {
      const { app } = await buildRegistryApp(
        {},
        { store: store(), logger: createLogger('kjs-test', 'silent') },
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

  describe(`@confluentinc/schemaregistry against Sift (${storage} store)`, () => {
    let server: RunningServer;
    let client: SchemaRegistryClient;

    beforeEach(async () => {
      const { app } = await buildRegistryApp(
        {},
        { store: store(), logger: createLogger('ckjs-test', 'silent') },
      );
      server = await listen(app, 0, '127.0.0.1');
      client = new SchemaRegistryClient({ baseURLs: [server.url] });
    });
    afterEach(() => server.close());

    const order = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'com.acme',
      fields: [{ name: 'id', type: 'string' }],
    });

    it('serializes and deserializes Avro with the topic-name strategy', async () => {
      const id = await client.register(
        'orders-value',
        { schemaType: 'AVRO', schema: order },
        false,
      );
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
      const bytes = await serializer.serialize('orders', { id: 'o-1' });
      expect(bytes.readInt32BE(1)).toBe(id);
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
      await expect(deserializer.deserialize('orders', bytes)).resolves.toMatchObject({ id: 'o-1' });
    });

    it('serializes and validates JSON Schema messages', async () => {
      const schema = JSON.stringify({
        type: 'object',
        properties: { q: { type: 'string' } },
        required: ['q'],
      });
      await client.register('search-value', { schemaType: 'JSON', schema }, false);
      const serializer = new JsonSerializer(client, SerdeType.VALUE, {
        useLatestVersion: true,
        validate: true,
      });
      const bytes = await serializer.serialize('search', { q: 'shoes' });
      const deserializer = new JsonDeserializer(client, SerdeType.VALUE, {});
      await expect(deserializer.deserialize('search', bytes)).resolves.toEqual({ q: 'shoes' });
      await expect(serializer.serialize('search', { q: 1 })).rejects.toThrow();
    });

    it('reads and sets compatibility, tests it, lists and deletes', async () => {
      await client.register('orders-value', { schemaType: 'AVRO', schema: order }, false);
      await expect(client.getCompatibility('orders-value')).rejects.toMatchObject({
        errorCode: 40408,
      });
      await expect(client.updateCompatibility('orders-value', Compatibility.FULL)).resolves.toBe(
        'FULL',
      );
      await expect(client.getCompatibility('orders-value')).resolves.toBe('FULL');
      await expect(
        client.testSubjectCompatibility('orders-value', { schemaType: 'AVRO', schema: order }),
      ).resolves.toBe(true);
      await expect(client.getAllVersions('orders-value')).resolves.toEqual([1]);
      await expect(client.getAllSubjects()).resolves.toEqual(['orders-value']);
      await expect(client.deleteSubject('orders-value', false)).resolves.toEqual([1]);
    });
  });
}
