import { goodEventHeaders, indexName } from '@sift/common';
import type { BadEvent } from '@sift/common';

/** The key under `data` that holds one event type's fields: dots become underscores. */
export function dataKey(eventType: string): string {
  return eventType.replace(/[^A-Za-z0-9_]/g, '_');
}

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(entries).filter(([, value]) => value !== undefined && value !== ''),
  );
}

/** Builds the good-index document of an event: ECS envelope fields, data under its event type's key. */
export function goodDocument(
  headers: Record<string, string>,
  data: unknown,
  prefix?: string,
): { index: string; id: string; document: Record<string, unknown> } {
  const h = (name: keyof typeof goodEventHeaders) => headers[goodEventHeaders[name]];
  const id = h('eventId') ?? '';
  const eventType = h('eventType') ?? '';
  const receivedAt = h('receivedAt') ?? new Date().toISOString();
  const document = defined({
    '@timestamp': h('sentAt') ?? receivedAt,
    event: defined({
      id,
      kind: 'event',
      dataset: eventType,
      created: receivedAt,
    }),
    sift: defined({
      verdict: 'good',
      schema_id: Number(h('schemaId')),
      schema_version: Number(h('schemaVersion')),
      sent_at: h('sentAt'),
    }),
    user_agent: h('userAgent') ? { original: h('userAgent') } : undefined,
    client: h('clientIp') ? { ip: h('clientIp') } : undefined,
    url: h('pageUrl') ? { full: h('pageUrl') } : undefined,
    http: h('referrer') ? { request: { referrer: h('referrer') } } : undefined,
    source_category: h('sourceCategory'),
    user: h('userId') ? { id: h('userId') } : undefined,
    session: h('sessionId') ? { id: h('sessionId') } : undefined,
    data: { [dataKey(eventType)]: data },
  });
  return { index: indexName('good', new Date(receivedAt), prefix), id, document };
}

/** Builds the bad-index document of a bad event: the same envelope plus `failure` and the raw payload. */
export function badDocument(
  bad: BadEvent,
  prefix?: string,
): {
  index: string;
  id: string;
  document: Record<string, unknown>;
} {
  const document = defined({
    '@timestamp': bad.received_at,
    event: defined({
      id: bad.id,
      kind: 'pipeline_error',
      dataset: bad.event,
      created: bad.received_at,
    }),
    sift: defined({ verdict: 'bad', schema_version: bad.version }),
    user_agent: bad.source.user_agent ? { original: bad.source.user_agent } : undefined,
    client: bad.source.ip ? { ip: bad.source.ip } : undefined,
    failure: {
      kind: bad.kind,
      stage: bad.stage,
      endpoint: bad.source.endpoint,
      errors: bad.errors,
      messages: bad.errors.map((error) => error.message),
    },
    payload: bad.payload,
  });
  return { index: indexName('bad', new Date(bad.received_at), prefix), id: bad.id, document };
}
