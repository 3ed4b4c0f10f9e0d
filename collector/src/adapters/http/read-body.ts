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
  /** Set when the body's Content-Encoding is not one Sift reads: `text` is then its raw bytes in base64. */
  unreadableEncoding?: string;
}

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
    let stream: NodeJS.ReadableStream = req;
    const decode = decoder(req.headers['content-encoding']);
    if (decode !== undefined && decode !== 'identity') {
      req.pipe(decode);
      stream = decode;
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (kept < limitBytes) {
        const part = chunk.subarray(0, limitBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    stream.on('end', () => {
      // Cutting may split a multi-byte character; the decoder replaces the broken tail.
      const bytes = Buffer.concat(chunks);
      const truncated = total > limitBytes;
      resolve(
        decode === undefined
          ? {
              text: bytes.toString('base64'),
              totalBytes: total,
              truncated,
              unreadableEncoding: String(req.headers['content-encoding']),
            }
          : { text: bytes.toString('utf8'), totalBytes: total, truncated },
      );
    });
    stream.on('error', (error: Error) =>
      reject(
        new ValidationError('SIFT_REQUEST_INVALID', `The body cannot be read: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
}
