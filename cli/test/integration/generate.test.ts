import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollectorApp, RegistrySchemaSource } from '@sift/collector';
import { createLogger, listen } from '@sift/common';
import type { BadEvent, RunningServer } from '@sift/common';
import { MemoryEventLog } from '@sift/event-log';
import { loadRegistryConfig, startRegistry } from '@sift/registry';
import { RegistryClient } from '@sift/registry-client';
import type { GenerateJsonReport } from '../../src/commands/generate';
import { pushSchemas, readSchemasFolder } from '../../src/schemas-folder';
import { runGenerate } from '../generate/run-generate';

// sift generate against a real registry holding schemas/ and a real collector app on a random port.
const logger = createLogger('generate-test', 'silent');
const repoSchemas = join(__dirname, '..', '..', '..', 'schemas');
const topics = { good: 'generate-it.good', bad: 'generate-it.bad' };

/** The value of a Prometheus sample with this name and at least these labels, 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of metrics.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((label) => [label[1], label[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return 0;
}

describe('sift generate against a collector', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sift-generate-it-'));
  const log = new MemoryEventLog();
  let registry: RunningServer;
  let collector: RunningServer;

  beforeAll(async () => {
    registry = await startRegistry(
      loadRegistryConfig({
        SIFT_REGISTRY_PORT: '0',
        SIFT_REGISTRY_DATA_FILE: join(dataDir, 'schemas.jsonl'),
      }),
      logger,
    );
    const client = new RegistryClient({ url: registry.url });
    await pushSchemas(client, await readSchemasFolder(repoSchemas));
    const app = buildCollectorApp(
      { maxBodyBytes: 1_048_576, goodTopic: topics.good, badTopic: topics.bad },
      { schemas: new RegistrySchemaSource(client), log, logger },
    );
    collector = await listen(app, 0, '127.0.0.1');
  });

  afterAll(async () => {
    await collector?.close();
    await registry?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the count asked for, and its summary matches what the collector counted and logged', async () => {
    const run = await runGenerate([
      '--url',
      collector.url,
      '--count',
      '3000',
      '--invalid',
      '0.1',
      '--batch',
      '20',
      '--concurrency',
      '4',
      '--seed',
      '11',
      '--format',
      'json',
    ]);
    const report = JSON.parse(run.stdout) as GenerateJsonReport;
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const bad = log
      .records(topics.bad)
      .map((record) => JSON.parse(record.value.toString()) as BadEvent);
    const logged: Record<string, number> = {};
    for (const event of bad) logged[event.kind] = (logged[event.kind] ?? 0) + 1;

    expect(run.code).toBe(0);
    expect(report).toMatchObject({ seed: 11, sent: 3000, errors: 0, unexpected: 0 });
    expect(report.accepted + report.rejected).toBe(3000);
    expect(report.rejectedByKind).toEqual(report.plannedInvalid);
    expect(Object.keys(report.rejectedByKind).sort()).toEqual([
      'invalid_envelope',
      'malformed_json',
      'schema_violation',
      'size_violation',
      'unknown_event',
      'unknown_version',
    ]);
    expect(sample(metrics, 'sift_collector_received_total')).toBe(3000);
    expect(sample(metrics, 'sift_collector_events_total', { verdict: 'good', kind: '' })).toBe(
      report.accepted,
    );
    for (const [kind, count] of Object.entries(report.rejectedByKind)) {
      expect(sample(metrics, 'sift_collector_events_total', { verdict: 'bad', kind })).toBe(count);
    }
    expect(log.records(topics.good)).toHaveLength(report.accepted);
    expect(logged).toEqual(report.rejectedByKind);
    expect(report.eventsPerSecond).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
  });

  it('reports every event as an error and exits 1 when no collector listens', async () => {
    const closed = await listen(
      buildCollectorApp(
        { maxBodyBytes: 1024, goodTopic: topics.good, badTopic: topics.bad },
        {
          schemas: new RegistrySchemaSource(new RegistryClient({ url: registry.url })),
          log,
          logger,
        },
      ),
      0,
      '127.0.0.1',
    );
    await closed.close();

    const run = await runGenerate(['--url', closed.url, '--count', '50', '--seed', '3']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/errors +50 \(ECONNREFUSED 50\)/);
    expect(run.stderr).toContain(
      `no event was answered: is a collector listening on ${closed.url}?`,
    );
  });
});
