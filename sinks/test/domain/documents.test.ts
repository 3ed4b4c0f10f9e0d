import { badDocument, documentField, goodDocument } from '@sift/sinks';
import { avroFormat, schemaIndexField } from '@sift/validator';

/** Event data as the sink gets it: encoded and decoded by the validator with a real schema. */
const pageView = {
  schema: JSON.stringify({
    type: 'record',
    name: 'PageView',
    fields: [
      { name: 'path', type: 'string' },
      { name: 'raw', type: 'bytes' },
      { name: 'tag', type: { type: 'fixed', name: 'Tag', size: 4 } },
      { name: 'extra', type: ['null', 'bytes'], default: null },
    ],
  }),
};

function decodedPageView(): unknown {
  const compiled = avroFormat.compile(pageView);
  const { issues, encoded } = compiled.validateAndEncode({
    path: '/p',
    raw: 'hi',
    tag: 'abcd',
    extra: { bytes: '\u00ff\u0000' },
  });
  expect(issues).toEqual([]);
  return compiled.decode(encoded as Buffer);
}

describe('goodDocument', () => {
  it('puts the enrichment headers in Elastic Common Schema fields', () => {
    const { index, id, document } = goodDocument(
      {
        'sift-event-id': 'e-1',
        'sift-event-type': 'com.acme.page_view',
        'sift-schema-id': '7',
        'sift-schema-version': '2',
        'sift-received-at': '2026-11-23T10:00:05.000Z',
        'sift-event-time': '2026-11-23T10:00:00.000Z',
        'sift-user-agent': 'Mozilla/5.0 (iPhone)',
        'sift-ua-name': 'Mobile Safari',
        'sift-ua-os-name': 'iOS',
        'sift-ua-device-type': 'mobile',
        'sift-ua-bot': 'false',
        'sift-client-ip': '203.0.113.0',
        'sift-page-url': 'https://shop.example:8443/p?q=1',
        'sift-url-domain': 'shop.example',
        'sift-url-port': '8443',
        'sift-url-path': '/p',
        'sift-source-category': 'search',
        'sift-utm-campaign': 'autumn',
        'sift-geo-country-iso-code': 'NL',
        'sift-geo-location': '52.37,4.89',
        'sift-test-id': 'run-1',
      },
      decodedPageView(),
    );
    expect(index).toBe('sift-good-2026.11.23');
    expect(id).toBe('e-1');
    expect(document).toEqual({
      '@timestamp': '2026-11-23T10:00:00.000Z',
      test_id: 'run-1',
      event: {
        id: 'e-1',
        kind: 'event',
        dataset: 'com.acme.page_view',
        created: '2026-11-23T10:00:05.000Z',
      },
      sift: {
        verdict: 'good',
        schema_id: 7,
        schema_version: 2,
        traffic: { utm: { campaign: 'autumn' } },
      },
      user_agent: {
        original: 'Mozilla/5.0 (iPhone)',
        name: 'Mobile Safari',
        os: { name: 'iOS' },
        device: { type: 'mobile', bot: false },
      },
      client: { ip: '203.0.113.0', geo: { country_iso_code: 'NL', location: '52.37,4.89' } },
      source: { ip: '203.0.113.0', geo: { country_iso_code: 'NL', location: '52.37,4.89' } },
      url: {
        full: 'https://shop.example:8443/p?q=1',
        domain: 'shop.example',
        port: 8443,
        path: '/p',
      },
      source_category: 'search',
      data: { com_acme_page_view: { path: '/p', raw: 'aGk=', tag: 'YWJjZA==', extra: '/wA=' } },
    });
  });

  it('stores Avro bytes and fixed values as base64 in fields mapped binary', () => {
    const decoded = decodedPageView() as Record<string, unknown>;
    expect(Buffer.isBuffer(decoded['raw'])).toBe(true);
    const { document } = goodDocument(
      { 'sift-event-id': 'e-1', 'sift-event-type': 'com.acme.page_view' },
      decoded,
    );
    expect(document['data']).toEqual({
      com_acme_page_view: { path: '/p', raw: 'aGk=', tag: 'YWJjZA==', extra: '/wA=' },
    });
    expect(schemaIndexField('AVRO', pageView)?.properties).toMatchObject({
      raw: { type: 'binary' },
      tag: { type: 'binary' },
      extra: { type: 'binary' },
    });
  });

  const origin = {
    topic: 'sift.events.good',
    partition: 3,
    offset: '42',
    timestamp: Date.parse('2026-11-22T23:59:59.000Z'),
  };

  it('names a document without an event id by its place in the log, so a replay overwrites it', () => {
    const missing: Record<string, string>[] = [
      { 'sift-event-type': 'com.acme.page_view' },
      { 'sift-event-id': '', 'sift-event-type': 'com.acme.page_view' },
    ];
    for (const headers of missing) {
      const { id, document } = goodDocument(headers, {}, undefined, origin);
      expect(id).toBe('sift.events.good/3@42');
      expect(documentField(document, 'event', 'id')).toBe('sift.events.good/3@42');
    }
  });

  it('dates a document whose time of receipt does not parse by the log timestamp', () => {
    const { index, document } = goodDocument(
      { 'sift-event-id': 'e-1', 'sift-received-at': 'yesterday-ish' },
      {},
      undefined,
      origin,
    );
    expect(index).toBe('sift-good-2026.11.22');
    expect(document['@timestamp']).toBe('2026-11-22T23:59:59.000Z');
    expect(documentField(document, 'event', 'created')).toBe('2026-11-22T23:59:59.000Z');
  });

  it('dates a document by now when neither the header nor the log gives a time', () => {
    const { index } = goodDocument({ 'sift-event-id': 'e-1', 'sift-received-at': 'x' }, {});
    expect(index).toMatch(/^sift-good-\d{4}\.\d{2}\.\d{2}$/);
  });
});

describe('badDocument', () => {
  it('falls back to the log for a missing id and an unreadable time of receipt', () => {
    const { index, id, document } = badDocument(
      {
        id: '',
        received_at: 'not a date',
        stage: 'validator',
        kind: 'schema_violation',
        errors: [],
        payload: '{}',
        source: { endpoint: '/v1/events' },
      },
      undefined,
      { topic: 'sift.events.bad', partition: 0, offset: '7', timestamp: Date.UTC(2026, 0, 2) },
    );
    expect(index).toBe('sift-bad-2026.01.02');
    expect(id).toBe('sift.events.bad/0@7');
    expect(document['@timestamp']).toBe('2026-01-02T00:00:00.000Z');
  });
});
