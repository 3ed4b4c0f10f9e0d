import type { BadEvent, Topics } from '@sift/common';
import type { EventLog, LogRecord } from '@sift/event-log';
import type { Collected } from './event-processor';

/** A bad event as a record of the bad topic: JSON value, keyed and headed by its id and kind. */
export function badEventRecord(event: BadEvent): LogRecord {
  return {
    key: event.id,
    value: Buffer.from(JSON.stringify(event), 'utf8'),
    headers: { 'sift-event-id': event.id, 'sift-bad-kind': event.kind },
  };
}

/** Appends what a request produced to the good and bad topics; resolves once both hold it. */
export async function deliver(
  log: EventLog,
  topics: Topics,
  collected: Pick<Collected, 'good' | 'bad'>,
): Promise<void> {
  await Promise.all([
    log.append(topics.good, collected.good),
    log.append(topics.bad, collected.bad.map(badEventRecord)),
  ]);
}
