import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLogger } from '@sift/common';
import { buildRegistryApp, FileSchemaStore, MemorySchemaStore } from '@sift/registry';
import type { SchemaStore } from '@sift/registry';

const logger = createLogger('registry-test', 'silent');
const avro = JSON.stringify({
  type: 'record',
  name: 'PageView',
  fields: [{ name: 'url', type: 'string' }],
});
const avroWithTitle = JSON.stringify({
  type: 'record',
  name: 'PageView',
  fields: [
    { name: 'url', type: 'string' },
    { name: 'title', type: ['null', 'string'], default: null },
  ],
});
const json = JSON.stringify({
  type: 'object',
  properties: { q: { type: 'string' } },
  required: ['q'],
});

async function app(store: SchemaStore = new MemorySchemaStore()) {
  return (await buildRegistryApp({ maxBodyBytes: 1 << 20 }, { store, logger })).app;
}

describe('registry REST API', () => {
  it('registers an AVRO schema and serves it by id and by version, in Confluent shapes', async () => {
    const server = await app();
    const registered = await request(server)
      .post('/subjects/com.acme.page_view/versions')
      .set('Content-Type', 'application/vnd.schemaregistry.v1+json')
      .send({ schema: avro })
      .expect(200);
    expect(registered.headers['content-type']).toContain('application/vnd.schemaregistry.v1+json');
    expect(registered.body).toEqual({
      subject: 'com.acme.page_view',
      version: 1,
      id: 1,
      schema: avro,
    });

    const byId = await request(server).get('/schemas/ids/1').expect(200);
    expect(byId.body).toEqual({ schema: avro });

    const latest = await request(server)
      .get('/subjects/com.acme.page_view/versions/latest')
      .expect(200);
    expect(latest.body).toEqual({ subject: 'com.acme.page_view', version: 1, id: 1, schema: avro });
    await request(server).get('/subjects/com.acme.page_view/versions/1').expect(200);
    await request(server).get('/subjects').expect(200, ['com.acme.page_view']);
  });

  it('registers a JSON schema with its schemaType and reuses the id of an identical schema', async () => {
    const server = await app();
    const first = await request(server)
      .post('/subjects/com.acme.search/versions')
      .send({ schema: json, schemaType: 'JSON' })
      .expect(200);
    expect(first.body).toMatchObject({ id: 1, version: 1, schemaType: 'JSON' });
    const again = await request(server)
      .post('/subjects/com.acme.search/versions')
      .send({ schema: JSON.stringify(JSON.parse(json), null, 2), schemaType: 'JSON' })
      .expect(200);
    expect(again.body).toMatchObject({ id: 1, version: 1 });
    const elsewhere = await request(server)
      .post('/subjects/com.acme.other/versions')
      .send({ schema: json, schemaType: 'JSON' })
      .expect(200);
    expect(elsewhere.body).toMatchObject({ id: 1, version: 1 });
    const byId = await request(server).get('/schemas/ids/1').expect(200);
    expect(byId.body).toEqual({ schema: json, schemaType: 'JSON' });
  });

  it("answers with Confluent's error codes", async () => {
    const server = await app();
    await request(server)
      .get('/schemas/ids/99')
      .expect(404, { error_code: 40403, message: 'Schema 99 not found' });
    await request(server)
      .get('/subjects/nope/versions/latest')
      .expect(404)
      .expect((res) => {
        expect(res.body.error_code).toBe(40401);
      });
    await request(server).post('/subjects/s/versions').send({ schema: avro }).expect(200);
    await request(server)
      .get('/subjects/s/versions/2')
      .expect(404)
      .expect((res) => {
        expect(res.body.error_code).toBe(40402);
      });
    await request(server)
      .get('/subjects/s/versions/zero')
      .expect(422)
      .expect((res) => {
        expect(res.body.error_code).toBe(42202);
      });
    await request(server)
      .post('/subjects/s/versions')
      .send({ schema: '{"type":"nope"}' })
      .expect(422)
      .expect((res) => {
        expect(res.body.error_code).toBe(42201);
        expect(res.body.message).toContain('Invalid AVRO schema');
      });
    await request(server)
      .post('/subjects/s/versions')
      .send({ schema: json, schemaType: 'PROTOBUF' })
      .expect(422)
      .expect((res) => expect(res.body.error_code).toBe(42201));
    await request(server)
      .post('/subjects/s/versions')
      .set('Content-Type', 'application/json')
      .send('{"schema":')
      .expect(400);
  });

  it('keeps ids and versions across a restart with the file store', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sift-registry-')), 'schemas.jsonl');
    const firstStore = new FileSchemaStore(file);
    const first = await app(firstStore);
    await request(first).post('/subjects/a/versions').send({ schema: avro }).expect(200);
    await request(first)
      .post('/subjects/b/versions')
      .send({ schema: json, schemaType: 'JSON' })
      .expect(200);
    await firstStore.close();

    const secondStore = new FileSchemaStore(file);
    const second = await app(secondStore);
    await request(second).get('/schemas/ids/2').expect(200, { schema: json, schemaType: 'JSON' });
    const next = await request(second)
      .post('/subjects/a/versions')
      .send({ schema: avroWithTitle })
      .expect(200);
    expect(next.body).toMatchObject({ id: 3, version: 2 });
    await secondStore.close();
  });

  it('drops a line torn by a crash and appends after the last whole record', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sift-registry-')), 'schemas.jsonl');
    const store = new FileSchemaStore(file);
    const server = await app(store);
    await request(server).post('/subjects/a/versions').send({ schema: avro }).expect(200);
    await store.close();
    appendFileSync(file, '{"subject":"b","vers');

    const reopened = new FileSchemaStore(file);
    const again = await app(reopened);
    await request(again).get('/subjects').expect(200, ['a']);
    await request(again)
      .post('/subjects/b/versions')
      .send({ schema: json, schemaType: 'JSON' })
      .expect(200);
    await reopened.close();
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).key.subject),
    ).toEqual(['a', 'b']);
  });

  it('gives distinct ids to concurrent registrations', async () => {
    const server = await app();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(server)
          .post(`/subjects/s${i}/versions`)
          .send({ schema: avro.replace('PageView', `PageView${i}`) }),
      ),
    );
    const ids = answers.map((answer) => answer.body.id as number);
    expect(new Set(ids).size).toBe(20);
  });
});

describe('file store', () => {
  it('refuses a file that is not a registry log, naming the line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sift-registry-')), 'schemas.jsonl');
    appendFileSync(file, '{"subject":"a","version":1,"id":1,"schema":"\\"string\\""}\n');
    await expect(app(new FileSchemaStore(file))).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_STORE_FAILED',
      message: expect.stringContaining(`${file}:1 is not a registry record`),
    });
  });
});
