import { parseUserAgent } from '../../../src/domain/enrichment/user-agent';

const agents = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  chromeAndroidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.230 Safari/537.36',
  chromeCubotPhone:
    'Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot:
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  curl: 'curl/8.4.0',
  unknownCrawler: 'Mozilla/5.0 (compatible; AcmeCrawler/1.2; +https://crawler.acme.test/)',
};

describe('parseUserAgent', () => {
  it('reads Chrome on a Windows desktop', () => {
    expect(parseUserAgent(agents.chromeWindows)).toEqual({
      original: agents.chromeWindows,
      browser: { name: 'Chrome', version: '124.0.0.0', major: '124' },
      os: { name: 'Windows', version: '10' },
      device: { type: 'desktop' },
      isBot: false,
    });
  });

  it('reads Safari on a Mac as a desktop', () => {
    const ua = parseUserAgent(agents.safariMac);
    expect(ua?.browser).toEqual({ name: 'Safari', version: '17.4', major: '17' });
    expect(ua?.device).toEqual({ type: 'desktop', vendor: 'Apple', model: 'Macintosh' });
  });

  it('reads Safari on an iPhone', () => {
    expect(parseUserAgent(agents.safariIphone)).toEqual({
      original: agents.safariIphone,
      browser: { name: 'Mobile Safari', version: '17.4', major: '17' },
      os: { name: 'iOS', version: '17.4' },
      device: { type: 'mobile', vendor: 'Apple', model: 'iPhone' },
      isBot: false,
    });
  });

  it('reads Chrome on an Android tablet', () => {
    const ua = parseUserAgent(agents.chromeAndroidTablet);
    expect(ua?.device).toEqual({ type: 'tablet', vendor: 'Samsung', model: 'SM-X200' });
    expect(ua?.os).toEqual({ name: 'Android', version: '13' });
    expect(ua?.isBot).toBe(false);
  });

  it('does not take a phone whose model ends in "bot" for a bot', () => {
    const ua = parseUserAgent(agents.chromeCubotPhone);
    expect(ua?.isBot).toBe(false);
    expect(ua?.device.type).toBe('mobile');
  });

  it('names Googlebot, desktop and smartphone', () => {
    expect(parseUserAgent(agents.googlebot)).toEqual({
      original: agents.googlebot,
      browser: { name: 'Googlebot', version: '2.1', major: '2' },
      os: {},
      device: { type: 'bot' },
      isBot: true,
    });
    const smartphone = parseUserAgent(agents.googlebotSmartphone);
    expect(smartphone?.isBot).toBe(true);
    expect(smartphone?.browser.name).toBe('Googlebot');
    expect(smartphone?.device.type).toBe('bot');
    expect(smartphone?.os.name).toBe('Android');
  });

  it('names bingbot', () => {
    const ua = parseUserAgent(agents.bingbot);
    expect(ua?.isBot).toBe(true);
    expect(ua?.browser).toEqual({ name: 'bingbot', version: '2.0', major: '2' });
  });

  it('counts curl as a bot', () => {
    expect(parseUserAgent(agents.curl)).toEqual({
      original: 'curl/8.4.0',
      browser: { name: 'curl', version: '8.4.0', major: '8' },
      os: {},
      device: { type: 'bot' },
      isBot: true,
    });
  });

  it('recognises an unnamed crawler by its contact link', () => {
    const ua = parseUserAgent(agents.unknownCrawler);
    expect(ua?.isBot).toBe(true);
    expect(ua?.browser).toEqual({});
  });

  it('calls an agent it cannot place other', () => {
    expect(parseUserAgent('okhttp/4.12.0')).toEqual({
      original: 'okhttp/4.12.0',
      browser: {},
      os: {},
      device: { type: 'other' },
      isBot: false,
    });
  });

  it('gives nothing for a missing or blank agent', () => {
    expect(parseUserAgent(undefined)).toBeUndefined();
    expect(parseUserAgent('   ')).toBeUndefined();
  });
});
