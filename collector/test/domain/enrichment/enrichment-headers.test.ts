import { goodEventHeaders } from '@sift/common';
import { enrich } from '../../../src/domain/enrichment/enrich';
import {
  enrichmentHeaderNames,
  enrichmentHeaders,
} from '../../../src/domain/enrichment/enrichment-headers';

describe('enrichmentHeaders', () => {
  it('puts every field of a full enrichment in its own header', () => {
    const headers = enrichmentHeaders({
      eventTime: '2026-03-01T11:59:55.000Z',
      userAgent: {
        original: 'ua',
        browser: { name: 'Chrome', version: '124.0.0.0', major: '124' },
        os: { name: 'Android', version: '14' },
        device: { type: 'mobile', vendor: 'Google', model: 'Pixel 8' },
        isBot: false,
      },
      clientIp: '81.2.69.0',
      url: {
        full: 'https://shop.example.com:8443/a?utm_source=x#top',
        scheme: 'https',
        domain: 'shop.example.com',
        port: 8443,
        path: '/a',
        query: 'utm_source=x',
        fragment: 'top',
      },
      utm: { source: 'x', medium: 'cpc', campaign: 'c', term: 't', content: 'k' },
      clickId: { name: 'gclid', value: 'abc' },
      referrer: { full: 'https://www.google.com/', domain: 'www.google.com', path: '/' },
      sourceCategory: 'paid',
      source: 'x',
      geo: {
        continent_code: 'EU',
        country_iso_code: 'GB',
        country_name: 'United Kingdom',
        region_iso_code: 'GB-ENG',
        region_name: 'England',
        city_name: 'London',
        timezone: 'Europe/London',
        location: { lat: 51.5142, lon: -0.0931 },
      },
    });
    expect(headers).toEqual({
      'sift-event-time': '2026-03-01T11:59:55.000Z',
      'sift-user-agent': 'ua',
      'sift-ua-name': 'Chrome',
      'sift-ua-version': '124.0.0.0',
      'sift-ua-os-name': 'Android',
      'sift-ua-os-version': '14',
      'sift-ua-device-type': 'mobile',
      'sift-ua-device-vendor': 'Google',
      'sift-ua-device-model': 'Pixel 8',
      'sift-ua-bot': 'false',
      'sift-client-ip': '81.2.69.0',
      'sift-page-url': 'https://shop.example.com:8443/a?utm_source=x#top',
      'sift-url-scheme': 'https',
      'sift-url-domain': 'shop.example.com',
      'sift-url-port': '8443',
      'sift-url-path': '/a',
      'sift-url-query': 'utm_source=x',
      'sift-url-fragment': 'top',
      'sift-utm-source': 'x',
      'sift-utm-medium': 'cpc',
      'sift-utm-campaign': 'c',
      'sift-utm-term': 't',
      'sift-utm-content': 'k',
      'sift-click-id-name': 'gclid',
      'sift-click-id': 'abc',
      'sift-referrer': 'https://www.google.com/',
      'sift-referrer-domain': 'www.google.com',
      'sift-referrer-path': '/',
      'sift-source-category': 'paid',
      'sift-source-name': 'x',
      'sift-geo-continent-code': 'EU',
      'sift-geo-country-iso-code': 'GB',
      'sift-geo-country-name': 'United Kingdom',
      'sift-geo-region-iso-code': 'GB-ENG',
      'sift-geo-region-name': 'England',
      'sift-geo-city-name': 'London',
      'sift-geo-timezone': 'Europe/London',
      'sift-geo-location': '51.5142,-0.0931',
    });
  });

  it('gives no header for an absent field', () => {
    expect(enrichmentHeaders(enrich({ receivedAt: new Date('2026-03-01T12:00:00Z') }))).toEqual({
      'sift-event-time': '2026-03-01T12:00:00.000Z',
      'sift-source-category': 'direct',
    });
  });

  it('reuses the contract names for the fields the collector already sends', () => {
    expect(enrichmentHeaderNames.userAgent).toBe(goodEventHeaders.userAgent);
    expect(enrichmentHeaderNames.clientIp).toBe(goodEventHeaders.clientIp);
    expect(enrichmentHeaderNames.pageUrl).toBe(goodEventHeaders.pageUrl);
    expect(enrichmentHeaderNames.referrer).toBe(goodEventHeaders.referrer);
    expect(enrichmentHeaderNames.sourceCategory).toBe(goodEventHeaders.sourceCategory);
  });

  it('names every good-topic header once, each starting with sift-', () => {
    const names = Object.values(enrichmentHeaderNames);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^sift-[a-z-]+$/);
  });
});
