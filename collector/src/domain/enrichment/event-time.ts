/** Longest wait between creating and sending an event that Sift corrects for: 30 days. */
export const DEFAULT_MAX_SEND_DELAY_MS = 30 * 24 * 60 * 60 * 1000;

const DIGITS = /^\d+$/;
const EPOCH_MS = /^\d{13}$/;

/** Reads a device timestamp: ISO 8601, or 13 digits of milliseconds since the epoch (Snowplow's `dtm`). */
export function parseDeviceTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  // Other digit strings (seconds, years) are too ambiguous to read as a time.
  if (DIGITS.test(text) && !EPOCH_MS.test(text)) return undefined;
  const ms = EPOCH_MS.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/**
 * When an event happened, corrected for the sender's clock skew, Snowplow's `derived_tstamp`:
 * `receivedAt − (sentAt − createdAt)`. Both device times come from one clock, so their
 * difference is the time the event waited on the device, whatever that clock's error; the
 * trip to the collector counts as zero. Falls back to `receivedAt` when either device time is
 * missing or unreadable, when the event claims to be sent before it was created, or when the
 * wait exceeds `maxSendDelayMs` (a device clock that jumped, or seconds sent as milliseconds).
 * Never later than `receivedAt`.
 */
export function deriveEventTime(
  receivedAt: Date,
  sentAt: string | undefined,
  createdAt: string | undefined,
  maxSendDelayMs: number = DEFAULT_MAX_SEND_DELAY_MS,
): Date {
  const sent = parseDeviceTime(sentAt);
  const created = parseDeviceTime(createdAt);
  if (sent === undefined || created === undefined) return receivedAt;
  const waitedMs = sent.getTime() - created.getTime();
  if (waitedMs <= 0 || waitedMs > maxSendDelayMs) return receivedAt;
  return new Date(receivedAt.getTime() - waitedMs);
}
