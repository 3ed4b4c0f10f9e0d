export { enrich, enrichEventTime, enrichShared } from './enrich';
export type {
  Enrichment,
  EnrichmentInput,
  EnrichmentOptions,
  SharedEnrichment,
  SharedEnrichmentInput,
} from './enrich';
export { SharedEnrichments } from './shared-enrichments';
export type { SharedEnrichmentResult } from './shared-enrichments';
export { enrichmentHeaderNames, enrichmentHeaders } from './enrichment-headers';
export { runEnrichmentHooks } from './enrichment-hook';
export type { EnrichmentHook, EnrichmentHookEvent, HookHeaders } from './enrichment-hook';
export type { GeoInfo, GeoLookup } from './geo-lookup';
export { anonymizeClientIp } from './client-ip';
export type { IpAnonymization } from './client-ip';
export { DEFAULT_MAX_SEND_DELAY_MS, deriveEventTime, parseDeviceTime } from './event-time';
export { parseReferrer, parseUrl, readCampaign } from './page-url';
export type { ClickId, ParsedReferrer, ParsedUrl, Utm } from './page-url';
export { classifyTrafficSource, findSourceByHost, findSourceByUtm } from './traffic-source';
export type { SourceCategory, TrafficSource, TrafficSourceInput } from './traffic-source';
export { parseUserAgent } from './user-agent';
export type { DeviceType, UserAgentInfo } from './user-agent';
