/**
 * User agents of crawlers and scripted HTTP clients, as data; the first match names the bot.
 * A pattern's first capture group, when present, is the bot's version.
 *
 * HTTP libraries that apps and server-side trackers send events with by default (okhttp,
 * Dart, node-fetch, undici, axios) are left out: their events come from real users.
 */
export interface KnownBot {
  name: string;
  pattern: RegExp;
}

export const knownBots: readonly KnownBot[] = [
  // Search engine crawlers
  { name: 'Googlebot', pattern: /Googlebot(?:-[A-Za-z]+)?\/([\d.]+)/ },
  { name: 'Google-InspectionTool', pattern: /Google-InspectionTool\/([\d.]+)/ },
  { name: 'AdsBot-Google', pattern: /AdsBot-Google(?:-Mobile)?/ },
  { name: 'Mediapartners-Google', pattern: /Mediapartners-Google/ },
  { name: 'GoogleOther', pattern: /GoogleOther/ },
  { name: 'bingbot', pattern: /bingbot\/([\d.]+)/i },
  { name: 'BingPreview', pattern: /BingPreview\/([\d.]+)/ },
  { name: 'DuckDuckBot', pattern: /DuckDuck(?:Go-Favicons-)?Bot\/([\d.]+)/ },
  { name: 'Baiduspider', pattern: /Baiduspider(?:-[a-z]+)?\/([\d.]+)/ },
  { name: 'YandexBot', pattern: /Yandex[A-Za-z]*Bot\/([\d.]+)/ },
  { name: 'Applebot', pattern: /Applebot\/([\d.]+)/ },
  { name: 'Yahoo! Slurp', pattern: /Yahoo! Slurp/ },
  { name: 'PetalBot', pattern: /PetalBot/ },
  { name: 'SeznamBot', pattern: /SeznamBot\/([\d.]+)/ },
  // Link previews
  { name: 'facebookexternalhit', pattern: /facebookexternalhit\/([\d.]+)/ },
  { name: 'meta-externalagent', pattern: /meta-externalagent\/([\d.]+)/ },
  { name: 'Twitterbot', pattern: /Twitterbot\/([\d.]+)/ },
  { name: 'LinkedInBot', pattern: /LinkedInBot\/([\d.]+)/ },
  { name: 'Slackbot', pattern: /Slackbot(?:-LinkExpanding)?(?: ([\d.]+))?/ },
  { name: 'Discordbot', pattern: /Discordbot\/([\d.]+)/ },
  { name: 'TelegramBot', pattern: /TelegramBot/ },
  { name: 'WhatsApp', pattern: /^WhatsApp\/([\d.]+)/ },
  { name: 'Pinterestbot', pattern: /Pinterestbot\/([\d.]+)/ },
  // SEO tools and AI crawlers
  { name: 'AhrefsBot', pattern: /AhrefsBot\/([\d.]+)/ },
  { name: 'SemrushBot', pattern: /SemrushBot(?:-[A-Za-z]+)?\/([\d.~a-z]+)/ },
  { name: 'MJ12bot', pattern: /MJ12bot\/v?([\d.]+)/ },
  { name: 'DotBot', pattern: /DotBot\/([\d.]+)/ },
  { name: 'GPTBot', pattern: /GPTBot\/([\d.]+)/ },
  { name: 'ChatGPT-User', pattern: /ChatGPT-User\/([\d.]+)/ },
  { name: 'OAI-SearchBot', pattern: /OAI-SearchBot\/([\d.]+)/ },
  { name: 'ClaudeBot', pattern: /ClaudeBot\/([\d.]+)/ },
  { name: 'PerplexityBot', pattern: /PerplexityBot\/([\d.]+)/ },
  { name: 'CCBot', pattern: /CCBot\/([\d.]+)/ },
  { name: 'Bytespider', pattern: /Bytespider/ },
  { name: 'Amazonbot', pattern: /Amazonbot\/([\d.]+)/ },
  // Headless browsers and command-line clients
  { name: 'HeadlessChrome', pattern: /HeadlessChrome\/([\d.]+)/ },
  { name: 'PhantomJS', pattern: /PhantomJS\/([\d.]+)/ },
  { name: 'Lighthouse', pattern: /Chrome-Lighthouse/ },
  { name: 'curl', pattern: /^curl\/([\d.]+)/ },
  { name: 'Wget', pattern: /^Wget\/([\d.]+)/ },
  { name: 'python-requests', pattern: /^python-requests\/([\d.]+)/ },
  { name: 'Python-urllib', pattern: /^Python-urllib\/([\d.]+)/ },
  { name: 'Go-http-client', pattern: /^Go-http-client\/([\d.]+)/ },
  { name: 'Apache-HttpClient', pattern: /^Apache-HttpClient\/([\d.]+)/ },
  { name: 'libwww-perl', pattern: /^libwww-perl\/([\d.]+)/ },
  { name: 'Scrapy', pattern: /Scrapy\/([\d.]+)/ },
];

/**
 * Unnamed bots: a crawler word ending a token (`FooBot/1.0`, `(compatible; foobot;`), or the
 * `+http` contact link crawlers put in their agent. `CUBOT X19` (a phone) does not match.
 */
export const genericBotPattern = /(?:bot|crawler|spider)(?:[/;)]|$)|\+https?:\/\//i;
