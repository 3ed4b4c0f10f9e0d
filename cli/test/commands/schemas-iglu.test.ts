import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { listSchemaFiles, SNOWPLOW_SCHEMAS_DIR } from '../../src/schemas-folder';
import { runSift } from '../support/run-sift';
import { removeSchemasDirs, schemasDir } from '../support/schemas-dir';

const logger = createLogger('schemas-iglu-test', 'silent');
const igluCentral = join(__dirname, '../../../test/fixtures/iglu-central/schemas');
const metaschema =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';

/** An Iglu schema of com.acme/signup: closed, with the given SchemaVer and properties. */
function signup(version: string, properties: Record<string, object>, name = 'signup'): object {
  return {
    $schema: metaschema,
    self: { vendor: 'com.acme', name, format: 'jsonschema', version },
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

const email = { type: 'string' };
const plan = { type: 'string' };
const path = (version: string) => `com.acme/signup/jsonschema/${version}`;

async function startRegistry(): Promise<RunningServer> {
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  return listen(app, 0, '127.0.0.1');
}

afterAll(() => removeSchemasDirs());

describe('sift schemas check on an Iglu-layout folder', () => {
  it('reads <vendor>/<name>/jsonschema/<M-R-A> in SchemaVer order as subject <vendor>.<name>', async () => {
    const dir = schemasDir({
      [path('1-0-10')]: signup('1-0-10', { email }),
      [path('1-0-2')]: signup('1-0-2', { email }),
      'com.acme/signup/avro/1-0-0': '{}',
    });
    const files = await listSchemaFiles(dir);
    expect(files.map((file) => [file.eventType, file.version, file.file])).toEqual([
      ['com.acme.signup', 1, join(dir, path('1-0-2'))],
      ['com.acme.signup', 2, join(dir, path('1-0-10'))],
    ]);
  });

  it('accepts a compatible ADDITION and notes a breaking MODEL bump without failing', async () => {
    const dir = schemasDir({
      [path('1-0-0')]: signup('1-0-0', { email }),
      [path('1-0-1')]: signup('1-0-1', { email, plan }),
      [path('2-0-0')]: signup('2-0-0', { plan }),
    });
    const run = await runSift(['schemas', 'check', '--dir', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('com.acme.signup (JSON, level BACKWARD)\n');
    expect(run.stdout).toContain('  1-0-1 compatible with 1-0-0 (BACKWARD)\n');
    expect(run.stdout).toContain(
      '  2-0-0 ok:\n      note: 1-0-1 → 2-0-0 is a MODEL bump and breaks data valid under 1-0-1 (property "email" was removed',
    );
  });

  it('refuses a breaking ADDITION, saying what breaks and which bump it needs', async () => {
    const dir = schemasDir({
      [path('1-0-0')]: signup('1-0-0', { email, plan }),
      [path('1-0-1')]: signup('1-0-1', { email }),
    });
    const run = await runSift(['schemas', 'check', '--dir', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      subjects: {
        versions: { schemaVer: string; bump?: string; verdict: string; reasons: string[] }[];
      }[];
    };
    const second = report.subjects[0]?.versions[1];
    expect(second).toMatchObject({ schemaVer: '1-0-1', bump: 'ADDITION', verdict: 'incompatible' });
    expect(second?.reasons).toEqual([
      expect.stringMatching(
        /^1-0-0 → 1-0-1 is an ADDITION, but property "plan" was removed .*: data valid under 1-0-0 would be refused; this needs a new REVISION \(1-1-0\) or MODEL \(2-0-0\)$/,
      ),
    ]);
  });

  it('says when a self block does not name the path the file sits at', async () => {
    const dir = schemasDir({ [path('1-0-0')]: signup('1-0-1', { email }) });
    const run = await runSift(['schemas', 'check', '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'its "self" block names iglu:com.acme/signup/jsonschema/1-0-1, but the file sits at iglu:com.acme/signup/jsonschema/1-0-0',
    );
  });

  it("flags Iglu Central's client_session 1-0-1, an ADDITION that adds maxLength 36", async () => {
    const run = await runSift(['schemas', 'check', '--dir', igluCentral, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '1-0-0 → 1-0-1 is an ADDITION, but \\"userId\\" gained maxLength 36: strings longer than 36 characters would be refused',
    );
  }, 120_000);
});

describe('sift schemas push with an Iglu-layout folder', () => {
  let registry: RunningServer;
  beforeEach(async () => {
    registry = await startRegistry();
  });
  afterEach(async () => {
    await registry.close();
  });

  it('registers each SchemaVer in order, naming it by its iglu: URI', async () => {
    const dir = schemasDir({
      [path('1-0-0')]: signup('1-0-0', { email }),
      [path('1-0-1')]: signup('1-0-1', { email, plan }),
    });
    const run = await runSift(['schemas', 'push', '--dir', dir, '--registry', registry.url]);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^iglu:com.acme\/signup\/jsonschema\/1-0-0: schema id \d+ \(subject version 1\)$/,
      ),
      expect.stringMatching(
        /^iglu:com.acme\/signup\/jsonschema\/1-0-1: schema id \d+ \(subject version 2\)$/,
      ),
      '',
    ]);
    const model = await fetch(`${registry.url}/api/schemas/com.acme/signup/jsonschema/1`);
    expect(await model.json()).toEqual([
      'iglu:com.acme/signup/jsonschema/1-0-0',
      'iglu:com.acme/signup/jsonschema/1-0-1',
    ]);
  });

  it('pushes the whole Iglu Central copy and the Iglu read API answers for every schema', async () => {
    // Iglu Central holds ADDITIONs that Confluent's rules call breaking (client_session 1-0-1
    // adds maxLength): mirror it as published, with compatibility NONE.
    await fetch(`${registry.url}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    const run = await runSift([
      'schemas',
      'push',
      '--dir',
      igluCentral,
      '--registry',
      registry.url,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const unanswered: string[] = [];
    let read = 0;
    for (const vendor of readdirSync(igluCentral)) {
      for (const name of readdirSync(join(igluCentral, vendor))) {
        let versions: string[];
        try {
          versions = readdirSync(join(igluCentral, vendor, name, 'jsonschema'));
        } catch {
          continue; // Avro, Thrift or Protobuf only
        }
        for (const version of versions) {
          const answer = await fetch(
            `${registry.url}/api/schemas/${vendor}/${name}/jsonschema/${version}`,
          );
          const body = (await answer.json()) as { self?: { version?: string } };
          if (answer.status !== 200 || body.self?.version !== version) {
            unanswered.push(`${vendor}/${name}/${version}: ${answer.status}`);
          }
          read++;
        }
      }
    }
    expect(unanswered).toEqual([]);
    expect(read).toBe(660);
  }, 180_000);

  it('pushes the bundled Snowplow tracker schemas with --snowplow into a BACKWARD registry', async () => {
    const run = await runSift(['schemas', 'push', '--snowplow', '--registry', registry.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2',
    );
    const config = await fetch(
      `${registry.url}/config/com.snowplowanalytics.snowplow.client_session`,
    );
    expect(await config.json()).toEqual({ compatibilityLevel: 'NONE' });
    const webPage = await fetch(
      `${registry.url}/api/schemas/com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0`,
    );
    expect(webPage.status).toBe(200);
  });
});

describe('the bundled Snowplow tracker schemas', () => {
  it('hold every SchemaVer of the default tracker schemas, unchanged from Iglu Central', async () => {
    const names = [
      'web_page',
      'client_session',
      'browser_context',
      'mobile_context',
      'application_error',
      'link_click',
      'geolocation_context',
      'desktop_context',
      'uri_redirect',
      'payload_data',
      'contexts',
      'unstruct_event',
    ];
    const bundled = await listSchemaFiles(SNOWPLOW_SCHEMAS_DIR);
    const central = await listSchemaFiles(igluCentral);
    const pick = (files: typeof bundled) =>
      files
        .filter((file) => names.includes(file.iglu?.name ?? ''))
        .map((file) => [file.eventType, file.version, file.schema]);
    const expected = pick(central).filter(([eventType]) =>
      String(eventType).startsWith('com.snowplowanalytics.snowplow.'),
    );
    expect(expected).toHaveLength(27);
    expect(pick(bundled)).toEqual(expected);
  });
});
