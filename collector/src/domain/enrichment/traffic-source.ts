import {
  clickIdParams,
  emailMediums,
  knownSources,
  paidMediums,
  searchMediums,
  socialMediums,
} from './known-sources';
import type { KnownSource } from './known-sources';
import type { ClickId, Utm } from './page-url';

/** Where a visit came from, by kind. */
export type SourceCategory =
  'search' | 'social' | 'email' | 'paid' | 'direct' | 'internal' | 'other';

/** A visit's source category and, when known, the source's name (`Google`, `newsletter`). */
export interface TrafficSource {
  category: SourceCategory;
  source?: string;
}

/** What the classification looks at. Domains are lower-case host names. */
export interface TrafficSourceInput {
  pageDomain?: string;
  referrerDomain?: string;
  utm?: Utm;
  clickId?: ClickId;
  /** Domains (with their subdomains) that count as the site itself. */
  internalDomains?: readonly string[];
}

// Country-code and generic TLDs, plus second-level forms such as co.uk and com.au.
const ANY_TLD = String.raw`(?:[a-z]{2,}|(?:co|com|org|net|ac|gov|edu|ne|or|gob)\.[a-z]{2})`;

type HostMatcher = (host: string) => boolean;

function hostMatcher(pattern: string): HostMatcher {
  if (pattern.endsWith('.*')) {
    const name = pattern.slice(0, -2).replace(/\./g, '\\.');
    // Only the bare, www. or m. host: docs.google.com is not Google search.
    const regex = new RegExp(`^(?:www\\.|m\\.)?${name}\\.${ANY_TLD}$`);
    return (host) => regex.test(host);
  }
  return (host) => isSameOrSubdomain(host, pattern);
}

const matchers: { source: KnownSource; matches: HostMatcher[] }[] = knownSources.map((source) => ({
  source,
  matches: source.hosts.map(hostMatcher),
}));

function isSameOrSubdomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function withoutWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** The known source a host belongs to. */
export function findSourceByHost(host: string): KnownSource | undefined {
  const lower = host.toLowerCase();
  return matchers.find(({ matches }) => matches.some((match) => match(lower)))?.source;
}

/** The known source a `utm_source` value names: its name, an alias or one of its hosts. */
export function findSourceByUtm(utmSource: string): KnownSource | undefined {
  const value = utmSource.trim().toLowerCase();
  return (
    knownSources.find(
      (source) => source.name.toLowerCase() === value || source.aliases?.includes(value),
    ) ?? findSourceByHost(value)
  );
}

function isPaidMedium(medium: string): boolean {
  return medium.startsWith('paid') || paidMediums.includes(medium);
}

function isInternal(
  referrerDomain: string,
  pageDomain: string | undefined,
  internalDomains: readonly string[],
): boolean {
  if (pageDomain !== undefined && withoutWww(referrerDomain) === withoutWww(pageDomain)) {
    return true;
  }
  return internalDomains.some((domain) =>
    isSameOrSubdomain(referrerDomain, domain.trim().toLowerCase()),
  );
}

/**
 * Classifies a visit, first rule that applies wins:
 * 1. paid: a paid `utm_medium` (cpc, ppc, display, paid…) or a paid click id (gclid, msclkid…);
 * 2. email, social, search: `utm_medium` says so (email, social, organic…);
 * 3. `utm_source` names a known source: that source's category;
 * 4. the referrer is the site itself (same domain ignoring `www.`, or under `internalDomains`):
 *    internal, or other when the page URL carries utm parameters;
 * 5. the referrer is known webmail, a social network or a search engine: its category;
 * 6. any other referrer, or utm parameters alone: other;
 * 7. a click id of a network that tags organic links too (fbclid): that network's category;
 * 8. nothing at all: direct.
 * The source is the known name when there is one, else `utm_source`, else the referrer domain.
 */
export function classifyTrafficSource(input: TrafficSourceInput): TrafficSource {
  const { utm, clickId, pageDomain, referrerDomain } = input;
  const medium = utm?.medium?.trim().toLowerCase();
  const utmKnown = utm?.source !== undefined ? findSourceByUtm(utm.source) : undefined;
  const referrerKnown = referrerDomain !== undefined ? findSourceByHost(referrerDomain) : undefined;
  const clickParam = clickIdParams.find((entry) => entry.param === clickId?.name);

  if ((medium !== undefined && isPaidMedium(medium)) || clickParam?.paid === true) {
    const source = utmKnown?.name ?? utm?.source ?? clickParam?.network ?? referrerKnown?.name;
    return result('paid', source);
  }
  const utmSourceName = utmKnown?.name ?? utm?.source ?? referrerKnown?.name;
  if (medium !== undefined && emailMediums.includes(medium)) return result('email', utmSourceName);
  if (medium !== undefined && socialMediums.includes(medium)) {
    return result('social', utmSourceName);
  }
  if (medium !== undefined && searchMediums.includes(medium)) {
    return result('search', utmSourceName);
  }
  if (utmKnown !== undefined) return result(utmKnown.category, utmKnown.name);

  if (referrerDomain !== undefined) {
    if (isInternal(referrerDomain, pageDomain, input.internalDomains ?? [])) {
      return utm !== undefined ? result('other', utm.source) : result('internal');
    }
    if (referrerKnown !== undefined) return result(referrerKnown.category, referrerKnown.name);
    return result('other', utm?.source ?? referrerDomain);
  }
  if (utm !== undefined) return result('other', utm.source);
  if (clickParam !== undefined) {
    return result(findSourceByUtm(clickParam.network)?.category ?? 'other', clickParam.network);
  }
  return result('direct');
}

function result(category: SourceCategory, source?: string): TrafficSource {
  return source === undefined ? { category } : { category, source };
}
