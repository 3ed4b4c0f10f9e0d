import {
  classifyTrafficSource,
  findSourceByHost,
  findSourceByUtm,
} from '../../../src/domain/enrichment/traffic-source';
import type { TrafficSourceInput } from '../../../src/domain/enrichment/traffic-source';

const page = 'shop.example.com';
const fromReferrer = (referrerDomain: string): TrafficSourceInput => ({
  pageDomain: page,
  referrerDomain,
});

describe('classifyTrafficSource', () => {
  describe('search', () => {
    it.each([
      ['www.google.com', 'Google'],
      ['www.google.co.uk', 'Google'],
      ['www.google.de', 'Google'],
      ['www.google.com.au', 'Google'],
      ['com.google.android.googlequicksearchbox', 'Google'],
      ['www.bing.com', 'Bing'],
      ['duckduckgo.com', 'DuckDuckGo'],
      ['search.yahoo.com', 'Yahoo'],
      ['www.baidu.com', 'Baidu'],
      ['yandex.ru', 'Yandex'],
      ['www.ecosia.org', 'Ecosia'],
      ['search.brave.com', 'Brave Search'],
    ])('is search from %s (%s)', (referrer, source) => {
      expect(classifyTrafficSource(fromReferrer(referrer))).toEqual({ category: 'search', source });
    });

    it('is search when utm_medium is organic', () => {
      expect(
        classifyTrafficSource({ pageDomain: page, utm: { source: 'google', medium: 'organic' } }),
      ).toEqual({ category: 'search', source: 'Google' });
    });
  });

  describe('social', () => {
    it.each([
      ['l.facebook.com', 'Facebook'],
      ['m.facebook.com', 'Facebook'],
      ['l.instagram.com', 'Instagram'],
      ['t.co', 'X'],
      ['twitter.com', 'X'],
      ['x.com', 'X'],
      ['www.linkedin.com', 'LinkedIn'],
      ['lnkd.in', 'LinkedIn'],
      ['out.reddit.com', 'Reddit'],
      ['www.pinterest.co.uk', 'Pinterest'],
      ['www.tiktok.com', 'TikTok'],
      ['www.youtube.com', 'YouTube'],
      ['news.ycombinator.com', 'Hacker News'],
    ])('is social from %s (%s)', (referrer, source) => {
      expect(classifyTrafficSource(fromReferrer(referrer))).toEqual({ category: 'social', source });
    });

    it('is social when utm_source names a network, without a referrer', () => {
      expect(classifyTrafficSource({ pageDomain: page, utm: { source: 'ig' } })).toEqual({
        category: 'social',
        source: 'Instagram',
      });
    });

    it('is social when utm_medium says so, keeping an unknown utm_source', () => {
      expect(
        classifyTrafficSource({ pageDomain: page, utm: { source: 'friendica', medium: 'social' } }),
      ).toEqual({ category: 'social', source: 'friendica' });
    });

    it('is social for a lone fbclid: Facebook tags organic links too', () => {
      expect(
        classifyTrafficSource({ pageDomain: page, clickId: { name: 'fbclid', value: 'IwAR3x' } }),
      ).toEqual({ category: 'social', source: 'Facebook' });
    });
  });

  describe('email', () => {
    it.each([
      ['mail.google.com', 'Gmail'],
      ['com.google.android.gm', 'Gmail'],
      ['outlook.live.com', 'Outlook'],
      ['outlook.office.com', 'Outlook'],
      ['mail.yahoo.com', 'Yahoo Mail'],
      ['mail.yandex.ru', 'Yandex Mail'],
    ])('is email from %s (%s)', (referrer, source) => {
      expect(classifyTrafficSource(fromReferrer(referrer))).toEqual({ category: 'email', source });
    });

    it('is email when utm_medium is email, whatever the referrer', () => {
      expect(
        classifyTrafficSource({
          ...fromReferrer('www.google.com'),
          utm: { source: 'newsletter', medium: 'Email', campaign: 'march' },
        }),
      ).toEqual({ category: 'email', source: 'newsletter' });
    });
  });

  describe('paid', () => {
    it.each(['cpc', 'ppc', 'paid', 'paidsearch', 'display', 'cpm', 'ads', 'paid_social', 'CPC'])(
      'is paid when utm_medium is %s',
      (medium) => {
        expect(
          classifyTrafficSource({
            ...fromReferrer('www.google.com'),
            utm: { source: 'google', medium },
          }),
        ).toEqual({ category: 'paid', source: 'Google' });
      },
    );

    it.each([
      ['gclid', 'Google'],
      ['msclkid', 'Microsoft'],
      ['ttclid', 'TikTok'],
    ])('is paid with a %s click id, even without a referrer', (name, source) => {
      expect(
        classifyTrafficSource({ pageDomain: page, clickId: { name, value: 'abc123' } }),
      ).toEqual({ category: 'paid', source });
    });

    it('is paid when a search referrer comes with a gclid', () => {
      expect(
        classifyTrafficSource({
          ...fromReferrer('www.google.com'),
          clickId: { name: 'gclid', value: 'Cj0KCQiA' },
        }),
      ).toEqual({ category: 'paid', source: 'Google' });
    });

    it('keeps an unknown utm_source as the paid source', () => {
      expect(
        classifyTrafficSource({ pageDomain: page, utm: { source: 'acme-ads', medium: 'display' } }),
      ).toEqual({ category: 'paid', source: 'acme-ads' });
    });
  });

  describe('internal', () => {
    it('is internal from the page’s own domain', () => {
      expect(classifyTrafficSource(fromReferrer('shop.example.com'))).toEqual({
        category: 'internal',
      });
    });

    it('ignores www. when comparing with the page domain', () => {
      expect(
        classifyTrafficSource({ pageDomain: 'www.example.com', referrerDomain: 'example.com' }),
      ).toEqual({ category: 'internal' });
    });

    it('is internal from a configured domain or its subdomains', () => {
      const internalDomains = ['example.com', 'checkout.payments.test'];
      expect(
        classifyTrafficSource({ ...fromReferrer('blog.example.com'), internalDomains }),
      ).toEqual({ category: 'internal' });
      expect(
        classifyTrafficSource({ ...fromReferrer('checkout.payments.test'), internalDomains }),
      ).toEqual({ category: 'internal' });
    });

    it('is not internal from a domain that merely ends alike', () => {
      expect(
        classifyTrafficSource({
          ...fromReferrer('notexample.com'),
          internalDomains: ['example.com'],
        }),
      ).toEqual({ category: 'other', source: 'notexample.com' });
    });

    it('is other when an internal link carries utm parameters', () => {
      expect(
        classifyTrafficSource({
          ...fromReferrer('shop.example.com'),
          utm: { source: 'homepage-banner', medium: 'banner-internal' },
        }),
      ).toEqual({ category: 'other', source: 'homepage-banner' });
    });
  });

  describe('direct', () => {
    it('is direct without referrer, utm or click id', () => {
      expect(classifyTrafficSource({ pageDomain: page })).toEqual({ category: 'direct' });
      expect(classifyTrafficSource({})).toEqual({ category: 'direct' });
    });
  });

  describe('other', () => {
    it('is other from an unknown site, named by its domain', () => {
      expect(classifyTrafficSource(fromReferrer('blog.partner.test'))).toEqual({
        category: 'other',
        source: 'blog.partner.test',
      });
    });

    it('is other with utm parameters it cannot place', () => {
      expect(
        classifyTrafficSource({
          pageDomain: page,
          utm: { source: 'qr-flyer', medium: 'print', campaign: 'fair' },
        }),
      ).toEqual({ category: 'other', source: 'qr-flyer' });
    });

    it('is other from a Google property that is not search', () => {
      expect(classifyTrafficSource(fromReferrer('docs.google.com'))).toEqual({
        category: 'other',
        source: 'docs.google.com',
      });
    });

    it('does not take a look-alike host for Google', () => {
      expect(findSourceByHost('google.evil.test')).toBeUndefined();
      expect(findSourceByHost('notgoogle.com')).toBeUndefined();
    });
  });
});

describe('findSourceByUtm', () => {
  it('matches a name, an alias or a host, ignoring case', () => {
    expect(findSourceByUtm('Facebook')?.name).toBe('Facebook');
    expect(findSourceByUtm('fb')?.name).toBe('Facebook');
    expect(findSourceByUtm('l.facebook.com')?.name).toBe('Facebook');
    expect(findSourceByUtm('twitter')?.name).toBe('X');
    expect(findSourceByUtm('spring_promo')).toBeUndefined();
  });
});
