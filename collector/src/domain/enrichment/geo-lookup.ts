/** Where an IP address is, in Elastic Common Schema `geo.*` names; fields the source lacks are absent. */
export interface GeoInfo {
  /** Two-letter continent code: `EU`. */
  continent_code?: string;
  /** ISO 3166-1 alpha-2 country code: `GB`. */
  country_iso_code?: string;
  country_name?: string;
  /** ISO 3166-2 code of the first-level subdivision: `GB-ENG`, `US-WA`. */
  region_iso_code?: string;
  region_name?: string;
  city_name?: string;
  /** IANA time zone: `Europe/London`. */
  timezone?: string;
  /** Latitude and longitude in degrees (WGS 84). */
  location?: { lat: number; lon: number };
}

/**
 * Finds where an IP address is (port; `MaxmindGeoLookup` reads a `.mmdb` file). Synchronous:
 * adapters load their database before the collector starts. Give it the address as received,
 * before anonymization, and expect `undefined` for unknown, private or malformed addresses.
 */
export interface GeoLookup {
  lookup(ip: string): GeoInfo | undefined;
}
