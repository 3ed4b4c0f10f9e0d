import { decodeEntitiesHeader, encodeEntitiesHeader, isSiftError } from '@sift/common';

/** An entity in Confluent wire format: magic 0, 4-byte schema id, JSON text. */
function wire(schemaId: number, data: unknown): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(schemaId, 1);
  return Buffer.concat([head, Buffer.from(JSON.stringify(data))]);
}

describe('the sift-entities header', () => {
  it('round-trips entities in order, each with its own schema id', () => {
    const entities = [wire(7, { id: 'u-1' }), wire(300000, { model: 'pixel' }), wire(9, {})];
    const decoded = decodeEntitiesHeader(encodeEntitiesHeader(entities));
    expect(decoded.map((bytes) => bytes.readUInt32BE(1))).toEqual([7, 300000, 9]);
    expect(decoded.map((bytes) => JSON.parse(bytes.subarray(5).toString()) as unknown)).toEqual([
      { id: 'u-1' },
      { model: 'pixel' },
      {},
    ]);
  });

  it('frames each entity as a 4-byte big-endian length then its bytes, in base64', () => {
    const entity = wire(1, { a: 1 });
    const bytes = Buffer.from(encodeEntitiesHeader([entity]), 'base64');
    expect(bytes.readUInt32BE(0)).toBe(entity.length);
    expect(bytes.subarray(4)).toEqual(entity);
    expect(decodeEntitiesHeader('')).toEqual([]);
  });

  it('refuses a header cut inside an entity with SIFT_WIRE_FORMAT_INVALID', () => {
    const cut = Buffer.from(encodeEntitiesHeader([wire(1, { a: 1 })]), 'base64').subarray(0, 8);
    let thrown: unknown;
    try {
      decodeEntitiesHeader(cut.toString('base64'));
    } catch (error) {
      thrown = error;
    }
    expect(isSiftError(thrown) && thrown.code).toBe('SIFT_WIRE_FORMAT_INVALID');
  });
});
