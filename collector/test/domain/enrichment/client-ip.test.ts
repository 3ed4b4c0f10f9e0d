import { anonymizeClientIp } from '../../../src/domain/enrichment/client-ip';

describe('anonymizeClientIp', () => {
  it('zeroes the last IPv4 octet by default (partial)', () => {
    expect(anonymizeClientIp('203.0.113.77')).toBe('203.0.113.0');
    expect(anonymizeClientIp('203.0.113.77', 'partial')).toBe('203.0.113.0');
  });

  it('keeps the first 48 bits of IPv6 under partial', () => {
    expect(anonymizeClientIp('2001:db8:85a3:8d3:1319:8a2e:370:7348', 'partial')).toBe(
      '2001:db8:85a3::',
    );
  });

  it('unwraps IPv4-mapped IPv6 addresses under partial', () => {
    expect(anonymizeClientIp('::ffff:198.51.100.23', 'partial')).toBe('198.51.100.0');
  });

  it('keeps the address whole under none', () => {
    expect(anonymizeClientIp('203.0.113.77', 'none')).toBe('203.0.113.77');
    expect(anonymizeClientIp(' 2001:db8::1 ', 'none')).toBe('2001:db8::1');
  });

  it('drops the address under full', () => {
    expect(anonymizeClientIp('203.0.113.77', 'full')).toBeUndefined();
  });

  it('drops what is not an IP address, in every mode', () => {
    for (const mode of ['none', 'partial', 'full'] as const) {
      expect(anonymizeClientIp('unknown', mode)).toBeUndefined();
      expect(anonymizeClientIp(undefined, mode)).toBeUndefined();
    }
  });
});
