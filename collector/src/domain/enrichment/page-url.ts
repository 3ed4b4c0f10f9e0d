import { clickIdParams } from './known-sources';

/** A URL taken apart, in Elastic Common Schema `url.*` names. */
export interface ParsedUrl {
  /** The whole URL, normalized, without user name or password. */
  full: string;
  /** Without the colon: `https`. */
  scheme: string;
  /** Lower-case host name (punycode for international names). */
  domain?: string;
  /** The port given, else 80 for http and 443 for https. */
  port?: number;
  path?: string;
  /** Without the `?`. */
  query?: string;
  /** Without the `#`. */
  fragment?: string;
}

/** A referring page: where the visitor clicked through from. */
export interface ParsedReferrer {
  full: string;
  domain?: string;
  path?: string;
}

/** Google Analytics campaign parameters (`utm_*`) of a page URL. */
export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

/** An ad network's click id found in a page URL: `{ name: 'gclid', value: '…' }`. */
export interface ClickId {
  name: string;
  value: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };
/** Longer URLs are not parsed: no page needs one and parsing costs grow with length. */
const MAX_URL_LENGTH = 8192;

/** Takes an absolute URL apart; `undefined` when the text is not one. */
export function parseUrl(text: string | undefined): ParsedUrl | undefined {
  const url = toUrl(text);
  if (url === undefined) return undefined;
  const scheme = url.protocol.slice(0, -1);
  const port = url.port !== '' ? Number(url.port) : DEFAULT_PORTS[scheme];
  const parsed: ParsedUrl = { full: url.href, scheme };
  if (url.hostname !== '') parsed.domain = url.hostname;
  if (port !== undefined) parsed.port = port;
  if (url.pathname !== '') parsed.path = url.pathname;
  if (url.search.length > 1) parsed.query = url.search.slice(1);
  if (url.hash.length > 1) parsed.fragment = url.hash.slice(1);
  return parsed;
}

/** Takes a referrer URL apart; `undefined` when the text is not an absolute URL. */
export function parseReferrer(text: string | undefined): ParsedReferrer | undefined {
  const parsed = parseUrl(text);
  if (parsed === undefined) return undefined;
  const { full, domain, path } = parsed;
  return {
    full,
    ...(domain !== undefined ? { domain } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

/**
 * Reads the campaign parameters of a query string (without `?`): the `utm_*` values, and the
 * first ad-network click id found (gclid, msclkid, fbclid…). Empty values count as absent.
 */
export function readCampaign(query: string | undefined): { utm?: Utm; clickId?: ClickId } {
  if (query === undefined) return {};
  const params = new URLSearchParams(query);
  const utm: Utm = {};
  for (const field of ['source', 'medium', 'campaign', 'term', 'content'] as const) {
    const value = params.get(`utm_${field}`)?.trim();
    if (value) utm[field] = value;
  }
  const campaign: { utm?: Utm; clickId?: ClickId } = {};
  if (Object.keys(utm).length > 0) campaign.utm = utm;
  for (const { param } of clickIdParams) {
    const value = params.get(param)?.trim();
    if (value) {
      campaign.clickId = { name: param, value };
      break;
    }
  }
  return campaign;
}

function toUrl(text: string | undefined): URL | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  url.username = '';
  url.password = '';
  return url;
}
