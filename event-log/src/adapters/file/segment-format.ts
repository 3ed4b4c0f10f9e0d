import { crc32 } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';
import type { LogRecord } from '../../ports';

/**
 * One record on disk: `u32 body length | u32 CRC-32 of the body | body`, where the body is
 * `f64 timestamp | i32 key length (-1: no key) | key | u32 headers length | headers JSON | value`.
 * The CRC lets a reopened log tell a torn last write from a whole record.
 */
const FRAME_HEADER_BYTES = 8;
const BODY_FIXED_BYTES = 16;

/** A record read back from a segment, before the log adds topic and offset. */
export interface StoredRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** Encodes records as consecutive frames. */
export function encodeFrames(records: readonly LogRecord[], timestamp: number): Buffer {
  const parts: Buffer[] = [];
  for (const record of records) {
    const key = record.key == null ? null : Buffer.from(record.key, 'utf8');
    const headers = Buffer.from(JSON.stringify(record.headers ?? {}), 'utf8');
    const bodyLength = BODY_FIXED_BYTES + (key?.length ?? 0) + headers.length + record.value.length;
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
    let at = FRAME_HEADER_BYTES;
    at = frame.writeDoubleBE(timestamp, at);
    at = frame.writeInt32BE(key ? key.length : -1, at);
    if (key) at += key.copy(frame, at);
    at = frame.writeUInt32BE(headers.length, at);
    at += headers.copy(frame, at);
    record.value.copy(frame, at);
    frame.writeUInt32BE(bodyLength, 0);
    frame.writeUInt32BE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
    parts.push(frame);
  }
  return Buffer.concat(parts);
}

function decodeBody(body: Buffer): StoredRecord {
  let at = 0;
  const timestamp = body.readDoubleBE(at);
  at += 8;
  const keyLength = body.readInt32BE(at);
  at += 4;
  const key = keyLength < 0 ? null : body.toString('utf8', at, at + keyLength);
  at += Math.max(keyLength, 0);
  const headersLength = body.readUInt32BE(at);
  at += 4;
  const headers = JSON.parse(body.toString('utf8', at, at + headersLength)) as Record<
    string,
    string
  >;
  at += headersLength;
  return { key, value: Buffer.from(body.subarray(at)), headers, timestamp };
}

/** What a scan of a segment found. */
export interface FrameRead {
  records: StoredRecord[];
  /** File position after the last whole frame read. */
  end: number;
  /** Frames skipped or read. */
  count: number;
  /** Set when a frame at `end` is cut short or fails its CRC. */
  torn: boolean;
}

/**
 * Reads whole frames from `position` up to `limit` (a file position), at most `maxRecords`
 * and about `maxBytes`; with `decode` false it only counts and checks them.
 */
export async function readFrames(
  file: FileHandle,
  position: number,
  limit: number,
  options: { maxRecords: number; maxBytes: number; decode: boolean },
): Promise<FrameRead> {
  const records: StoredRecord[] = [];
  let count = 0;
  let at = position;
  while (at < limit && count < options.maxRecords) {
    const chunkLength = Math.min(Math.max(options.maxBytes, FRAME_HEADER_BYTES), limit - at);
    const chunk = Buffer.allocUnsafe(chunkLength);
    const { bytesRead } = await file.read(chunk, 0, chunkLength, at);
    let offsetInChunk = 0;
    let progressed = false;
    while (offsetInChunk + FRAME_HEADER_BYTES <= bytesRead && count < options.maxRecords) {
      const bodyLength = chunk.readUInt32BE(offsetInChunk);
      const frameLength = FRAME_HEADER_BYTES + bodyLength;
      if (at + offsetInChunk + frameLength > limit) {
        return { records, end: at + offsetInChunk, count, torn: true };
      }
      let body: Buffer;
      if (offsetInChunk + frameLength <= bytesRead) {
        body = chunk.subarray(offsetInChunk + FRAME_HEADER_BYTES, offsetInChunk + frameLength);
      } else if (offsetInChunk === 0) {
        // A frame larger than the chunk: read it alone.
        body = Buffer.allocUnsafe(bodyLength);
        const read = await file.read(body, 0, bodyLength, at + FRAME_HEADER_BYTES);
        if (read.bytesRead < bodyLength) return { records, end: at, count, torn: true };
      } else {
        break;
      }
      if (crc32(body) !== chunk.readUInt32BE(offsetInChunk + 4) || bodyLength < BODY_FIXED_BYTES) {
        return { records, end: at + offsetInChunk, count, torn: true };
      }
      if (options.decode) records.push(decodeBody(body));
      count++;
      offsetInChunk += frameLength;
      progressed = true;
      if (options.decode && offsetInChunk >= options.maxBytes) break;
    }
    if (!progressed) {
      if (bytesRead < FRAME_HEADER_BYTES) return { records, end: at, count, torn: at < limit };
    }
    at += offsetInChunk;
    if (options.decode && at - position >= options.maxBytes) break;
    if (bytesRead < chunkLength) break;
  }
  return { records, end: at, count, torn: false };
}
