import type { BadEvent } from '@sift/common';
import { badDocument, goodDocument } from '@sift/sinks';
import type { IndexRequest } from '@sift/sinks';

/** A good event's document, as the good sink builds it. */
export function goodEvent(
  id: string,
  options: { type?: string; version?: number; testId?: string; data?: unknown } = {},
): IndexRequest {
  const headers: Record<string, string> = {
    'sift-event-id': id,
    'sift-event-type': options.type ?? 'com.acme.page_view',
    'sift-schema-id': '7',
    'sift-schema-version': String(options.version ?? 1),
    'sift-received-at': new Date().toISOString(),
  };
  if (options.testId) headers['sift-test-id'] = options.testId;
  return goodDocument(headers, options.data ?? { path: `/${id}` });
}

/** A bad event's document, as the bad sink builds it. */
export function badEvent(
  id: string,
  options: { type?: string; version?: number; kind?: BadEvent['kind']; testId?: string } = {},
): IndexRequest {
  return badDocument({
    id,
    received_at: new Date().toISOString(),
    stage: 'collector',
    kind: options.kind ?? 'schema_violation',
    event: options.type ?? 'com.acme.page_view',
    version: options.version ?? 1,
    errors: [{ path: '/path', keyword: 'type', message: '/path must be string, got 42' }],
    payload: '{"events":[{"event":"com.acme.page_view","data":{"path":42}}]}',
    source: { endpoint: 'POST /v1/events', ip: '10.0.0.0', user_agent: 'jest' },
    ...(options.testId ? { test_id: options.testId } : {}),
  });
}
