import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { IgluRegistrySchemaSource } from '@sift/collector';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';

const logger = createLogger('iglu-source-test', 'silent');

const iglu = (version: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    self: { vendor: 'com.acme', name: 'search', format: 'jsonschema', version },
    type: 'object',
    ...extra,
  });

describe('IgluRegistrySchemaSource', () => {
  let registry: RunningServer;
  let client: RegistryClient;
  beforeAll(async () => {
    const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
    registry = await listen(app, 0, '127.0.0.1');
    client = new RegistryClient({ url: registry.url });
    await client.register('com.acme.search', iglu('1-0-0'), 'JSON');
    await client.register('com.acme.search', iglu('1-0-1', { properties: { q: {} } }), 'JSON');
  });
  afterAll(() => registry.close());

  it('picks the version whose self.version is exactly the SchemaVer, never a neighbour', async () => {
    const source = new IgluRegistrySchemaSource(client);
    const key = { vendor: 'com.acme', name: 'search' };
    expect(await source.resolveIglu({ ...key, version: '1-0-1' })).toMatchObject({ version: 2 });
    expect(await source.resolveIglu({ ...key, version: '1-0-0' })).toMatchObject({ version: 1 });
    expect(await source.resolveIglu({ ...key, version: '1-0-2' })).toBe('unknown_version');
    expect(await source.resolveIglu({ ...key, version: '2-0-0' })).toBe('unknown_version');
    expect(await source.resolveIglu({ vendor: 'com.acme', name: 'nope', version: '1-0-0' })).toBe(
      'unknown_event',
    );
  });

  it('finds a SchemaVer registered after the subject was listed', async () => {
    const source = new IgluRegistrySchemaSource(client, 0);
    const key = { vendor: 'com.acme', name: 'search', version: '1-1-0' };
    expect(await source.resolveIglu({ ...key, version: '1-0-0' })).toMatchObject({ version: 1 });
    await client.register(
      'com.acme.search',
      iglu('1-1-0', { properties: { q: {}, page: {} } }),
      'JSON',
    );
    expect(await source.resolveIglu(key)).toMatchObject({ version: 3 });
  });
});
