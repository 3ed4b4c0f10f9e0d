import { anonymizeClientIp } from './client-ip';
import type { IpAnonymization } from './client-ip';
import { DEFAULT_MAX_SEND_DELAY_MS, deriveEventTime } from './event-time';
import type { GeoInfo, GeoLookup } from './geo-lookup';
import { parseReferrer, parseUrl, readCampaign } from './page-url';
import type { ClickId, ParsedReferrer, ParsedUrl, Utm } from './page-url';
import { classifyTrafficSource } from './traffic-source';
import type { SourceCategory } from './traffic-source';
import { parseUserAgent } from './user-agent';
import type { UserAgentInfo } from './user-agent';

/** What Sift knows about one event besides its data. */
export interface EnrichmentInput {
  /** When the collector received the request. */
  receivedAt: Date;
  /** The sender's clock when it sent the event (the envelope's `sent_at`). */
  sentAt?: string;
  /** The sender's clock when the event was created (`context.created_at`): ISO 8601 or epoch ms. */
  deviceCreatedAt?: string;
  userAgent?: string;
  /** The client address as received, NOT anonymized: the geo lookup needs it whole. */
  ip?: string;
  pageUrl?: string;
  referrer?: string;
  /** Not read by the built-in enrichments; there for callers' logs. */
  eventId?: string;
}

/** How events are enriched; one object per collector, from its config. */
export interface EnrichmentOptions {
  /** How much of the client address is kept. Default `partial`. */
  ipAnonymization?: IpAnonymization;
  /** Referrer domains (with their subdomains) that count as the site itself, besides the page's own. */
  internalDomains?: readonly string[];
  /** Where IP addresses are; no `geo` field without it. */
  geo?: GeoLookup;
  /** Longest creation-to-send wait corrected for in `eventTime`. Default 30 days. */
  maxSendDelayMs?: number;
}

/** What enrichment adds to an event; a field is absent when its input is missing or unreadable. */
export interface Enrichment {
  /** ISO 8601 time the event happened, corrected for the sender's clock skew. */
  eventTime?: string;
  userAgent?: UserAgentInfo;
  /** The client address, anonymized as configured. */
  clientIp?: string;
  url?: ParsedUrl;
  utm?: Utm;
  clickId?: ClickId;
  referrer?: ParsedReferrer;
  sourceCategory?: SourceCategory;
  /** The traffic source's name: `Google`, `Facebook`, a `utm_source` or a referrer domain. */
  source?: string;
  geo?: GeoInfo;
}

/** What enrichment reads that many events share: everything but the times. */
export type SharedEnrichmentInput = Pick<
  EnrichmentInput,
  'userAgent' | 'ip' | 'pageUrl' | 'referrer'
>;

/** The part of an enrichment that depends only on {@link SharedEnrichmentInput}. */
export type SharedEnrichment = Omit<Enrichment, 'eventTime'>;

/**
 * Enriches one event: event time, user agent, anonymized client address, page URL and
 * campaign, referrer, traffic source and, with `options.geo`, location. Pure apart from the
 * geo lookup; never throws on malformed input, which just leaves its fields out.
 */
export function enrich(input: EnrichmentInput, options: EnrichmentOptions = {}): Enrichment {
  return { eventTime: enrichEventTime(input, options), ...enrichShared(input, options) };
}

/** The event's time, corrected for the sender's clock skew, ISO 8601. */
export function enrichEventTime(
  input: Pick<EnrichmentInput, 'receivedAt' | 'sentAt' | 'deviceCreatedAt'>,
  options: EnrichmentOptions = {},
): string {
  return deriveEventTime(
    input.receivedAt,
    input.sentAt,
    input.deviceCreatedAt,
    options.maxSendDelayMs ?? DEFAULT_MAX_SEND_DELAY_MS,
  ).toISOString();
}

/** Everything {@link enrich} finds apart from the event time. */
export function enrichShared(
  input: SharedEnrichmentInput,
  options: EnrichmentOptions = {},
): SharedEnrichment {
  const enrichment: SharedEnrichment = {};

  const userAgent = parseUserAgent(input.userAgent);
  if (userAgent !== undefined) enrichment.userAgent = userAgent;

  const clientIp = anonymizeClientIp(input.ip, options.ipAnonymization ?? 'partial');
  if (clientIp !== undefined) enrichment.clientIp = clientIp;

  const url = parseUrl(input.pageUrl);
  if (url !== undefined) enrichment.url = url;
  const { utm, clickId } = readCampaign(url?.query);
  if (utm !== undefined) enrichment.utm = utm;
  if (clickId !== undefined) enrichment.clickId = clickId;

  const referrer = parseReferrer(input.referrer);
  if (referrer !== undefined) enrichment.referrer = referrer;

  const { category, source } = classifyTrafficSource({
    pageDomain: url?.domain,
    referrerDomain: referrer?.domain,
    utm,
    clickId,
    internalDomains: options.internalDomains,
  });
  enrichment.sourceCategory = category;
  if (source !== undefined) enrichment.source = source;

  const ip = input.ip?.trim();
  if (options.geo !== undefined && ip) {
    const geo = options.geo.lookup(ip);
    if (geo !== undefined) enrichment.geo = geo;
  }
  return enrichment;
}
