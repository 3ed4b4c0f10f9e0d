import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '@sift/common';
import { buildRegistryApp, CONFLUENT_JSON, MemorySchemaStore } from '@sift/registry';
import type { CompatibilityLevel } from '@sift/registry';

// Every schema evolution below is driven through Confluent's REST API under every
// compatibility level. The two facts per pair of versions were worked out by hand from Avro
// schema resolution and Confluent's JSON Schema STRICT rules, not by asking the checkers.

const logger = createLogger('compatibility-matrix-test', 'silent');
const subject = 'orders';

type SchemaType = 'AVRO' | 'JSON';

/** How data moves between the last version of an evolution and one earlier version. */
interface Reading {
  /** The last version reads data written with the earlier one: what BACKWARD checks. */
  newReadsOld: boolean;
  /** The earlier version reads data written with the last one: what FORWARD checks. */
  oldReadsNew: boolean;
}

const bothWays: Reading = { newReadsOld: true, oldReadsNew: true };
const onlyNewReadsOld: Reading = { newReadsOld: true, oldReadsNew: false };
const onlyOldReadsNew: Reading = { newReadsOld: false, oldReadsNew: true };
const neitherWay: Reading = { newReadsOld: false, oldReadsNew: false };

/**
 * A named sequence of versions of one subject. `against` holds, oldest first, how the last
 * version relates to each earlier one; how the earlier ones relate to each other does not
 * matter, since they are registered under NONE.
 */
type Step = {
  name: string;
  /** The field, property or name the evolution changes; a refusal must name it, in quotes. */
  changed: string;
} & (
  | { versions: [object, object]; against: [Reading] }
  | { versions: [object, object, object]; against: [Reading, Reading] }
);

type Evolution = Step & { schemaType: SchemaType };

// ---- Avro schemas

function order(fields: object[], extra: Record<string, unknown> = {}): object {
  return { type: 'record', name: 'Order', namespace: 'com.acme', fields, ...extra };
}

const id = { name: 'id', type: 'string' };
const currency = (symbols: string[], extra: Record<string, unknown> = {}): object => ({
  name: 'currency',
  type: { type: 'enum', name: 'Currency', symbols, ...extra },
});
const digest = (size: number): object => ({
  name: 'digest',
  type: { type: 'fixed', name: 'Digest', size },
});
const shipping = (fields: object[]): object => ({
  name: 'shipping',
  type: { type: 'record', name: 'Address', fields },
});
const linkedList = (fields: object[]): object => ({
  type: 'record',
  name: 'Node',
  namespace: 'com.acme',
  fields: [
    { name: 'value', type: 'long' },
    ...fields,
    { name: 'next', type: ['null', 'Node'], default: null },
  ],
});

const avroEvolutions: Evolution[] = (
  [
    {
      name: 'add field with default',
      changed: 'total',
      versions: [order([id]), order([id, { name: 'total', type: 'double', default: 0 }])],
      against: [bothWays],
    },
    {
      name: 'add field without default',
      changed: 'total',
      versions: [order([id]), order([id, { name: 'total', type: 'double' }])],
      against: [onlyOldReadsNew],
    },
    {
      name: 'remove field with default',
      changed: 'total',
      versions: [order([id, { name: 'total', type: 'double', default: 0 }]), order([id])],
      against: [bothWays],
    },
    {
      name: 'remove field without default',
      changed: 'total',
      versions: [order([id, { name: 'total', type: 'double' }]), order([id])],
      against: [onlyNewReadsOld],
    },
    {
      name: 'rename field with an alias',
      changed: 'total',
      versions: [
        order([id, { name: 'total', type: 'double' }]),
        order([id, { name: 'amount', type: 'double', aliases: ['total'] }]),
      ],
      // The old schema has no alias and no default for `total`, so it cannot read `amount`.
      against: [onlyNewReadsOld],
    },
    {
      name: 'promote int to long',
      changed: 'quantity',
      versions: [
        order([{ name: 'quantity', type: 'int' }]),
        order([{ name: 'quantity', type: 'long' }]),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'demote long to int',
      changed: 'quantity',
      versions: [
        order([{ name: 'quantity', type: 'long' }]),
        order([{ name: 'quantity', type: 'int' }]),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'change string to bytes',
      changed: 'payload',
      versions: [
        order([{ name: 'payload', type: 'string' }]),
        order([{ name: 'payload', type: 'bytes' }]),
      ],
      // Avro resolution promotes string to bytes and bytes to string.
      against: [bothWays],
    },
    {
      name: 'add enum symbol (no enum default)',
      changed: 'currency',
      versions: [order([currency(['EUR', 'USD'])]), order([currency(['EUR', 'USD', 'GBP'])])],
      against: [onlyNewReadsOld],
    },
    {
      name: 'remove enum symbol',
      changed: 'currency',
      versions: [order([currency(['EUR', 'USD', 'GBP'])]), order([currency(['EUR', 'USD'])])],
      against: [onlyOldReadsNew],
    },
    {
      name: 'remove enum symbol, reader enum has a default',
      changed: 'currency',
      versions: [
        order([currency(['EUR', 'USD', 'GBP'])]),
        order([currency(['EUR', 'USD'], { default: 'EUR' })]),
      ],
      // New reads GBP as the default EUR; old knows every symbol the new one writes.
      against: [bothWays],
    },
    {
      name: 'make field nullable',
      changed: 'coupon',
      versions: [
        order([{ name: 'coupon', type: 'string' }]),
        order([{ name: 'coupon', type: ['null', 'string'], default: null }]),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'make nullable field non-null',
      changed: 'coupon',
      versions: [
        order([{ name: 'coupon', type: ['null', 'string'], default: null }]),
        order([{ name: 'coupon', type: 'string' }]),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'add union branch',
      changed: 'reference',
      versions: [
        order([{ name: 'reference', type: ['null', 'string'], default: null }]),
        order([{ name: 'reference', type: ['null', 'string', 'long'], default: null }]),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'rename record with an alias',
      changed: 'com.acme.Purchase',
      versions: [
        order([id]),
        {
          type: 'record',
          name: 'Purchase',
          namespace: 'com.acme',
          aliases: ['com.acme.Order'],
          fields: [id],
        },
      ],
      // Order has no alias "Purchase", so the old schema cannot read the renamed record.
      against: [onlyNewReadsOld],
    },
    {
      name: 'change fixed size',
      changed: 'digest',
      versions: [order([digest(16)]), order([digest(32)])],
      against: [neitherWay],
    },
    {
      name: 'nested record gains field with default',
      changed: 'zip',
      versions: [
        order([id, shipping([{ name: 'city', type: 'string' }])]),
        order([
          id,
          shipping([
            { name: 'city', type: 'string' },
            { name: 'zip', type: 'string', default: '' },
          ]),
        ]),
      ],
      against: [bothWays],
    },
    {
      name: 'recursive linked list gains optional field',
      changed: 'label',
      versions: [
        linkedList([]),
        linkedList([{ name: 'label', type: ['null', 'string'], default: null }]),
      ],
      against: [bothWays],
    },
    {
      name: '3-version chain: quantity dropped, then back as an int with a default',
      changed: 'quantity',
      versions: [
        order([id, { name: 'quantity', type: 'string' }]),
        order([id]),
        order([id, { name: 'quantity', type: 'int', default: 1 }]),
      ],
      // Against v2 the default and the ignored field make it FULL; against v1 string and int
      // cannot read each other in either direction.
      against: [neitherWay, bothWays],
    },
  ] satisfies Step[]
).map((step) => ({ schemaType: 'AVRO', ...step }));

// ---- JSON schemas

function closed(properties: object, extra: Record<string, unknown> = {}): object {
  return { type: 'object', properties, additionalProperties: false, ...extra };
}

function open(properties: object, extra: Record<string, unknown> = {}): object {
  return { type: 'object', properties, ...extra };
}

const sku = { type: 'string' };
const coupon = { type: 'string' };
const card = {
  type: 'object',
  properties: { number: { type: 'string' } },
  required: ['number'],
};
const iban = { type: 'string', pattern: '^[A-Z]{2}' };
const couponWithDefault = { type: 'string', default: 'none' };
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const withAddress = (zip: object): object => ({
  type: 'object',
  definitions: {
    address: { type: 'object', properties: { zip }, required: ['zip'] },
  },
  properties: { address: { $ref: '#/definitions/address' } },
});

const jsonEvolutions: Evolution[] = (
  [
    {
      name: 'add optional property to closed model',
      changed: 'coupon',
      versions: [closed({ sku }), closed({ sku, coupon })],
      // The old schema refuses the new property: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL.
      against: [onlyNewReadsOld],
    },
    {
      name: 'add optional property to open model',
      changed: 'coupon',
      versions: [open({ sku }), open({ sku, coupon })],
      // STRICT: old data may hold a coupon of any type (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL).
      against: [onlyOldReadsNew],
    },
    {
      name: 'remove property from closed model',
      changed: 'coupon',
      versions: [closed({ sku, coupon }), closed({ sku })],
      against: [onlyOldReadsNew],
    },
    {
      name: 'remove property from open model',
      changed: 'coupon',
      versions: [open({ sku, coupon }), open({ sku })],
      against: [onlyNewReadsOld],
    },
    {
      name: 'property becomes required',
      changed: 'coupon',
      versions: [
        closed({ sku, coupon }, { required: ['sku'] }),
        closed({ sku, coupon }, { required: ['sku', 'coupon'] }),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'required dropped',
      changed: 'coupon',
      versions: [
        closed({ sku, coupon }, { required: ['sku', 'coupon'] }),
        closed({ sku, coupon }, { required: ['sku'] }),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'type narrowed from string or number to string',
      changed: 'code',
      versions: [
        open({ code: { type: ['string', 'number'] } }),
        open({ code: { type: 'string' } }),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'type widened from string to string or null',
      changed: 'code',
      versions: [open({ code: { type: 'string' } }), open({ code: { type: ['string', 'null'] } })],
      against: [onlyNewReadsOld],
    },
    {
      name: 'integer to number',
      changed: 'quantity',
      versions: [open({ quantity: { type: 'integer' } }), open({ quantity: { type: 'number' } })],
      against: [onlyNewReadsOld],
    },
    {
      name: 'enum value added',
      changed: 'plan',
      versions: [
        open({ plan: { enum: ['free', 'pro'] } }),
        open({ plan: { enum: ['free', 'pro', 'team'] } }),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'enum value removed',
      changed: 'plan',
      versions: [
        open({ plan: { enum: ['free', 'pro', 'team'] } }),
        open({ plan: { enum: ['free', 'pro'] } }),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'maxLength added',
      changed: 'userId',
      versions: [
        open({ userId: { type: 'string' } }),
        open({ userId: { type: 'string', maxLength: 36 } }),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'maxLength increased',
      changed: 'userId',
      versions: [
        open({ userId: { type: 'string', maxLength: 36 } }),
        open({ userId: { type: 'string', maxLength: 64 } }),
      ],
      against: [onlyNewReadsOld],
    },
    {
      name: 'minimum raised',
      changed: 'quantity',
      versions: [
        open({ quantity: { type: 'integer', minimum: 0 } }),
        open({ quantity: { type: 'integer', minimum: 1 } }),
      ],
      against: [onlyOldReadsNew],
    },
    {
      name: 'items type changed',
      changed: 'tags[]',
      versions: [
        open({ tags: { type: 'array', items: { type: 'string' } } }),
        open({ tags: { type: 'array', items: { type: 'integer' } } }),
      ],
      against: [neitherWay],
    },
    {
      name: 'oneOf branch added',
      changed: 'payment',
      versions: [
        open({ payment: { oneOf: [card, iban] } }),
        open({ payment: { oneOf: [card, iban, { type: 'null' }] } }),
      ],
      // The old schema refuses null payments: SUM_TYPE_NARROWED when it reads.
      against: [onlyNewReadsOld],
    },
    {
      name: "$ref'd definition narrowed",
      changed: 'address.zip',
      versions: [withAddress({ type: ['integer', 'string'] }), withAddress({ type: 'integer' })],
      against: [onlyOldReadsNew],
    },
    {
      name: 'additionalItems made false after a tuple',
      changed: 'lines',
      versions: [
        open({ lines: { type: 'array', items: [sku] } }),
        open({ lines: { type: 'array', items: [sku], additionalItems: false } }),
      ],
      // Old arrays may be longer than the tuple: ADDITIONAL_ITEMS_REMOVED when the new reads.
      against: [onlyOldReadsNew],
    },
    {
      name: 'additionalItems made false beside a single items schema',
      changed: 'lines',
      versions: [
        open({ lines: { type: 'array', items: sku, additionalItems: true } }),
        open({ lines: { type: 'array', items: sku, additionalItems: false } }),
      ],
      // Confluent compares additionalItems whatever items is: ADDITIONAL_ITEMS_REMOVED when
      // the new reads, ADDITIONAL_ITEMS_ADDED (compatible) when the old reads.
      against: [onlyOldReadsNew],
    },
    {
      name: 'items changed from one schema to a tuple',
      changed: 'lines',
      versions: [
        open({ lines: { type: 'array', items: sku } }),
        open({ lines: { type: 'array', items: [sku] } }),
      ],
      // New reads old: the old content model is open (no additionalItems), so the tuple item is
      // ITEM_ADDED_TO_OPEN_CONTENT_MODEL. Old reads new: the single items schema is SCHEMA_ADDED.
      against: [neitherWay],
    },
    {
      name: 'items changed from one schema to 2020-12 prefixItems',
      changed: 'lines',
      versions: [
        open({ lines: { type: 'array', items: sku } }, { $schema: DRAFT_2020 }),
        open({ lines: { type: 'array', prefixItems: [sku] } }, { $schema: DRAFT_2020 }),
      ],
      // As with the items tuple: ITEM_ADDED_TO_OPEN_CONTENT_MODEL one way, SCHEMA_ADDED the other.
      against: [neitherWay],
    },
    {
      name: 'property with a default becomes required',
      changed: 'coupon',
      versions: [
        closed({ sku, coupon: couponWithDefault }, { required: ['sku'] }),
        closed({ sku, coupon: couponWithDefault }, { required: ['sku', 'coupon'] }),
      ],
      // REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED one way, REQUIRED_ATTRIBUTE_REMOVED the other:
      // both compatible in Confluent (SIFT_REGISTRY_JSON_STRICT_REQUIRED refuses the first).
      against: [bothWays],
    },
    {
      name: '3-version chain: enum value team renamed pro, then reordered',
      changed: 'plan',
      versions: [
        open({ plan: { enum: ['free', 'team'] } }),
        open({ plan: { enum: ['free', 'pro'] } }),
        open({ plan: { enum: ['pro', 'free'] } }),
      ],
      // v3 holds v2's values in another order; against v1 each side has a value the other lacks.
      against: [neitherWay, bothWays],
    },
  ] satisfies Step[]
).map((step) => ({ schemaType: 'JSON', ...step }));

// ---- Levels

interface LevelRule {
  backward: boolean;
  forward: boolean;
  transitive: boolean;
}

const levels: Record<CompatibilityLevel, LevelRule> = {
  NONE: { backward: false, forward: false, transitive: false },
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

/** The earlier version numbers the last version fails against under a level. */
function faultyVersions(rule: LevelRule, against: readonly Reading[]): number[] {
  const latest = against.length;
  return against
    .map((reading, index) => ({ reading, version: index + 1 }))
    .filter(({ version }) => rule.transitive || version === latest)
    .filter(
      ({ reading }) =>
        (rule.backward && !reading.newReadsOld) || (rule.forward && !reading.oldReadsNew),
    )
    .map(({ version }) => version);
}

interface Case {
  level: CompatibilityLevel;
  transitive: boolean;
  outcome: 'accepted' | 'refused';
  /** Earlier versions that registration must be refused over. */
  faulty: number[];
}

function casesFor(evolution: Evolution): Case[] {
  return (Object.entries(levels) as [CompatibilityLevel, LevelRule][]).map(([level, rule]) => {
    const faulty = faultyVersions(rule, evolution.against);
    return {
      level,
      transitive: rule.transitive,
      outcome: faulty.length === 0 ? 'accepted' : 'refused',
      faulty,
    };
  });
}

// ---- HTTP

async function app(): Promise<Express> {
  return (await buildRegistryApp({}, { store: new MemorySchemaStore(), logger })).app;
}

function post(server: Express, path: string, schemaType: SchemaType, schema: object): request.Test {
  return request(server)
    .post(path)
    .set('Content-Type', CONFLUENT_JSON)
    .send({ schemaType, schema: JSON.stringify(schema) });
}

async function setLevel(server: Express, level: CompatibilityLevel): Promise<void> {
  await request(server)
    .put(`/config/${subject}`)
    .set('Content-Type', CONFLUENT_JSON)
    .send({ compatibility: level })
    .expect(200, { compatibility: level });
}

/** A refusal names each earlier version at fault, and no other. */
function expectFaultyNamed(text: string, faulty: readonly number[], earlier: number): void {
  for (let version = 1; version <= earlier; version++) {
    const named = new RegExp(`\\bversion ${version}\\b`);
    if (faulty.includes(version)) expect(text).toMatch(named);
    else expect(text).not.toMatch(named);
  }
}

/** What `?verbose=true` must answer when the listed earlier versions are at fault. */
function expectVerdict(
  body: unknown,
  faulty: readonly number[],
  earlier: number,
  changed: string,
): void {
  if (faulty.length === 0) {
    expect(body).toEqual({ is_compatible: true, messages: [] });
    return;
  }
  expect(body).toEqual({
    is_compatible: false,
    messages: expect.arrayContaining([expect.stringContaining(`"${changed}"`)]) as unknown,
  });
  expectFaultyNamed((body as { messages: string[] }).messages.join('\n'), faulty, earlier);
}

describe.each([...avroEvolutions, ...jsonEvolutions])('$schemaType $name', (evolution) => {
  const { schemaType, versions, changed } = evolution;
  const earlier = versions.slice(0, -1);
  const last = versions[versions.length - 1] as object;

  it.each(casesFor(evolution))('under $level → $outcome', async ({ level, transitive, faulty }) => {
    const server = await app();
    await setLevel(server, 'NONE');
    for (const [index, schema] of earlier.entries()) {
      const registered = await post(server, `/subjects/${subject}/versions`, schemaType, schema);
      expect({ status: registered.status, body: registered.body }).toMatchObject({
        status: 200,
        body: { version: index + 1 },
      });
    }
    await setLevel(server, level);

    // Like Confluent, a single version (here `latest`) is checked alone, even when the level
    // is transitive; the versions endpoint checks all of them under a transitive level.
    const latestOnly = faulty.filter((version) => version === earlier.length);
    const latest = await post(
      server,
      `/compatibility/subjects/${subject}/versions/latest?verbose=true`,
      schemaType,
      last,
    ).expect(200);
    expectVerdict(latest.body, latestOnly, earlier.length, changed);
    if (transitive) {
      const all = await post(
        server,
        `/compatibility/subjects/${subject}/versions?verbose=true`,
        schemaType,
        last,
      ).expect(200);
      expectVerdict(all.body, faulty, earlier.length, changed);
    }

    const registered = await post(server, `/subjects/${subject}/versions`, schemaType, last);
    const answer = { status: registered.status, body: registered.body as unknown };
    if (faulty.length === 0) {
      expect(answer).toMatchObject({ status: 200, body: { version: versions.length } });
      return;
    }
    expect(answer).toMatchObject({
      status: 409,
      body: { error_code: 409, message: expect.stringContaining(`"${changed}"`) as unknown },
    });
    expectFaultyNamed((registered.body as { message: string }).message, faulty, earlier.length);
  });
});
