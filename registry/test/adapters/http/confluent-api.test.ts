import request from 'supertest';
import type { Express } from 'express';
import { createLogger, listen } from '@sift/common';
import { buildRegistryApp, MemoryRegistryLog, MemorySchemaStore } from '@sift/registry';
import type { Leader, LeaderElection } from '@sift/registry';

const logger = createLogger('registry-test', 'silent');
const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';

function record(fields: object[], name = 'Order'): string {
  return JSON.stringify({ type: 'record', name, namespace: 'com.acme', fields });
}
const v1 = record([{ name: 'id', type: 'string' }]);
const v2WithDefault = record([
  { name: 'id', type: 'string' },
  { name: 'total', type: 'double', default: 0 },
]);
const v2NoDefault = record([
  { name: 'id', type: 'string' },
  { name: 'total', type: 'double' },
]);

async function app(log = new MemoryRegistryLog(), election?: LeaderElection): Promise<Express> {
  return (
    await buildRegistryApp(
      {},
      { store: new MemorySchemaStore(log), logger, ...(election ? { election } : {}) },
    )
  ).app;
}

function register(server: Express, subject: string, body: object, query = ''): request.Test {
  return request(server)
    .post(`/subjects/${subject}/versions${query}`)
    .set('Content-Type', JSON_TYPE)
    .send(body);
}

describe('compatibility on register', () => {
  it('refuses a new required field without a default under BACKWARD, saying which field', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    const refused = await register(server, 'orders', { schema: v2NoDefault }).expect(409);
    expect(refused.body.error_code).toBe(409);
    expect(refused.body.message).toContain('incompatible with an earlier schema');
    expect(refused.body.message).toContain('total');
    const accepted = await register(server, 'orders', { schema: v2WithDefault }).expect(200);
    expect(accepted.body).toMatchObject({ id: 2, version: 2 });
  });

  it('follows the subject level over the global one, and NONE accepts anything', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    await request(server)
      .put('/config')
      .send({ compatibility: 'FULL' })
      .expect(200, { compatibility: 'FULL' });
    await request(server)
      .put('/config/orders')
      .send({ compatibility: 'none' })
      .expect(200, { compatibility: 'NONE' });
    await register(server, 'orders', { schema: v2NoDefault }).expect(200);
    await request(server).get('/config/orders').expect(200, { compatibilityLevel: 'NONE' });
    await request(server).get('/config').expect(200, { compatibilityLevel: 'FULL' });
  });

  it('checks every earlier version under a transitive level', async () => {
    const server = await app();
    await request(server)
      .put('/config/orders')
      .send({ compatibility: 'BACKWARD_TRANSITIVE' })
      .expect(200);
    await register(server, 'orders', { schema: v1 }).expect(200);
    // v2 drops `id`; v3 brings it back as an int with a default: it reads v2 data, not v1's.
    await register(server, 'orders', { schema: record([]) }).expect(200);
    const intId = record([{ name: 'id', type: 'int', default: 0 }]);
    const refused = await register(server, 'orders', { schema: intId }).expect(409);
    expect(refused.body.message).toContain('version 1');
    expect(refused.body.message).not.toContain('version 2');
    await request(server).put('/config/orders').send({ compatibility: 'BACKWARD' }).expect(200);
    await register(server, 'orders', { schema: intId }).expect(200);
  });

  it('skips the check with force=true and in IMPORT mode', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    await register(server, 'orders', { schema: v2NoDefault }, '?force=true').expect(200);
  });

  it('tests compatibility without registering, with verbose reasons', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    const latest = await request(server)
      .post('/compatibility/subjects/orders/versions/latest?verbose=true')
      .send({ schema: v2NoDefault })
      .expect(200);
    expect(latest.body.is_compatible).toBe(false);
    expect(latest.body.messages.join(' ')).toContain('total');
    await request(server)
      .post('/compatibility/subjects/orders/versions/1')
      .send({ schema: v2WithDefault })
      .expect(200, { is_compatible: true });
    await request(server)
      .post('/compatibility/subjects/orders/versions/7')
      .send({ schema: v2WithDefault })
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40402));
    await request(server)
      .post('/compatibility/subjects/unknown/versions/latest')
      .send({ schema: v1 })
      .expect(200, { is_compatible: true });
  });

  it('refuses a change of schema type', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    const refused = await register(server, 'orders', {
      schemaType: 'JSON',
      schema: '{"type":"object"}',
    }).expect(409);
    expect(refused.body.message).toContain('AVRO');
  });

  it('judges JSON Schema changes: a property that became required is refused', async () => {
    const server = await app();
    const open = { type: 'object', properties: { q: { type: 'string' } } };
    await register(server, 'search', { schemaType: 'JSON', schema: JSON.stringify(open) }).expect(
      200,
    );
    const refused = await register(server, 'search', {
      schemaType: 'JSON',
      schema: JSON.stringify({ ...open, required: ['q'] }),
    }).expect(409);
    expect(refused.body.message).toContain('q');
  });
});

describe('lookup, ids and listing', () => {
  it('looks a schema up under a subject and says when it is not there', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    const found = await request(server).post('/subjects/orders').send({ schema: v1 }).expect(200);
    expect(found.body).toMatchObject({ subject: 'orders', version: 1, id: 1, schema: v1 });
    await request(server)
      .post('/subjects/orders')
      .send({ schema: v2WithDefault })
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40403));
    await request(server)
      .post('/subjects/nobody')
      .send({ schema: v1 })
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40401));
  });

  it('stores the canonical text, so whitespace makes no new schema', async () => {
    const server = await app();
    const spaced = JSON.stringify(JSON.parse(v1), null, 2);
    const registered = await register(server, 'orders', { schema: spaced }).expect(200);
    expect(registered.body.schema).toBe(v1);
    await register(server, 'orders', { schema: v1 }).expect(200, {
      subject: 'orders',
      version: 1,
      id: 1,
      schema: v1,
    });
  });

  it('treats key order as a new schema unless normalize is on', async () => {
    const server = await app();
    const reordered = JSON.stringify({
      namespace: 'com.acme',
      name: 'Order',
      type: 'record',
      fields: [{ type: 'string', name: 'id' }],
    });
    await register(server, 'a', { schema: v1 }, '?normalize=true').expect(200);
    const same = await register(server, 'a', { schema: reordered }, '?normalize=true').expect(200);
    expect(same.body).toMatchObject({ id: 1, version: 1 });
    await request(server).put('/config/b').send({ compatibility: 'NONE' });
    await register(server, 'b', { schema: v1 }).expect(200);
    const other = await register(server, 'b', { schema: reordered }).expect(200);
    expect(other.body.version).toBe(2);
  });

  it('lists schemas, subjects and versions of an id', async () => {
    const server = await app();
    await register(server, 'a', { schema: v1 }).expect(200);
    await register(server, 'b', { schema: v1 }).expect(200);
    await request(server).get('/schemas/ids/1/subjects').expect(200, ['a', 'b']);
    await request(server)
      .get('/schemas/ids/1/versions')
      .expect(200, [
        { subject: 'a', version: 1 },
        { subject: 'b', version: 1 },
      ]);
    await request(server)
      .get('/schemas/ids/1/schema')
      .expect(200)
      .expect((res) => expect(JSON.parse(res.text)).toEqual(JSON.parse(v1)));
    const all = await request(server).get('/schemas?subjectPrefix=a').expect(200);
    expect(all.body).toEqual([{ subject: 'a', version: 1, id: 1, schema: v1 }]);
    await request(server).get('/subjects/a/versions/1/schema').expect(200);
  });

  it('ignores query parameters it does not know and tolerates empty pairs', async () => {
    const server = await app();
    await register(server, 'a', { schema: v1 }).expect(200);
    await request(server).get('/subjects/a/versions/1?name=com.acme.Order').expect(200);
    await request(server).get('/schemas/ids/1?subject=&format=').expect(200);
    await request(server).get('/subjects/a/versions/latest?deleted=false&&key=k').expect(200);
  });

  it('answers unknown routes with a JSON 404 that Confluent clients read', async () => {
    const server = await app();
    await request(server)
      .get('/associations/resources/-/topic?resourceType=topic')
      .expect(404, { error_code: 404, message: 'HTTP 404 Not Found' });
  });
});

describe('deletes', () => {
  it('soft-deletes, hides, keeps the id readable, and only then deletes permanently', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    await register(server, 'orders', { schema: v2WithDefault }).expect(200);
    await request(server)
      .delete('/subjects/orders/versions/1?permanent=true')
      .expect(404)
      .expect((res) => {
        expect(res.body.error_code).toBe(40407);
      });
    await request(server).delete('/subjects/orders/versions/1').expect(200, '1');
    await request(server)
      .delete('/subjects/orders/versions/1')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40406));
    await request(server).get('/subjects/orders/versions').expect(200, [2]);
    await request(server).get('/subjects/orders/versions?deleted=true').expect(200, [1, 2]);
    await request(server)
      .get('/subjects/orders/versions?deletedAsNegative=true')
      .expect(200, [-1, 2]);
    await request(server).get('/subjects/orders/versions/1').expect(404);
    await request(server).get('/subjects/orders/versions/1?deleted=true').expect(200);
    await request(server).get('/schemas/ids/1').expect(200);
    await request(server).delete('/subjects/orders/versions/1?permanent=true').expect(200, '1');
    await request(server).get('/schemas/ids/1').expect(404);
  });

  it('soft-deletes a subject, never reuses its version numbers, and re-registers with the same id', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    await request(server)
      .delete('/subjects/orders?permanent=true')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40405));
    await request(server).delete('/subjects/orders').expect(200, [1]);
    await request(server)
      .delete('/subjects/orders')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40404));
    await request(server).get('/subjects').expect(200, []);
    await request(server).get('/subjects?deleted=true').expect(200, ['orders']);
    await request(server)
      .get('/subjects/orders/versions')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40401));
    const again = await register(server, 'orders', { schema: v1 }).expect(200);
    expect(again.body).toMatchObject({ id: 1, version: 2 });
  });

  it('drops the subject config with the last version and refuses deleting a referenced version', async () => {
    const server = await app();
    await request(server).put('/config/address').send({ compatibility: 'FULL' }).expect(200);
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'com.acme',
      fields: [{ name: 'city', type: 'string' }],
    });
    await register(server, 'address', { schema: address }).expect(200);
    const customer = JSON.stringify({
      type: 'record',
      name: 'Customer',
      namespace: 'com.acme',
      fields: [{ name: 'home', type: 'com.acme.Address' }],
    });
    const withRef = await register(server, 'customer', {
      schema: customer,
      references: [{ name: 'com.acme.Address', subject: 'address', version: 1 }],
    }).expect(200);
    expect(withRef.body.references).toEqual([
      { name: 'com.acme.Address', subject: 'address', version: 1 },
    ]);
    await request(server)
      .get('/subjects/address/versions/1/referencedby')
      .expect(200, [withRef.body.id]);
    await request(server)
      .delete('/subjects/address/versions/1')
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42206));

    await request(server).delete('/subjects/customer').expect(200);
    await request(server).delete('/subjects/customer?permanent=true').expect(200);
    await request(server).delete('/subjects/address').expect(200);
    await request(server).delete('/subjects/address?permanent=true').expect(200);
    await request(server)
      .get('/config/address')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40408));
  });
});

describe('references', () => {
  it('resolves an Avro named type from another subject and serves the references', async () => {
    const server = await app();
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'com.acme',
      fields: [{ name: 'city', type: 'string' }],
    });
    await register(server, 'address', { schema: address }).expect(200);
    const customer = JSON.stringify({
      type: 'record',
      name: 'Customer',
      namespace: 'com.acme',
      fields: [{ name: 'home', type: 'Address' }],
    });
    await register(server, 'customer', { schema: customer })
      .expect(422)
      .expect((res) => {
        expect(res.body.error_code).toBe(42201);
      });
    const ok = await register(server, 'customer', {
      schema: customer,
      references: [{ name: 'com.acme.Address', subject: 'address', version: 1 }],
    }).expect(200);
    const byId = await request(server).get(`/schemas/ids/${ok.body.id}`).expect(200);
    expect(byId.body.references).toEqual([
      { name: 'com.acme.Address', subject: 'address', version: 1 },
    ]);
    await register(server, 'customer', {
      schema: customer,
      references: [{ name: 'com.acme.Address', subject: 'address', version: 9 }],
    }).expect(422);
  });

  it('resolves a JSON $ref to another subject', async () => {
    const server = await app();
    const address = JSON.stringify({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    });
    await register(server, 'address', { schemaType: 'JSON', schema: address }).expect(200);
    const customer = JSON.stringify({
      type: 'object',
      properties: { home: { $ref: 'address.json' } },
    });
    await register(server, 'customer', {
      schemaType: 'JSON',
      schema: customer,
      references: [{ name: 'address.json', subject: 'address', version: 1 }],
    }).expect(200);
  });
});

describe('config and mode', () => {
  it('answers 40408 for a subject without config, as the kafkajs client expects on first registration', async () => {
    const server = await app();
    await request(server)
      .get('/config/orders')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40408));
    await request(server)
      .get('/config/orders?defaultToGlobal=true')
      .expect(200, { compatibilityLevel: 'BACKWARD' });
    await request(server)
      .put('/config/orders')
      .send({ compatibility: 'SIDEWAYS' })
      .expect(422)
      .expect((res) => {
        expect(res.body.error_code).toBe(42203);
      });
    await request(server)
      .put('/config/orders')
      .send({ compatibility: 'FORWARD' })
      .expect(200, { compatibility: 'FORWARD' });
    await request(server).delete('/config/orders').expect(200, { compatibilityLevel: 'FORWARD' });
    await request(server).get('/config/orders').expect(404);
  });

  it('refuses writes in READONLY and takes caller ids only in IMPORT', async () => {
    const server = await app();
    await request(server).get('/mode').expect(200, { mode: 'READWRITE' });
    await register(server, 'orders', { schema: v1, id: 100 })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42205));
    await request(server)
      .put('/mode/orders')
      .send({ mode: 'READONLY' })
      .expect(200, { mode: 'READONLY' });
    await register(server, 'orders', { schema: v1 })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42205));
    await request(server)
      .put('/mode/orders')
      .send({ mode: 'SIDEWAYS' })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42204));
    await request(server).delete('/mode/orders').expect(200, { mode: 'READONLY' });
    await request(server)
      .get('/mode/orders')
      .expect(404)
      .expect((res) => expect(res.body.error_code).toBe(40409));

    await request(server).put('/mode').send({ mode: 'IMPORT' }).expect(200, { mode: 'IMPORT' });
    await register(server, 'orders', { schema: v1, id: 100, version: 5 })
      .expect(200)
      .expect((res) => {
        expect(res.body).toMatchObject({ id: 100, version: 5 });
      });
    await register(server, 'other', { schema: v2NoDefault, id: 100 })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42207));
    await request(server).put('/mode').send({ mode: 'READWRITE' }).expect(200);
    const next = await register(server, 'orders', { schema: v2WithDefault }).expect(200);
    expect(next.body).toMatchObject({ id: 101, version: 6 });
  });

  it('refuses IMPORT over existing subjects unless forced', async () => {
    const server = await app();
    await register(server, 'orders', { schema: v1 }).expect(200);
    await request(server)
      .put('/mode')
      .send({ mode: 'IMPORT' })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42205));
    await request(server).put('/mode?force=true').send({ mode: 'IMPORT' }).expect(200);
  });
});

describe('several instances over one log', () => {
  it('forwards writes from a follower to the leader and serves reads everywhere', async () => {
    const log = new MemoryRegistryLog();
    const leaderApp = await app(log);
    const leader = await listen(leaderApp, 0, '127.0.0.1');
    try {
      const followerElection: LeaderElection = {
        start: async () => undefined,
        leader: (): Leader => ({ self: false, url: leader.url }),
        close: async () => undefined,
      };
      const follower = await app(log, followerElection);
      const registered = await register(follower, 'orders', { schema: v1 }).expect(200);
      expect(registered.body).toMatchObject({ id: 1, version: 1 });
      await request(follower).get('/subjects/orders/versions/latest').expect(200);
      await request(follower).put('/config/orders').send({ compatibility: 'FULL' }).expect(200);
      await request(leaderApp).get('/config/orders').expect(200, { compatibilityLevel: 'FULL' });
    } finally {
      await leader.close();
    }
  });

  it('answers 50004 when no leader is known', async () => {
    const lost: LeaderElection = {
      start: async () => undefined,
      leader: () => ({ self: false, url: undefined }),
      close: async () => undefined,
    };
    const follower = await app(new MemoryRegistryLog(), lost);
    await register(follower, 'orders', { schema: v1 })
      .expect(500)
      .expect((res) => expect(res.body.error_code).toBe(50004));
  });

  it('never gives one id to two schemas when two writers race on one log', async () => {
    const log = new MemoryRegistryLog();
    const [a, b] = await Promise.all([app(log), app(log)]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        register(i % 2 ? a : b, `s${i}`, {
          schema: record([{ name: 'id', type: 'string' }], `T${i}`),
        }),
      ),
    );
    const ids = answers.map((answer) => answer.body.id as number);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(ids).size).toBe(10);
  });
});
