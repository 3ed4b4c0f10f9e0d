import { enrich, enrichmentHeaders, SharedEnrichments } from '../../../src/domain/enrichment';

const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const input = {
  userAgent: chrome,
  ip: '203.0.113.9',
  pageUrl: 'https://shop.example/p?utm_source=newsletter&utm_medium=email',
  referrer: 'https://mail.example/inbox',
};

describe('SharedEnrichments', () => {
  it('finds what enrich finds, apart from the event time, with the same headers', () => {
    const shared = new SharedEnrichments({ ipAnonymization: 'partial' });
    const whole = enrich({ ...input, receivedAt: new Date() }, { ipAnonymization: 'partial' });
    const { eventTime: _eventTime, ...rest } = whole;
    const found = shared.get(input);
    expect(found.enrichment).toEqual(rest);
    expect(found.headers).toEqual(enrichmentHeaders(rest));
    expect(found.headers['sift-source-category']).toBe('email');
    const copied: Record<string, string> = { 'sift-event-id': 'e-1' };
    found.copyHeadersTo(copied);
    expect(copied).toEqual({ 'sift-event-id': 'e-1', ...found.headers });
  });

  it('answers the same frozen result for the same inputs, and a new one when any input differs', () => {
    const shared = new SharedEnrichments();
    const first = shared.get(input);
    expect(shared.get({ ...input })).toBe(first);
    expect(Object.isFrozen(first.enrichment)).toBe(true);
    const other = shared.get({
      ...input,
      pageUrl: 'https://shop.example/p',
      referrer: 'https://www.google.com/',
    });
    expect(other).not.toBe(first);
    expect(other.headers['sift-source-category']).toBe('search');
  });

  it('stays bounded: past its size it starts over', () => {
    const shared = new SharedEnrichments({}, 2);
    const first = shared.get({ pageUrl: 'https://shop.example/1' });
    shared.get({ pageUrl: 'https://shop.example/2' });
    shared.get({ pageUrl: 'https://shop.example/3' });
    const again = shared.get({ pageUrl: 'https://shop.example/1' });
    expect(again).not.toBe(first);
    expect([again.enrichment, again.headers]).toEqual([first.enrichment, first.headers]);
  });
});
