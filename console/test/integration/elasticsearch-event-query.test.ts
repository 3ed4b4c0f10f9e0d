import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchEventQuery } from '@sift/console';
import { ElasticsearchEventStore, templateName } from '@sift/sinks';
import { badEvent, goodEvent } from '../support/events';

const url = 'http://127.0.0.1:9200';
const prefix = `sift-test-query-${randomUUID().slice(0, 8)}`;
const client = new Client({ node: url });
let store: ElasticsearchEventStore;
let query: ElasticsearchEventQuery;

/** The support builders' documents, moved to this test's own indices. */
function own(request: ReturnType<typeof goodEvent>) {
  return { ...request, index: request.index.replace(/^sift-/, `${prefix}-`) };
}

beforeAll(async () => {
  store = new ElasticsearchEventStore({ url, verdicts: ['good', 'bad'], indexPrefix: prefix });
  await store.prepare();
  const outcomes = await store.index(
    [
      goodEvent('g1', { testId: 'es-run' }),
      goodEvent('g2', { type: 'com.acme.search', version: 2 }),
      badEvent('b1', { testId: 'es-run', kind: 'unknown_event' }),
      badEvent('b2', { type: 'org.other.thing' }),
    ].map(own),
  );
  expect(outcomes.every((outcome) => outcome.status === 'indexed')).toBe(true);
  await client.indices.refresh({ index: `${prefix}-*` });
  query = new ElasticsearchEventQuery({ url, indexPrefix: prefix });
});

afterAll(async () => {
  const left = await client.indices.get({ index: `${prefix}-*`, allow_no_indices: true });
  if (Object.keys(left).length > 0) {
    await client.indices.delete({ index: Object.keys(left).join(',') });
  }
  for (const verdict of ['good', 'bad'] as const) {
    await client.indices
      .deleteIndexTemplate({ name: templateName(verdict, prefix) })
      .catch(() => undefined);
  }
  await query.close();
  await store.close();
  await client.close();
});

describe('ElasticsearchEventQuery', () => {
  it('lists the good and bad indices with the test API filters', async () => {
    const ids = async (filter: Parameters<typeof query.list>[0]) =>
      (await query.list(filter)).events.map((event) => event.id).sort();
    expect(await ids({})).toEqual(['b1', 'b2', 'g1', 'g2']);
    expect(await ids({ testId: 'es-run' })).toEqual(['b1', 'g1']);
    expect(await ids({ verdict: 'bad' })).toEqual(['b1', 'b2']);
    expect(await ids({ eventType: 'com.acme.search' })).toEqual(['g2']);
    expect(await ids({ vendor: 'com.acme' })).toEqual(['b1', 'g1', 'g2']);
    expect(await ids({ schemaVersion: 2 })).toEqual(['g2']);
    expect(await ids({ kind: 'unknown_event' })).toEqual(['b1']);
    expect((await query.list({}, { limit: 1 })).total).toBe(4);
  });

  it('gets one event by id with its verdict and fields, and counts by verdict', async () => {
    expect(await query.get('b1')).toMatchObject({
      id: 'b1',
      verdict: 'bad',
      kind: 'unknown_event',
      testId: 'es-run',
      eventType: 'com.acme.page_view',
    });
    expect(await query.get('missing')).toBeUndefined();
    expect(await query.counts({ testId: 'es-run' })).toEqual({ total: 2, good: 1, bad: 1 });
  });

  it('deletes every event of its indices on reset', async () => {
    await query.deleteAll();
    expect(await query.counts()).toEqual({ total: 0, good: 0, bad: 0 });
  });
});
