import request from 'supertest';
import { createLogger } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';

const logger = createLogger('cross-site-test', 'silent');
const body = JSON.stringify({
  schemaType: 'JSON',
  schema: JSON.stringify({ type: 'object' }),
});

const app = async () =>
  (await buildRegistryApp({}, { store: new MemorySchemaStore(), logger })).app;

describe('registry: writes from web pages of other sites', () => {
  it('refuses a text/plain POST from another site and registers nothing', async () => {
    const server = await app();
    const refused = await request(server)
      .post('/subjects/com.acme.page_view/versions')
      .set('Origin', 'http://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Content-Type', 'text/plain')
      .send(body)
      .expect(403);
    expect(refused.body.error_code).toBe(40301);
    expect(refused.body.message).toMatch(/web page of http:\/\/evil\.example/);
    await request(server)
      .delete('/subjects/com.acme.page_view')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect((await request(server).get('/subjects').expect(200)).body).toEqual([]);
  });

  it('takes the same write from a program (no Origin, no Sec-Fetch-*), under any host name', async () => {
    const server = await app();
    await request(server)
      .post('/subjects/com.acme.page_view/versions')
      .set('Host', 'registry:8081')
      .set('Content-Type', 'application/vnd.schemaregistry.v1+json')
      .send(body)
      .expect(200);
    expect((await request(server).get('/subjects').expect(200)).body).toEqual([
      'com.acme.page_view',
    ]);
  });
});
