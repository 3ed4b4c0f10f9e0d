import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, freePorts, repoRoot, startSiftUp } from '../../cli/test/support/sift-process';
import type { SiftProcess } from '../../cli/test/support/sift-process';

// Schemathesis (pinned in scripts/install-schemathesis.mjs) fuzzes each server's own OpenAPI
// document against the running server: positive and negative cases, a fixed seed, a bounded
// number of cases per operation. Any 5xx, undocumented status, wrong content type, or body or
// header that breaks its documented schema fails the test with schemathesis' report.

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
].join(',');

/** Longest one schemathesis run may take before it is stopped and fails the test, ms. */
const RUN_LIMIT_MS = 150_000;

let sift: SiftProcess | undefined;
let dataDir: string;
let workDir: string;
let schemathesis: string;

/** Runs schemathesis against one server's `/openapi.json`; resolves with its exit code and report. */
function fuzz(
  port: number,
  extra: string[] = [],
): Promise<{ code: number | null; report: string }> {
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    schemathesis,
    [
      'run',
      `${base}/openapi.json`,
      '--url',
      base,
      '--checks',
      CHECKS,
      '--mode',
      'all',
      '--max-examples',
      '25',
      '--seed',
      '20261204',
      '--request-timeout',
      '10',
      '--generation-database',
      'none',
      '--no-color',
      ...extra,
    ],
    // Its own folder, so nothing it writes lands in the repository.
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`schemathesis ran past ${RUN_LIMIT_MS} ms against ${base}:\n${report}`));
    }, RUN_LIMIT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, report });
    });
  });
}

/**
 * Whether a run stopped only because schemathesis itself crashed (a "Runtime Error" inside the
 * tool, such as CPython 3.11's "AST constructor recursion depth mismatch" under hypothesis),
 * with no failure of the server's in its report.
 */
function toolCrashOnly(report: string): boolean {
  return /Runtime Error/.test(report) && !/=+ FAILURES =+/.test(report);
}

async function expectClean(port: number, extra: string[] = []): Promise<void> {
  let { code, report } = await fuzz(port, extra);
  // A crash of the tool is not a finding about the server: run once more, and fail if it repeats.
  if (code !== 0 && toolCrashOnly(report)) ({ code, report } = await fuzz(port, extra));
  if (code !== 0) throw new Error(`schemathesis found problems (exit ${code}):\n${report}`);
  // Warnings (operations that mostly answer 404 or 422 to generated data) do not fail a run.
  expect(report).toMatch(/Test cases:\s+\d+ generated, \d+ passed/);
}

async function post(url: string, body: unknown, type = 'application/json'): Promise<unknown> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': type },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`POST ${url}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

beforeAll(async () => {
  // Installed by the global setup already; this finds it (and installs it when run alone).
  schemathesis = execFileSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'install-schemathesis.mjs')],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  ).trim();
  buildCli();
  dataDir = await mkdtemp(join(tmpdir(), 'sift-schemathesis-'));
  workDir = await mkdtemp(join(tmpdir(), 'sift-schemathesis-work-'));
  sift = await startSiftUp({
    dataDir,
    ports: await freePorts(),
    // Waits the fuzzer asks for end within a second; reset is on (as in every `sift up`).
    env: {
      SIFT_CONSOLE_MAX_WAIT_MS: '1000',
      SIFT_COLLECTOR_SYNC_TIMEOUT_MS: '2000',
      SIFT_SCHEMAS_WATCH: 'false',
      SIFT_CONSOLE_ALLOW_RESET: 'true',
    },
  });
  const { registry, collector } = sift.ports;
  const subjects = `http://127.0.0.1:${registry}/subjects`;
  const registryJson = 'application/vnd.schemaregistry.v1+json';
  // Two schemas of our own, JSON Schema and Avro, beside those `sift up` registers from schemas/.
  await post(
    `${subjects}/test.fuzz.button_click/versions`,
    {
      schemaType: 'JSON',
      schema: JSON.stringify({
        type: 'object',
        properties: { button: { type: 'string' } },
        required: ['button'],
      }),
    },
    registryJson,
  );
  await post(
    `${subjects}/test.fuzz.purchase/versions`,
    {
      schema: JSON.stringify({
        type: 'record',
        name: 'purchase',
        fields: [
          { name: 'sku', type: 'string' },
          { name: 'cents', type: 'long' },
        ],
      }),
    },
    registryJson,
  );
  // Something stored, so the console's lists answer with events and not only empty pages.
  await post(`http://127.0.0.1:${collector}/v1/events?wait=indexed`, {
    events: [
      { event: 'test.fuzz.button_click', data: { button: 'buy' } },
      { event: 'test.fuzz.purchase', data: { sku: 'A-1', cents: 1200 } },
      { event: 'test.fuzz.button_click', data: { button: 42 } },
    ],
  });
}, 300_000);

afterAll(async () => {
  await sift?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

describe('schemathesis against the running servers', () => {
  it('finds nothing wrong with the collector', async () => {
    await expectClean(sift!.ports.collector);
  }, 200_000);

  it('finds nothing wrong with the console', async () => {
    await expectClean(sift!.ports.console, [
      // A live view: the answer never ends by design, so no request to it ever completes.
      '--exclude-path',
      '/ui/api/good-events/stream',
      // Waits hold requests for up to a second: run them side by side.
      '--workers',
      '4',
    ]);
  }, 200_000);

  // Last: it deletes subjects and changes modes, which the runs above read through.
  it('finds nothing wrong with the registry', async () => {
    await expectClean(sift!.ports.registry);
  }, 200_000);
});
