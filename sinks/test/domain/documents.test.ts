import { goodDocument } from '@sift/sinks';

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
      { path: '/p', raw: Buffer.from('hi') },
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
      data: { com_acme_page_view: { path: '/p', raw: 'aGk=' } },
    });
  });
});
