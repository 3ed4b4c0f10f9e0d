import { enrich } from '../../../src/domain/enrichment/enrich';
import type { GeoInfo, GeoLookup } from '../../../src/domain/enrichment/geo-lookup';

const receivedAt = new Date('2026-03-01T12:00:00.000Z');
const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** An in-memory geo lookup that records the addresses it was asked about. */
class MemoryGeoLookup implements GeoLookup {
  readonly asked: string[] = [];
  constructor(private readonly places: Record<string, GeoInfo>) {}
  lookup(ip: string): GeoInfo | undefined {
    this.asked.push(ip);
    return this.places[ip];
  }
}

const london: GeoInfo = {
  country_iso_code: 'GB',
  country_name: 'United Kingdom',
  region_name: 'England',
  city_name: 'London',
  location: { lat: 51.5142, lon: -0.0931 },
};

describe('enrich', () => {
  it('enriches a paid-search visit from an iPhone', () => {
    const geo = new MemoryGeoLookup({ '81.2.69.142': london });
    const enrichment = enrich(
      {
        receivedAt,
        sentAt: '2026-03-01T12:30:05.000Z',
        deviceCreatedAt: '2026-03-01T12:30:00.000Z',
        userAgent: iphone,
        ip: '81.2.69.142',
        pageUrl: 'https://shop.example.com/shoes?utm_source=google&utm_medium=cpc&gclid=Cj0KCQiA',
        referrer: 'https://www.google.com/',
      },
      { geo },
    );
    expect(enrichment).toEqual({
      eventTime: '2026-03-01T11:59:55.000Z',
      userAgent: {
        original: iphone,
        browser: { name: 'Mobile Safari', version: '17.4', major: '17' },
        os: { name: 'iOS', version: '17.4' },
        device: { type: 'mobile', vendor: 'Apple', model: 'iPhone' },
        isBot: false,
      },
      clientIp: '81.2.69.0',
      url: {
        full: 'https://shop.example.com/shoes?utm_source=google&utm_medium=cpc&gclid=Cj0KCQiA',
        scheme: 'https',
        domain: 'shop.example.com',
        port: 443,
        path: '/shoes',
        query: 'utm_source=google&utm_medium=cpc&gclid=Cj0KCQiA',
      },
      utm: { source: 'google', medium: 'cpc' },
      clickId: { name: 'gclid', value: 'Cj0KCQiA' },
      referrer: { full: 'https://www.google.com/', domain: 'www.google.com', path: '/' },
      sourceCategory: 'paid',
      source: 'Google',
      geo: london,
    });
  });

  it('looks the original address up, not the anonymized one', () => {
    const geo = new MemoryGeoLookup({ '81.2.69.142': london });
    const enrichment = enrich({ receivedAt, ip: '81.2.69.142' }, { geo, ipAnonymization: 'full' });
    expect(geo.asked).toEqual(['81.2.69.142']);
    expect(enrichment.geo).toEqual(london);
    expect(enrichment.clientIp).toBeUndefined();
  });

  it('keeps the address whole when anonymization is none', () => {
    expect(enrich({ receivedAt, ip: '81.2.69.142' }, { ipAnonymization: 'none' }).clientIp).toBe(
      '81.2.69.142',
    );
  });

  it('gives no geo field without a lookup or without an address', () => {
    expect(enrich({ receivedAt, ip: '81.2.69.142' }).geo).toBeUndefined();
    const geo = new MemoryGeoLookup({});
    expect(enrich({ receivedAt }, { geo }).geo).toBeUndefined();
    expect(geo.asked).toEqual([]);
  });

  it('marks internal navigation using the configured domains', () => {
    const enrichment = enrich(
      {
        receivedAt,
        pageUrl: 'https://shop.example.com/cart',
        referrer: 'https://blog.example.com/post',
      },
      { internalDomains: ['example.com'] },
    );
    expect(enrichment.sourceCategory).toBe('internal');
    expect(enrichment.source).toBeUndefined();
  });

  it('gives only the event time and direct for an event that tells nothing', () => {
    expect(enrich({ receivedAt })).toEqual({
      eventTime: '2026-03-01T12:00:00.000Z',
      sourceCategory: 'direct',
    });
  });

  it('leaves out what it cannot read, without throwing', () => {
    const enrichment = enrich({
      receivedAt,
      sentAt: 'yesterday',
      deviceCreatedAt: '???',
      userAgent: '',
      ip: 'not-an-ip',
      pageUrl: 'not a url',
      referrer: '::::',
    });
    expect(enrichment).toEqual({
      eventTime: '2026-03-01T12:00:00.000Z',
      sourceCategory: 'direct',
    });
  });
});
