import type { ConsumedRecord, LogRecord } from '@sift/event-log';
import type { RequestSource } from '../domain/event-processor';

/** Kafka topic (or local log) of raw request bodies for `sift validate`. */
export const RAW_TOPIC = 'sift.events.raw';

/** Headers of a raw record: how the request came in. */
export const rawRecordHeaders = {
  /** The endpoint that took the request, e.g. `POST /v1/events`. */
  endpoint: 'sift-endpoint',
  /** The request's User-Agent, when it had one. */
  userAgent: 'sift-user-agent',
  /** The client address as the collector saw it; the stage anonymizes it as configured. */
  clientIp: 'sift-client-ip',
  /** When the request was received, ISO 8601; default: the record's log timestamp. */
  receivedAt: 'sift-received-at',
  /** The sender's test id (`X-Sift-Test-Id`), when it gave one. */
  testId: 'sift-test-id',
} as const;

/**
 * A record on the raw topic: one HTTP request as a collector received it.
 *
 * - value: the request body as UTF-8 text, exactly as `POST /v1/events` takes it after
 *   decompression (`{"events": [...]}`); anything else becomes a bad event holding it whole.
 * - key: free (a collector may use the client address to keep a client on one partition).
 * - headers: {@link rawRecordHeaders}; all optional.
 *
 * Events in the body without a UUID `id` get one derived from the record's topic,
 * partition, offset and their index in the body (see `rawEventId`), so processing the same
 * record again gives them the same ids.
 */
export interface RawRequest {
  body: string;
  source: RequestSource;
  receivedAt: Date;
  testId?: string;
}

/** The endpoint named when a raw record does not say. */
const UNNAMED_ENDPOINT = 'raw record';

/** Builds the raw record of one request, for a collector that records raw input. */
export function rawRecord(request: RawRequest, key: string | null = null): LogRecord {
  const headers: Record<string, string> = {
    [rawRecordHeaders.endpoint]: request.source.endpoint,
    [rawRecordHeaders.receivedAt]: request.receivedAt.toISOString(),
  };
  if (request.source.user_agent) headers[rawRecordHeaders.userAgent] = request.source.user_agent;
  if (request.source.ip) headers[rawRecordHeaders.clientIp] = request.source.ip;
  if (request.testId) headers[rawRecordHeaders.testId] = request.testId;
  return { key, value: Buffer.from(request.body, 'utf8'), headers };
}

/** Reads a raw record back: the body, who sent it (the address as recorded) and when. */
export function readRawRecord(record: ConsumedRecord): RawRequest {
  const headers = record.headers ?? {};
  const stated = headers[rawRecordHeaders.receivedAt];
  const receivedAt =
    stated !== undefined && !Number.isNaN(Date.parse(stated))
      ? new Date(stated)
      : new Date(record.timestamp);
  const ip = headers[rawRecordHeaders.clientIp];
  const userAgent = headers[rawRecordHeaders.userAgent];
  const testId = headers[rawRecordHeaders.testId];
  return {
    body: record.value.toString('utf8'),
    source: {
      endpoint: headers[rawRecordHeaders.endpoint] || UNNAMED_ENDPOINT,
      ...(ip ? { ip } : {}),
      ...(userAgent ? { user_agent: userAgent } : {}),
    },
    receivedAt,
    ...(testId ? { testId } : {}),
  };
}
