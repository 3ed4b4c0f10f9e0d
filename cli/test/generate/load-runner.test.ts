import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GenerateJsonReport } from '../../src/commands/generate';
import { runLoad } from '../../src/generate/load-runner';
import { TrafficModel } from '../../src/generate/traffic-model';
import { runGenerate } from './run-generate';

/** A collector that takes requests and never finishes an answer; `headers` sends a 200 head first. */
async function silentCollector(
  headers = false,
): Promise<{ url: string; close: () => Promise<void> }> {
  const open: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    open.push(res);
    if (headers) res.writeHead(200, { 'content-type': 'application/json' }).write('{"events":');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('load runner against a collector that does not answer', () => {
  it('ends a --duration 1s run soon after the duration, not after the 30 s timeout, and counts the unanswered events as errors', async () => {
    const collector = await silentCollector();
    try {
      const run = await runGenerate([
        '--url',
        collector.url,
        '--duration',
        '1s',
        '--concurrency',
        '4',
        '--seed',
        '1',
        '--format',
        'json',
      ]);
      const report = JSON.parse(run.stdout) as GenerateJsonReport;

      expect(run.code).toBe(1);
      expect(report.elapsedMs).toBeLessThan(10_000);
      expect(report.requests).toBe(4);
      expect(report.sent).toBeGreaterThan(0);
      expect(report.errors).toBe(report.sent);
      expect(report.errorsByReason).toEqual({ timeout: report.sent });
      expect(run.stderr).toContain('no event was answered');
    } finally {
      await collector.close();
    }
  }, 15_000);

  it('gives up on a request after --timeout, also when the answer stops halfway', async () => {
    const collector = await silentCollector(true);
    try {
      const run = await runGenerate([
        '--url',
        collector.url,
        '--count',
        '3',
        '--batch',
        '1',
        '--concurrency',
        '1',
        '--timeout',
        '100ms',
        '--format',
        'json',
      ]);
      const report = JSON.parse(run.stdout) as GenerateJsonReport;

      expect(report).toMatchObject({ requests: 3, sent: 3, errors: 3 });
      expect(report.errorsByReason).toEqual({ timeout: 3 });
    } finally {
      await collector.close();
    }
  }, 15_000);

  it('stops at once when aborted, counting the requests in flight as stopped', async () => {
    const collector = await silentCollector();
    const aborter = new AbortController();
    try {
      setTimeout(() => aborter.abort(), 200);
      const summary = await runLoad({
        url: collector.url,
        model: new TrafficModel({ seed: 1, invalidShare: 0 }),
        batch: 5,
        concurrency: 2,
        count: 1_000_000,
        signal: aborter.signal,
      });

      expect(summary.elapsedMs).toBeLessThan(10_000);
      expect(summary).toMatchObject({ requests: 2, sent: 10, errors: 10 });
      expect(summary.errorsByReason).toEqual({ stopped: 10 });
    } finally {
      await collector.close();
    }
  }, 15_000);
});
