/**
 * The traffic sources Sift recognises, as data: search engines, social networks, webmail,
 * click ids and campaign mediums. Edit the lists here; `traffic-source.ts` holds the rules.
 *
 * A host entry matches that host and its subdomains (`facebook.com` matches
 * `l.facebook.com`). An entry ending in `.*` matches the name on any country or generic TLD,
 * bare or under `www.` or `m.` only (`google.*` matches `www.google.co.uk` and `google.de`, not
 * `docs.google.com`). Android apps send
 * `android-app://<package>/` as referrer, so package names appear as hosts too.
 */

/** The categories a known host can give; the others come from the rules. */
export type KnownSourceCategory = 'search' | 'social' | 'email';

/** One named source and the hosts it is reached from. */
export interface KnownSource {
  /** Display name, reported as the source: `Google`, `Facebook`. */
  name: string;
  category: KnownSourceCategory;
  hosts: readonly string[];
  /** Extra `utm_source` values that mean this source (beyond its name and hosts). */
  aliases?: readonly string[];
}

/** Webmail comes first: `mail.google.com` is email, not Google search. */
export const knownSources: readonly KnownSource[] = [
  // Webmail
  { name: 'Gmail', category: 'email', hosts: ['mail.google.com', 'com.google.android.gm'] },
  {
    name: 'Outlook',
    category: 'email',
    hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com'],
  },
  { name: 'Yahoo Mail', category: 'email', hosts: ['mail.yahoo.com', 'mail.yahoo.co.jp'] },
  { name: 'Proton Mail', category: 'email', hosts: ['mail.proton.me', 'mail.protonmail.com'] },
  { name: 'iCloud Mail', category: 'email', hosts: ['icloud.com'] },
  { name: 'AOL Mail', category: 'email', hosts: ['mail.aol.com'] },
  { name: 'Yandex Mail', category: 'email', hosts: ['mail.yandex.ru', 'mail.yandex.com'] },
  { name: 'GMX', category: 'email', hosts: ['gmx.net', 'gmx.de', 'gmx.com'] },
  { name: 'Zoho Mail', category: 'email', hosts: ['mail.zoho.com', 'mail.zoho.eu'] },
  { name: 'Fastmail', category: 'email', hosts: ['app.fastmail.com'] },

  // Search engines
  {
    name: 'Google',
    category: 'search',
    hosts: ['google.*', 'com.google.android.googlequicksearchbox'],
  },
  { name: 'Bing', category: 'search', hosts: ['bing.com'] },
  { name: 'DuckDuckGo', category: 'search', hosts: ['duckduckgo.com'], aliases: ['ddg'] },
  { name: 'Yahoo', category: 'search', hosts: ['search.yahoo.com', 'search.yahoo.co.jp'] },
  { name: 'Baidu', category: 'search', hosts: ['baidu.com'] },
  { name: 'Yandex', category: 'search', hosts: ['yandex.*', 'ya.ru'] },
  { name: 'Ecosia', category: 'search', hosts: ['ecosia.org'] },
  { name: 'Brave Search', category: 'search', hosts: ['search.brave.com'] },
  { name: 'Qwant', category: 'search', hosts: ['qwant.com'] },
  { name: 'Startpage', category: 'search', hosts: ['startpage.com'] },
  { name: 'Naver', category: 'search', hosts: ['search.naver.com'] },
  { name: 'Seznam', category: 'search', hosts: ['search.seznam.cz'] },
  { name: 'Sogou', category: 'search', hosts: ['sogou.com'] },
  { name: 'Ask', category: 'search', hosts: ['ask.com'] },

  // Social networks
  {
    name: 'Facebook',
    category: 'social',
    hosts: ['facebook.com', 'fb.com', 'fb.me', 'com.facebook.katana'],
    aliases: ['fb'],
  },
  {
    name: 'Instagram',
    category: 'social',
    hosts: ['instagram.com', 'com.instagram.android'],
    aliases: ['ig'],
  },
  {
    name: 'X',
    category: 'social',
    hosts: ['x.com', 'twitter.com', 't.co', 'com.twitter.android'],
    aliases: ['twitter', 'tw'],
  },
  {
    name: 'LinkedIn',
    category: 'social',
    hosts: ['linkedin.com', 'lnkd.in', 'com.linkedin.android'],
    aliases: ['li'],
  },
  { name: 'Reddit', category: 'social', hosts: ['reddit.com', 'redd.it', 'com.reddit.frontpage'] },
  { name: 'Pinterest', category: 'social', hosts: ['pinterest.*', 'pin.it'] },
  { name: 'TikTok', category: 'social', hosts: ['tiktok.com'] },
  { name: 'YouTube', category: 'social', hosts: ['youtube.com', 'youtu.be'], aliases: ['yt'] },
  { name: 'Snapchat', category: 'social', hosts: ['snapchat.com'] },
  { name: 'Threads', category: 'social', hosts: ['threads.net', 'threads.com'] },
  { name: 'Bluesky', category: 'social', hosts: ['bsky.app'] },
  { name: 'Mastodon', category: 'social', hosts: ['mastodon.social'] },
  { name: 'Tumblr', category: 'social', hosts: ['tumblr.com'] },
  { name: 'Quora', category: 'social', hosts: ['quora.com'] },
  { name: 'VK', category: 'social', hosts: ['vk.com'] },
  { name: 'Weibo', category: 'social', hosts: ['weibo.com'] },
  { name: 'Telegram', category: 'social', hosts: ['t.me', 'web.telegram.org'] },
  { name: 'WhatsApp', category: 'social', hosts: ['whatsapp.com', 'wa.me'] },
  { name: 'Discord', category: 'social', hosts: ['discord.com'] },
  { name: 'Hacker News', category: 'social', hosts: ['news.ycombinator.com'], aliases: ['hn'] },
];

/** A click id an ad network appends to landing-page URLs. */
export interface ClickIdParam {
  /** The query parameter: `gclid`. */
  param: string;
  /** The network, reported as the source: `Google`. */
  network: string;
  /** Whether the id alone marks the visit as paid. */
  paid: boolean;
}

export const clickIdParams: readonly ClickIdParam[] = [
  { param: 'gclid', network: 'Google', paid: true },
  { param: 'gbraid', network: 'Google', paid: true },
  { param: 'wbraid', network: 'Google', paid: true },
  { param: 'dclid', network: 'Google', paid: true },
  { param: 'msclkid', network: 'Microsoft', paid: true },
  { param: 'ttclid', network: 'TikTok', paid: true },
  { param: 'twclid', network: 'X', paid: true },
  { param: 'li_fat_id', network: 'LinkedIn', paid: true },
  { param: 'ScCid', network: 'Snapchat', paid: true },
  { param: 'epik', network: 'Pinterest', paid: true },
  { param: 'yclid', network: 'Yandex', paid: true },
  // Facebook appends fbclid to every outbound link, organic posts included, so alone it
  // only says the visit came from Facebook.
  { param: 'fbclid', network: 'Facebook', paid: false },
];

/** `utm_medium` values of paid traffic (compared lower-cased; any medium starting `paid` counts too). */
export const paidMediums: readonly string[] = [
  'cpc',
  'ppc',
  'cpm',
  'cpv',
  'cpa',
  'cpp',
  'paid',
  'paidsearch',
  'paid_search',
  'paid-search',
  'paidsocial',
  'paid_social',
  'paid-social',
  'display',
  'banner',
  'ads',
  'ad',
  'retargeting',
];

/** `utm_medium` values of email campaigns. */
export const emailMediums: readonly string[] = ['email', 'e-mail', 'e_mail', 'newsletter'];

/** `utm_medium` values of unpaid social posts. */
export const socialMediums: readonly string[] = [
  'social',
  'social-media',
  'social_media',
  'social-network',
  'social_network',
  'organic_social',
  'organic-social',
  'sm',
];

/** `utm_medium` values of unpaid search. */
export const searchMediums: readonly string[] = ['organic', 'organic_search', 'organic-search'];
