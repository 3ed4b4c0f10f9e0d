import { join } from 'node:path';
import { isSiftError } from '@sift/common';
import { MaxmindGeoLookup } from '../../../src/adapters/maxmind/maxmind-geo-lookup';
import { anonymizeIp } from '../../../src/domain/anonymize-ip';
import { enrich } from '../../../src/domain/enrichment/enrich';
import { GEO_FIXTURE_PATH } from './fixtures/geo-fixture';

describe('MaxmindGeoLookup', () => {
  let geo: MaxmindGeoLookup;

  beforeAll(async () => {
    geo = await MaxmindGeoLookup.open(GEO_FIXTURE_PATH);
  });

  it('reads the database metadata', () => {
    expect(geo.databaseType).toBe('GeoLite2-City');
    expect(geo.buildDate.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('finds a city for an IPv4 address, in ECS geo names', () => {
    expect(geo.lookup('81.2.69.142')).toEqual({
      continent_code: 'EU',
      country_iso_code: 'GB',
      country_name: 'United Kingdom',
      region_iso_code: 'GB-ENG',
      region_name: 'England',
      city_name: 'London',
      timezone: 'Europe/London',
      location: { lat: 51.5142, lon: -0.0931 },
    });
  });

  it('finds every address of a network', () => {
    for (const ip of ['216.160.83.56', '216.160.83.60', '216.160.83.63']) {
      expect(geo.lookup(ip)).toMatchObject({
        country_iso_code: 'US',
        region_iso_code: 'US-WA',
        region_name: 'Washington',
        city_name: 'Milton',
      });
    }
    expect(geo.lookup('216.160.83.64')).toBeUndefined();
  });

  it('keeps non-ASCII place names', () => {
    expect(geo.lookup('89.160.20.120')).toMatchObject({
      city_name: 'Linköping',
      region_name: 'Östergötland County',
      country_name: 'Sweden',
    });
  });

  it('finds IPv6 addresses', () => {
    expect(geo.lookup('2001:db8:1::5')).toMatchObject({
      country_iso_code: 'FR',
      region_iso_code: 'FR-IDF',
      city_name: 'Paris',
    });
    expect(geo.lookup('2001:218:1234::1')).toEqual({
      continent_code: 'AS',
      country_iso_code: 'JP',
      country_name: 'Japan',
      timezone: 'Asia/Tokyo',
      location: { lat: 35.69, lon: 139.69 },
    });
  });

  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(geo.lookup('::ffff:81.2.69.142')?.city_name).toBe('London');
  });

  it('gives the country alone where the database knows no city', () => {
    expect(geo.lookup('67.43.156.1')).toEqual({
      continent_code: 'AS',
      country_iso_code: 'BT',
      country_name: 'Bhutan',
      timezone: 'Asia/Thimphu',
      location: { lat: 27.5, lon: 90.5 },
    });
  });

  it('falls back to the registered country', () => {
    expect(geo.lookup('202.196.224.1')).toEqual({
      continent_code: 'AS',
      country_iso_code: 'PH',
      country_name: 'Philippines',
    });
  });

  it('gives nothing for unknown, private or malformed addresses', () => {
    expect(geo.lookup('10.0.0.1')).toBeUndefined();
    expect(geo.lookup('192.0.2.1')).toBeUndefined();
    expect(geo.lookup('2001:db8:2::1')).toBeUndefined();
    expect(geo.lookup('not-an-ip')).toBeUndefined();
    expect(geo.lookup('')).toBeUndefined();
  });

  it('misses after anonymization, which is why it takes the original address', () => {
    expect(anonymizeIp('81.2.69.142')).toBe('81.2.69.0');
    expect(geo.lookup('81.2.69.0')).toBeUndefined();
  });

  it('names places in the language asked for, falling back to English', async () => {
    const german = await MaxmindGeoLookup.open(GEO_FIXTURE_PATH, { language: 'de' });
    expect(german.lookup('81.2.69.142')).toMatchObject({
      country_name: 'Vereinigtes Königreich',
      region_name: 'England',
      city_name: 'London',
    });
  });

  it('feeds enrich the location while the stored address is anonymized', () => {
    const enrichment = enrich({ receivedAt: new Date(), ip: '81.2.69.142' }, { geo });
    expect(enrichment.clientIp).toBe('81.2.69.0');
    expect(enrichment.geo?.city_name).toBe('London');
  });

  it('refuses a missing file with a config error', async () => {
    const opening = MaxmindGeoLookup.open(join(__dirname, 'fixtures', 'missing.mmdb'));
    await expect(opening).rejects.toMatchObject({ code: 'SIFT_CONFIG_INVALID' });
    const error: unknown = await opening.catch((caught: unknown) => caught);
    expect(isSiftError(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });

  it('refuses a file that is not a MaxMind database', async () => {
    await expect(MaxmindGeoLookup.open(__filename)).rejects.toMatchObject({
      code: 'SIFT_CONFIG_INVALID',
    });
  });
});
