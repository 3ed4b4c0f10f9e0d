// @ts-check
/**
 * The schemas and requests of the collector benchmark: three registered event types (two Avro,
 * one JSON Schema), 25-event batches for `POST /v1/events` and pixel requests for `GET /i`, all
 * generated once from a fixed seed so every run sends the same bytes.
 */

/**
 * A registered schema, as the collector's `SchemaSource` answers it.
 * @typedef {{ id: number; version: number; schemaType: 'AVRO' | 'JSON'; schema: string; references: [] }} ResolvedSchema
 */

/**
 * One request to send; `events` is how many events it carries.
 * @typedef {{ method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string>; events: number }} BenchRequest
 */

const PAGE_VIEW = 'com.acme.page_view';
const CHECKOUT = 'com.acme.checkout_completed';
const SEARCH = 'com.acme.search_performed';

/** @type {Record<string, ResolvedSchema>} The event types the benchmark's registry knows, version 1 each. */
export const SCHEMAS = {
  [PAGE_VIEW]: {
    id: 101,
    version: 1,
    schemaType: 'AVRO',
    references: [],
    schema: JSON.stringify({
      type: 'record',
      name: 'PageView',
      namespace: 'com.acme',
      doc: 'A page was shown to a visitor.',
      fields: [
        { name: 'url', type: 'string' },
        { name: 'path', type: 'string' },
        { name: 'title', type: ['null', 'string'], default: null },
        { name: 'referrer', type: ['null', 'string'], default: null },
        {
          name: 'viewport',
          type: {
            type: 'record',
            name: 'Viewport',
            fields: [
              { name: 'width', type: 'int' },
              { name: 'height', type: 'int' },
            ],
          },
        },
        { name: 'load_ms', type: ['null', 'int'], default: null },
        { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
      ],
    }),
  },
  [CHECKOUT]: {
    id: 102,
    version: 1,
    schemaType: 'JSON',
    references: [],
    schema: JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: CHECKOUT,
      description: 'An order was placed.',
      type: 'object',
      properties: {
        order_id: { type: 'string', pattern: '^ord-[0-9]{6}$' },
        currency: { enum: ['EUR', 'USD', 'GBP'] },
        total: { type: 'number', minimum: 0 },
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: {
            type: 'object',
            properties: {
              sku: { type: 'string', maxLength: 32 },
              name: { type: 'string', maxLength: 200 },
              quantity: { type: 'integer', minimum: 1 },
              unit_price: { type: 'number', minimum: 0 },
            },
            required: ['sku', 'quantity', 'unit_price'],
            additionalProperties: false,
          },
        },
        coupon: { type: 'string', maxLength: 32 },
        shipping: {
          type: 'object',
          properties: {
            method: { enum: ['standard', 'express', 'pickup'] },
            country: { type: 'string', pattern: '^[A-Z]{2}$' },
          },
          required: ['method', 'country'],
          additionalProperties: false,
        },
      },
      required: ['order_id', 'currency', 'total', 'items'],
      additionalProperties: false,
    }),
  },
  [SEARCH]: {
    id: 103,
    version: 1,
    schemaType: 'AVRO',
    references: [],
    schema: JSON.stringify({
      type: 'record',
      name: 'SearchPerformed',
      namespace: 'com.acme',
      doc: 'A visitor searched the catalogue.',
      fields: [
        { name: 'query', type: 'string' },
        { name: 'results', type: 'int' },
        { name: 'page', type: 'int', default: 1 },
        {
          name: 'sort',
          type: {
            type: 'enum',
            name: 'SearchSort',
            symbols: ['relevance', 'price_asc', 'price_desc', 'newest'],
          },
        },
        { name: 'filters', type: { type: 'map', values: 'string' }, default: {} },
      ],
    }),
  },
};

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same workload.
 * @param {number} seed
 */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** @param {number} n */
    int: (n) => Math.floor(next() * n),
    /**
     * @template T
     * @param {readonly T[]} list
     * @returns {T}
     */
    pick: (list) => /** @type {T} */ (list[Math.floor(next() * list.length)]),
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

/** @typedef {ReturnType<typeof random>} Random */

const PATHS = ['/', '/shoes', '/shoes/trail-runner-2', '/cart', '/checkout', '/search', '/help'];
const TITLES = ['Home', 'Shoes', 'Trail Runner 2', 'Your cart', 'Checkout', 'Search', 'Help'];
const QUERIES = ['trail shoes', 'rain jacket', 'socks merino', 'tent 2 person', 'headlamp'];
const REFERRERS = [null, 'https://www.google.com/', 'https://duckduckgo.com/', 'https://t.co/x'];

/**
 * The data of one valid event of a type.
 * @param {Random} r
 * @param {string} event
 * @returns {Record<string, unknown>}
 */
function validData(r, event) {
  if (event === PAGE_VIEW) {
    const i = r.int(PATHS.length);
    return {
      url: `https://shop.example${PATHS[i]}`,
      path: PATHS[i],
      title: TITLES[i],
      referrer: r.pick(REFERRERS),
      viewport: { width: r.pick([390, 768, 1280, 1920]), height: r.pick([844, 1024, 800, 1080]) },
      load_ms: 200 + r.int(2000),
      tags: r.next() < 0.5 ? ['campaign:winter', 'ab:checkout-v2'] : [],
    };
  }
  if (event === CHECKOUT) {
    const items = Array.from({ length: 1 + r.int(4) }, (_, k) => ({
      sku: `SKU-${1000 + r.int(9000)}`,
      name: `Item ${k + 1}`,
      quantity: 1 + r.int(3),
      unit_price: Math.round(r.next() * 20000) / 100,
    }));
    return {
      order_id: `ord-${String(r.int(1_000_000)).padStart(6, '0')}`,
      currency: r.pick(['EUR', 'USD', 'GBP']),
      total: items.reduce((sum, item) => sum + item.quantity * item.unit_price, 0),
      items,
      ...(r.next() < 0.3 ? { coupon: 'WINTER10' } : {}),
      shipping: { method: r.pick(['standard', 'express', 'pickup']), country: 'DE' },
    };
  }
  return {
    query: r.pick(QUERIES),
    results: r.int(500),
    page: 1 + r.int(3),
    sort: r.pick(['relevance', 'price_asc', 'price_desc', 'newest']),
    filters: r.next() < 0.5 ? { size: '42', color: 'blue' } : {},
  };
}

/**
 * One event envelope, valid or (with probability `invalidShare`) not: a schema violation most
 * of the time, else an unknown event type or version.
 * @param {Random} r
 * @param {number} invalidShare
 */
function envelope(r, invalidShare) {
  const event = r.pick([PAGE_VIEW, PAGE_VIEW, PAGE_VIEW, SEARCH, SEARCH, CHECKOUT]);
  const data = validData(r, event);
  /** @type {Record<string, unknown>} */
  const out = {
    event,
    version: 1,
    id: r.uuid(),
    sent_at: new Date(Date.UTC(2026, 10, 23, 10, 0, r.int(3600))).toISOString(),
    context: {
      user_id: `u-${r.int(50_000)}`,
      session_id: `s-${r.int(1_000_000)}`,
      page_url: `https://shop.example${r.pick(PATHS)}`,
      referrer: r.pick(REFERRERS) ?? '',
    },
    data,
  };
  if (r.next() >= invalidShare) return out;
  const kind = r.next();
  if (kind < 0.7) {
    // A wrong type in the data: the collector's most common rejection.
    if (event === PAGE_VIEW) data['viewport'] = { width: '1280px', height: 800 };
    else if (event === CHECKOUT) data['total'] = String(data['total']);
    else data['results'] = -1.5;
  } else if (kind < 0.85) out['event'] = 'com.acme.unknown_thing';
  else out['version'] = 9;
  return out;
}

/**
 * Bodies of `POST /v1/events`, each `{"events": [...]}` with `eventsPerBatch` events.
 * @param {{ count: number; eventsPerBatch: number; invalidShare: number; seed?: number }} options
 * @returns {string[]}
 */
export function batchBodies({ count, eventsPerBatch, invalidShare, seed = 1 }) {
  const r = random(seed);
  return Array.from({ length: count }, () =>
    JSON.stringify({
      events: Array.from({ length: eventsPerBatch }, () => envelope(r, invalidShare)),
    }),
  );
}

/**
 * Paths of pixel requests: `/i?e=<event>&v=<version>&d=<base64url JSON data>`.
 * @param {{ count: number; invalidShare: number; seed?: number }} options
 * @returns {string[]}
 */
export function pixelPaths({ count, invalidShare, seed = 2 }) {
  const r = random(seed);
  return Array.from({ length: count }, () => {
    const { event, version, data } = envelope(r, invalidShare);
    const d = Buffer.from(JSON.stringify(data)).toString('base64url');
    const query = new URLSearchParams({ e: String(event), v: String(version), d });
    return `/i?${query}`;
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Request generators that cycle through a fixed pool.
 * @param {{ bodies: string[]; pixels: string[]; eventsPerBatch: number }} pools
 */
export function workloads({ bodies, pixels, eventsPerBatch }) {
  let b = 0;
  let p = 0;
  return {
    /** @returns {BenchRequest} */
    batch: () => ({
      method: 'POST',
      path: '/v1/events',
      body: bodies[b++ % bodies.length],
      headers: JSON_HEADERS,
      events: eventsPerBatch,
    }),
    /** @returns {BenchRequest} */
    pixel: () => ({ method: 'GET', path: pixels[p++ % pixels.length] ?? '/i', events: 1 }),
  };
}

// ---- Snowplow tracker protocol: tp2 POST batches and tp1 GET requests ----

const SNOWPLOW = 'com.snowplowanalytics.snowplow';
const SHIPPED = new URL('../../cli/snowplow-schemas/', import.meta.url);

/** The tp2 POST path (the trackers' default) and the tp1 GET path. */
export const TP2_PATH = `/${SNOWPLOW}/tp2`;
export const TP1_PATH = '/i';

/**
 * A self-describing JSON Schema as the registry holds an Iglu schema.
 * @param {string} vendor @param {string} name @param {Record<string, unknown>} body
 */
const igluSchema = (vendor, name, body) =>
  JSON.stringify({
    $schema:
      'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
    self: { vendor, name, format: 'jsonschema', version: '1-0-0' },
    type: 'object',
    ...body,
  });

/**
 * Reads a schema shipped in cli/snowplow-schemas.
 * @param {string} name
 */
async function shipped(name) {
  const { readFile } = await import('node:fs/promises');
  return readFile(new URL(`${SNOWPLOW}/${name}/jsonschema/1-0-0`, SHIPPED), 'utf8');
}

/**
 * The Iglu schemas the benchmark's registry knows, by `vendor/name/version`: the shipped
 * page_view, structured_event and web_page, and `com.acme` search (event) and user (entity).
 * @returns {Promise<Record<string, ResolvedSchema>>}
 */
export async function igluSchemas() {
  /** @param {number} id @param {string} schema @returns {ResolvedSchema} */
  const resolved = (id, schema) => ({ id, version: 1, schemaType: 'JSON', schema, references: [] });
  return {
    [`${SNOWPLOW}/page_view/1-0-0`]: resolved(201, await shipped('page_view')),
    [`${SNOWPLOW}/structured_event/1-0-0`]: resolved(202, await shipped('structured_event')),
    [`${SNOWPLOW}/web_page/1-0-0`]: resolved(203, await shipped('web_page')),
    'com.acme/search/1-0-0': resolved(
      204,
      igluSchema('com.acme', 'search', {
        properties: {
          query: { type: 'string', maxLength: 200 },
          results: { type: 'integer', minimum: 0 },
          sort: { enum: ['relevance', 'price_asc', 'price_desc', 'newest'] },
        },
        required: ['query', 'results'],
        additionalProperties: false,
      }),
    ),
    'com.acme/user/1-0-0': resolved(
      205,
      igluSchema('com.acme', 'user', {
        properties: { id: { type: 'string' }, plan: { enum: ['free', 'pro'] } },
        required: ['id'],
      }),
    ),
  };
}

/** @param {unknown} value */
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * One tracker event map as the JS tracker sends it (every value a string, base64 on): a page
 * view, a structured event or a self-describing search, each with a web_page entity and, for
 * most, a user entity; with probability `invalidShare` a wrong field or an unknown schema.
 * @param {Random} r
 * @param {number} invalidShare
 * @returns {Record<string, string>}
 */
function trackerEvent(r, invalidShare) {
  const i = r.int(PATHS.length);
  const dtm = Date.UTC(2026, 10, 23, 10, 0, r.int(3600));
  const user = {
    schema: 'iglu:com.acme/user/jsonschema/1-0-0',
    data: { id: `u-${r.int(50_000)}` },
  };
  const entities = [
    { schema: `iglu:${SNOWPLOW}/web_page/jsonschema/1-0-0`, data: { id: r.uuid() } },
    ...(r.next() < 0.7 ? [user] : []),
  ];
  const invalid = r.next() < invalidShare;
  const kind = r.pick(['pv', 'pv', 'pv', 'se', 'ue', 'ue']);
  /** @type {Record<string, string>} */
  const map = {
    e: kind,
    eid: r.uuid(),
    aid: 'shop',
    p: 'web',
    tv: 'js-4.10.1',
    tna: 'sp',
    dtm: String(dtm),
    stm: String(dtm + 50),
    url: `https://shop.example${PATHS[i]}`,
    page: TITLES[i] ?? '',
    ...(r.next() < 0.5 ? { refr: 'https://www.google.com/' } : {}),
    duid: r.uuid(),
    sid: r.uuid(),
    vid: String(1 + r.int(20)),
    res: '1920x1080',
    vp: '1280x800',
    lang: 'en-US',
    tz: 'Europe/Berlin',
    cs: 'UTF-8',
  };
  if (kind === 'se') {
    Object.assign(map, { se_ca: 'shop', se_ac: 'add-to-cart', se_la: `SKU-${r.int(9000)}` });
    map['se_va'] = String(r.int(100));
  }
  if (kind === 'ue') {
    /** @type {Record<string, unknown>} */
    const data = {
      query: r.pick(QUERIES),
      results: r.int(500),
      sort: r.pick(['relevance', 'price_asc', 'price_desc', 'newest']),
    };
    if (invalid) data['results'] = -1.5;
    map['ue_px'] = b64({
      schema: `iglu:${SNOWPLOW}/unstruct_event/jsonschema/1-0-0`,
      data: { schema: 'iglu:com.acme/search/jsonschema/1-0-0', data },
    });
  } else if (invalid) {
    // An unknown entity makes the event bad.
    entities.push({ schema: 'iglu:com.acme/unknown_thing/jsonschema/1-0-0', data: { id: 'x' } });
  }
  map['cx'] = b64({ schema: `iglu:${SNOWPLOW}/contexts/jsonschema/1-0-0`, data: entities });
  return map;
}

/**
 * Bodies of tp2 POSTs: `payload_data` with `eventsPerBatch` event maps each, as the node
 * tracker sends them with `bufferSize` 25.
 * @param {{ count: number; eventsPerBatch: number; invalidShare: number; seed?: number }} options
 * @returns {string[]}
 */
export function tp2Bodies({ count, eventsPerBatch, invalidShare, seed = 3 }) {
  const r = random(seed);
  return Array.from({ length: count }, () =>
    JSON.stringify({
      schema: `iglu:${SNOWPLOW}/payload_data/jsonschema/1-0-4`,
      data: Array.from({ length: eventsPerBatch }, () => trackerEvent(r, invalidShare)),
    }),
  );
}

/**
 * Paths of tp1 GETs: `/i?<one event map>`.
 * @param {{ count: number; invalidShare: number; seed?: number }} options
 * @returns {string[]}
 */
export function tp1Paths({ count, invalidShare, seed = 4 }) {
  const r = random(seed);
  return Array.from(
    { length: count },
    () => `${TP1_PATH}?${new URLSearchParams(trackerEvent(r, invalidShare))}`,
  );
}

const TP2_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

/**
 * Request generators for the Snowplow rows, cycling through fixed pools.
 * @param {{ bodies: string[]; paths: string[]; eventsPerBatch: number }} pools
 */
export function snowplowWorkloads({ bodies, paths, eventsPerBatch }) {
  let b = 0;
  let p = 0;
  return {
    /** @returns {BenchRequest} */
    tp2: () => ({
      method: 'POST',
      path: TP2_PATH,
      body: bodies[b++ % bodies.length],
      headers: TP2_HEADERS,
      events: eventsPerBatch,
    }),
    /** @returns {BenchRequest} */
    tp1: () => ({ method: 'GET', path: paths[p++ % paths.length] ?? TP1_PATH, events: 1 }),
  };
}
