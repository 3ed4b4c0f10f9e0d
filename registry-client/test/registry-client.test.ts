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

  it("reads a subject's compatibility level, falling back to the global one", async () => {
    const client = new RegistryClient({ url: registry.url });
    await expect(client.compatibilityLevel('ping')).resolves.toBe('BACKWARD');
  });

  it('looks a schema up under a subject, undefined when the subject does not hold it', async () => {
    const client = new RegistryClient({ url: registry.url });
    await expect(client.lookup('ping', avro)).resolves.toBeUndefined();
    const { id } = await client.register('ping', avro);
    await expect(client.lookup('ping', avro)).resolves.toEqual({ id, version: 1 });
    const other = JSON.stringify({ type: 'record', name: 'Pong', fields: [] });
    await expect(client.lookup('ping', other)).resolves.toBeUndefined();
  });

  it("lists a subject's versions, empty when there is no such subject", async () => {
    const client = new RegistryClient({ url: registry.url });
    await expect(client.versions('ping')).resolves.toEqual([]);
    await client.register('ping', avro);
    await expect(client.versions('ping')).resolves.toEqual([1]);
  });

  it("tests a schema against the subject's latest version, with reasons when incompatible", async () => {
    const client = new RegistryClient({ url: registry.url });
    // Sift's registry accepts anything for a subject with no versions yet.
    await expect(client.testCompatibility('ping', avro)).resolves.toEqual({
      compatible: true,
      messages: [],
    });
    await client.register('ping', avro);
    await expect(client.testCompatibility('ping', avro)).resolves.toEqual({
      compatible: true,
      messages: [],
    });
    const required = JSON.stringify({
      type: 'record',
      name: 'Ping',
      fields: [
        { name: 'n', type: 'int' },
        { name: 'm', type: 'string' },
      ],
    });
    const answer = await client.testCompatibility('ping', required);
    expect(answer.compatible).toBe(false);
    expect(answer.messages.length).toBeGreaterThan(0);
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

describe('RegistryClient.igluSchema', () => {
  const self = { vendor: 'com.acme', name: 'signup', format: 'jsonschema', version: '1-0-0' };
  const iglu = JSON.stringify({
    $schema:
      'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
    self,
    type: 'object',
    properties: { email: { type: 'string' } },
  });

  it('resolves an iglu: URI to exactly its SchemaVer, cached once found', async () => {
    const registry = await startRegistry();
    const client = new RegistryClient({ url: registry.url });
    await expect(client.igluSchema('iglu:com.acme/signup/jsonschema/1-0-0')).resolves.toBe(
      undefined,
    );
    const { id, version } = await client.register('com.acme.signup', iglu, 'JSON');
    const found = await client.igluSchema('iglu:com.acme/signup/jsonschema/1-0-0');
    expect(found).toEqual({ subject: 'com.acme.signup', version, id, schema: iglu });
    await expect(client.igluSchema('iglu:com.acme/signup/jsonschema/1-0-1')).resolves.toBe(
      undefined,
    );
    await registry.close();
    await expect(client.igluSchema('iglu:com.acme/signup/jsonschema/1-0-0')).resolves.toEqual(
      found,
    );
  });

  it('refuses a string that is not an iglu: URI', async () => {
    const client = new RegistryClient({ url: 'http://127.0.0.1:1' });
    await expect(client.igluSchema('com.acme/signup/1-0-0')).rejects.toMatchObject({
      code: 'SIFT_REQUEST_INVALID',
    });
  });
});
