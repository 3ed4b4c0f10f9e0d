import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { newTracker } from '@snowplow/node-tracker';
import { EventViolationError } from '@sift/tracker';
import {
  generateSnowplow,
  MemoryCodegenSource,
  parseEventSelection,
  writeCodegen,
} from '@sift/codegen';
import type { ResolvedSchema } from '@sift/codegen';
import { compileStrict, loadGenerated, ROOT } from './support/generated-code';
import type { CompileError } from './support/generated-code';

// Generated code that calls Snowplow's trackers, from Iglu Central schemas: link_click and
// application_error as events, web_page as an entity.
const IGLU = join(ROOT, 'test/fixtures/iglu-central/schemas');
const SNOWPLOW = 'com.snowplowanalytics.snowplow';

/** The Iglu-layout folder's versions of some schemas, numbered 1, 2 … in SchemaVer order. */
function igluSchemas(names: string[]): ResolvedSchema[] {
  return names.flatMap((name) => {
    const dir = join(IGLU, SNOWPLOW, name, 'jsonschema');
    return readdirSync(dir)
      .sort()
      .map((file, index) => ({
        eventType: `${SNOWPLOW}.${name}`,
        version: index + 1,
        schemaType: 'JSON' as const,
        schema: readFileSync(join(dir, file), 'utf8'),
        references: [],
      }));
  });
}

const source = new MemoryCodegenSource(
  igluSchemas(['link_click', 'web_page', 'application_error']),
);
const EVENTS = parseEventSelection(`${SNOWPLOW}.link_click,${SNOWPLOW}.application_error`);
const ENTITIES = parseEventSelection(`${SNOWPLOW}.web_page`);

// Inside the repository's node_modules, so that the generated code resolves @snowplow/*.
const CACHE = join(ROOT, 'node_modules/.cache');
const dirs: string[] = [];
function tempDir(): string {
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, 'sift-codegen-snowplow-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function generateTarget(target: 'snowplow-browser' | 'snowplow-node'): Promise<string> {
  const dir = tempDir();
  await writeCodegen(source, dir, EVENTS, { target, entities: ENTITIES });
  return dir;
}

/** Marked lines (`// EXPECT: text`) must fail with that text; nothing else may fail. */
function unexpected(file: string, text: string, errors: CompileError[]): string[] {
  const lines = text.split('\n');
  const problems: string[] = [];
  lines.forEach((line, index) => {
    const expected = /\/\/ EXPECT: (.*)$/.exec(line)?.[1];
    if (!expected) return;
    const here = errors.filter((error) => error.file === file && error.line === index + 1);
    if (!here.some((error) => error.message.includes(expected))) {
      problems.push(
        `line ${index + 1}: no error containing "${expected}" (${here.map((e) => e.message).join(' | ')})`,
      );
    }
  });
  for (const error of errors) {
    const line = lines[error.line - 1] ?? '';
    if (error.file !== file || !line.includes('// EXPECT:')) {
      problems.push(`${error.file}:${error.line}: ${error.message}`);
    }
  }
  return problems;
}

const PAGE = `{ schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0' as const, data: { id: '2f1a3c4d-1111-2222-3333-444455556666' } }`;

const NODE_USE = `
import { newTracker } from '@snowplow/node-tracker';
import { trackApplicationError, trackLinkClick, useValidators, schemaUris } from './tracker';
import { validators } from './validators';

useValidators(validators);
const tracker = newTracker({ namespace: 'n', appId: 'a' }, { endpoint: 'http://127.0.0.1:1' });
trackLinkClick(tracker, { targetUrl: 'https://example.com', elementClasses: ['a'] }, [${PAGE}]);
trackApplicationError(tracker, { programmingLanguage: 'JAVASCRIPT', message: 'boom' });
const uri: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1' = schemaUris['com.snowplowanalytics.snowplow.link_click'];
void uri;
trackLinkClick(tracker, {}); // EXPECT: Property 'targetUrl' is missing
trackLinkClick(tracker, { targetUrl: 'u', colour: 'red' }); // EXPECT: 'colour' does not exist
trackApplicationError(tracker, { programmingLanguage: 'COBOL', message: 'm' }); // EXPECT: '"COBOL"' is not assignable
trackLinkClick(tracker, { targetUrl: 'u' }, [{ schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: {} }]); // EXPECT: is not assignable
trackLinkClick(tracker, { targetUrl: 'u' }, [{ schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0', data: { id: 7 } }]); // EXPECT: is not assignable
trackLinkClick({ targetUrl: 'u' }); // EXPECT: Expected
`;

const BROWSER_USE = `
import { newTracker } from '@snowplow/browser-tracker';
import { trackApplicationError, trackLinkClick, useValidators } from './tracker';
import { validators } from './validators';

useValidators(validators, (eventType, version, violations) => void [eventType, version, violations]);
newTracker('sp', 'https://collect.example');
trackLinkClick({ targetUrl: 'https://example.com' }, [${PAGE}], ['sp']);
trackApplicationError({ programmingLanguage: 'JAVASCRIPT', message: 'boom' });
trackLinkClick({ elementId: 'x' }); // EXPECT: Property 'targetUrl' is missing
trackApplicationError({ programmingLanguage: 'JAVASCRIPT', message: 1 }); // EXPECT: 'number' is not assignable
`;

describe.each([
  ['snowplow-node', NODE_USE],
  ['snowplow-browser', BROWSER_USE],
] as const)('codegen --target %s', (target, use) => {
  it('compiles under --strict with the real Snowplow tracker types, and wrong calls fail to compile', async () => {
    const dir = await generateTarget(target);
    const file = join(dir, 'use.ts');
    writeFileSync(file, use);
    expect(unexpected(file, use, compileStrict([file]))).toEqual([]);
  }, 120_000);
});

describe('codegen --target snowplow-node, run', () => {
  it('sends the typed event with its exact Iglu URI and entities through the real node tracker', async () => {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const dir = await generateTarget('snowplow-node');
      const { tracker, validators } = loadGenerated(dir);
      const generated = tracker as unknown as Record<string, (...args: unknown[]) => void>;
      generated['useValidators']?.(validators.validators);
      const snowplow = newTracker(
        { namespace: 'sift-test', appId: 'shop', encodeBase64: false },
        { endpoint: `http://127.0.0.1:${port}`, eventMethod: 'post', bufferSize: 1 },
      );
      const page = {
        schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
        data: { id: '2f1a3c4d-1111-2222-3333-444455556666' },
      };
      generated['trackLinkClick']?.(snowplow, { targetUrl: 'https://example.com' }, [page]);
      await snowplow.flush();
      const payload = (JSON.parse(bodies[0] ?? '{}') as { data: Record<string, string>[] })
        .data[0] as Record<string, string>;
      expect(JSON.parse(payload['ue_pr'] ?? '{}')).toEqual({
        schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
        data: {
          schema: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
          data: { targetUrl: 'https://example.com' },
        },
      });
      expect(payload['co']).toContain(JSON.stringify(page));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it('throws an EventViolationError for invalid data or entities before sending, with validators', async () => {
    const dir = await generateTarget('snowplow-node');
    const { tracker, validators } = loadGenerated(dir);
    const generated = tracker as unknown as Record<string, (...args: unknown[]) => void>;
    const sent: unknown[] = [];
    const fake = { track: (event: unknown) => sent.push(event) };
    generated['useValidators']?.(validators.validators);
    expect(() => generated['trackLinkClick']?.(fake, { targetUrl: '' })).toThrow(
      EventViolationError,
    );
    expect(() =>
      generated['trackLinkClick']?.(fake, { targetUrl: 'u' }, [
        {
          schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
          data: { id: 'x' },
        },
      ]),
    ).toThrow(EventViolationError);
    expect(sent).toEqual([]);
    generated['trackLinkClick']?.(fake, { targetUrl: 'u' });
    expect(sent).toHaveLength(1);
  }, 120_000);
});

describe('generateSnowplow', () => {
  it('refuses a schema without a self block, naming it', async () => {
    await expect(
      generateSnowplow('snowplow-node', [
        {
          eventType: 'com.acme.plain',
          version: 1,
          schemaType: 'JSON',
          schema: '{"type":"object"}',
          references: [],
          pinned: false,
        },
      ]),
    ).rejects.toThrow(/com\.acme\.plain v1: not a self-describing JSON Schema/);
  });

  it('types every schema as a possible entity when no entities are chosen', async () => {
    const files = await generateSnowplow(
      'snowplow-node',
      await Promise.all(EVENTS.map(({ event }) => source.resolve(event, 'latest'))).then((all) =>
        all.map((schema) => ({ ...schema, pinned: false })),
      ),
    );
    expect(files['tracker.ts']).toContain(
      '| { schema: "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"; data: LinkClick }',
    );
    expect(files['tracker.ts']).toContain('export function trackApplicationError(');
  });
});
