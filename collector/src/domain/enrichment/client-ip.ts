import { isIP } from 'node:net';
import { anonymizeIp } from '../anonymize-ip';

/**
 * How much of the client address is kept: `none` keeps it whole, `partial` zeroes the last
 * IPv4 octet or all but the first 48 bits of IPv6, `full` drops it.
 */
export type IpAnonymization = 'none' | 'partial' | 'full';

/** The client address as it may be stored, or `undefined` when it is dropped or not an IP address. */
export function anonymizeClientIp(
  ip: string | undefined,
  mode: IpAnonymization = 'partial',
): string | undefined {
  if (ip === undefined || mode === 'full') return undefined;
  const address = ip.trim();
  if (mode === 'partial') return anonymizeIp(address);
  return isIP(address) === 0 ? undefined : address;
}
