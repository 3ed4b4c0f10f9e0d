import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '@sift/common';
import {
  buildRegistryApp,
  CONFLUENT_JSON,
  FileSchemaStore,
  MemoryRegistryLog,
  MemorySchemaStore,
} from '@sift/registry';
import type { SchemaStore } from '@sift/registry';

const logger = createLogger('iglu-schemas-test', 'silent');
const metaschema =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** An Iglu schema of com.acme/signup with the given SchemaVer and properties. */
function signup(
  version: string,
  properties: Record<string, object>,
  required: string[] = [],
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    $schema: metaschema,
    self: { vendor: 'com.acme', name: 'signup', format: 'jsonschema', version },
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    ...extra,
  });
}

const email = { type: 'string' };
const plan = { type: 'string' };

async function app(
  store: SchemaStore = new MemorySchemaStore(),
  config: { authUsers?: string[]; authReads?: boolean } = {},
): Promise<Express> {
  return (await buildRegistryApp(config, { store, logger })).app;
}

function register(server: Express, subject: string, schema: string): request.Test {
  return request(server)
    .post(`/subjects/${subject}/versions`)
    .set('Content-Type', CONFLUENT_JSON)
    .send({ schemaType: 'JSON', schema });
}

describe('registering Iglu schemas', () => {
  it('gives each SchemaVer its own version of the subject <vendor>.<name>, in SchemaVer order', async () => {
    const server = await app();
    const first = await register(server, 'com.acme.signup', signup('1-0-0', { email })).expect(200);
    const second = await register(server, 'com.acme.signup', signup('1-0-1', { email, plan }));
    expect(first.body).toMatchObject({ subject: 'com.acme.signup', version: 1 });
    expect(second.body).toMatchObject({ subject: 'com.acme.signup', version: 2 });
    const again = await register(server, 'com.acme.signup', signup('1-0-0', { email }));
    expect(again.body).toEqual(first.body);
  });

  it('refuses a schema whose self block names another subject, saying which one', async () => {
    const answer = await register(await app(), 'com.acme.sign_up', signup('1-0-0', { email }));
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error_code: 42201,
      message:
        'Invalid Iglu schema: its "self" block names iglu:com.acme/signup/jsonschema/1-0-0, ' +
        'whose subject is "com.acme.signup", not "com.acme.sign_up": register it under "com.acme.signup"',
    });
  });

  it('refuses a malformed self block with 422', async () => {
    const schema = JSON.stringify({
      $schema: metaschema,
      self: { vendor: 'com.acme', name: 'signup', format: 'jsonschema', version: '1.0.0' },
      type: 'object',
    });
    const answer = await register(await app(), 'com.acme.signup', schema).expect(422);
    expect((answer.body as { message: string }).message).toContain(
      '"self.version" must be a SchemaVer',
    );
  });

  it('refuses a SchemaVer registered again with other content with 409', async () => {
    const server = await app();
    await register(server, 'com.acme.signup', signup('1-0-0', { email })).expect(200);
    const answer = await register(server, 'com.acme.signup', signup('1-0-0', { email, plan }));
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      error_code: 409,
      message: expect.stringContaining(
        'iglu:com.acme/signup/jsonschema/1-0-0 is already registered under subject "com.acme.signup" as version 1',
      ) as unknown,
    });
  });

  it('refuses a SchemaVer earlier than one already registered with 409', async () => {
    const server = await app();
    await register(server, 'com.acme.signup', signup('1-0-1', { email })).expect(200);
    const answer = await register(server, 'com.acme.signup', signup('1-0-0', { email }));
    expect(answer.status).toBe(409);
    expect((answer.body as { message: string }).message).toContain(
      'iglu:com.acme/signup/jsonschema/1-0-0 comes after 1-0-1 (version 1)',
    );
  });

  it('lets breaking REVISION and MODEL bumps through BACKWARD but not a breaking ADDITION', async () => {
    const server = await app();
    await register(server, 'com.acme.signup', signup('1-0-0', { email, plan })).expect(200);
    // Removing `plan` from a closed schema breaks data written with 1-0-0.
    const addition = await register(server, 'com.acme.signup', signup('1-0-1', { email }));
    expect(addition.status).toBe(409);
    expect((addition.body as { message: string }).message).toContain('"plan" was removed');
    await register(server, 'com.acme.signup', signup('1-1-0', { email })).expect(200);
    await register(
      server,
      'com.acme.signup',
      signup('2-0-0', { email: { type: 'integer' } }),
    ).expect(200);
    // Within model 2, an ADDITION is checked against 2-0-0 only.
    const narrowing = await register(
      server,
      'com.acme.signup',
      signup('2-0-1', { email: { type: 'integer', maximum: 10 } }),
    );
    expect(narrowing.status).toBe(409);
  });
});

describe("Iglu Server's read API", () => {
  async function withSignups(store?: SchemaStore): Promise<Express> {
    const server = await app(store);
    await register(server, 'com.acme.signup', signup('1-0-0', { email })).expect(200);
    await register(server, 'com.acme.signup', signup('1-0-1', { email, plan })).expect(200);
    await register(server, 'com.acme.signup', signup('2-0-0', { plan }, ['plan'])).expect(200);
    return server;
  }

  it('answers a SchemaVer with the schema as registered and where the registry holds it', async () => {
    const server = await withSignups();
    const answer = await request(server)
      .get('/api/schemas/com.acme/signup/jsonschema/1-0-1')
      .set('apikey', 'any-key-is-ignored')
      .expect(200)
      .expect('content-type', /application\/json/);
    expect(answer.body).toEqual(JSON.parse(signup('1-0-1', { email, plan })));
    expect(answer.headers['x-sift-subject']).toBe('com.acme.signup');
    expect(answer.headers['x-sift-version']).toBe('2');
    const byVersion = await request(server).get('/subjects/com.acme.signup/versions/2');
    expect(answer.headers['x-sift-schema-id']).toBe(String((byVersion.body as { id: number }).id));
  });

  it('lists the iglu: URIs of a MODEL in SchemaVer order', async () => {
    const server = await withSignups();
    const answer = await request(server).get('/api/schemas/com.acme/signup/jsonschema/1');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      'iglu:com.acme/signup/jsonschema/1-0-0',
      'iglu:com.acme/signup/jsonschema/1-0-1',
    ]);
  });

  it('answers 404 with an Iglu-style message for an unknown schema, MODEL or format', async () => {
    const server = await withSignups();
    for (const path of [
      '/api/schemas/com.acme/signup/jsonschema/1-0-2',
      '/api/schemas/com.acme/signup/jsonschema/3',
      '/api/schemas/com.acme/other/jsonschema/1-0-0',
      '/api/schemas/com.acme/signup/avro/1-0-0',
      '/api/schemas/com.acme',
    ]) {
      const answer = await request(server).get(path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.body).toEqual({ message: expect.any(String) as unknown });
    }
  });

  it('answers 400 for a version that is neither a SchemaVer nor a MODEL', async () => {
    const answer = await request(await withSignups()).get(
      '/api/schemas/com.acme/signup/jsonschema/1-0',
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: expect.stringContaining("'1-0'") as unknown });
  });

  it('answers 400, not 500, for a path segment that is not valid percent-encoding', async () => {
    const server = await withSignups();
    for (const path of [
      '/api/schemas/%E0%A4%A/signup/jsonschema/1-0-0',
      '/api/schemas/com.acme/signup/jsonschema/%ZZ',
    ]) {
      const answer = await request(server).get(path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body).toEqual({ message: expect.any(String) as unknown });
    }
  });

  it('stops serving a soft-deleted version', async () => {
    const server = await withSignups();
    await request(server).delete('/subjects/com.acme.signup/versions/1').expect(200);
    await request(server).get('/api/schemas/com.acme/signup/jsonschema/1-0-0').expect(404);
    const model = await request(server).get('/api/schemas/com.acme/signup/jsonschema/1');
    expect(model.body).toEqual(['iglu:com.acme/signup/jsonschema/1-0-1']);
  });

  it('serves a SchemaVer registered again after its version was soft-deleted, also after restart', async () => {
    const log = new MemoryRegistryLog();
    const server = await app(new MemorySchemaStore(log));
    await register(server, 'com.acme.signup', signup('1-0-0', { email })).expect(200);
    await request(server).delete('/subjects/com.acme.signup/versions/1').expect(200);
    const again = await register(server, 'com.acme.signup', signup('1-0-0', { plan }));
    expect(again.body).toMatchObject({ version: 2 });
    for (const instance of [server, await app(new MemorySchemaStore(log))]) {
      const answer = await request(instance).get('/api/schemas/com.acme/signup/jsonschema/1-0-0');
      expect(answer.headers['x-sift-version']).toBe('2');
      expect(answer.body).toEqual(JSON.parse(signup('1-0-0', { plan })));
    }
  });

  it('rebuilds its SchemaVer index from the log at restart, over memory and file stores', async () => {
    const log = new MemoryRegistryLog();
    await withSignups(new MemorySchemaStore(log));
    const restarted = await app(new MemorySchemaStore(log));
    await request(restarted).get('/api/schemas/com.acme/signup/jsonschema/2-0-0').expect(200);

    const dir = await mkdtemp(join(tmpdir(), 'sift-iglu-'));
    try {
      const first = new FileSchemaStore(join(dir, 'schemas.jsonl'));
      await withSignups(first);
      await first.close();
      const second = new FileSchemaStore(join(dir, 'schemas.jsonl'));
      const reopened = await app(second);
      const answer = await request(reopened).get('/api/schemas/com.acme/signup/jsonschema/1-0-1');
      expect(answer.headers['x-sift-version']).toBe('2');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('needs basic credentials only when reads are closed, ignoring the apikey header', async () => {
    const open = await app(new MemorySchemaStore(), { authUsers: ['ci:s3cret'] });
    await register(open, 'com.acme.signup', signup('1-0-0', { email }))
      .set('Authorization', basic('ci', 's3cret'))
      .expect(200);
    await request(open).get('/api/schemas/com.acme/signup/jsonschema/1-0-0').expect(200);

    const closed = await app(new MemorySchemaStore(), {
      authUsers: ['ci:s3cret'],
      authReads: true,
    });
    await register(closed, 'com.acme.signup', signup('1-0-0', { email }))
      .set('Authorization', basic('ci', 's3cret'))
      .expect(200);
    const path = '/api/schemas/com.acme/signup/jsonschema/1-0-0';
    await request(closed).get(path).set('apikey', 'some-key').expect(401);
    await request(closed).get(path).set('Authorization', basic('ci', 's3cret')).expect(200);
  });
});
