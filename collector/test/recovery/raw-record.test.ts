import {
  nameBasedUuid,
  rawEventId,
  rawRecord,
  rawRecordHeaders,
  readRawRecord,
} from '@sift/collector';
import type { ConsumedRecord, LogRecord } from '@sift/event-log';

function consumed(
  record: LogRecord,
  timestamp = Date.parse('2026-06-01T00:00:00Z'),
): ConsumedRecord {
  return { ...record, topic: 'raw', partition: 2, offset: '41', timestamp };
}

describe('raw records', () => {
  it('carry the body as the value and the request source in sift-* headers', () => {
    const record = rawRecord({
      body: '{"events":[]}',
      source: { endpoint: 'POST /v1/events', ip: '2001:db8:1:2::7', user_agent: 'curl/8' },
      receivedAt: new Date('2026-06-01T10:00:00.000Z'),
    });

    expect(record.value.toString('utf8')).toBe('{"events":[]}');
    expect(record.headers).toEqual({
      'sift-endpoint': 'POST /v1/events',
      'sift-client-ip': '2001:db8:1:2::7',
      'sift-user-agent': 'curl/8',
      'sift-received-at': '2026-06-01T10:00:00.000Z',
    });
    expect(readRawRecord(consumed(record))).toEqual({
      body: '{"events":[]}',
      source: { endpoint: 'POST /v1/events', ip: '2001:db8:1:2::7', user_agent: 'curl/8' },
      receivedAt: new Date('2026-06-01T10:00:00.000Z'),
    });
  });

  it('read without headers come from an unnamed endpoint at the log timestamp', () => {
    const read = readRawRecord(consumed({ value: Buffer.from('x') }));

    expect(read).toEqual({
      body: 'x',
      source: { endpoint: 'raw record' },
      receivedAt: new Date('2026-06-01T00:00:00Z'),
    });
  });

  it('fall back to the log timestamp when the received time is not a date', () => {
    const read = readRawRecord(
      consumed({ value: Buffer.from('x'), headers: { [rawRecordHeaders.receivedAt]: 'soon' } }),
    );

    expect(read.receivedAt).toEqual(new Date('2026-06-01T00:00:00Z'));
  });
});

describe('derived event ids', () => {
  it('are version 5 UUIDs, the same for the same position and different for another', () => {
    const id = rawEventId('raw', 0, '7', 1);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rawEventId('raw', 0, '7', 1)).toBe(id);
    expect(
      new Set([
        id,
        rawEventId('raw', 0, '7', 2),
        rawEventId('raw', 0, '8', 1),
        rawEventId('raw', 1, '7', 1),
        rawEventId('raw2', 0, '7', 1),
        rawEventId('raw', 0, '7', 'body'),
      ]).size,
    ).toBe(6);
  });

  it('follow RFC 9562 name-based hashing', () => {
    expect(nameBasedUuid('sift')).toBe(nameBasedUuid('sift'));
    expect(nameBasedUuid('sift')).not.toBe(nameBasedUuid('Sift'));
  });
});
