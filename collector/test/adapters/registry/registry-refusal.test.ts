import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildCollectorApp, loadCollectorConfig, RegistrySchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient, registryClientFromConfig } from '@sift/registry-client';

const user = { username: 'collector', password: 's3cret' };
const event = { event: 'com.acme.click', data: { button: 'buy' } };

let registry: RunningServer;

beforeAll(async () => {
  const { app } = await buildRegistryApp(
    { authUsers: [`${user.username}:${user.password}`], authReads: true },
    { store: new MemorySchemaStore(), logger: createLogger('registry', 'silent') },
  );
  registry = await listen(app, 0, '127.0.0.1');
  await new RegistryClient({ url: registry.url, auth: user }).register(
    event.event,
    JSON.stringify({ type: 'object', properties: { button: { type: 'string' } } }),
    'JSON',
  );
});

afterAll(() => registry.close());

/** A collector over an in-memory log whose registry client is built from these variables. */
function collector(env: Record<string, string>) {
  const config = loadCollectorConfig({ SIFT_REGISTRY_URL: registry.url, ...env });
  const logger = createLogger('collector', 'silent');
  const log = new MemoryEventLog();
  const app = buildCollectorApp(
    { maxBodyBytes: 65536, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC },
    {
      schemas: new RegistrySchemaSource(registryClientFromConfig(config, { latestTtlMs: 0 })),
      log,
      logger,
    },
  );
  return { app, log, logger };
}

describe('a collector whose registry has auth on', () => {
  it('validates with SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD', async () => {
    const { app, log } = collector({
      SIFT_REGISTRY_USERNAME: user.username,
      SIFT_REGISTRY_PASSWORD: user.password,
    });
    const answer = await request(app)
      .post('/v1/events')
      .send({ events: [event] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 0 });
    expect(log.records(GOOD_TOPIC)).toHaveLength(1);
  });

  it.each([
    ['without credentials', {}],
    [
      'with a wrong password',
      { SIFT_REGISTRY_USERNAME: user.username, SIFT_REGISTRY_PASSWORD: 'wrong' },
    ],
  ])(
    'answers 503 saying its registry credentials are refused %s, logged once, never 500',
    async (_, env) => {
      const { app, log, logger } = collector(env);
      const logged = jest.spyOn(logger, 'error');
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await request(app)
          .post('/v1/events')
          .send({ events: [event] });
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBeDefined();
        expect(answer.body.error.code).toBe('SIFT_REGISTRY_UNAUTHORIZED');
        expect(answer.body.error.message).toMatch(
          /refused the collector's registry credentials.*SIFT_REGISTRY_USERNAME/,
        );
      }
      const pixel = await request(app).get(
        `/i?e=${event.event}&d=${Buffer.from(JSON.stringify(event.data)).toString('base64url')}`,
      );
      expect(pixel.status).toBe(503);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(log.records(GOOD_TOPIC)).toHaveLength(0);
      expect(log.records(BAD_TOPIC)).toHaveLength(0);
    },
  );
});
