import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '@sift/cli';
import { FIXTURE_SCHEMAS, removeTempDirs, tempDir } from './support/generated-code';

async function sift(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const program = buildProgram(
    {},
    {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      setExitCode: (value) => (code = value),
    },
  );
  await program.parseAsync(['node', 'sift', ...args]);
  return { code, stdout, stderr };
}

// Each generation runs openapi-typescript in a worker thread: about a second on a busy machine.
jest.setTimeout(30_000);

describe('sift codegen (command line)', () => {
  it('generates, passes --check, then fails --check with the reason after a schema change', async () => {
    const root = tempDir('sift-cli-codegen-');
    const schemas = join(root, 'schemas');
    const out = join(root, 'src/generated');
    cpSync(FIXTURE_SCHEMAS, schemas, { recursive: true });

    const generated = await sift(['codegen', '--schemas', schemas, '--out', out]);
    expect(generated).toEqual({
      code: 0,
      stderr: '',
      stdout: expect.stringContaining('com.example.legacy_form v1'),
    });
    expect((await sift(['codegen', '--schemas', schemas, '--out', out, '--check'])).code).toBe(0);

    const file = join(schemas, 'com.example.kitchen_sink/1.avsc');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.fields.push({ name: 'added_later', type: 'string' });
    writeFileSync(file, JSON.stringify(schema));
    const stale = await sift(['codegen', '--schemas', schemas, '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'com.example.kitchen_sink v1: the schema changed since the code was generated',
    );
  });

  it('refuses --registry and --schemas together, and a registry without --events', async () => {
    const both = await sift([
      'codegen',
      '--registry',
      'http://127.0.0.1:1',
      '--schemas',
      'x',
      '--out',
      'y',
    ]);
    expect(both).toEqual(
      expect.objectContaining({ code: 2, stderr: expect.stringContaining('not both') }),
    );
    const noEvents = await sift(['codegen', '--registry', 'http://127.0.0.1:1', '--out', 'y']);
    expect(noEvents).toEqual(
      expect.objectContaining({
        code: 2,
        stderr: expect.stringContaining('--events com.acme.page_view'),
      }),
    );
  });
});

afterAll(removeTempDirs);
