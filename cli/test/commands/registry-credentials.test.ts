import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { loadCollectorConfig, loadRecoveryConfig, loadValidateStageConfig } from '@sift/collector';
import { loadConsoleConfig } from '@sift/console';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { loadSinkConfig } from '@sift/sinks';
import { runSift } from '../support/run-sift';
import { removeSchemasDirs, schemasDir } from '../support/schemas-dir';
import { signupJson } from '../support/schemas';

const logger = createLogger('registry-credentials-test', 'silent');
const credentials = { SIFT_REGISTRY_USERNAME: 'ci', SIFT_REGISTRY_PASSWORD: 's3cret' };
const subject = 'com.acme.signup';

let registry: RunningServer;
let out: string;

beforeAll(async () => {
  const { app } = await buildRegistryApp(
    { authUsers: ['ci:s3cret'], authReads: true },
    { store: new MemorySchemaStore(), logger },
  );
  registry = await listen(app, 0, '127.0.0.1');
  await new RegistryClient({
    url: registry.url,
    auth: { username: 'ci', password: 's3cret' },
  }).register(subject, JSON.stringify(signupJson()), 'JSON');
});

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'sift-codegen-auth-'));
});

afterEach(() => rm(out, { recursive: true, force: true }));

afterAll(async () => {
  removeSchemasDirs();
  await registry.close();
});

describe('sift commands against a registry with auth on for reads', () => {
  it('generates code from the registry with SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD', async () => {
    const args = ['codegen', '--registry', registry.url, '--events', subject, '--out', out];
    const anonymous = await runSift(args);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/Unauthorized/);

    const run = await runSift(args, credentials);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await readFile(join(out, 'tracker.ts'), 'utf8')).toMatch(/signup/);
  });

  it.each([
    [
      'schemas push',
      (dir: string) => ['schemas', 'push', '--dir', dir, '--registry', registry.url],
    ],
    [
      'schemas check',
      (dir: string) => ['schemas', 'check', '--dir', dir, '--registry', registry.url],
    ],
    [
      'codegen',
      (dir: string) => ['codegen', '--registry', registry.url, '--events', subject, '--out', dir],
    ],
  ])(
    '%s refuses SIFT_REGISTRY_USERNAME without SIFT_REGISTRY_PASSWORD as a usage error',
    async (_, args) => {
      const dir = schemasDir({ [`${subject}/1.json`]: signupJson() });
      const run = await runSift(args(dir), { SIFT_REGISTRY_USERNAME: 'ci' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/SIFT_REGISTRY_PASSWORD is not set but SIFT_REGISTRY_USERNAME is/);
    },
  );

  it('reaches every service that builds a registry client: collector, validate, recover, sinks, console', () => {
    const expected = { registryUsername: 'ci', registryPassword: 's3cret' };
    for (const config of [
      loadCollectorConfig(credentials),
      loadValidateStageConfig(credentials),
      loadRecoveryConfig(credentials),
      loadSinkConfig(credentials),
      loadConsoleConfig(credentials),
    ]) {
      expect(config).toMatchObject(expected);
    }
  });
});
