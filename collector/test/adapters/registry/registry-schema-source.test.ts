import request from 'supertest';
import { createLogger, GOOD_TOPIC, BAD_TOPIC, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildCollectorApp, RegistrySchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';

const logger = createLogger('schema-source-test', 'silent');

describe('RegistrySchemaSource', () => {
  let registry: RunningServer;
  beforeAll(async () => {
    const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
    registry = await listen(app, 0, '127.0.0.1');
  });
  afterAll(() => registry.close());

  it('validates events whose schema references another subject', async () => {
    const client = new RegistryClient({ url: registry.url });
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'com.acme',
      fields: [{ name: 'city', type: 'string' }],
    };
    const { version } = await client.register('com.acme.address', JSON.stringify(address));
    const order = {
      type: 'record',
      name: 'Order',
      namespace: 'com.acme',
      fields: [{ name: 'ship_to', type: 'com.acme.Address' }],
    };
    const registered = await fetch(`${registry.url}/subjects/com.acme.order_placed/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schema: JSON.stringify(order),
        references: [{ name: 'com.acme.Address', subject: 'com.acme.address', version }],
      }),
    });
    expect(registered.status).toBe(200);

    const log = new MemoryEventLog();
    const app = buildCollectorApp(
      { maxBodyBytes: 65536, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC },
      { schemas: new RegistrySchemaSource(client), log, logger },
    );
    const answer = await request(app)
      .post('/v1/events')
      .send({
        events: [
          { event: 'com.acme.order_placed', data: { ship_to: { city: 'Lyon' } } },
          { event: 'com.acme.order_placed', data: { ship_to: { town: 'Lyon' } } },
        ],
      })
      .expect(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(answer.body.events[1].errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/ship_to/city', keyword: 'required' }),
      ]),
    );
    expect(log.records(GOOD_TOPIC)).toHaveLength(1);
  });

  it('tells an unknown event type from an unknown version', async () => {
    const source = new RegistrySchemaSource(new RegistryClient({ url: registry.url }));
    await expect(source.resolve('com.acme.nothing', undefined)).resolves.toBe('unknown_event');
    await expect(source.resolve('com.acme.address', 9)).resolves.toBe('unknown_version');
  });

  it('takes a version number the registry refuses as an unknown version, not a failure', async () => {
    const source = new RegistrySchemaSource(new RegistryClient({ url: registry.url }));
    await expect(source.resolve('com.acme.address', 2 ** 31)).resolves.toBe('unknown_version');
    await expect(source.resolve('com.acme.address', 1e300)).resolves.toBe('unknown_version');
  });
});
