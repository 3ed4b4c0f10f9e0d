import { randomUUID } from 'node:crypto';
import type { BadEvent } from '@sift/common';
import { createLogger } from '@sift/common';
import { rawEventId, rawRecord, rawRecordHeaders, ValidateStage } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { ConsumedRecord, LogRecord } from '@sift/event-log';
import { fixtureSchema, freshSchemas, startTestRegistry } from './recovery-support';
import type { TestRegistry } from './recovery-support';

const logger = createLogger('validate-stage-test', 'silent');
const topics = { good: 'good', bad: 'bad' };
const RAW = 'raw';
const eventType = 'com.acme.checkout_completed';

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.register(eventType, fixtureSchema('checkout-1.avsc'));
});
afterAll(() => registry.close());

const good = (order: string, id?: string) => ({
  event: eventType,
  ...(id ? { id } : {}),
  data: { order_id: order, total: 1, currency: 'EUR' },
});
const bad = (order: string, id?: string) => ({
  event: eventType,
  ...(id ? { id } : {}),
  data: { order_id: order, total: 'one' },
});

function raw(events: unknown[] | string, receivedAt = new Date('2026-05-01T08:00:00.000Z')) {
  return rawRecord({
    body: typeof events === 'string' ? events : JSON.stringify({ events }),
    source: { endpoint: 'POST /v1/events', ip: '198.51.100.23', user_agent: 'raw-test' },
    receivedAt,
  });
}

function stage(log: MemoryEventLog) {
  return new ValidateStage(
    { rawTopic: RAW, topics, groupId: 'validate-test' },
    { log, schemas: freshSchemas(registry), logger },
  );
}

const ids = (records: LogRecord[]) => records.map((record) => record.headers?.['sift-event-id']);
const badEvents = (records: LogRecord[]) =>
  records.map((record) => JSON.parse(record.value.toString('utf8')) as BadEvent);

/** Waits up to 3 s for a condition, for the memory log's asynchronous delivery. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('ValidateStage', () => {
  it('splits raw request bodies into good records and bad events, with the request source', async () => {
    const log = new MemoryEventLog();
    const running = stage(log);
    await running.start();
    const senderId = randomUUID();
    await log.append(RAW, [raw([good('o-1', senderId), bad('o-2')])]);

    await until(() => log.records(topics.bad).length === 1);
    await running.stop();

    const [record] = log.records(topics.good);
    expect(record?.headers).toMatchObject({
      'sift-event-id': senderId,
      'sift-received-at': '2026-05-01T08:00:00.000Z',
      'sift-user-agent': 'raw-test',
      'sift-client-ip': '198.51.100.0',
    });
    const [badEvent] = badEvents(log.records(topics.bad));
    expect(badEvent).toMatchObject({
      kind: 'schema_violation',
      received_at: '2026-05-01T08:00:00.000Z',
      source: { endpoint: 'POST /v1/events', ip: '198.51.100.0', user_agent: 'raw-test' },
      payload: JSON.stringify(bad('o-2')),
    });
    expect(log.records(topics.bad)[0]?.headers).toEqual({
      'sift-event-id': badEvent?.id,
      'sift-bad-kind': 'schema_violation',
    });
  });

  it('keeps no client address when the collector settings drop it', async () => {
    const log = new MemoryEventLog();
    await log.append(RAW, [raw([good('a'), bad('b')])]);
    const dropping = new ValidateStage(
      { rawTopic: RAW, topics, groupId: 'validate-test' },
      { log, schemas: freshSchemas(registry), logger, enrichment: { ipAnonymization: 'full' } },
    );

    const result = await dropping.handleBatch(log.records(RAW));

    expect(log.records(topics.good)[0]?.headers).not.toHaveProperty('sift-client-ip');
    expect(result.bad[0]?.source).toEqual({ endpoint: 'POST /v1/events', user_agent: 'raw-test' });
  });

  it('derives the ids of events without one from the record position, the same on every replay', async () => {
    const log = new MemoryEventLog();
    await log.append(RAW, [
      raw([good('a'), good('b', randomUUID()), bad('c')]),
      raw('{"events": '),
    ]);
    const [first, second] = log.records(RAW) as [ConsumedRecord, ConsumedRecord];

    const once = await stage(log).handleBatch([first, second]);
    const again = await stage(log).handleBatch([first, second]);

    const goodIds = ids(log.records(topics.good));
    expect(goodIds).toHaveLength(4);
    expect(goodIds.slice(2)).toEqual(goodIds.slice(0, 2));
    expect(goodIds[0]).toBe(rawEventId(RAW, 0, '0', 0));
    expect(goodIds[1]).not.toBe(rawEventId(RAW, 0, '0', 1));
    expect(once.bad.map((event) => event.id)).toEqual([
      rawEventId(RAW, 0, '0', 2),
      rawEventId(RAW, 0, '1', 'body'),
    ]);
    expect(again.bad.map((event) => event.id)).toEqual(once.bad.map((event) => event.id));
    expect(once.bad[1]).toMatchObject({ kind: 'malformed_json', payload: '{"events": ' });
  });

  it('gives the same body at another offset other ids', async () => {
    const log = new MemoryEventLog();
    await log.append(RAW, [raw([good('a')]), raw([good('a')])]);

    await stage(log).handleBatch(log.records(RAW));

    const [first, second] = ids(log.records(topics.good));
    expect(first).not.toBe(second);
  });

  it('takes the received time from the record timestamp when the header is missing', async () => {
    const log = new MemoryEventLog();
    const record = raw([good('a')]);
    delete record.headers?.[rawRecordHeaders.receivedAt];
    await log.append(RAW, [record]);
    const [consumed] = log.records(RAW) as [ConsumedRecord];

    await stage(log).handleBatch([consumed]);

    expect(log.records(topics.good)[0]?.headers?.['sift-received-at']).toBe(
      new Date(consumed.timestamp).toISOString(),
    );
  });

  it('does not commit a batch whose bad events the log refused, so it is read again with the same ids', async () => {
    const log = new MemoryEventLog();
    const append = log.append.bind(log);
    let refusals = 1;
    jest.spyOn(log, 'append').mockImplementation(async (topic, records) => {
      if (topic === topics.bad && records.length > 0 && refusals-- > 0) {
        throw new Error('bad topic unavailable');
      }
      return append(topic, records);
    });
    const running = stage(log);
    await running.start();

    await log.append(RAW, [raw([good('a'), bad('b')])]);
    // The memory log delivers an uncommitted batch again, as Kafka would.
    await until(() => log.records(topics.bad).length === 1);
    await running.stop();

    expect(refusals).toBeLessThan(0);
    expect(ids(log.records(topics.good))).toEqual([
      rawEventId(RAW, 0, '0', 0),
      rawEventId(RAW, 0, '0', 0),
    ]);
    expect(badEvents(log.records(topics.bad)).map((event) => event.id)).toEqual([
      rawEventId(RAW, 0, '0', 1),
    ]);
  });
});
