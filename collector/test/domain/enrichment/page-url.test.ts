import { parseReferrer, parseUrl, readCampaign } from '../../../src/domain/enrichment/page-url';

describe('parseUrl', () => {
  it('takes a page URL apart in ECS url.* names', () => {
    expect(parseUrl('https://Shop.Example.com/cart/checkout?utm_source=google&step=2#pay')).toEqual(
      {
        full: 'https://shop.example.com/cart/checkout?utm_source=google&step=2#pay',
        scheme: 'https',
        domain: 'shop.example.com',
        port: 443,
        path: '/cart/checkout',
        query: 'utm_source=google&step=2',
        fragment: 'pay',
      },
    );
  });

  it('keeps an explicit port and leaves out an empty query and fragment', () => {
    expect(parseUrl('http://localhost:8080/?#')).toEqual({
      full: 'http://localhost:8080/?#',
      scheme: 'http',
      domain: 'localhost',
      port: 8080,
      path: '/',
    });
  });

  it('drops a user name and password', () => {
    expect(parseUrl('https://ada:secret@example.com/')?.full).toBe('https://example.com/');
  });

  it('reads an app deep link', () => {
    expect(parseUrl('acmeshop://product/42')).toMatchObject({
      scheme: 'acmeshop',
      domain: 'product',
      path: '/42',
    });
  });

  it('gives nothing for text that is not an absolute URL', () => {
    expect(parseUrl('/relative/path')).toBeUndefined();
    expect(parseUrl('www.example.com/page')).toBeUndefined();
    expect(parseUrl('')).toBeUndefined();
    expect(parseUrl(undefined)).toBeUndefined();
    expect(parseUrl(`https://example.com/${'a'.repeat(9000)}`)).toBeUndefined();
  });
});

describe('parseReferrer', () => {
  it('keeps the full URL, domain and path', () => {
    expect(parseReferrer('https://www.google.com/search?q=sift')).toEqual({
      full: 'https://www.google.com/search?q=sift',
      domain: 'www.google.com',
      path: '/search',
    });
  });

  it('reads an Android app referrer', () => {
    expect(parseReferrer('android-app://com.google.android.gm/')?.domain).toBe(
      'com.google.android.gm',
    );
  });
});

describe('readCampaign', () => {
  it('reads the five utm parameters, decoded', () => {
    expect(
      readCampaign(
        'utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=hero',
      ),
    ).toEqual({
      utm: {
        source: 'newsletter',
        medium: 'email',
        campaign: 'spring sale',
        term: 'running shoes',
        content: 'hero',
      },
    });
  });

  it('leaves out empty utm values', () => {
    expect(readCampaign('utm_source=&utm_medium=%20&page=2')).toEqual({});
  });

  it.each([
    ['gclid', 'gclid=Cj0KCQiA'],
    ['fbclid', 'fbclid=IwAR3x'],
    ['msclkid', 'msclkid=5f1e2d'],
    ['ttclid', 'ttclid=E.C.P.abc'],
  ])('finds the %s click id', (name, query) => {
    expect(readCampaign(query).clickId?.name).toBe(name);
  });

  it('reports the click id with its value next to utm parameters', () => {
    expect(readCampaign('utm_source=google&gclid=Cj0KCQiA')).toEqual({
      utm: { source: 'google' },
      clickId: { name: 'gclid', value: 'Cj0KCQiA' },
    });
  });

  it('gives nothing without a query', () => {
    expect(readCampaign(undefined)).toEqual({});
  });
});
