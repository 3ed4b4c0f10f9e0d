import { randomUUID } from 'node:crypto';
import type { BadEvent } from '@sift/common';
import { badEventFromDocument, ElasticsearchBadEventReader } from '@sift/collector';
import { badDocument } from '@sift/sinks';

describe('ElasticsearchBadEventReader', () => {
  it('reads back the bad event a bad sink indexed', () => {
    const bad: BadEvent = {
      id: randomUUID(),
      received_at: '2026-07-01T12:00:00.000Z',
      stage: 'validator',
      kind: 'schema_violation',
      event: 'com.acme.checkout_completed',
      version: 3,
      errors: [{ path: '/total', keyword: 'type', message: '/total must be double' }],
      payload: '{"event":"com.acme.checkout_completed","data":{"total":"x"}}',
      source: { endpoint: 'POST /v1/events', ip: '203.0.113.0', user_agent: 'ua' },
    };
    const { id, document } = badDocument(bad);

    expect(badEventFromDocument(id, document)).toEqual(bad);
  });

  it('tells a document that is not a bad event', () => {
    expect(badEventFromDocument('x', { payload: '{}' })).toBe('no failure.kind');
    expect(badEventFromDocument('x', { failure: { kind: 'schema_violation' } })).toBe('no payload');
  });

  it('fails with the event store code when Elasticsearch does not answer', async () => {
    const reader = new ElasticsearchBadEventReader({ url: 'http://127.0.0.1:1' });
    const read = async () => {
      for await (const _ of reader.read({ eventTypes: [], kinds: ['schema_violation'] })) break;
    };

    await expect(read()).rejects.toMatchObject({ code: 'SIFT_EVENT_STORE_UNAVAILABLE' });
    await reader.close();
  });
});
