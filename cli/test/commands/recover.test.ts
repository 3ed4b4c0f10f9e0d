import { randomUUID } from 'node:crypto';
import { createLogger, listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { badEventRecord, EventProcessor, RegistrySchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { buildRegistryApp, MemorySchemaStore } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import { ValidatorCache } from '@sift/validator';
import { recover } from '../../src/commands/recover';
import type { RecoverJsonReport, RecoverOptions } from '../../src/commands/recover';
import { runSift } from '../support/run-sift';

const logger = createLogger('recover-command-test', 'silent');
const eventType = 'com.acme.signup_completed';
const signup = (fields: { name: string; type: unknown; default?: unknown }[]) =>
  JSON.stringify({ type: 'record', name: 'Signup', namespace: 'com.acme', fields });

let registry: RunningServer;
beforeAll(async () => {
  const { app } = await buildRegistryApp({}, { store: new MemorySchemaStore(), logger });
  registry = await listen(app, 0, '127.0.0.1');
  await new RegistryClient({ url: registry.url }).register(
    eventType,
    signup([{ name: 'plan', type: 'string' }]),
  );
});
afterAll(() => registry.close());

/** Output of one `recover` call. */
function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (text: string) => (out.stdout += text),
      stderr: (text: string) => (out.stderr += text),
    },
  };
}

const options = (overrides: Partial<RecoverOptions> = {}): RecoverOptions => ({
  from: 'topic',
  event: [],
  dryRun: false,
  format: 'text',
  ...overrides,
});

describe('sift recover', () => {
  let log: MemoryEventLog;
  let recoverable: string;
  let stillBad: string;
  const env = () => ({
    SIFT_REGISTRY_URL: registry.url,
    SIFT_GOOD_TOPIC: 'it.good',
    SIFT_BAD_TOPIC: 'it.bad',
  });

  beforeAll(async () => {
    log = new MemoryEventLog();
    recoverable = randomUUID();
    stillBad = randomUUID();
    const processor = new EventProcessor({
      schemas: new RegistrySchemaSource(new RegistryClient({ url: registry.url })),
      validators: new ValidatorCache(),
    });
    const { bad } = await processor.processBody(
      JSON.stringify({
        events: [
          { event: eventType, id: recoverable, data: { plan: 'pro', referrer: 'ad' } },
          { event: eventType, id: stillBad, data: { plan: 7 } },
        ],
      }),
      { endpoint: 'POST /v1/events' },
    );
    await log.append('it.bad', bad.map(badEventRecord));
    await new RegistryClient({ url: registry.url }).register(
      eventType,
      signup([
        { name: 'plan', type: 'string' },
        { name: 'referrer', type: ['null', 'string'], default: null },
      ]),
    );
  });

  it('prints counts and each event, writes the events that now pass, and exits 0 with events still bad', async () => {
    const { out, io } = capture();

    const code = await recover(options(), env(), io, { log, topicIdleMs: 50 });

    expect(code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('sift recover from topic it.bad\n');
    expect(out.stdout).toContain('read 2, matched 2\n');
    expect(out.stdout).toContain('  now good:   1 (sent to it.good)\n');
    expect(out.stdout).toContain('  still bad:  1 (schema_violation 1)\n');
    expect(out.stdout).toContain(`  ${recoverable} ${eventType} schema_violation: now good\n`);
    expect(out.stdout).toMatch(
      new RegExp(
        `  ${stillBad} ${eventType} schema_violation: still bad \\(schema_violation\\): /plan`,
      ),
    );
    expect(log.records('it.good').map((record) => record.headers?.['sift-event-id'])).toEqual([
      recoverable,
    ]);
  });

  it('reports as JSON without writing in a dry run', async () => {
    const { out, io } = capture();
    const before = log.records('it.good').length;

    const code = await recover(options({ dryRun: true, format: 'json' }), env(), io, {
      log,
      topicIdleMs: 50,
    });

    expect(code).toBe(0);
    const report = JSON.parse(out.stdout) as RecoverJsonReport;
    expect(report).toMatchObject({
      from: 'topic',
      source: 'it.bad',
      goodTopic: 'it.good',
      dryRun: true,
      read: 2,
      matched: 2,
      recovered: 1,
      stillBad: 1,
      stillBadByKind: { schema_violation: 1 },
    });
    expect(log.records('it.good')).toHaveLength(before);
  });

  it('exits 2 naming the variable when the config is bad', async () => {
    const run = await runSift(['recover'], { SIFT_INDEX_PREFIX: 'Not Valid' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SIFT_INDEX_PREFIX="Not Valid"');
  });

  it('exits 2 when Elasticsearch cannot be reached', async () => {
    const run = await runSift(['recover', '--from', 'index', '--dry-run'], {
      SIFT_ELASTICSEARCH_URL: 'http://127.0.0.1:1',
      SIFT_REGISTRY_URL: registry.url,
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[SIFT_EVENT_STORE_UNAVAILABLE]');
  });

  it.each([
    [['--from', 'disk'], /--from.*topic, index/],
    [['--kind', 'schema_violation,typo'], /'typo' is not a kind/],
    [['--since', 'yesterday'], /'yesterday' is not an ISO 8601 time/],
    [['--limit', '0'], /'0' is not a positive integer/],
    [['--event', ','], /at least one event type/],
    [['--since', '2026-02-01', '--until', '2026-01-01'], /--since must be earlier than --until/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await runSift(['recover', ...args]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('lists its options in the help', async () => {
    const run = await runSift(['recover', '--help']);

    expect(run.code).toBe(0);
    for (const option of [
      '--from',
      '--event',
      '--kind',
      '--since',
      '--until',
      '--limit',
      '--dry-run',
      '--format',
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('schema_violation,unknown_event,unknown_version');
  });
});

describe('sift validate', () => {
  it('refuses a bad config before connecting to anything', async () => {
    await expect(runSift(['validate'], { SIFT_VALIDATE_PORT: 'eighty' })).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
      message: expect.stringContaining('SIFT_VALIDATE_PORT="eighty"'),
    });
  });
});
