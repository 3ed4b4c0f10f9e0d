import type express from 'express';
import request from 'supertest';
import { createLogger } from '@sift/common';
import { SqliteEventStore } from '@sift/sinks';
import { buildConsoleApp, createUiRouter } from '@sift/console';
import type { BadEventExplorer, GoodEventExplorer } from '@sift/console';
import { microIgluRouter, microRouter } from '../../../src/adapters/http/micro-router';
import { consoleOpenApiDocument } from '../../../src/adapters/http/openapi';
import { testApiRouter } from '../../../src/adapters/http/test-api-router';

const logger = createLogger('test', 'silent');

/** `method path` of every route a router serves, in OpenAPI's `{param}` form. */
function routes(router: express.Router): string[] {
  return (router.stack as { route?: { path: unknown; methods: Record<string, boolean> } }[])
    .filter((layer) => layer.route && typeof layer.route.path === 'string')
    .flatMap(({ route }) =>
      Object.keys(route!.methods).map(
        (method) => `${method} ${(route!.path as string).replace(/:(\w+)/g, '{$1}')}`,
      ),
    );
}

describe('the console OpenAPI document', () => {
  it('documents every route of the test API, the Micro paths and the UI API, with its method', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const reset = {
      query: store,
      allowReset: true,
      guard: {},
      resetTimeoutMs: 1000,
    };
    const ui = createUiRouter({
      registry: { url: 'http://127.0.0.1:9' },
      bad: {} as BadEventExplorer,
      good: {} as GoodEventExplorer,
      recovery: { log: { append: async () => undefined }, goodTopic: 'good' },
      logger,
    });
    const served = [
      ...routes(testApiRouter({ query: store, maxWaitMs: 1000, reset })),
      ...routes(microRouter({ query: store, reset })),
      ...routes(microIgluRouter({ igluSchema: async () => undefined })),
      ...routes(ui).filter((route) => route.includes(' /ui/api/')),
      // The app's own routes, and the registry pass-through (mounted, not routed).
      'get /healthz',
      'get /metrics',
      'get /openapi.json',
      ...['get', 'post', 'put', 'delete'].map((method) => `${method} /ui/api/registry/{path}`),
    ];
    const documented = Object.entries(consoleOpenApiDocument.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThan(25);
    expect([...documented].sort()).toEqual([...served].sort());
    await store.close();
  });

  it('is served at /openapi.json', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const app = buildConsoleApp({ maxWaitMs: 1000 }, { query: store, logger });
    const answer = await request(app).get('/openapi.json').expect(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(answer.body.paths['/api/wait'].get.responses['408']).toBeDefined();
    await store.close();
  });
});
