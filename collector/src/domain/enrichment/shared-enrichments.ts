import { enrichShared } from './enrich';
import type { EnrichmentOptions, SharedEnrichment, SharedEnrichmentInput } from './enrich';
import { enrichmentHeaders } from './enrichment-headers';

/** A shared enrichment and the good-topic headers that carry it. */
export interface SharedEnrichmentResult {
  /** Frozen: every event with the same inputs gets this same object. */
  enrichment: Readonly<SharedEnrichment>;
  headers: Readonly<Record<string, string>>;
  /** Copies `headers` into a record's headers (a plain loop: much faster than a spread). */
  copyHeadersTo(target: Record<string, string>): void;
}

/** Distinct inputs remembered before the cache starts over. */
const DEFAULT_MAX_ENTRIES = 4096;

/**
 * The enrichments that do not depend on time, computed once per distinct user agent, client
 * address, page and referrer: a batch's events share most of them, and visitors come back to
 * the same pages. Bounded: when full, it starts over.
 */
export class SharedEnrichments {
  private readonly known = new Map<string, SharedEnrichmentResult>();

  constructor(
    private readonly options: EnrichmentOptions = {},
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  get(input: SharedEnrichmentInput): SharedEnrichmentResult {
    const key = `${input.userAgent ?? ''}\n${input.ip ?? ''}\n${input.pageUrl ?? ''}\n${input.referrer ?? ''}`;
    const known = this.known.get(key);
    if (known !== undefined) return known;
    const enrichment = Object.freeze(enrichShared(input, this.options));
    const headers = Object.freeze(enrichmentHeaders(enrichment));
    const names = Object.keys(headers);
    const values = Object.values(headers);
    const copyHeadersTo = (target: Record<string, string>): void => {
      for (let i = 0; i < names.length; i++) target[names[i] as string] = values[i] as string;
    };
    const result = { enrichment, headers, copyHeadersTo };
    if (this.known.size >= this.maxEntries) this.known.clear();
    this.known.set(key, result);
    return result;
  }
}
