import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { ValidationError } from '@sift/common';

/** A request body read up to a limit. */
export interface ReadBody {
  /** The text, cut at the limit when the body was larger. */
  text: string;
  /** Bytes of the (decompressed) body in all; more than the limit means `text` was cut. */
  totalBytes: number;
  truncated: boolean;
  /**
   * Why the body could not be decoded (an unknown or corrupt Content-Encoding, bytes that are
   * not UTF-8): `text` is then its raw bytes in base64.
   */
  unreadableEncoding?: string;
  /** The rule the unreadable body broke: `contentEncoding` or `utf8`. */
  unreadableKeyword?: 'contentEncoding' | 'utf8';
}

/** Why a complete body is not text: RFC 8259 JSON is UTF-8, and guessing would change the data. */
const NOT_UTF8 = 'the body is not valid UTF-8 (JSON must be sent as UTF-8)';

function decoder(encoding: string | undefined): Transform | 'identity' | undefined {
  switch ((encoding ?? 'identity').toLowerCase()) {
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    default:
      return undefined;
  }
}

/**
 * Reads a request body as UTF-8 text, decompressing gzip or deflate, keeping at most
 * `limitBytes` of the decompressed body and counting the rest, so an oversize body is still
 * recorded (cut) as a bad event instead of being lost or exhausting memory; the rest is
 * read and dropped.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const encoding = String(req.headers['content-encoding'] ?? 'identity');
    const decode = decoder(encoding);
    // The bytes as sent, kept (up to the limit) for a body that cannot be decoded.
    const raw = { chunks: [] as Buffer[], kept: 0, total: 0 };
    const decoded = { chunks: [] as Buffer[], kept: 0, total: 0 };
    const keep = (into: typeof raw, chunk: Buffer) => {
      into.total += chunk.length;
      if (into.kept < limitBytes) {
        const part = chunk.subarray(0, limitBytes - into.kept);
        into.chunks.push(part);
        into.kept += part.length;
      }
    };
    const undecodable = (reason: string, keyword: 'contentEncoding' | 'utf8') => {
      const onEnd = () =>
        resolve({
          text: Buffer.concat(raw.chunks).toString('base64'),
          totalBytes: raw.total,
          truncated: raw.total > limitBytes,
          unreadableEncoding: reason,
          unreadableKeyword: keyword,
        });
      if (req.readableEnded) onEnd();
      else req.on('end', onEnd).resume();
    };
    req.on('data', (chunk: Buffer) => keep(raw, chunk));
    req.on('error', (error: Error) =>
      reject(
        new ValidationError('SIFT_REQUEST_INVALID', `The body cannot be read: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    if (decode === undefined) {
      undecodable(
        `Content-Encoding ${encoding} is not supported (send identity, gzip or deflate)`,
        'contentEncoding',
      );
      return;
    }
    // A body cut at the limit may end inside a character: only a whole body is checked.
    const text = (chunks: Buffer[], total: number): void => {
      const bytes = Buffer.concat(chunks);
      if (total <= limitBytes && !isUtf8(bytes)) {
        undecodable(NOT_UTF8, 'utf8');
        return;
      }
      resolve({ text: bytes.toString('utf8'), totalBytes: total, truncated: total > limitBytes });
    };
    if (decode === 'identity') {
      req.on('end', () => text(raw.chunks, raw.total));
      return;
    }
    decode.on('data', (chunk: Buffer) => keep(decoded, chunk));
    // Cutting may split a multi-byte character; the decoder replaces the broken tail.
    decode.on('end', () => text(decoded.chunks, decoded.total));
    decode.on('error', (error: Error) => {
      req.unpipe(decode);
      undecodable(`the ${encoding} body is corrupt (${error.message})`, 'contentEncoding');
    });
    req.pipe(decode);
  });
}
