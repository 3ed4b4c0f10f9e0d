/** Smallest latency the buckets tell apart, ms; anything below counts as this. */
const LOWEST_MS = 0.001;
/** Largest latency the buckets tell apart, ms (about 17 minutes); anything above counts as this. */
const HIGHEST_MS = 1_000_000;
/** Each bucket's upper bound is this factor times the one below. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(HIGHEST_MS / LOWEST_MS) / LOG_GROWTH) + 1;

/**
 * Request latencies in fixed log-scale buckets: memory and the cost of a quantile do not grow
 * with the number of requests. A quantile between 0.001 ms and 1 000 000 ms is within
 * {@link LatencyHistogram.relativeError} (0.5 %) of the exact nearest-rank value.
 */
export class LatencyHistogram {
  /** Largest relative error of a quantile: half a bucket on the log scale. */
  static readonly relativeError = Math.sqrt(GROWTH) - 1;

  /** Bucket `i` counts latencies in (LOWEST·GROWTHⁱ⁻¹, LOWEST·GROWTHⁱ]; bucket 0 all up to LOWEST. */
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private lowest = Number.POSITIVE_INFINITY;
  private highest = 0;

  /** Number of buckets: fixed, whatever the count. */
  get size(): number {
    return this.counts.length;
  }

  /** Latencies recorded. */
  get count(): number {
    return this.total;
  }

  /** The largest latency recorded, exact, ms; 0 when none. */
  get max(): number {
    return this.highest;
  }

  /** Records one latency, ms. */
  record(ms: number): void {
    const index =
      ms <= LOWEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / LOWEST_MS) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total += 1;
    if (ms < this.lowest) this.lowest = ms;
    if (ms > this.highest) this.highest = ms;
  }

  /** The latency at quantile `q` (0 to 1) by nearest rank, within the relative error, ms; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.min(this.total, Math.max(1, Math.ceil(q * this.total)));
    let seen = 0;
    let index = 0;
    for (; index < BUCKETS - 1; index += 1) {
      seen += this.counts[index] ?? 0;
      if (seen >= rank) break;
    }
    // The end buckets are open: below and above the range, the least and the most recorded.
    if (index === 0) return this.lowest;
    if (index === BUCKETS - 1) return this.highest;
    // The bucket's geometric middle, kept within what was recorded (exact for one value).
    const middle = LOWEST_MS * GROWTH ** (index - 0.5);
    return Math.min(this.highest, Math.max(this.lowest, middle));
  }
}
