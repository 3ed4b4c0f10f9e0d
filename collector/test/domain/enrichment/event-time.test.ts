import {
  DEFAULT_MAX_SEND_DELAY_MS,
  deriveEventTime,
  parseDeviceTime,
} from '../../../src/domain/enrichment/event-time';

const received = new Date('2026-03-01T12:00:00.000Z');

describe('deriveEventTime', () => {
  it('subtracts the wait on the device from the receive time, whatever the device clock', () => {
    // The device clock is 2 hours fast; the event waited 5 minutes before it was sent.
    const time = deriveEventTime(received, '2026-03-01T14:00:00.000Z', '2026-03-01T13:55:00.000Z');
    expect(time.toISOString()).toBe('2026-03-01T11:55:00.000Z');
  });

  it('corrects a device clock that is behind just the same', () => {
    const time = deriveEventTime(received, '2025-12-31T23:59:30.000Z', '2025-12-31T23:59:00.000Z');
    expect(time.toISOString()).toBe('2026-03-01T11:59:30.000Z');
  });

  it('reads Snowplow-style epoch milliseconds', () => {
    const sent = String(Date.parse('2026-03-01T10:00:10.000Z'));
    const created = String(Date.parse('2026-03-01T10:00:00.000Z'));
    expect(deriveEventTime(received, sent, created).toISOString()).toBe('2026-03-01T11:59:50.000Z');
  });

  it('uses the receive time when only sent_at is given', () => {
    expect(deriveEventTime(received, '2026-03-01T11:00:00Z', undefined)).toEqual(received);
  });

  it('uses the receive time when only the created time is given: the skew is unknown', () => {
    expect(deriveEventTime(received, undefined, '2026-03-01T11:00:00Z')).toEqual(received);
  });

  it('uses the receive time when the event claims to be sent before it was created', () => {
    expect(deriveEventTime(received, '2026-03-01T11:00:00Z', '2026-03-01T11:05:00Z')).toEqual(
      received,
    );
  });

  it('uses the receive time when the wait exceeds the bound (a clock jump, seconds as ms)', () => {
    expect(deriveEventTime(received, '2026-03-01T11:00:00Z', '1970-01-21T10:08:09Z')).toEqual(
      received,
    );
    const justOver = new Date(Date.parse('2026-03-01T11:00:00Z') - DEFAULT_MAX_SEND_DELAY_MS - 1);
    expect(deriveEventTime(received, '2026-03-01T11:00:00Z', justOver.toISOString())).toEqual(
      received,
    );
  });

  it('takes a custom bound', () => {
    const sent = '2026-03-01T11:00:00Z';
    const created = '2026-03-01T10:00:00Z';
    expect(deriveEventTime(received, sent, created, 30 * 60_000)).toEqual(received);
    expect(deriveEventTime(received, sent, created, 2 * 3_600_000).toISOString()).toBe(
      '2026-03-01T11:00:00.000Z',
    );
  });

  it('is never later than the receive time', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['2030-01-01T00:00:00Z', '2029-12-31T23:00:00Z'],
      ['2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z'],
      ['not a date', '2026-03-01T11:00:00Z'],
      [undefined, undefined],
    ];
    for (const [sent, created] of cases) {
      expect(deriveEventTime(received, sent, created).getTime()).toBeLessThanOrEqual(
        received.getTime(),
      );
    }
  });
});

describe('parseDeviceTime', () => {
  it('reads ISO 8601 with an offset', () => {
    expect(parseDeviceTime('2026-03-01T13:00:00+01:00')?.toISOString()).toBe(
      '2026-03-01T12:00:00.000Z',
    );
  });

  it('refuses digit strings that are not 13-digit milliseconds', () => {
    expect(parseDeviceTime('1772366400')).toBeUndefined();
    expect(parseDeviceTime('2026')).toBeUndefined();
    expect(parseDeviceTime('garbage')).toBeUndefined();
    expect(parseDeviceTime(undefined)).toBeUndefined();
  });
});
