import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { BAD_TOPIC, createLogger, GOOD_TOPIC } from '@sift/common';
import { buildCollectorApp } from '@sift/collector';
import type { ResolvedSchema, SchemaMiss, SchemaSource } from '@sift/collector';
import { MemoryEventLog } from '@sift/event-log';
import { jsonSchemaFormat } from '@sift/validator';

// collector/openapi.json, which the tracker's API types are generated from, must say what the
// collector really answers: each answer below is checked against the document's schema for it.
const document = JSON.parse(
  readFileSync(join(__dirname, '../../collector/openapi.json'), 'utf8'),
) as { components: unknown };

function conforms(component: string, body: unknown): string[] {
  const schema = JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $ref: `#/components/schemas/${component}`,
    components: document.components,
  });
  return jsonSchemaFormat
    .compile({ schema })
    .validate(body)
    .issues.map((issue) => `${issue.path} ${issue.message}`);
}

const signup = JSON.stringify({
  type: 'object',
  properties: { plan: { enum: ['free', 'pro'] } },
  required: ['plan'],
});
const schemas: SchemaSource = {
  async resolve(eventType: string): Promise<ResolvedSchema | SchemaMiss> {
    return eventType === 'com.acme.signup'
      ? { id: 1, version: 1, schemaType: 'JSON', schema: signup, references: [] }
      : 'unknown_event';
  },
};

function collector() {
  return buildCollectorApp(
    { maxBodyBytes: 2048, goodTopic: GOOD_TOPIC, badTopic: BAD_TOPIC },
    { schemas, log: new MemoryEventLog(), logger: createLogger('openapi-test', 'silent') },
  );
}

describe('collector/openapi.json', () => {
  it('describes a batch answer with accepted and rejected events', async () => {
    const answer = await request(collector())
      .post('/v1/events')
      .set('X-Sift-Test-Id', 'run-1')
      .send({
        events: [
          { event: 'com.acme.signup', version: 1, data: { plan: 'pro' } },
          { event: 'com.acme.signup', data: { plan: 'gold' } },
          { event: 'com.acme.nothing', data: {} },
        ],
      });
    expect(answer.status).toBe(200);
    expect(answer.body.rejected).toBe(2);
    expect(conforms('BatchResult', answer.body)).toEqual([]);
  });

  it('describes the answers to a malformed and to an oversize body', async () => {
    const malformed = await request(collector())
      .post('/v1/events')
      .set('content-type', 'application/json')
      .send('{"events": [');
    expect(malformed.status).toBe(400);
    expect(conforms('BatchResult', malformed.body)).toEqual([]);
    const oversize = await request(collector())
      .post('/v1/events')
      .set('content-type', 'text/plain')
      .send('x'.repeat(4096));
    expect(oversize.status).toBe(413);
    expect(conforms('BatchResult', oversize.body)).toEqual([]);
  });

  it('is refused by the check when an answer breaks it', () => {
    expect(
      conforms('BatchResult', { accepted: 1, events: [{ index: 0, status: 'maybe' }] }),
    ).not.toEqual([]);
  });

  it('is served by the collector at GET /openapi.json', async () => {
    const answer = await request(collector()).get('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(document);
  });
});
