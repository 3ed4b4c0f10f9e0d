import { Client } from '@elastic/elasticsearch';
import type { BadEvent } from '@sift/common';
import { badDocument, ElasticsearchEventStore, goodDocument } from '@sift/sinks';
import { ElasticsearchEventExplorer } from '../../console/src/ui/adapters/elasticsearch/elasticsearch-event-explorer';

const URL = 'http://127.0.0.1:9200';

function bad(n: number, at: Date, overrides: Partial<BadEvent> = {}): BadEvent {
  return {
    id: `bad-${n}`,
    received_at: at.toISOString(),
    stage: 'collector',
    kind: 'schema_violation',
    event: n % 2 === 0 ? 'com.acme.page_view' : 'com.acme.signup',
    version: 1,
    errors: [{ path: '/path', keyword: 'type', message: '/path must be string, got 42' }],
    payload: JSON.stringify({ event: 'com.acme.page_view', data: { path: 42, n } }),
    source: { endpoint: '/v1/events' },
    ...overrides,
  };
}

describe('ElasticsearchEventExplorer on a real Elasticsearch', () => {
  const prefix = `console-ui-test-${Math.random().toString(36).slice(2, 8)}`;
  const client = new Client({ node: URL });
  const store = new ElasticsearchEventStore({
    url: URL,
    verdicts: ['good', 'bad'],
    indexPrefix: prefix,
  });
  const explorer = new ElasticsearchEventExplorer({ url: URL, indexPrefix: prefix });
  // Whole hours, so trend buckets are easy to name.
  const now = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const none = { eventTypes: [], kinds: [] };

  beforeAll(async () => {
    await store.prepare();
    const events = [
      ...Array.from({ length: 12 }, (_, i) => bad(i, hoursAgo(0.2 + i * 0.25))),
      bad(100, hoursAgo(0.5), {
        errors: [{ path: '', keyword: 'required', message: "must have required property 'title'" }],
        payload: '{"event":"com.acme.page_view","data":{"note":"a needle <script>x</script>"}}',
      }),
      bad(101, hoursAgo(1.5), { kind: 'unknown_event', event: 'com.acme.nope', errors: [] }),
    ];
    const outcomes = await store.index(events.map((event) => badDocument(event, prefix)));
    expect(outcomes.every((outcome) => outcome.status === 'indexed')).toBe(true);
    const good = [1, 2, 3].map((n) =>
      goodDocument(
        {
          'sift-event-id': `good-${n}`,
          'sift-event-type': n === 3 ? 'com.acme.signup' : 'com.acme.page_view',
          'sift-schema-id': '1',
          'sift-schema-version': '1',
          'sift-received-at': hoursAgo(1 - n * 0.1).toISOString(),
        },
        { path: `/p${n}` },
        prefix,
      ),
    );
    await store.index(good);
    await client.indices.refresh({ index: `${prefix}-*` });
  }, 60_000);

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true });
    for (const verdict of ['good', 'bad']) {
      await client.indices
        .deleteIndexTemplate({ name: `${prefix}-${verdict}` })
        .catch(() => undefined);
    }
    await explorer.close();
    await store.close();
    await client.close();
  });

  it('pages bad events newest first with an exact total, filtered by type, kind and text', async () => {
    const first = await explorer.search(none, { offset: 0, size: 5 });
    expect(first.total).toBe(14);
    expect(first.events.map((e) => e.id)).toEqual(['bad-0', 'bad-1', 'bad-100', 'bad-2', 'bad-3']);
    expect(first.next).toEqual(expect.any(String));
    const second = await explorer.search(none, { offset: 0, size: 5, after: first.next });
    expect(second.events.map((e) => e.id)).toEqual(['bad-4', 'bad-5', 'bad-101', 'bad-6', 'bad-7']);
    const third = await explorer.search(none, { offset: 0, size: 5, after: second.next });
    expect(third.events.map((e) => e.id)).toEqual(['bad-8', 'bad-9', 'bad-10', 'bad-11']);
    expect(third.next).toBeUndefined();
    const last = await explorer.search(none, { offset: 10, size: 5 });
    expect(last.events.map((e) => e.id)).toEqual(['bad-8', 'bad-9', 'bad-10', 'bad-11']);
    const signups = await explorer.search(
      { ...none, eventTypes: ['com.acme.signup'] },
      { offset: 0, size: 50 },
    );
    expect(signups.total).toBe(6);
    const unknown = await explorer.search(
      { ...none, kinds: ['unknown_event'] },
      { offset: 0, size: 50 },
    );
    expect(unknown.events.map((e) => e.id)).toEqual(['bad-101']);
    const text = await explorer.search({ ...none, text: 'Needle' }, { offset: 0, size: 50 });
    expect(text.events.map((e) => e.id)).toEqual(['bad-100']);
    const byMessage = await explorer.search({ ...none, text: 'title' }, { offset: 0, size: 50 });
    expect(byMessage.events.map((e) => e.id)).toEqual(['bad-100']);
  });

  it('refuses an offset past the window Elasticsearch can page, and a cursor it did not make', async () => {
    await expect(explorer.search(none, { offset: 9_990, size: 50 })).rejects.toMatchObject({
      code: 'SIFT_REQUEST_INVALID',
    });
    await expect(
      explorer.search(none, { offset: 0, size: 5, after: 'nope' }),
    ).rejects.toMatchObject({
      code: 'SIFT_REQUEST_INVALID',
    });
  });

  it('groups bad events by message with counts, a trend and event types, in Elasticsearch', async () => {
    const groups = await explorer.groups(
      { ...none, since: hoursAgo(4), until: now },
      { limit: 10, buckets: 4, now },
    );
    expect(groups.total).toBe(14);
    expect(groups.bucketMs).toBe(3600_000);
    expect(groups.buckets).toEqual([3, 2, 1, 0].map((h) => hoursAgo(h + 1).toISOString()));
    // 12 type errors from 0.2 to 2.95 hours ago: 4 in the hour before now, 4, 4.
    expect(groups.groups).toEqual([
      {
        message: '/path must be string, got 42',
        count: 12,
        trend: [0, 4, 4, 4],
        eventTypes: ['com.acme.page_view', 'com.acme.signup'],
      },
      {
        message: "must have required property 'title'",
        count: 1,
        trend: [0, 0, 0, 1],
        eventTypes: ['com.acme.page_view'],
      },
      { message: 'unknown_event', count: 1, trend: [0, 0, 1, 0], eventTypes: ['com.acme.nope'] },
    ]);
  });

  it('reads one bad event whole, markup and all, and nothing for an unknown id', async () => {
    const found = await explorer.get('bad-100');
    expect(found).toMatchObject({ id: 'bad-100', kind: 'schema_violation' });
    expect(found?.payload).toContain('<script>x</script>');
    expect(await explorer.get('nope')).toBeUndefined();
  });

  it('lists the newest good events and then only those after the cursor, and counts them by type', async () => {
    const first = await explorer.recent({ eventTypes: [] }, undefined, 2);
    expect(first.events.map((e) => e.id)).toEqual(['good-2', 'good-3']);
    const next = await explorer.recent({ eventTypes: [] }, first.cursor, 10);
    expect(next.events).toEqual([]);
    expect(next.cursor).toBe(first.cursor);
    const pageViews = await explorer.recent({ eventTypes: ['com.acme.page_view'] }, undefined, 10);
    expect(pageViews.events.map((e) => [e.id, e.data])).toEqual([
      ['good-1', { path: '/p1' }],
      ['good-2', { path: '/p2' }],
    ]);
    expect(await explorer.counts({})).toEqual([
      { event: 'com.acme.page_view', count: 2 },
      { event: 'com.acme.signup', count: 1 },
    ]);
  });
});
