import { createHash } from 'node:crypto';

/** Namespace of the name-based UUIDs Sift derives (a fixed random UUID). */
const SIFT_NAMESPACE = Buffer.from('3f0f7a52c1e94a4c9c2b8e6d1a7b5c40', 'hex');

/** A name-based UUID (version 5, SHA-1, RFC 9562): the same name always gives the same id. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(SIFT_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of an event that came without a sender id, read from a raw record: derived from
 * where the record sits and the event's index in its body (`body` for a bad event holding
 * the whole body), so reading the record again gives the event the same id.
 */
export function rawEventId(
  topic: string,
  partition: number,
  offset: string,
  index: number | string,
): string {
  return nameBasedUuid(`raw\u0000${topic}\u0000${partition}\u0000${offset}\u0000${index}`);
}
