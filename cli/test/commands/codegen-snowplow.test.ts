import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { runSift } from '../support/run-sift';

// Each generation runs openapi-typescript in a worker thread: about a second on a busy machine.
jest.setTimeout(60_000);

const IGLU = join(__dirname, '../../../test/fixtures/iglu-central/schemas');
const SNOWPLOW = 'com.snowplowanalytics.snowplow';
const uri = (name: string, version: string): string =>
  `iglu:${SNOWPLOW}/${name}/jsonschema/${version}`;

const dirs: string[] = [];
function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sift-codegen-snowplow-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sift codegen --target snowplow-*', () => {
  it('generates node functions from an Iglu-layout folder, latest or pinned, with typed entities', async () => {
    const out = outDir();
    const args = [
      'codegen',
      '--schemas',
      IGLU,
      '--out',
      out,
      '--target',
      'snowplow-node',
      '--events',
      `${SNOWPLOW}.link_click@1,${SNOWPLOW}.application_error`,
      '--entities',
      `${SNOWPLOW}.web_page`,
    ];
    const run = await runSift(args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`${SNOWPLOW}.link_click v1 (pinned)`);
    const tracker = readFileSync(join(out, 'tracker.ts'), 'utf8');
    expect(tracker).toContain(`"${uri('link_click', '1-0-0')}"`);
    expect(tracker).toContain(`"${uri('application_error', '1-0-2')}"`);
    expect(tracker).toContain(`| { schema: "${uri('web_page', '1-0-0')}"; data: WebPage }`);
    expect(tracker).toContain('export function trackApplicationError(tracker: Tracker');
    expect(tracker).not.toContain('trackWebPage');
    expect((await runSift([...args, '--check'])).code).toBe(0);
    // The same events as the Sift target: other code, so --check calls it stale.
    const asSift = await runSift([...args.slice(0, 5), ...args.slice(7, 9), '--check']);
    expect(asSift).toMatchObject({ code: 1, stderr: expect.stringContaining('stale') });
  });

  it('generates browser functions from a registry holding Iglu schemas', async () => {
    const { app } = await buildRegistryApp(
      {},
      { store: new MemorySchemaStore(), logger: createLogger('codegen-snowplow', 'silent') },
    );
    const registry: RunningServer = await listen(app, 0, '127.0.0.1');
    try {
      const client = new RegistryClient({ url: registry.url });
      for (const version of ['1-0-0', '1-0-1']) {
        const file = join(IGLU, SNOWPLOW, 'link_click/jsonschema', version);
        await client.register(`${SNOWPLOW}.link_click`, readFileSync(file, 'utf8'), 'JSON');
      }
      const out = outDir();
      const run = await runSift([
        'codegen',
        '--registry',
        registry.url,
        '--out',
        out,
        '--target',
        'snowplow-browser',
        '--events',
        `${SNOWPLOW}.link_click`,
      ]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const tracker = readFileSync(join(out, 'tracker.ts'), 'utf8');
      expect(tracker).toContain(
        "import { trackSelfDescribingEvent } from '@snowplow/browser-tracker';",
      );
      expect(tracker).toContain(`"${uri('link_click', '1-0-1')}"`);
      expect(tracker).toContain('export function trackLinkClick(data: LinkClick');
    } finally {
      await registry.close();
    }
  });

  it('refuses an unknown target, and entities for the Sift target, as usage errors', async () => {
    const out = outDir();
    const unknown = await runSift([
      'codegen',
      '--schemas',
      IGLU,
      '--out',
      out,
      '--target',
      'amplitude',
    ]);
    expect(unknown.code).toBe(2);
    const entities = await runSift([
      'codegen',
      '--schemas',
      IGLU,
      '--out',
      out,
      '--events',
      `${SNOWPLOW}.link_click`,
      '--entities',
      `${SNOWPLOW}.web_page`,
    ]);
    expect(entities.code).toBe(2);
    expect(entities.stderr).toContain('entities are chosen for the Snowplow targets only');
  });

  it('refuses a schema without a self block for a Snowplow target, naming it', async () => {
    const run = await runSift([
      'codegen',
      '--schemas',
      join(__dirname, '../../../codegen/test/fixtures/schemas'),
      '--out',
      outDir(),
      '--target',
      'snowplow-node',
      '--events',
      'com.example.formats',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('com.example.formats v1: not a self-describing JSON Schema');
  });
});
