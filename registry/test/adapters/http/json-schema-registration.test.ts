import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '@sift/common';
import {
  buildRegistryApp,
  CONFLUENT_JSON,
  loadRegistryConfig,
  MemorySchemaStore,
} from '@sift/registry';

const logger = createLogger('json-schema-registration-test', 'silent');
const igluRoot = join(__dirname, '../../../../test/fixtures/iglu-central/schemas');

async function app(config: { jsonStrictRequired?: boolean } = {}): Promise<Express> {
  return (await buildRegistryApp(config, { store: new MemorySchemaStore(), logger })).app;
}

function register(server: Express, subject: string, schema: string): request.Test {
  return request(server)
    .post(`/subjects/${subject}/versions`)
    .set('Content-Type', CONFLUENT_JSON)
    .send({ schemaType: 'JSON', schema });
}

/** Iglu Central's JSON Schemas as `[subject, version folder, text]`, versions in order. */
function igluSchemas(): [string, string, string][] {
  const found: [string, string, string][] = [];
  for (const vendor of readdirSync(igluRoot).sort()) {
    for (const name of readdirSync(join(igluRoot, vendor)).sort()) {
      const folder = join(igluRoot, vendor, name, 'jsonschema');
      let versions: string[];
      try {
        versions = readdirSync(folder);
      } catch {
        continue; // Avro, Thrift or Protobuf only
      }
      for (const version of versions.sort()) {
        found.push([`${vendor}.${name}`, version, readFileSync(join(folder, version), 'utf8')]);
      }
    }
  }
  return found;
}

describe('registering JSON Schemas', () => {
  it('registers every one of the 660 Iglu Central JSON Schemas', async () => {
    const server = await app();
    await request(server)
      .put('/config')
      .set('Content-Type', CONFLUENT_JSON)
      .send({ compatibility: 'NONE' })
      .expect(200);
    const schemas = igluSchemas();
    expect(schemas).toHaveLength(660);
    const refused: string[] = [];
    for (const [subject, version, text] of schemas) {
      const answer = await register(server, subject, text);
      if (answer.status !== 200) {
        refused.push(`${subject} ${version}: ${(answer.body as { message: string }).message}`);
      }
    }
    expect(refused).toEqual([]);
    // 660 compilations take a few seconds on a busy machine: a wider limit, not a time check.
  }, 120_000);

  it('registers a schema that $refs a metaschema, resolved without the network', async () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: {
        definition: { $ref: 'http://json-schema.org/draft-07/schema#' },
        envelope: {
          $ref: 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/instance-iglu-only/jsonschema/1-0-0#',
        },
      },
    });
    await register(await app(), 'com.acme.rule', schema).expect(200);
  });

  it('refuses a pattern RE2 cannot run with 422 42201, naming the pattern and its pointer', async () => {
    const schema = JSON.stringify({
      type: 'object',
      properties: { password: { type: 'string', pattern: '^(?=.*\\d).{8,}$' } },
    });
    const answer = await register(await app(), 'com.acme.signup', schema).expect(422);
    expect(answer.body).toEqual({
      error_code: 42201,
      message: expect.stringContaining(
        'the pattern "^(?=.*\\\\d).{8,}$" at /properties/password/pattern cannot be used: it uses a lookahead',
      ) as unknown,
    });
  });

  it('registers a pattern that backtracks catastrophically elsewhere, since RE2 runs it', async () => {
    const schema = JSON.stringify({ type: 'string', pattern: '^(a+)+$' });
    await register(await app(), 'com.acme.word', schema).expect(200);
  });
});

describe('a JSON property made required with a default', () => {
  const sku = { type: 'string' };
  const coupon = { type: 'string', default: 'none' };
  const v1 = { type: 'object', properties: { sku, coupon }, required: ['sku'] };
  const v2 = { ...v1, required: ['sku', 'coupon'] };

  async function registerBoth(server: Express): Promise<request.Response> {
    await register(server, 'orders', JSON.stringify(v1)).expect(200);
    return register(server, 'orders', JSON.stringify(v2));
  }

  it('is compatible under BACKWARD by default, as in Confluent', async () => {
    await registerBoth(await app()).then((answer) => expect(answer.status).toBe(200));
  });

  it('is refused under BACKWARD with SIFT_REGISTRY_JSON_STRICT_REQUIRED=true', async () => {
    const config = loadRegistryConfig({ SIFT_REGISTRY_JSON_STRICT_REQUIRED: 'true' });
    expect(config.jsonStrictRequired).toBe(true);
    expect(loadRegistryConfig({}).jsonStrictRequired).toBe(false);
    const answer = await registerBoth(await app(config));
    expect({ status: answer.status, body: answer.body as unknown }).toEqual({
      status: 409,
      body: {
        error_code: 409,
        message: expect.stringContaining(
          'property "coupon" became required: data written without it would be refused',
        ) as unknown,
      },
    });
    expect((answer.body as { message: string }).message).toContain('REQUIRED_ATTRIBUTE_ADDED');
  });
});
