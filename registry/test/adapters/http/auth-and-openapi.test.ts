import request from 'supertest';
import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createLogger, listen } from '@sift/common';
import {
  buildRegistryApp,
  MemorySchemaStore,
  SchemaRegistry,
  StandaloneElection,
} from '@sift/registry';
import { openApiDocument } from '../../../src/adapters/http/openapi';
import { igluRouter } from '../../../src/adapters/http/iglu-router';
import { registryRouter } from '../../../src/adapters/http/registry-router';

const logger = createLogger('auth-test', 'silent');
const schema = JSON.stringify({
  type: 'record',
  name: 'A',
  namespace: 'com.acme',
  fields: [{ name: 'a', type: 'string' }],
});
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function app(authReads = false) {
  return (
    await buildRegistryApp(
      { authUsers: ['ci:s3cret', 'ops:pa:ss'], authReads },
      { store: new MemorySchemaStore(), logger },
    )
  ).app;
}

describe('basic auth', () => {
  it('refuses writes without valid credentials and keeps reads open by default', async () => {
    const server = await app();
    const refused = await request(server).post('/subjects/a/versions').send({ schema }).expect(401);
    expect(refused.body).toEqual({ error_code: 401, message: 'Unauthorized' });
    expect(refused.headers['www-authenticate']).toContain('Basic');
    await request(server)
      .post('/subjects/a/versions')
      .set('Authorization', basic('ci', 'wrong'))
      .send({ schema })
      .expect(401);
    await request(server)
      .post('/subjects/a/versions')
      .set('Authorization', basic('ci', 's3cret'))
      .send({ schema })
      .expect(200);
    await request(server).put('/config').send({ compatibility: 'NONE' }).expect(401);
    await request(server).delete('/subjects/a').expect(401);
    await request(server)
      .put('/config')
      .set('Authorization', basic('ops', 'pa:ss'))
      .send({ compatibility: 'NONE' })
      .expect(200);
    await request(server).get('/subjects/a/versions/latest').expect(200);
  });

  it('closes reads too when configured', async () => {
    const server = await app(true);
    await request(server).get('/subjects').expect(401);
    await request(server)
      .get('/subjects')
      .set('Authorization', basic('ci', 's3cret'))
      .expect(200, []);
    await request(server).get('/healthz').expect(200);
  });

  it('lets the kafkajs client register with its auth option', async () => {
    const running = await listen(await app(true), 0, '127.0.0.1');
    try {
      const anonymous = new KafkaJsRegistry({ host: running.url });
      await expect(anonymous.register({ type: SchemaType.AVRO, schema })).rejects.toThrow();
      const client = new KafkaJsRegistry({
        host: running.url,
        auth: { username: 'ci', password: 's3cret' },
      });
      const { id } = await client.register({ type: SchemaType.AVRO, schema });
      await expect(client.getSchema(id)).resolves.toBeDefined();
    } finally {
      await running.close();
    }
  });
});

describe('/openapi.json', () => {
  it('documents every route the registry serves, with its method', async () => {
    const registry = await SchemaRegistry.open(new MemorySchemaStore());
    const router = registryRouter({
      registry,
      election: new StandaloneElection(),
      logger,
      maxBodyBytes: 1024,
      forwardTimeoutMs: 1000,
    });
    const routes = (stack: unknown, prefix: string) =>
      (stack as { route?: { path: string; methods: Record<string, boolean> } }[])
        .filter((layer) => layer.route)
        .flatMap(({ route }) =>
          Object.keys(route!.methods).map(
            (method) => `${method} ${prefix}${route!.path.replace(/:(\w+)/g, '{$1}')}`,
          ),
        );
    const served = [
      ...routes(router.stack, ''),
      // Iglu Server's read API, mounted under /api.
      ...routes(igluRouter({ registry, logger }).stack, '/api'),
    ];
    // Served by the app itself, before the router and its authentication.
    served.push('get /healthz', 'get /metrics', 'get /openapi.json');
    const documented = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('is served as JSON', async () => {
    const answer = await request(await app())
      .get('/openapi.json')
      .expect(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(answer.body.paths['/subjects/{subject}/versions'].post).toBeDefined();
  });
});

describe('bad input', () => {
  it.each([
    ['a body that is not JSON', '{"schema": ', 400, 400],
    ['a schema that is not a string', JSON.stringify({ schema: { type: 'string' } }), 422, 42201],
    ['an empty schema', JSON.stringify({ schema: '' }), 422, 42201],
    ['an unknown schema type', JSON.stringify({ schema, schemaType: 'XML' }), 422, 42201],
    ['references that are not a list', JSON.stringify({ schema, references: 'nope' }), 422, 42201],
    ['an id outside IMPORT mode', JSON.stringify({ schema, id: 3 }), 422, 42205],
    ['a JSON array body', '[1,2]', 422, 42201],
    ['a huge body', JSON.stringify({ schema: 'x'.repeat(2 * 1024 * 1024) }), 413, 413],
  ])("answers %s with Confluent's error, never a 500", async (_what, body, status, errorCode) => {
    const server = (await buildRegistryApp({}, { store: new MemorySchemaStore(), logger })).app;
    const answer = await request(server)
      .post('/subjects/a/versions')
      .set('Content-Type', 'application/vnd.schemaregistry.v1+json')
      .send(body)
      .expect(status);
    expect(answer.body.error_code).toBe(errorCode);
    expect(typeof answer.body.message).toBe('string');
  });

  it.each([
    ['/schemas/ids/abc', 422],
    ['/schemas/ids/99999999999999999999', 404],
    ['/subjects/a/versions/0', 422],
    ['/subjects/a/versions/2147483648', 422],
    ['/subjects/%00bad/versions', 404],
    ['/subjects/%ZZ/versions', 400],
    ['/schemas/ids/%E0%A4%A', 400],
  ])('answers GET %s without a 500', async (path, status) => {
    const server = (await buildRegistryApp({}, { store: new MemorySchemaStore(), logger })).app;
    await request(server).get(path).expect(status);
  });
});
