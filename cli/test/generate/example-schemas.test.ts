import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { schemasCheck } from '../../src/commands/schemas-commands';

const repoSchemas = join(__dirname, '..', '..', '..', 'schemas');

describe('the example schemas in schemas/', () => {
  it('are all valid and each version is compatible with the earlier ones under BACKWARD', async () => {
    const run = { stdout: '', stderr: '' };
    const code = await schemasCheck(
      { dir: repoSchemas, format: 'text' },
      {},
      {
        stdout: (text) => {
          run.stdout += text;
        },
        stderr: (text) => {
          run.stderr += text;
        },
      },
    );

    expect(run.stderr).toBe('');
    expect(code).toBe(0);
    expect(run.stdout).toContain('7 subjects, 11 versions: 11 ok, 0 incompatible, 0 invalid');
    expect(run.stdout).toContain('v3 compatible with v2 (BACKWARD)');
  });

  it('cover the web shop event types in both Avro and JSON Schema', () => {
    const files = readdirSync(repoSchemas, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        readdirSync(join(repoSchemas, entry.name)).map((file) => `${entry.name}/${file}`),
      );

    expect(files.sort()).toEqual([
      'com.acme.add_to_cart/1.json',
      'com.acme.app_error/1.json',
      'com.acme.checkout_completed/1.avsc',
      'com.acme.checkout_completed/2.avsc',
      'com.acme.checkout_completed/3.avsc',
      'com.acme.link_click/1.json',
      'com.acme.page_view/1.avsc',
      'com.acme.page_view/2.avsc',
      'com.acme.search/1.avsc',
      'com.acme.signup/1.json',
      'com.acme.signup/2.json',
    ]);
  });
});
