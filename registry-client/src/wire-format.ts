import { ValidationError } from '@sift/common';

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** Frames encoded data in Confluent wire format: magic byte 0, 4-byte big-endian schema id, data. */
export function encodeWireFormat(schemaId: number, payload: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeUInt32BE(schemaId, 1);
  payload.copy(framed, HEADER_BYTES);
  return framed;
}

/** Splits a Confluent wire-format message into its schema id and data; throws `SIFT_WIRE_FORMAT_INVALID`. */
export function decodeWireFormat(message: Buffer): { schemaId: number; payload: Buffer } {
  if (message.length < HEADER_BYTES || message.readUInt8(0) !== MAGIC_BYTE) {
    throw new ValidationError(
      'SIFT_WIRE_FORMAT_INVALID',
      `Not Confluent wire format: ${message.length < HEADER_BYTES ? 'shorter than 5 bytes' : `magic byte ${message.readUInt8(0)}`}`,
    );
  }
  return { schemaId: message.readUInt32BE(1), payload: message.subarray(HEADER_BYTES) };
}
