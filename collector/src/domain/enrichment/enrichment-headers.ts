import { goodEventHeaders } from '@sift/common';
import type { Enrichment } from './enrich';

/**
 * Good-topic header of each enrichment field, one value per header: the one list of
 * good-topic headers in `@sift/common`.
 */
export const enrichmentHeaderNames = goodEventHeaders;

/**
 * The headers that carry an enrichment on the good topic; absent fields give no header.
 * `sift-ua-bot` is `true` or `false`; `sift-geo-location` is `lat,lon`, which Elasticsearch
 * takes as a `geo_point`.
 */
export function enrichmentHeaders(enrichment: Enrichment): Record<string, string> {
  const { userAgent: ua, url, utm, clickId, referrer, geo } = enrichment;
  const names = enrichmentHeaderNames;
  const pairs: [string, string | number | boolean | undefined][] = [
    [names.eventTime, enrichment.eventTime],
    [names.userAgent, ua?.original],
    [names.uaName, ua?.browser.name],
    [names.uaVersion, ua?.browser.version],
    [names.uaOsName, ua?.os.name],
    [names.uaOsVersion, ua?.os.version],
    [names.uaDeviceType, ua?.device.type],
    [names.uaDeviceVendor, ua?.device.vendor],
    [names.uaDeviceModel, ua?.device.model],
    [names.uaBot, ua?.isBot],
    [names.clientIp, enrichment.clientIp],
    [names.pageUrl, url?.full],
    [names.urlScheme, url?.scheme],
    [names.urlDomain, url?.domain],
    [names.urlPort, url?.port],
    [names.urlPath, url?.path],
    [names.urlQuery, url?.query],
    [names.urlFragment, url?.fragment],
    [names.utmSource, utm?.source],
    [names.utmMedium, utm?.medium],
    [names.utmCampaign, utm?.campaign],
    [names.utmTerm, utm?.term],
    [names.utmContent, utm?.content],
    [names.clickIdName, clickId?.name],
    [names.clickId, clickId?.value],
    [names.referrer, referrer?.full],
    [names.referrerDomain, referrer?.domain],
    [names.referrerPath, referrer?.path],
    [names.sourceCategory, enrichment.sourceCategory],
    [names.sourceName, enrichment.source],
    [names.geoContinentCode, geo?.continent_code],
    [names.geoCountryIsoCode, geo?.country_iso_code],
    [names.geoCountryName, geo?.country_name],
    [names.geoRegionIsoCode, geo?.region_iso_code],
    [names.geoRegionName, geo?.region_name],
    [names.geoCityName, geo?.city_name],
    [names.geoTimezone, geo?.timezone],
    [names.geoLocation, geo?.location && `${geo.location.lat},${geo.location.lon}`],
  ];
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) if (value !== undefined) headers[name] = String(value);
  return headers;
}
