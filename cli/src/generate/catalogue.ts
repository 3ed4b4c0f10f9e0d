/** The made-up web shop `sift generate` simulates: its pages, products, visitors' browsers and where they come from. */

/** The shop's own origin; every page URL is under it. */
export const SHOP_ORIGIN = 'https://shop.acme.example';

/** A browser and device, with its real user-agent string and share of visits. */
export interface Browser {
  name: string;
  device: 'desktop' | 'mobile' | 'tablet' | 'bot';
  userAgent: string;
  weight: number;
}

/** Shares roughly like a European shop's analytics: mobile first, Chrome and Safari ahead. */
export const browsers: readonly Browser[] = [
  {
    name: 'Chrome 131 / Android 14',
    device: 'mobile',
    userAgent:
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    weight: 24,
  },
  {
    name: 'Safari 18 / iPhone',
    device: 'mobile',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    weight: 20,
  },
  {
    name: 'Chrome 131 / Windows',
    device: 'desktop',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    weight: 18,
  },
  {
    name: 'Chrome 131 / macOS',
    device: 'desktop',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    weight: 7,
  },
  {
    name: 'Safari 18 / macOS',
    device: 'desktop',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    weight: 6,
  },
  {
    name: 'Edge 131 / Windows',
    device: 'desktop',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    weight: 6,
  },
  {
    name: 'Firefox 133 / Windows',
    device: 'desktop',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    weight: 4,
  },
  {
    name: 'Samsung Internet 26 / Android',
    device: 'mobile',
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    weight: 4,
  },
  {
    name: 'Safari 18 / iPad',
    device: 'tablet',
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    weight: 4,
  },
  {
    name: 'Firefox 133 / Linux',
    device: 'desktop',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    weight: 2,
  },
  {
    name: 'Googlebot smartphone',
    device: 'bot',
    userAgent:
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    weight: 1,
  },
];

/** How a visit arrived: the referrer the browser sends and the UTM tags on the landing URL. */
export interface TrafficSource {
  name: string;
  referrer?: string;
  utm?: { source: string; medium: string; campaign: string; content?: string; term?: string };
  /** Extra landing-page query parameters, e.g. an ad click id. */
  clickId?: string;
  weight: number;
}

export const trafficSources: readonly TrafficSource[] = [
  { name: 'direct', weight: 28 },
  { name: 'google organic', referrer: 'https://www.google.com/', weight: 25 },
  {
    name: 'google ads',
    referrer: 'https://www.google.com/',
    utm: { source: 'google', medium: 'cpc', campaign: 'winter_sale_2026', term: 'running shoes' },
    clickId: 'gclid',
    weight: 10,
  },
  { name: 'bing organic', referrer: 'https://www.bing.com/', weight: 4 },
  { name: 'duckduckgo', referrer: 'https://duckduckgo.com/', weight: 2 },
  {
    name: 'newsletter',
    utm: { source: 'newsletter', medium: 'email', campaign: 'weekly_2026_47', content: 'hero' },
    weight: 8,
  },
  {
    name: 'facebook ads',
    referrer: 'https://l.facebook.com/',
    utm: { source: 'facebook', medium: 'paid_social', campaign: 'retargeting_q4' },
    clickId: 'fbclid',
    weight: 6,
  },
  { name: 'instagram', referrer: 'https://l.instagram.com/', weight: 5 },
  { name: 'x', referrer: 'https://t.co/', weight: 2 },
  { name: 'reddit', referrer: 'https://www.reddit.com/r/RunningShoeGeeks/', weight: 2 },
  {
    name: 'review site',
    referrer: 'https://www.runnersworld.example/best-trail-shoes-2026/',
    utm: { source: 'runnersworld', medium: 'referral', campaign: 'affiliate' },
    weight: 4,
  },
  { name: 'chatgpt', referrer: 'https://chatgpt.com/', weight: 2 },
  { name: 'partner', referrer: 'https://partner.example.org/deals', weight: 2 },
];

/** A product in the catalogue; prices in minor units (cents) of EUR. */
export interface Product {
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
}

export const products: readonly Product[] = [
  { sku: 'SH-RUN-1042', name: 'Stratus Road Runner', category: 'shoes/running', priceMinor: 12995 },
  {
    sku: 'SH-RUN-1077',
    name: 'Stratus Road Runner GTX',
    category: 'shoes/running',
    priceMinor: 15995,
  },
  { sku: 'SH-TRL-2210', name: 'Ridge Trail 4', category: 'shoes/trail', priceMinor: 13995 },
  { sku: 'SH-TRL-2251', name: 'Ridge Trail 4 Wide', category: 'shoes/trail', priceMinor: 13995 },
  {
    sku: 'SH-CAS-3300',
    name: 'Harbour Canvas Sneaker',
    category: 'shoes/casual',
    priceMinor: 6495,
  },
  { sku: 'JK-RAI-4101', name: 'Monsoon Rain Shell', category: 'jackets/rain', priceMinor: 18900 },
  { sku: 'JK-DWN-4150', name: 'Polar Down Parka', category: 'jackets/down', priceMinor: 27900 },
  { sku: 'JK-WND-4177', name: 'Gust Wind Vest', category: 'jackets/wind', priceMinor: 7450 },
  { sku: 'AP-TEE-5001', name: 'Merino Run Tee', category: 'apparel/tops', priceMinor: 5900 },
  { sku: 'AP-TGT-5020', name: 'Thermal Tights', category: 'apparel/bottoms', priceMinor: 6900 },
  { sku: 'AP-SOC-5099', name: 'Cushion Socks 3-pack', category: 'apparel/socks', priceMinor: 1799 },
  {
    sku: 'AC-BOT-6003',
    name: 'Insulated Bottle 750 ml',
    category: 'accessories',
    priceMinor: 2950,
  },
  { sku: 'AC-HDL-6020', name: 'Headlamp 400 lm', category: 'accessories', priceMinor: 4499 },
  { sku: 'AC-PCK-6041', name: 'Trail Pack 12 l', category: 'accessories/bags', priceMinor: 8995 },
  { sku: 'AC-CAP-6066', name: 'Reflective Cap', category: 'accessories', priceMinor: 2499 },
  { sku: 'GF-CRD-9000', name: 'Gift Card', category: 'gift-cards', priceMinor: 5000 },
];

/** Pages besides product pages, with the page type the page_view schema names. */
export const pages: readonly { path: string; title: string; pageType: string; weight: number }[] = [
  { path: '/', title: 'Acme Outdoor – Running & Trail Gear', pageType: 'home', weight: 14 },
  { path: '/c/shoes', title: 'Shoes | Acme Outdoor', pageType: 'category', weight: 8 },
  {
    path: '/c/shoes/running',
    title: 'Running Shoes | Acme Outdoor',
    pageType: 'category',
    weight: 8,
  },
  { path: '/c/shoes/trail', title: 'Trail Shoes | Acme Outdoor', pageType: 'category', weight: 6 },
  { path: '/c/jackets', title: 'Jackets | Acme Outdoor', pageType: 'category', weight: 5 },
  { path: '/c/accessories', title: 'Accessories | Acme Outdoor', pageType: 'category', weight: 3 },
  { path: '/sale', title: 'Winter Sale | Acme Outdoor', pageType: 'category', weight: 5 },
  {
    path: '/help/shipping',
    title: 'Shipping & Returns | Acme Outdoor',
    pageType: 'content',
    weight: 2,
  },
  { path: '/help/size-guide', title: 'Size Guide | Acme Outdoor', pageType: 'content', weight: 2 },
  {
    path: '/blog/how-to-choose-trail-shoes',
    title: 'How to choose trail shoes',
    pageType: 'content',
    weight: 2,
  },
  { path: '/about', title: 'About us | Acme Outdoor', pageType: 'content', weight: 1 },
  { path: '/account', title: 'Your account | Acme Outdoor', pageType: 'account', weight: 1 },
];

/** Outbound links the shop's pages carry. */
export const outboundLinks: readonly { url: string; text: string }[] = [
  { url: 'https://www.instagram.com/acme.outdoor/', text: 'Instagram' },
  { url: 'https://www.youtube.com/@acmeoutdoor', text: 'Watch on YouTube' },
  {
    url: 'https://www.dhl.de/en/privatkunden/pakete-empfangen/verfolgen.html',
    text: 'Track your parcel',
  },
  { url: 'https://www.trustpilot.com/review/shop.acme.example', text: 'Read our reviews' },
];

export const searchQueries: readonly string[] = [
  'running shoes',
  'trail shoes',
  'gore-tex',
  'rain jacket',
  'down parka women',
  'socks',
  'headlamp',
  'wide fit',
  'stratus',
  'ridge trail 4',
  'merino',
  'gift card',
  'waterproof shoes size 44',
  'vest',
  'sale',
];

export const searchFacets: readonly { name: string; values: readonly string[] }[] = [
  { name: 'size', values: ['40', '41', '42', '43', '44', '45', 'S', 'M', 'L'] },
  { name: 'colour', values: ['black', 'blue', 'green', 'red', 'grey'] },
  { name: 'brand', values: ['Acme', 'Stratus', 'Ridge'] },
  { name: 'price', values: ['0-50', '50-100', '100-200'] },
];

export const countries: readonly {
  country: string;
  region: string;
  city: string;
  postal: string;
}[] = [
  { country: 'DE', region: 'Berlin', city: 'Berlin', postal: '10' },
  { country: 'DE', region: 'Bayern', city: 'München', postal: '80' },
  { country: 'FR', region: 'Île-de-France', city: 'Paris', postal: '75' },
  { country: 'NL', region: 'Noord-Holland', city: 'Amsterdam', postal: '10' },
  { country: 'AT', region: 'Wien', city: 'Wien', postal: '10' },
  { country: 'GB', region: 'England', city: 'London', postal: 'N1' },
  { country: 'IT', region: 'Lombardia', city: 'Milano', postal: '20' },
];

export const coupons: readonly string[] = ['WELCOME10', 'WINTER25', 'FREESHIP', 'NEWSLETTER5'];

/** Errors a web shop's front end really throws, with the script they come from. */
export const appErrors: readonly {
  name: string;
  message: string;
  filename: string;
  source: 'window_error' | 'unhandled_rejection' | 'manual';
  severity: 'fatal' | 'error' | 'warning';
}[] = [
  {
    name: 'TypeError',
    message: "Cannot read properties of undefined (reading 'price')",
    filename: '/assets/product-page.4f9c1e.js',
    source: 'window_error',
    severity: 'error',
  },
  {
    name: 'TypeError',
    message: 'Failed to fetch',
    filename: '/assets/cart.91ab02.js',
    source: 'unhandled_rejection',
    severity: 'error',
  },
  {
    name: 'ChunkLoadError',
    message: 'Loading chunk 712 failed. (timeout: /assets/712.c0ffee.js)',
    filename: '/assets/runtime.1d2e3f.js',
    source: 'unhandled_rejection',
    severity: 'fatal',
  },
  {
    name: 'ReferenceError',
    message: 'gtag is not defined',
    filename: '/assets/analytics.77aa10.js',
    source: 'window_error',
    severity: 'warning',
  },
  {
    name: 'PaymentError',
    message: 'Payment provider returned 502 for /v1/payment_intents',
    filename: '/assets/checkout.5e6f70.js',
    source: 'manual',
    severity: 'error',
  },
  {
    name: 'SyntaxError',
    message: 'Unexpected token \'<\', "<!DOCTYPE "... is not valid JSON',
    filename: '/assets/search.3b4c5d.js',
    source: 'unhandled_rejection',
    severity: 'error',
  },
];

/** Event types that do not exist: what a sender with a typo or an unregistered schema sends. */
export const unknownEventTypes: readonly string[] = [
  'com.acme.pageview',
  'com.acme.wishlist_add',
  'com.acme.product_impression',
  'com.acme.checkout_started',
  'com.acme.add_to_card',
];

/** Releases of the shop's front end the app_error events name. */
export const appVersions: readonly string[] = ['2026.11.3', '2026.11.4', '2026.11.5'];
