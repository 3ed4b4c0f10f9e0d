import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { decodeWireFormat, encodeWireFormat, RegistryClient } from '@sift/registry-client';

const avro = JSON.stringify({ type: 'record', name: 'Ping', fields: [{ name: 'n', type: 'int' }] });

async function startRegistry(): Promise<RunningServer> {
  const { app } = await buildRegistryApp(
    { maxBodyBytes: 1 << 20 },
    { store: new MemorySchemaStore(), logger: createLogger('test', 'silent') },
  );
  return listen(app, 0, '127.0.0.1');
}

describe('RegistryClient', () => {
  let registry: RunningServer;
  beforeEach(async () => {
    registry = await startRegistry();
  });
  afterEach(async () => {
    await registry.close().catch(() => undefined);
  });

  it('registers, then reads by id and by version, with AVRO as the default type', async () => {
    const client = new RegistryClient({ url: registry.url });
    const { id, version } = await client.register('ping', avro);
    expect(version).toBe(1);
    await expect(client.schemaById(id)).resolves.toEqual({
      schema: avro,
      schemaType: 'AVRO',
      references: [],
    });
    await expect(client.version('ping', 'latest')).resolves.toMatchObject({
      id,
      version: 1,
      subject: 'ping',
    });
  });

  it('turns registry errors into coded errors', async () => {
    const client = new RegistryClient({ url: registry.url });
    await expect(client.schemaById(42)).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_SCHEMA_NOT_FOUND',
    });
    await expect(client.version('nope', 'latest')).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_SUBJECT_NOT_FOUND',
    });
    await expect(client.register('bad', '{"type":"wat"}')).rejects.toMatchObject({
      code: 'SIFT_SCHEMA_INVALID',
    });
  });

  it('keeps serving cached schemas while the registry is unreachable', async () => {
    const client = new RegistryClient({ url: registry.url, latestTtlMs: 0, timeoutMs: 500 });
    const { id } = await client.register('ping', avro);
    await client.schemaById(id);
    await client.version('ping', 'latest');
    await registry.close();
    await expect(client.schemaById(id)).resolves.toMatchObject({ schema: avro });
    await expect(client.version('ping', 'latest')).resolves.toMatchObject({ id });
    await expect(client.version('other', 'latest')).rejects.toMatchObject({
      code: 'SIFT_REGISTRY_UNREACHABLE',
      retriable: true,
    });
  });
});

describe('Confluent wire format', () => {
  it('frames data behind magic byte 0 and a big-endian schema id', () => {
    const framed = encodeWireFormat(258, Buffer.from([7, 8]));
    expect([...framed]).toEqual([0, 0, 0, 1, 2, 7, 8]);
    expect(decodeWireFormat(framed)).toEqual({ schemaId: 258, payload: Buffer.from([7, 8]) });
  });

  it('refuses bytes that are not framed', () => {
    expect(() => decodeWireFormat(Buffer.from([1, 0, 0, 0, 1]))).toThrow(/magic byte 1/);
    expect(() => decodeWireFormat(Buffer.from([0, 1]))).toThrow(
      expect.objectContaining({ code: 'SIFT_WIRE_FORMAT_INVALID' }),
    );
  });
});

describe('RegistryClient with basic auth', () => {
  it('sends its credentials to a registry that requires them', async () => {
    const { app } = await buildRegistryApp(
      { authUsers: ['ci:s3cret'] },
      { store: new MemorySchemaStore(), logger: createLogger('test', 'silent') },
    );
    const registry = await listen(app, 0, '127.0.0.1');
    try {
      await expect(
        new RegistryClient({ url: registry.url }).register('ping', avro),
      ).rejects.toMatchObject({ code: 'SIFT_REGISTRY_UNAUTHORIZED', details: { status: 401 } });
      const client = new RegistryClient({
        url: registry.url,
        auth: { username: 'ci', password: 's3cret' },
      });
      await expect(client.register('ping', avro)).resolves.toMatchObject({ id: 1 });
    } finally {
      await registry.close();
    }
  });
});
