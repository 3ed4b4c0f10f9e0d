import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { runSift } from '../support/run-sift';
import { removeSchemasDirs, schemasDir } from '../support/schemas-dir';
import { checkoutAvro, optionalCoupon, requiredCurrency, signupJson } from '../support/schemas';

const logger = createLogger('schemas-commands-test', 'silent');

let registry: RunningServer;
let subjects = 0;

/** A subject name no other test uses, so every test can share one registry. */
function uniqueSubject(): string {
  subjects++;
  return `com.acme.checkout_${subjects}`;
}

async function registryCall(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${registry.url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

function registerDirectly(subject: string, schema: unknown): Promise<unknown> {
  return registryCall('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
}

beforeAll(async () => {
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  registry = await listen(app, 0, '127.0.0.1');
});
afterAll(async () => {
  await registry.close();
  removeSchemasDirs();
});

describe('sift schemas check and push against a registry', () => {
  it('says not registered yet, pushes in order, pushes again without change, then says registered', async () => {
    const subject = uniqueSubject();
    const dir = schemasDir({
      [`${subject}/1.avsc`]: checkoutAvro(),
      [`${subject}/2.avsc`]: checkoutAvro([optionalCoupon]),
    });
    const withRegistry = ['--dir', dir, '--registry', registry.url];

    const before = await runSift(['schemas', 'check', ...withRegistry]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`${subject} (AVRO, level BACKWARD from the registry)`);
    expect(before.stdout).toContain(
      '  v1 ok; not registered yet (sift schemas push will add it)\n',
    );
    expect(before.stdout).toContain(
      '  v2 compatible with v1 (BACKWARD); not registered yet (sift schemas push will add it)\n',
    );

    const push = await runSift(['schemas', 'push', ...withRegistry]);
    expect(push).toMatchObject({ code: 0, stderr: '' });
    const lines = push.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${subject} v1: schema id \\d+$`)),
      expect.stringMatching(new RegExp(`^${subject} v2: schema id \\d+$`)),
    ]);
    const v1 = (await registryCall('GET', `/subjects/${subject}/versions/1`)) as { id: number };
    const v2 = (await registryCall('GET', `/subjects/${subject}/versions/2`)) as {
      id: number;
      schema: string;
    };
    expect(JSON.parse(v2.schema)).toEqual(checkoutAvro([optionalCoupon]));
    expect(lines).toEqual([
      `${subject} v1: schema id ${v1.id}`,
      `${subject} v2: schema id ${v2.id}`,
    ]);

    const again = await runSift(['schemas', 'push', ...withRegistry]);
    expect(again).toEqual(push);
    expect(await registryCall('GET', `/subjects/${subject}/versions`)).toEqual([1, 2]);

    const after = await runSift(['schemas', 'check', ...withRegistry]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`  v1 ok; registered as id ${v1.id}\n`);
    expect(after.stdout).toContain(
      `  v2 compatible with v1 (BACKWARD); registered as id ${v2.id}\n`,
    );
    expect(after.stdout).toContain('1 subject, 2 versions: 2 ok, 0 incompatible, 0 invalid\n');
  });

  it('takes the level from the registry: NONE accepts what BACKWARD refuses', async () => {
    const subject = uniqueSubject();
    await registryCall('PUT', `/config/${subject}`, { compatibility: 'NONE' });
    const dir = schemasDir({
      [`${subject}/1.avsc`]: checkoutAvro(),
      [`${subject}/2.avsc`]: checkoutAvro([requiredCurrency]),
    });

    const offline = await runSift(['schemas', 'check', '--dir', dir]);
    const online = await runSift(['schemas', 'check', '--dir', dir, '--registry', registry.url]);
    const push = await runSift(['schemas', 'push', '--dir', dir, '--registry', registry.url]);

    expect(offline.code).toBe(1);
    expect(online.code).toBe(0);
    expect(online.stdout).toContain(`${subject} (AVRO, level NONE from the registry)`);
    expect(online.stdout).toContain('  v2 ok (NONE: not compared); not registered yet');
    expect(push.code).toBe(0);
  });

  it("reports a new version the live registry refuses, with the registry's reason, and exits 1", async () => {
    const subject = uniqueSubject();
    await registerDirectly(subject, checkoutAvro());
    // Someone widened total to long in the registry without adding the file.
    await registerDirectly(subject, checkoutAvro([], 'long'));
    const dir = schemasDir({
      [`${subject}/1.avsc`]: checkoutAvro(),
      [`${subject}/2.avsc`]: checkoutAvro([optionalCoupon]),
    });

    const run = await runSift(['schemas', 'check', '--dir', dir], {
      SIFT_REGISTRY_URL: registry.url,
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '  v2 compatible with v1 (BACKWARD); not registered, and the registry refuses it:\n' +
        '      registry: BACKWARD: the new schema cannot read data written with version 2',
    );
    expect(run.stdout).toMatch(/registry: .*total/);
    expect(run.stdout).toContain(
      `  problem: registry version 2 is not the schema in ${dir}/${subject}/2.avsc`,
    );
    expect(run.stdout).toContain('2 versions: 1 ok, 1 incompatible, 0 invalid, 1 problem\n');
  });

  it('flags a registered version that has no file', async () => {
    const subject = uniqueSubject();
    await registerDirectly(subject, checkoutAvro());
    await registerDirectly(subject, checkoutAvro([optionalCoupon]));
    const dir = schemasDir({ [`${subject}/1.avsc`]: checkoutAvro() });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--registry', registry.url]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '  problem: registry version 2 has no file: the folder must hold every registered version\n',
    );
  });

  it('emits a JSON report with each version and its registry id', async () => {
    const subject = uniqueSubject();
    const registered = (await registerDirectly(subject, checkoutAvro())) as { id: number };
    const dir = schemasDir({
      [`${subject}/1.avsc`]: checkoutAvro(),
      [`${subject}/2.avsc`]: checkoutAvro([requiredCurrency]),
    });

    const run = await runSift([
      'schemas',
      'check',
      '--dir',
      dir,
      '--registry',
      registry.url,
      '--format',
      'json',
    ]);

    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      subjects: { versions: { verdict: string; registry: { registered: unknown } }[] }[];
    };
    expect(report.ok).toBe(false);
    expect(report.subjects[0]?.versions).toMatchObject([
      { verdict: 'ok', registry: { registered: { id: registered.id, version: 1 } } },
      { verdict: 'incompatible', registry: { registered: null } },
    ]);
  });

  it('lets --registry win over SIFT_REGISTRY_URL', async () => {
    const dir = schemasDir({ [`${uniqueSubject()}/1.json`]: signupJson() });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--registry', registry.url], {
      SIFT_REGISTRY_URL: 'http://127.0.0.1:1',
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`registry ${registry.url}\n`);
  });

  it('stops push at the first refused version with the registry message, after printing what it registered', async () => {
    const first = uniqueSubject();
    const second = uniqueSubject();
    const dir = schemasDir({
      [`${first}/1.avsc`]: checkoutAvro(),
      [`${first}/2.avsc`]: checkoutAvro([requiredCurrency]),
      [`${second}/1.avsc`]: checkoutAvro(),
    });

    const run = await runSift(['schemas', 'push', '--dir', dir, '--registry', registry.url]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${first} v1: schema id \\d+\\n$`));
    expect(run.stderr).toContain(
      `the registry refused ${first} v2 (${dir}/${first}/2.avsc) with 409:`,
    );
    expect(run.stderr).toContain('incompatible');
    expect(run.stderr).toContain('1 version registered before it; nothing after it was pushed');
    expect(await registryCall('GET', `/subjects/${first}/versions`)).toEqual([1]);
    const second404 = await fetch(`${registry.url}/subjects/${second}/versions`);
    expect(second404.status).toBe(404);
  });

  it('stops push at an invalid schema with 422 and exit code 1', async () => {
    const subject = uniqueSubject();
    const dir = schemasDir({ [`${subject}/1.avsc`]: '{"type": "recor"}' });

    const run = await runSift(['schemas', 'push', '--dir', dir, '--registry', registry.url]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`the registry refused ${subject} v1`);
    expect(run.stderr).toContain('with 422:');
  });
});

describe('sift schemas check usage errors', () => {
  it('exits 2 with a clear message when the registry does not answer', async () => {
    const closed = await listen((_req, res) => res.end(), 0, '127.0.0.1');
    await closed.close();
    const dir = schemasDir({ 'com.acme.page_view/1.json': signupJson() });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--registry', closed.url]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`The registry at ${closed.url} did not answer`);
  });

  it('exits 2 when push cannot reach the registry', async () => {
    const closed = await listen((_req, res) => res.end(), 0, '127.0.0.1');
    await closed.close();
    const dir = schemasDir({ 'com.acme.page_view/1.json': signupJson() });

    const run = await runSift(['schemas', 'push', '--dir', dir, '--registry', closed.url]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SIFT_REGISTRY_UNREACHABLE');
  });

  it('exits 2 on an unknown level and names the valid ones', async () => {
    const dir = schemasDir({ 'com.acme.page_view/1.json': signupJson() });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--level', 'SIDEWAYS']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'SIDEWAYS' is not a compatibility level");
  });

  it('exits 2 when --level is given with a registry', async () => {
    const dir = schemasDir({ 'com.acme.page_view/1.json': signupJson() });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--level', 'FULL'], {
      SIFT_REGISTRY_URL: 'http://127.0.0.1:1',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--level is for checks without a registry');
  });

  it('exits 2 when the schemas folder does not exist', async () => {
    const run = await runSift(['schemas', 'check', '--dir', '/nonexistent/schemas']);

    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sift schemas check: no schemas folder at /nonexistent/schemas (use --dir)\n',
    });
  });

  it('reads --level in any case', async () => {
    const dir = schemasDir({
      'com.acme.page_view/1.avsc': checkoutAvro([requiredCurrency]),
      'com.acme.page_view/2.avsc': checkoutAvro(),
    });

    const run = await runSift(['schemas', 'check', '--dir', dir, '--level', 'forward']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('(AVRO, level FORWARD)');
  });

  it('refuses to push a folder with a gap in its version numbers', async () => {
    const dir = schemasDir({
      'com.acme.page_view/1.avsc': checkoutAvro(),
      'com.acme.page_view/3.avsc': checkoutAvro(),
    });

    const run = await runSift([
      'schemas',
      'push',
      '--dir',
      dir,
      '--registry',
      'http://127.0.0.1:1',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('found 1, 3; nothing was pushed');
  });
});

describe('sift schemas against a registry that requires credentials', () => {
  it('checks and pushes with SIFT_REGISTRY_USERNAME and SIFT_REGISTRY_PASSWORD', async () => {
    const { app } = await buildRegistryApp(
      { authUsers: ['ci:s3cret'], authReads: true },
      { store: new MemorySchemaStore(), logger },
    );
    const secured = await listen(app, 0, '127.0.0.1');
    try {
      const subject = uniqueSubject();
      const dir = schemasDir({ [`${subject}/1.avsc`]: checkoutAvro() });
      const args = ['--dir', dir, '--registry', secured.url];
      const anonymous = await runSift(['schemas', 'push', ...args]);
      expect(anonymous.code).not.toBe(0);
      const env = { SIFT_REGISTRY_USERNAME: 'ci', SIFT_REGISTRY_PASSWORD: 's3cret' };
      expect((await runSift(['schemas', 'push', ...args], env)).code).toBe(0);
      const check = await runSift(['schemas', 'check', ...args], env);
      expect(check.code).toBe(0);
      expect(check.stdout).toMatch(/v1 ok; registered as id \d+/);
    } finally {
      await secured.close();
    }
  });
});
