import { isIPv4, isIPv6 } from 'node:net';

/**
 * Drops the host part of a client address before it is stored: the last octet of IPv4
 * (`203.0.113.7` → `203.0.113.0`), everything past the first 48 bits of IPv6.
 */
export function anonymizeIp(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const plain = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(plain)) return plain.replace(/\.\d+$/, '.0');
  if (isIPv6(plain)) {
    const [head = '', tail = ''] = plain.split('::');
    const groups = [...head.split(':').filter(Boolean)];
    const tailGroups = tail.split(':').filter(Boolean);
    while (groups.length + tailGroups.length < 8) groups.push('0');
    return `${[...groups, ...tailGroups].slice(0, 3).join(':')}::`;
  }
  return undefined;
}
