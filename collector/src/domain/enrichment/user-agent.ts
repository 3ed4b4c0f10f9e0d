import UAParser from 'ua-parser-js';
import { genericBotPattern, knownBots } from './known-bots';

/** Kind of device an event came from; `bot` for crawlers and scripted clients. */
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

/** A user agent string taken apart (ECS `user_agent.*`); parts it does not tell are absent. */
export interface UserAgentInfo {
  original: string;
  /** The browser, or the bot's own name (`Googlebot`) for bots. */
  browser: { name?: string; version?: string; major?: string };
  os: { name?: string; version?: string };
  device: { type: DeviceType; vendor?: string; model?: string };
  isBot: boolean;
}

/** Longer strings are cut before parsing; real agents stay well below. */
const MAX_USER_AGENT_LENGTH = 1024;

const DESKTOP_OS = new Set([
  'Windows',
  'Mac OS',
  'macOS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Chromium OS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'Solaris',
  'Mint',
  'Arch',
  'Gentoo',
  'SUSE',
  'Red Hat',
  'CentOS',
]);

function defined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined && field !== ''),
  ) as T;
}

function detectBot(ua: string): { name?: string; version?: string } | undefined {
  for (const { name, pattern } of knownBots) {
    const match = pattern.exec(ua);
    if (match) return defined({ name, version: match[1] });
  }
  return genericBotPattern.test(ua) ? {} : undefined;
}

/**
 * Parses a user agent string with ua-parser-js (v1, MIT) and Sift's bot list. A device without
 * a type is a desktop when its OS is a desktop OS, else `other`. `undefined` for an empty string.
 */
export function parseUserAgent(userAgent: string | undefined): UserAgentInfo | undefined {
  const original = userAgent?.trim();
  if (!original) return undefined;
  // A batch's events share one user agent, and visitors share a few hundred: parse each once.
  const known = parsedByUserAgent.get(original);
  if (known) return known;
  const info = parseOnce(original);
  if (parsedByUserAgent.size >= PARSED_CACHE_SIZE) parsedByUserAgent.clear();
  parsedByUserAgent.set(original, info);
  return info;
}

const PARSED_CACHE_SIZE = 1000;
const parsedByUserAgent = new Map<string, UserAgentInfo>();

function parseOnce(original: string): UserAgentInfo {
  const ua = original.slice(0, MAX_USER_AGENT_LENGTH);
  const parsed = new UAParser(ua).getResult();
  const bot = detectBot(ua);
  const os = defined({ name: parsed.os.name, version: parsed.os.version });
  const vendorModel = defined({ vendor: parsed.device.vendor, model: parsed.device.model });
  if (bot !== undefined) {
    const major = bot.version?.split('.')[0];
    return {
      original,
      browser: defined({ ...bot, major }),
      os,
      device: { type: 'bot', ...vendorModel },
      isBot: true,
    };
  }
  const type: DeviceType =
    parsed.device.type === 'mobile' || parsed.device.type === 'tablet'
      ? parsed.device.type
      : parsed.device.type === undefined && DESKTOP_OS.has(parsed.os.name ?? '')
        ? 'desktop'
        : 'other';
  return {
    original,
    browser: defined({
      name: parsed.browser.name,
      version: parsed.browser.version,
      major: parsed.browser.major,
    }),
    os,
    device: { type, ...vendorModel },
    isBot: false,
  };
}
