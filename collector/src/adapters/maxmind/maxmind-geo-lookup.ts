import { isIP, isIPv4 } from 'node:net';
import { open } from 'maxmind';
import type { CityResponse, Reader } from 'maxmind';
import { ConfigError } from '@sift/common';
import type { GeoInfo, GeoLookup } from '../../domain/enrichment/geo-lookup';

/** How a MaxMind database is read. */
export interface MaxmindGeoLookupOptions {
  /** Language of place names, falling back to English. Default `en`. */
  language?: string;
  /** Lookups kept in memory (LRU). Default 10 000. */
  cacheSize?: number;
}

/**
 * Finds where IP addresses are in a MaxMind DB file (`.mmdb`) of the GeoIP2 / GeoLite2 City
 * or Country layout, read whole into memory by `open`. Give `lookup` the ORIGINAL client
 * address, before anonymization: the zeroed address of `anonymizeIp` belongs to another
 * network and finds another place, or none.
 */
export class MaxmindGeoLookup implements GeoLookup {
  private constructor(
    private readonly reader: Reader<CityResponse>,
    private readonly language: string,
  ) {}

  /** Opens a database; throws `ConfigError` (`SIFT_CONFIG_INVALID`) when the file is missing or not one. */
  static async open(
    path: string,
    options: MaxmindGeoLookupOptions = {},
  ): Promise<MaxmindGeoLookup> {
    let reader: Reader<CityResponse>;
    try {
      reader = await open<CityResponse>(path, { cache: { max: options.cacheSize ?? 10_000 } });
    } catch (error) {
      throw new ConfigError(
        `cannot open the MaxMind database ${path}: ${(error as Error).message}`,
        { cause: error, details: { path } },
      );
    }
    return new MaxmindGeoLookup(reader, options.language ?? 'en');
  }

  /** The database's type, from its metadata: `GeoLite2-City`. */
  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  /** When the database was built. */
  get buildDate(): Date {
    return this.reader.metadata.buildEpoch;
  }

  /** Where an address is; `undefined` when the database has no record or the text is no address. */
  lookup(ip: string): GeoInfo | undefined {
    const trimmed = ip.trim();
    const mapped = trimmed.toLowerCase().startsWith('::ffff:') ? trimmed.slice(7) : '';
    const address = isIPv4(mapped) ? mapped : trimmed;
    if (isIP(address) === 0) return undefined;
    let record: CityResponse | null;
    try {
      record = this.reader.get(address);
    } catch {
      // An IPv6 address in an IPv4-only database.
      return undefined;
    }
    return record === null ? undefined : this.toGeoInfo(record);
  }

  private toGeoInfo(record: CityResponse): GeoInfo | undefined {
    const country = record.country ?? record.registered_country;
    const region = record.subdivisions?.[0];
    const geo: GeoInfo = {};
    if (record.continent?.code) geo.continent_code = record.continent.code;
    if (country?.iso_code) geo.country_iso_code = country.iso_code;
    const countryName = this.name(country?.names);
    if (countryName) geo.country_name = countryName;
    if (region?.iso_code && country?.iso_code) {
      geo.region_iso_code = `${country.iso_code}-${region.iso_code}`;
    }
    const regionName = this.name(region?.names);
    if (regionName) geo.region_name = regionName;
    const cityName = this.name(record.city?.names);
    if (cityName) geo.city_name = cityName;
    if (record.location?.time_zone) geo.timezone = record.location.time_zone;
    const { latitude, longitude } = record.location ?? {};
    if (typeof latitude === 'number' && typeof longitude === 'number') {
      geo.location = { lat: latitude, lon: longitude };
    }
    return Object.keys(geo).length > 0 ? geo : undefined;
  }

  private name(names: { readonly en: string } | undefined): string | undefined {
    if (names === undefined) return undefined;
    return (names as Readonly<Record<string, string | undefined>>)[this.language] ?? names.en;
  }
}
