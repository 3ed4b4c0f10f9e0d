import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC } from '@sift/common';
import type { BadEvent } from '@sift/common';
import { buildCollectorApp, RAW_TOPIC, ValidateStage } from '@sift/collector';
import type { ResolvedSchema, SchemaMiss, SchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import type { ConsumedRecord } from '@sift/event-log';
import { decodeWireFormat } from '@sift/registry-client';
import { avroFormat } from '@sift/validator';

const checkout = JSON.stringify({
  type: 'record',
  name: 'CheckoutCompleted',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'total', type: 'double' },
  ],
});

/** Knows `com.acme.checkout_completed` at version 1 and a type whose registered schema cannot compile. */
const schemas: SchemaSource = {
  async resolve(eventType: string, version?: number): Promise<ResolvedSchema | SchemaMiss> {
    if (eventType === 'com.acme.broken') {
      return { id: 99, version: 1, schemaType: 'AVRO', schema: '{"type":"nope"}', references: [] };
    }
    if (eventType !== 'com.acme.checkout_completed') return 'unknown_event';
    if (version !== undefined && version !== 1) return 'unknown_version';
    return { id: 11, version: 1, schemaType: 'AVRO', schema: checkout, references: [] };
  },
};
const logger = createLogger('hostile-inputs-test', 'silent');

function setup(options: { maxEventBytes?: number; mode?: 'raw' } = {}) {
  const log = new MemoryEventLog();
  const app = buildCollectorApp(
    {
      maxBodyBytes: 256 * 1024,
      goodTopic: GOOD_TOPIC,
      badTopic: BAD_TOPIC,
      ...(options.maxEventBytes ? { maxEventBytes: options.maxEventBytes } : {}),
      ...(options.mode ? { mode: options.mode, rawTopic: RAW_TOPIC } : {}),
    },
    { schemas, log, logger },
  );
  return { app, log };
}

const badEvents = (log: MemoryEventLog): BadEvent[] =>
  log.records(BAD_TOPIC).map((record) => JSON.parse(record.value.toString()) as BadEvent);
const goodOrders = (log: MemoryEventLog): unknown[] =>
  log
    .records(GOOD_TOPIC)
    .map((record) =>
      avroFormat.compile({ schema: checkout }).decode(decodeWireFormat(record.value).payload),
    );
const good = (order: string) =>
  `{"event":"com.acme.checkout_completed","data":{"order_id":"${order}","total":1}}`;
/** `levels` objects nested in each other: `{"a":{"a":…1…}}`. */
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

function post(app: ReturnType<typeof setup>['app'], body: string | Buffer) {
  // supertest sends a Buffer as is only under a content type it does not serialize.
  const type = typeof body === 'string' ? 'application/json' : 'application/octet-stream';
  return request(app).post('/v1/events').set('Content-Type', type).send(body);
}

describe('events nested too deep', () => {
  it('keeps an event nested 5000 levels deep as a bad event, as sent, while its neighbours pass', async () => {
    const { app, log } = setup();
    const deepData = `{"event":"com.acme.checkout_completed","data":${nested(5000)}}`;
    const deepContext = `{"event":"com.acme.checkout_completed","context":${nested(5000)},"data":{}}`;
    const body = `{"events":[${good('o-1')}, ${deepData} ,${deepContext},${good('o-2')}]}`;

    const answer = await post(app, body).expect(200);

    expect(answer.body).toMatchObject({ accepted: 2, rejected: 2 });
    expect(answer.body.events[1]).toMatchObject({
      status: 'rejected',
      kind: 'size_violation',
      errors: [{ keyword: 'maxDepth', path: `/data${'/a'.repeat(63)}` }],
    });
    expect(answer.body.events[1].errors[0].message).toMatch(/more than 64 levels/);
    expect(answer.body.events[2]).toMatchObject({ kind: 'size_violation' });
    expect(goodOrders(log)).toEqual([
      { order_id: 'o-1', total: 1 },
      { order_id: 'o-2', total: 1 },
    ]);
    expect(badEvents(log).map((bad) => bad.payload)).toEqual([deepData, deepContext]);
  });

  it('takes an event exactly at the depth limit', async () => {
    const { app } = setup();
    // The event is level 1, context level 2: 62 more levels of objects make 64.
    const atLimit = `{"event":"com.acme.checkout_completed","context":{"x":${nested(62)}},"data":{"order_id":"o","total":1}}`;
    const answer = await post(app, `{"events":[${atLimit}]}`).expect(200);
    expect(answer.body.accepted).toBe(1);
  });

  it('cuts the payload of a deep event at the event size limit', async () => {
    const { app, log } = setup({ maxEventBytes: 1024 });
    const deep = `{"event":"com.acme.checkout_completed","data":${nested(5000)}}`;
    await post(app, `{"events":[${deep}]}`).expect(200);
    const [bad] = badEvents(log);
    expect(bad?.kind).toBe('size_violation');
    expect(bad?.payload).toBe(deep.slice(0, 1024));
  });

  it('keeps a deep pixel event as a bad event and still answers the GIF', async () => {
    const { app, log } = setup();
    const data = '['.repeat(4000) + ']'.repeat(4000);
    const query = `e=com.acme.checkout_completed&d=${b64(data)}`;
    const answer = await request(app).get(`/i?${query}`).expect(200);
    expect(answer.headers['content-type']).toBe('image/gif');
    const [bad] = badEvents(log);
    expect(bad).toMatchObject({ kind: 'size_violation', payload: query });
  });

  it('in raw mode, records a deep body for sift validate, which keeps the deep event as a bad event', async () => {
    const { app, log } = setup({ mode: 'raw' });
    const deep = `{"event":"com.acme.checkout_completed","data":${nested(5000)}}`;
    await post(app, `{"events":[${good('o-1')},${deep}]}`).expect(202);
    const pixel = `e=com.acme.checkout_completed&d=${b64('['.repeat(4000) + ']'.repeat(4000))}`;
    await request(app).get(`/i?${pixel}`).expect(200);
    // The pixel cannot be recorded as JSON text: it is a bad event at once.
    expect(badEvents(log)).toMatchObject([{ kind: 'size_violation', payload: pixel }]);

    const stage = new ValidateStage(
      { rawTopic: RAW_TOPIC, topics: { good: 'good', bad: 'bad' }, groupId: 'g' },
      { log, schemas, logger },
    );
    const result = await stage.handleBatch(log.records(RAW_TOPIC) as ConsumedRecord[]);
    expect(result.good).toBe(1);
    expect(result.bad).toMatchObject([
      { kind: 'size_violation', payload: deep, errors: [{ keyword: 'maxDepth' }] },
    ]);
  });
});

describe('numbers beyond the range of a double', () => {
  it('refuses 1e400 and -1e400 as malformed_json with their path, keeping the event as sent', async () => {
    const { app, log } = setup();
    const huge = `{"event":"com.acme.checkout_completed","data":{"order_id":"o","total":1e400}}`;
    const tiny = `{"event":"com.acme.checkout_completed","context":{"n":[-1e400]},"data":{}}`;
    const answer = await post(app, `{"events":[${huge},${good('o-1')},${tiny}]}`).expect(200);

    expect(answer.body.accepted).toBe(1);
    expect(answer.body.events[0]).toMatchObject({
      kind: 'malformed_json',
      errors: [{ path: '/data/total', keyword: 'number' }],
    });
    expect(answer.body.events[0].errors[0].message).toMatch(/number out of range/);
    expect(answer.body.events[2]).toMatchObject({
      kind: 'malformed_json',
      errors: [{ path: '/context/n/0', keyword: 'number' }],
    });
    expect(badEvents(log).map((bad) => bad.payload)).toEqual([huge, tiny]);
  });

  it('refuses a number out of range in a pixel', async () => {
    const { app, log } = setup();
    await request(app)
      .get(`/i?e=com.acme.checkout_completed&d=${b64('{"order_id":"o","total":1e999}')}`)
      .expect(200);
    expect(badEvents(log)).toMatchObject([{ kind: 'malformed_json' }]);
    expect(log.records(GOOD_TOPIC)).toEqual([]);
  });
});

describe('versions', () => {
  it.each([2147483648, 1e300, -1, 0, 1.5, '1e9', '2'])(
    'refuses version %p as invalid_envelope',
    async (version) => {
      const { app, log } = setup();
      const event = { event: 'com.acme.checkout_completed', version, data: {} };
      const answer = await post(app, JSON.stringify({ events: [event] })).expect(200);
      expect(answer.body.events[0]).toMatchObject({
        kind: 'invalid_envelope',
        errors: [{ path: '/version' }],
      });
      expect(answer.body.events[0].errors[0].message).toMatch(/integer from 1 to 2147483647/);
      expect(JSON.parse(badEvents(log)[0]!.payload)).toEqual(event);
    },
  );

  it.each(['2147483648', '99999999999999999999999', '1e9', '-1'])(
    'answers a pixel with version %s its GIF and keeps it as a bad event',
    async (version) => {
      const { app, log } = setup();
      const answer = await request(app)
        .get(`/i?e=com.acme.checkout_completed&v=${version}&d=${b64('{}')}`)
        .expect(200);
      expect(answer.headers['content-type']).toBe('image/gif');
      expect(badEvents(log)).toMatchObject([{ kind: 'invalid_envelope' }]);
    },
  );

  it('refuses an event type longer than 255 characters as invalid_envelope', async () => {
    const { app } = setup();
    const event = { event: `com.${'a'.repeat(30000)}`, data: {} };
    const answer = await post(app, JSON.stringify({ events: [event] })).expect(200);
    expect(answer.body.events[0]).toMatchObject({
      kind: 'invalid_envelope',
      errors: [{ path: '/event', keyword: 'maxLength' }],
    });
  });
});

describe('duplicate keys and bytes that are not UTF-8', () => {
  it('takes the last of duplicate keys, as JSON.parse does', async () => {
    const { app, log } = setup();
    const body =
      '{"events":[{"event":"com.acme.checkout_completed","data":{"order_id":"first","total":1,"order_id":"last"}}]}';
    const answer = await post(app, body).expect(200);
    expect(answer.body.accepted).toBe(1);
    expect(goodOrders(log)).toEqual([{ order_id: 'last', total: 1 }]);
  });

  it('keeps a body that is not UTF-8 as one malformed_json bad event holding its bytes in base64', async () => {
    const { app, log } = setup();
    const bytes = Buffer.concat([
      Buffer.from('{"events":[{"event":"com.acme.checkout_completed","data":{"order_id":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('","total":1}}]}'),
    ]);
    const answer = await post(app, bytes).expect(400);
    expect(answer.body.events[0]).toMatchObject({
      index: null,
      kind: 'malformed_json',
      errors: [{ keyword: 'utf8' }],
    });
    const [bad] = badEvents(log);
    expect(Buffer.from(bad!.payload, 'base64')).toEqual(bytes);
    expect(log.records(GOOD_TOPIC)).toEqual([]);
  });

  it('in raw mode, keeps a body that is not UTF-8 as a bad event at once instead of recording it', async () => {
    const { app, log } = setup({ mode: 'raw' });
    await post(app, Buffer.from([0x7b, 0xff, 0x7d])).expect(400);
    expect(log.records(RAW_TOPIC)).toEqual([]);
    expect(badEvents(log)).toMatchObject([{ kind: 'malformed_json' }]);
  });

  it('keeps a pixel whose data is not UTF-8 as a bad event', async () => {
    const { app, log } = setup();
    const data = Buffer.concat([
      Buffer.from('{"order_id":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    await request(app)
      .get(`/i?e=com.acme.checkout_completed&d=${b64(data)}`)
      .expect(200);
    expect(badEvents(log)).toMatchObject([{ kind: 'malformed_json', errors: [{ path: '/d' }] }]);
  });
});

describe('other hostile inputs', () => {
  it('keeps the events of a type whose registered schema cannot compile as bad, beside good ones', async () => {
    const { app, log } = setup();
    const answer = await post(
      app,
      `{"events":[{"event":"com.acme.broken","data":{}},${good('o-1')}]}`,
    ).expect(200);
    expect(answer.body.events[0]).toMatchObject({ kind: 'encoding_failed' });
    expect(goodOrders(log)).toHaveLength(1);
  });

  it('treats __proto__ keys as plain data, polluting nothing', async () => {
    const { app } = setup();
    const body =
      '{"events":[{"event":"com.acme.checkout_completed","__proto__":{"polluted":1},"context":{"__proto__":{"polluted":1}},"data":{"order_id":"o","total":1,"__proto__":{"polluted":1}}}]}';
    const answer = await post(app, body).expect(200);
    expect(answer.body.accepted).toBe(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['GET', '/v1/events', 'POST, OPTIONS'],
    ['PUT', '/v1/events', 'POST, OPTIONS'],
    ['POST', '/i', 'GET, HEAD'],
    ['DELETE', '/healthz', 'GET, HEAD'],
    ['POST', '/metrics', 'GET, HEAD'],
    ['PATCH', '/openapi.json', 'GET, HEAD'],
  ] as const)('answers %s %s with 405 naming the methods it takes', async (method, path, allow) => {
    const { app } = setup();
    const verb = method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch';
    const answer = await request(app)[verb](path).expect(405);
    expect(answer.headers['allow']).toBe(allow);
    expect(answer.body.error.code).toBe('SIFT_REQUEST_INVALID');
  });
});
