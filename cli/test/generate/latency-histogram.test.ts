import { LatencyHistogram } from '../../src/generate/latency-histogram';
import { Prng } from '../../src/generate/prng';

/** The exact nearest-rank quantile of ascending `sorted`. */
function exact(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? 0;
}

describe('latency histogram', () => {
  it('keeps a million latencies in a fixed number of buckets, p50 and p99 within 0.5 %', () => {
    const random = new Prng(42);
    const histogram = new LatencyHistogram();
    const size = histogram.size;
    const latencies = new Float64Array(1_000_000);
    for (let i = 0; i < latencies.length; i += 1) {
      // Long-tailed like request latencies: mostly a few ms, some in the seconds.
      const ms = Math.exp(random.float() * 8 - 2);
      latencies[i] = ms;
      histogram.record(ms);
    }
    latencies.sort();

    expect(histogram.count).toBe(1_000_000);
    expect(histogram.size).toBe(size);
    expect(size).toBeLessThan(5000);
    for (const q of [0.5, 0.99]) {
      expect(Math.abs(histogram.quantile(q) / exact(latencies, q) - 1)).toBeLessThanOrEqual(
        LatencyHistogram.relativeError,
      );
    }
    expect(histogram.max).toBe(latencies[latencies.length - 1]);
  });

  it('counts latencies outside its range at its ends without losing the exact max', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0);
    histogram.record(5_000_000);

    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.quantile(1)).toBe(5_000_000);
    expect(histogram.max).toBe(5_000_000);
  });
});
