import { LatencyHistogram } from './latency-histogram';
import type { Expected } from './traffic-model';

/** What the collector answered for one request, as far as the generator needs it. */
export type RequestOutcome =
  | { ok: true; latencyMs: number; verdicts: string[] }
  | { ok: false; latencyMs: number; reason: string };

/** Figures of a load run so far, or at its end. */
export interface LoadSummary {
  /** Collector URL. */
  url: string;
  elapsedMs: number;
  requests: number;
  /** Inputs sent: events, or malformed bodies, each one input of the collector. */
  sent: number;
  accepted: number;
  rejected: number;
  rejectedByKind: Record<string, number>;
  /** Inputs the generator made invalid, by kind. */
  plannedInvalid: Record<string, number>;
  /** Inputs answered otherwise than planned (a valid event rejected, or a wrong kind). */
  unexpected: number;
  /** The first few unexpected answers: what was planned and what came back. */
  unexpectedSamples: { planned: string; answered: string }[];
  /** Inputs whose request got no per-event answer (connection error, 503 …). */
  errors: number;
  errorsByReason: Record<string, number>;
  /** Inputs answered (accepted or rejected) a second. */
  eventsPerSecond: number;
  /** Per request; p50 and p99 within {@link LatencyHistogram.relativeError}, max exact. */
  latencyMs: { p50: number; p99: number; max: number };
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Adds up what a load run sent and what came back. */
export class LoadStats {
  private readonly latencies = new LatencyHistogram();
  private requests = 0;
  private sent = 0;
  private accepted = 0;
  private rejected = 0;
  private unexpected = 0;
  private errors = 0;
  private readonly rejectedByKind: Record<string, number> = {};
  private readonly plannedInvalid: Record<string, number> = {};
  private readonly errorsByReason: Record<string, number> = {};
  private readonly unexpectedSamples: { planned: string; answered: string }[] = [];

  constructor(private readonly url: string) {}

  /** Records one request: what was planned for each input and what the collector answered. */
  record(expected: readonly Expected[], outcome: RequestOutcome): void {
    this.requests += 1;
    this.sent += expected.length;
    this.latencies.record(outcome.latencyMs);
    for (const planned of expected) if (planned !== 'accepted') bump(this.plannedInvalid, planned);
    if (!outcome.ok) {
      this.errors += expected.length;
      bump(this.errorsByReason, outcome.reason, expected.length);
      return;
    }
    outcome.verdicts.forEach((answered, index) => {
      if (answered === 'accepted') this.accepted += 1;
      else {
        this.rejected += 1;
        bump(this.rejectedByKind, answered);
      }
      const planned = expected[index] ?? 'nothing';
      if (planned !== answered) {
        this.unexpected += 1;
        if (this.unexpectedSamples.length < 5) this.unexpectedSamples.push({ planned, answered });
      }
    });
    // An answer with fewer verdicts than inputs leaves the rest unanswered.
    if (outcome.verdicts.length < expected.length) {
      const missing = expected.length - outcome.verdicts.length;
      this.errors += missing;
      bump(this.errorsByReason, 'no verdict', missing);
    }
  }

  /** The figures now, `elapsedMs` after the start. */
  summary(elapsedMs: number): LoadSummary {
    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      url: this.url,
      elapsedMs: Math.round(elapsedMs),
      requests: this.requests,
      sent: this.sent,
      accepted: this.accepted,
      rejected: this.rejected,
      rejectedByKind: { ...this.rejectedByKind },
      plannedInvalid: { ...this.plannedInvalid },
      unexpected: this.unexpected,
      unexpectedSamples: [...this.unexpectedSamples],
      errors: this.errors,
      errorsByReason: { ...this.errorsByReason },
      eventsPerSecond:
        elapsedMs > 0 ? Math.round(((this.accepted + this.rejected) * 1000) / elapsedMs) : 0,
      latencyMs: {
        p50: round(this.latencies.quantile(0.5)),
        p99: round(this.latencies.quantile(0.99)),
        max: round(this.latencies.max),
      },
    };
  }
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} ${n}`).join(', ');
}

/** One progress line: `12.0 s  sent 24000  accepted 22800  rejected 1200  errors 0  2000 events/s  p99 31.2 ms`. */
export function formatProgress(summary: LoadSummary): string {
  return (
    `${(summary.elapsedMs / 1000).toFixed(1)} s  sent ${summary.sent}  accepted ${summary.accepted}` +
    `  rejected ${summary.rejected}  errors ${summary.errors}  ${summary.eventsPerSecond} events/s` +
    `  p99 ${summary.latencyMs.p99} ms`
  );
}

/** The summary a person reads at the end of a run. */
export function formatSummary(summary: LoadSummary): string {
  const lines = [
    `sift generate → ${summary.url}: ${summary.sent} events in ${summary.requests} requests, ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    `  accepted    ${summary.accepted}`,
    `  rejected    ${summary.rejected} (${counts(summary.rejectedByKind)})`,
    `  planned     ${summary.sent - sumOf(summary.plannedInvalid)} valid, invalid: ${counts(summary.plannedInvalid)}`,
    `  unexpected  ${summary.unexpected}${summary.unexpectedSamples.map((s) => `; planned ${s.planned}, answered ${s.answered}`).join('')}`,
    `  errors      ${summary.errors}${summary.errors > 0 ? ` (${counts(summary.errorsByReason)})` : ''}`,
    `  throughput  ${summary.eventsPerSecond} events/s`,
    `  latency     p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms (per request)`,
  ];
  return `${lines.join('\n')}\n`;
}

function sumOf(record: Record<string, number>): number {
  return Object.values(record).reduce((sum, n) => sum + n, 0);
}
