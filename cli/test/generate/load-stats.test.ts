import { LatencyHistogram } from '../../src/generate/latency-histogram';
import { LoadStats, formatProgress, formatSummary } from '../../src/generate/load-stats';
import { verdictsOf } from '../../src/generate/load-runner';
import {
  durationArgument,
  invalidKindsArgument,
  rateArgument,
  shareArgument,
} from '../../src/commands/generate';

describe('load statistics', () => {
  it('takes quantiles by nearest rank, within the histogram precision', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms += 1) histogram.record(ms);
    const single = new LatencyHistogram();
    single.record(7);

    expect(LatencyHistogram.relativeError).toBeLessThanOrEqual(0.005);
    expect(Math.abs(histogram.quantile(0.5) / 50 - 1)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(histogram.quantile(0.99) / 99 - 1)).toBeLessThanOrEqual(0.005);
    expect(histogram.max).toBe(100);
    expect(single.quantile(0.99)).toBe(7);
    expect(new LatencyHistogram().quantile(0.5)).toBe(0);
  });

  it('counts answers by kind, flags answers other than planned, and counts failed requests as errors', () => {
    const stats = new LoadStats('http://collector');
    stats.record(['accepted', 'schema_violation', 'accepted'], {
      ok: true,
      latencyMs: 10,
      verdicts: ['accepted', 'schema_violation', 'unknown_event'],
    });
    stats.record(['malformed_json'], { ok: true, latencyMs: 30, verdicts: ['malformed_json'] });
    stats.record(['accepted', 'accepted'], { ok: false, latencyMs: 5, reason: 'HTTP 503' });

    const summary = stats.summary(2000);

    expect(summary).toMatchObject({
      requests: 3,
      sent: 6,
      accepted: 1,
      rejected: 3,
      rejectedByKind: { schema_violation: 1, unknown_event: 1, malformed_json: 1 },
      plannedInvalid: { schema_violation: 1, malformed_json: 1 },
      unexpected: 1,
      unexpectedSamples: [{ planned: 'accepted', answered: 'unknown_event' }],
      errors: 2,
      errorsByReason: { 'HTTP 503': 2 },
      eventsPerSecond: 2,
      latencyMs: { p50: 10, p99: 30, max: 30 },
    });
    expect(formatProgress(summary)).toBe(
      '2.0 s  sent 6  accepted 1  rejected 3  errors 2  2 events/s  p99 30 ms',
    );
    expect(formatSummary(summary)).toContain(
      '  rejected    3 (malformed_json 1, schema_violation 1, unknown_event 1)',
    );
  });

  it('reads the per-event verdicts of a collector answer, and none from an error body', () => {
    const answer = JSON.stringify({
      accepted: 1,
      rejected: 1,
      events: [
        { index: 0, id: 'a', status: 'accepted' },
        { index: 1, id: 'b', status: 'rejected', kind: 'unknown_version', errors: [] },
      ],
    });

    expect(verdictsOf(answer)).toEqual(['accepted', 'unknown_version']);
    expect(verdictsOf('{"error":{"code":"SIFT_UNAVAILABLE"}}')).toBeUndefined();
    expect(verdictsOf('<html>')).toBeUndefined();
  });
});

describe('sift generate arguments', () => {
  it('reads rates, durations, shares and kinds, and refuses nonsense', () => {
    expect(rateArgument('500/s')).toBe(500);
    expect(rateArgument('12.5')).toBe(12.5);
    expect(durationArgument('60s')).toBe(60_000);
    expect(durationArgument('2m')).toBe(120_000);
    expect(durationArgument('250ms')).toBe(250);
    expect(durationArgument('3')).toBe(3000);
    expect(shareArgument('0.05')).toBe(0.05);
    expect(invalidKindsArgument('unknown_event, size_violation')).toEqual([
      'unknown_event',
      'size_violation',
    ]);
    expect(() => rateArgument('fast')).toThrow('is not a rate');
    expect(() => durationArgument('1h')).toThrow('is not a duration');
    expect(() => shareArgument('1.5')).toThrow('is not a share');
    expect(() => invalidKindsArgument('typo')).toThrow("'typo' is not a kind");
  });
});
