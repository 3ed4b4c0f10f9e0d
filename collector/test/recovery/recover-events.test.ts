import { randomUUID } from 'node:crypto';
import { goodEventHeaders } from '@sift/common';
import type { BadEvent } from '@sift/common';
import {
  defaultRecoveryKinds,
  EventLogBadEventReader,
  EventProcessor,
  recoverEvents,
} from '@sift/collector';
import type { BadEventQuery, RecoveryOptions } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { decodeWireFormat, RegistryClient } from '@sift/registry-client';
import { ValidatorCache } from '@sift/validator';
import {
  collect,
  fixtureSchema,
  freshSchemas,
  startTestRegistry,
  testSource,
} from './recovery-support';
import type { TestRegistry } from './recovery-support';

let registry: TestRegistry;
let subjects = 0;

beforeAll(async () => {
  registry = await startTestRegistry();
});
afterAll(() => registry.close());

/** An event type no other test uses, with checkout v1 registered. */
async function checkoutType(): Promise<string> {
  subjects++;
  const eventType = `com.acme.checkout_${subjects}`;
  await registry.register(eventType, fixtureSchema('checkout-1.avsc'));
  return eventType;
}

const topics = { good: 'good', bad: 'bad' };

function query(overrides: Partial<BadEventQuery> = {}): BadEventQuery {
  return { eventTypes: [], kinds: [...defaultRecoveryKinds], ...overrides };
}

async function recover(log: MemoryEventLog, options: Partial<RecoveryOptions> = {}) {
  return recoverEvents(
    new EventLogBadEventReader({ log, topic: topics.bad, idleMs: 50 }),
    { query: query(), dryRun: false, ...options },
    { schemas: freshSchemas(registry), log, goodTopic: topics.good },
  );
}

/** The data of a good record, decoded with the schema its wire format names. */
async function decode(value: Buffer): Promise<{ schemaId: number; data: unknown }> {
  const { schemaId, payload } = decodeWireFormat(value);
  const { schema } = await new RegistryClient({ url: registry.url }).schemaById(schemaId);
  return { schemaId, data: new ValidatorCache().get(schemaId, 'AVRO', schema, []).decode(payload) };
}

describe('recoverEvents', () => {
  it('sends an event refused under v1 to the good topic with its own id once v2 gives the missing field a default', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    const id = randomUUID();
    const receivedAt = new Date('2026-03-01T10:00:00.000Z');
    const sent = {
      event: eventType,
      id,
      sent_at: '2026-03-01T09:59:59.000Z',
      context: { user_id: 'u-7', page_url: 'https://shop.example/cart' },
      data: { order_id: 'o-1', total: 12.5 },
    };
    const [bad] = await collect(registry, log, topics, [sent], receivedAt);
    expect(bad).toMatchObject({ id, kind: 'schema_violation' });
    const { id: v2 } = await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    const report = await recover(log);

    expect(report).toMatchObject({ read: 1, matched: 1, recovered: 1, stillBad: 0, skipped: 0 });
    expect(report.events).toEqual([
      { id, event: eventType, kind: 'schema_violation', status: 'recovered' },
    ]);
    const [good, ...more] = log.records(topics.good);
    expect(more).toEqual([]);
    expect(good?.key).toBe('u-7');
    expect(good?.headers).toMatchObject({
      [goodEventHeaders.eventId]: id,
      [goodEventHeaders.eventType]: eventType,
      [goodEventHeaders.schemaId]: String(v2),
      [goodEventHeaders.schemaVersion]: '2',
      [goodEventHeaders.receivedAt]: receivedAt.toISOString(),
      [goodEventHeaders.sentAt]: '2026-03-01T09:59:59.000Z',
      [goodEventHeaders.userAgent]: testSource.user_agent,
      [goodEventHeaders.clientIp]: testSource.ip,
      [goodEventHeaders.pageUrl]: 'https://shop.example/cart',
      [goodEventHeaders.userId]: 'u-7',
    });
    // What the collector would write for this event now, enrichment included.
    const fixed = await collect(
      registry,
      log,
      { good: 'as-collected', bad: 'unused' },
      [sent],
      receivedAt,
    );
    expect(fixed).toEqual([]);
    expect(good?.headers).toEqual(log.records('as-collected')[0]?.headers);
    expect(await decode(good?.value as Buffer)).toEqual({
      schemaId: v2,
      data: { order_id: 'o-1', total: 12.5, currency: 'EUR', coupon: null },
    });
  });

  it('gives an event sent without an id the id of its bad event', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    const [bad] = await collect(registry, log, topics, [
      { event: eventType, data: { order_id: 'o-2', total: 3, currency: 'USD', coupon: 'HALF' } },
    ]);
    expect(bad?.errors[0]).toMatchObject({ path: '/coupon', keyword: 'additionalProperties' });
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    await recover(log);

    expect(log.records(topics.good).map((record) => record.headers?.['sift-event-id'])).toEqual([
      bad?.id,
    ]);
    expect(log.records(topics.good)[0]?.key).toBe(bad?.id);
  });

  it('appends an event recovered twice twice under one id, which the good index stores once', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    const id = randomUUID();
    await collect(registry, log, topics, [
      { event: eventType, id, data: { order_id: 'o-3', total: 1 } },
    ]);
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    await recover(log);
    await recover(log);

    const ids = log.records(topics.good).map((record) => record.headers?.['sift-event-id']);
    expect(ids).toEqual([id, id]);
    const [first, second] = log.records(topics.good);
    expect(second?.value).toEqual(first?.value);
    expect(second?.headers).toEqual(first?.headers);
  });

  it('counts events that still fail by kind with their first reason and writes nothing for them', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    const [bad] = await collect(registry, log, topics, [
      { event: eventType, data: { order_id: 'o-4', total: 'ten' } },
    ]);
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    const report = await recover(log);

    expect(report).toMatchObject({
      matched: 1,
      recovered: 0,
      stillBad: 1,
      stillBadByKind: { schema_violation: 1 },
    });
    expect(report.events).toEqual([
      {
        id: bad?.id,
        event: eventType,
        kind: 'schema_violation',
        status: 'still_bad',
        now: 'schema_violation',
        reason: expect.stringContaining('/total'),
      },
    ]);
    expect(log.records(topics.good)).toEqual([]);
    expect(log.records(topics.bad)).toHaveLength(1);
  });

  it('recovers an unknown event type once its subject is registered', async () => {
    subjects++;
    const eventType = `com.acme.signup_${subjects}`;
    const log = new MemoryEventLog();
    const [bad] = await collect(registry, log, topics, [
      { event: eventType, data: { order_id: 'o-5', total: 2, currency: 'EUR' } },
    ]);
    expect(bad?.kind).toBe('unknown_event');
    await registry.register(eventType, fixtureSchema('checkout-1.avsc'));

    const report = await recover(log);

    expect(report).toMatchObject({ matched: 1, recovered: 1 });
    expect(log.records(topics.good)[0]?.headers?.['sift-event-id']).toBe(bad?.id);
  });

  it('reads only the event types, kinds and received times asked for', async () => {
    const [first, second] = [await checkoutType(), await checkoutType()];
    const log = new MemoryEventLog();
    const day = (d: number) => new Date(`2026-04-0${d}T12:00:00.000Z`);
    await collect(
      registry,
      log,
      topics,
      [{ event: first, data: { order_id: 'a', total: 1 } }],
      day(1),
    );
    await collect(
      registry,
      log,
      topics,
      [{ event: first, data: { order_id: 'b', total: 1 } }],
      day(2),
    );
    await collect(
      registry,
      log,
      topics,
      [{ event: first, data: { order_id: 'c', total: 1 } }],
      day(3),
    );
    await collect(
      registry,
      log,
      topics,
      [{ event: second, data: { order_id: 'd', total: 1 } }],
      day(2),
    );
    await collect(registry, log, topics, [{ event: 'com.acme.never', data: {} }], day(2));
    await registry.register(first, fixtureSchema('checkout-2.avsc'));
    await registry.register(second, fixtureSchema('checkout-2.avsc'));

    const byType = await recover(log, { dryRun: true, query: query({ eventTypes: [second] }) });
    expect(byType).toMatchObject({ read: 5, matched: 1, recovered: 1 });
    expect(byType.events.map((outcome) => outcome.event)).toEqual([second]);

    const byTime = await recover(log, {
      dryRun: true,
      query: query({ eventTypes: [first], since: day(2), until: day(3) }),
    });
    expect(byTime).toMatchObject({ matched: 1, recovered: 1 });

    const byKind = await recover(log, { dryRun: true, query: query({ kinds: ['unknown_event'] }) });
    expect(byKind).toMatchObject({ matched: 1, recovered: 0, stillBad: 1 });
    expect(byKind.events[0]).toMatchObject({ event: 'com.acme.never', now: 'unknown_event' });
  });

  it('leaves whole malformed bodies out by default and skips them when asked for', async () => {
    const log = new MemoryEventLog();
    const malformed: BadEvent = {
      id: randomUUID(),
      received_at: new Date().toISOString(),
      stage: 'collector',
      kind: 'malformed_json',
      errors: [{ path: '', keyword: 'json', message: 'the body is not valid JSON' }],
      payload: '{"events": [',
      source: testSource,
    };
    await log.append(topics.bad, [{ value: Buffer.from(JSON.stringify(malformed)) }]);

    expect(await recover(log)).toMatchObject({ read: 1, matched: 0, skipped: 0 });
    const asked = await recover(log, { query: query({ kinds: ['malformed_json'] }) });
    expect(asked).toMatchObject({
      matched: 1,
      skipped: 1,
      skippedByReason: { 'a malformed or unreadable request body': 1 },
    });
    expect(log.records(topics.good)).toEqual([]);
  });

  it('skips bad events a sink found and payloads that hold a whole batch', async () => {
    const log = new MemoryEventLog();
    const base: BadEvent = {
      id: randomUUID(),
      received_at: new Date().toISOString(),
      stage: 'collector',
      kind: 'invalid_envelope',
      errors: [],
      payload: '{"events":[{"event":"com.acme.a","data":{}}]}',
      source: testSource,
    };
    const fromSink: BadEvent = {
      ...base,
      id: randomUUID(),
      stage: 'sink',
      kind: 'encoding_failed',
      payload: 'AAAAAAE=',
    };
    await log.append(
      topics.bad,
      [base, fromSink].map((bad) => ({ value: Buffer.from(JSON.stringify(bad)) })),
    );

    const report = await recover(log);

    expect(report).toMatchObject({
      matched: 2,
      skipped: 2,
      skippedByReason: {
        'a whole request body, not one event': 1,
        'found bad by a sink: the payload is not the event sent': 1,
      },
    });
    expect(log.records(topics.good)).toEqual([]);
  });

  it('recovers an event posted without the events wrapper as one event under its bad id', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    const processor = new EventProcessor({
      schemas: freshSchemas(registry),
      validators: new ValidatorCache(),
    });
    const event = { event: eventType, data: { order_id: 'o-6', total: 4, currency: 'EUR' } };
    const { bad } = await processor.processBody(JSON.stringify(event), testSource);
    expect(bad[0]?.kind).toBe('invalid_envelope');
    await log.append(topics.bad, [{ value: Buffer.from(JSON.stringify(bad[0])) }]);

    const report = await recover(log);

    expect(report).toMatchObject({ matched: 1, recovered: 1 });
    expect(log.records(topics.good)[0]?.headers?.['sift-event-id']).toBe(bad[0]?.id);
  });

  it('writes nothing in a dry run but counts what would pass', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    await collect(registry, log, topics, [
      { event: eventType, data: { order_id: 'o-7', total: 1 } },
      { event: eventType, data: { order_id: 'o-8', total: 'x' } },
    ]);
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    const report = await recover(log, { dryRun: true });

    expect(report).toMatchObject({ dryRun: true, matched: 2, recovered: 1, stillBad: 1 });
    expect(log.records(topics.good)).toEqual([]);
  });

  it('stops after the limit of matched events', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    await collect(
      registry,
      log,
      topics,
      ['a', 'b', 'c'].map((order) => ({ event: eventType, data: { order_id: order, total: 1 } })),
    );
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    const report = await recover(log, { limit: 2 });

    expect(report).toMatchObject({ matched: 2, recovered: 2 });
    expect(log.records(topics.good)).toHaveLength(2);
  });

  it('counts records of the bad topic that are not bad events and goes on', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    await log.append(topics.bad, [{ value: Buffer.from('not json') }]);
    await collect(registry, log, topics, [{ event: eventType, data: { order_id: 'o', total: 1 } }]);
    await registry.register(eventType, fixtureSchema('checkout-2.avsc'));

    const report = await recover(log);

    expect(report).toMatchObject({ read: 2, unreadable: 1, matched: 1, recovered: 1 });
  });

  it('lists the first events only and counts the rest', async () => {
    const eventType = await checkoutType();
    const log = new MemoryEventLog();
    await collect(
      registry,
      log,
      topics,
      ['a', 'b', 'c'].map((order) => ({ event: eventType, data: { order_id: order, total: 1 } })),
    );

    const report = await recover(log, { maxListed: 1 });

    expect(report).toMatchObject({ matched: 3, stillBad: 3, unlisted: 2 });
    expect(report.events).toHaveLength(1);
  });
});
