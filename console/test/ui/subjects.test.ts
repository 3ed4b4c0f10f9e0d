import express from 'express';
import { listen } from '@sift/common';
import type { RunningServer } from '@sift/common';
import { SUMMARY_CONCURRENCY, subjectSummaries } from '../../src/ui/subjects';

/** A registry stand-in with `count` subjects that answers slowly and records the most requests in flight at once. */
async function slowRegistry(count: number): Promise<{ server: RunningServer; peak: () => number }> {
  let inFlight = 0;
  let peak = 0;
  const app = express();
  app.use((_req, res, next) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    res.on('finish', () => {
      inFlight -= 1;
    });
    setTimeout(next, 20);
  });
  app.get('/subjects', (_req, res) => {
    res.json(Array.from({ length: count }, (_, i) => `com.acme.s${String(i).padStart(3, '0')}`));
  });
  app.get('/subjects/:subject/versions/latest', (_req, res) => {
    res.json({ version: 2, id: 7, schemaType: 'JSON' });
  });
  app.get('/subjects/:subject/versions', (_req, res) => {
    res.json([1, 2]);
  });
  app.get('/config/:subject', (_req, res) => {
    res.json({ compatibilityLevel: 'FULL' });
  });
  return { server: await listen(app, 0, '127.0.0.1'), peak: () => peak };
}

describe('subjectSummaries', () => {
  it(`asks about at most ${SUMMARY_CONCURRENCY} subjects at once, and still lists every one`, async () => {
    const registry = await slowRegistry(100);
    try {
      const summaries = await subjectSummaries({ url: registry.server.url });
      expect(summaries).toHaveLength(100);
      expect(summaries[0]).toEqual({
        subject: 'com.acme.s000',
        schemaType: 'JSON',
        latestVersion: 2,
        latestId: 7,
        versionCount: 2,
        compatibility: 'FULL',
      });
      expect(registry.peak()).toBeGreaterThan(1);
      expect(registry.peak()).toBeLessThanOrEqual(3 * SUMMARY_CONCURRENCY);
    } finally {
      await registry.server.close();
    }
  });
});
