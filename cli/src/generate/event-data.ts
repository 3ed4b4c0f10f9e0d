import type { Prng } from './prng';
import {
  appErrors,
  appVersions,
  countries,
  coupons,
  outboundLinks,
  pages,
  products,
  searchFacets,
  searchQueries,
  SHOP_ORIGIN,
} from './catalogue';
import type { Product } from './catalogue';

/** One product line in a simulated cart. */
export interface CartLine {
  product: Product;
  quantity: number;
}

/** Formats minor units as the decimal string the JSON Schema amounts take: 12995 → "129.95". */
export function decimalAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** A page a visitor can be on: where, what it is called, and the page type page_view names. */
export interface Page {
  path: string;
  title: string;
  pageType: string;
  product?: Product;
}

/** A page chosen by the shop's traffic shares: product pages take a third. */
export function randomPage(prng: Prng): Page {
  if (prng.chance(0.35)) return productPage(prng.pick(products));
  return prng.weighted(pages.map((page) => ({ weight: page.weight, value: page })));
}

export function productPage(product: Product): Page {
  const slug = product.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    path: `/p/${slug}-${product.sku.toLowerCase()}`,
    title: `${product.name} | Acme Outdoor`,
    pageType: 'product',
    product,
  };
}

/** `com.acme.page_view` data; version 1 senders know only path, title and load time. */
export function pageViewData(prng: Prng, page: Page, atMs: number, version?: number): object {
  const data: Record<string, unknown> = { path: page.path, title: page.title };
  if (prng.chance(0.9)) data['load_ms'] = Math.round(250 + prng.float() ** 2 * 4000);
  if (version === 1) return data;
  return { ...data, page_type: page.pageType, viewed_at: atMs };
}

/** `com.acme.link_click` data: mostly links to products, some outbound. */
export function linkClickData(prng: Prng): { data: object; next?: Page } {
  if (prng.chance(0.2)) {
    const link = prng.pick(outboundLinks);
    return {
      data: {
        target_url: link.url,
        link_text: link.text,
        element_classes: ['footer__link'],
        outbound: true,
      },
    };
  }
  const next = productPage(prng.pick(products));
  return {
    next,
    data: {
      target_url: `${SHOP_ORIGIN}${next.path}`,
      link_text: next.product?.name ?? next.title,
      element_id: `tile-${next.product?.sku.toLowerCase() ?? 'x'}`,
      element_classes: ['product-tile__link', prng.pick(['grid', 'carousel', 'recommendations'])],
      outbound: false,
    },
  };
}

/** `com.acme.search` data (Avro: natural JSON, `category` a nullable string). */
export function searchData(prng: Prng): { query: string; data: object } {
  const query = prng.pick(searchQueries);
  const filters = [];
  const facetCount = prng.weighted([
    { weight: 6, value: 0 },
    { weight: 3, value: 1 },
    { weight: 1, value: 2 },
  ]);
  for (let i = 0; i < facetCount; i += 1) {
    const facet = prng.pick(searchFacets);
    filters.push({ name: facet.name, value: prng.pick(facet.values) });
  }
  const data: Record<string, unknown> = {
    query,
    results_count: prng.chance(0.08) ? 0 : prng.int(1, 240),
    filters,
    sort: prng.weighted([
      { weight: 8, value: 'relevance' },
      { weight: 2, value: 'price_asc' },
      { weight: 1, value: 'price_desc' },
      { weight: 1, value: 'newest' },
      { weight: 1, value: 'rating' },
    ]),
    page: prng.chance(0.85) ? 1 : prng.int(2, 5),
  };
  if (prng.chance(0.3)) data['category'] = prng.pick(['shoes', 'jackets', 'accessories']);
  return { query, data };
}

/** `com.acme.add_to_cart` data (JSON Schema: decimal-string prices, RFC 3339 time). */
export function addToCartData(
  prng: Prng,
  cartId: string,
  line: CartLine,
  cart: readonly CartLine[],
  atMs: number,
): object {
  const totalMinor = cart.reduce((sum, each) => sum + each.product.priceMinor * each.quantity, 0);
  return {
    cart_id: cartId,
    item: {
      sku: line.product.sku,
      name: line.product.name,
      category: line.product.category,
      unit_price: decimalAmount(line.product.priceMinor),
      quantity: line.quantity,
    },
    currency: 'EUR',
    cart_total: decimalAmount(totalMinor),
    source: prng.weighted([
      { weight: 6, value: 'product_page' },
      { weight: 2, value: 'search_results' },
      { weight: 2, value: 'recommendation' },
      { weight: 1, value: 'wishlist' },
      { weight: 1, value: 'quick_view' },
    ]),
    added_at: new Date(atMs).toISOString(),
  };
}

/**
 * `com.acme.checkout_completed` data for the latest version (3), or for version 2 (no payment
 * method or address) when an older app release sends it. Amounts in minor units.
 */
export function checkoutData(
  prng: Prng,
  cart: readonly CartLine[],
  atMs: number,
  version?: number,
): object {
  const subtotal = cart.reduce((sum, line) => sum + line.product.priceMinor * line.quantity, 0);
  const coupon = prng.chance(0.2) ? prng.pick(coupons) : null;
  const discount = coupon === null ? 0 : Math.round(subtotal * 0.1);
  const shipping = subtotal - discount >= 5000 ? 0 : 495;
  const total = subtotal - discount + shipping;
  const data: Record<string, unknown> = {
    order_id: `A-${prng.int(100000, 999999)}-${prng.token(4, 'ABCDEFGHJKLMNPQRSTUVWXYZ')}`,
    items: cart.map((line) => ({
      sku: line.product.sku,
      name: line.product.name,
      quantity: line.quantity,
      unit_price_minor: line.product.priceMinor,
      category: line.product.category,
    })),
    currency: 'EUR',
    subtotal_minor: subtotal,
    total_minor: total,
    completed_at: atMs,
    coupon_code: coupon,
    discount_minor: discount,
    shipping_minor: shipping,
    // Prices include 19 % VAT.
    tax_minor: Math.round((total * 19) / 119),
  };
  if (version === 2) return data;
  const digital = cart.every((line) => line.product.category === 'gift-cards');
  const place = prng.pick(countries);
  return {
    ...data,
    payment_method: prng.weighted([
      { weight: 10, value: 'card' },
      { weight: 5, value: 'paypal' },
      { weight: 3, value: 'apple_pay' },
      { weight: 2, value: 'google_pay' },
      { weight: 1, value: 'bank_transfer' },
      { weight: 1, value: 'gift_card' },
    ]),
    shipping_address: digital
      ? null
      : {
          country: place.country,
          region: place.region,
          city: place.city,
          postal_code: place.postal,
        },
  };
}

/** `com.acme.signup` data (version 2). */
export function signupData(prng: Prng, atMs: number): object {
  const data: Record<string, unknown> = {
    method: prng.weighted([
      { weight: 6, value: 'email' },
      { weight: 3, value: 'google' },
      { weight: 1, value: 'github' },
    ]),
    plan: prng.weighted([
      { weight: 8, value: 'free' },
      { weight: 2, value: 'pro' },
      { weight: 1, value: 'team' },
    ]),
    marketing_opt_in: prng.chance(0.4),
    signed_up_at: new Date(atMs).toISOString(),
  };
  if (prng.chance(0.1))
    data['referral_code'] = `REF-${prng.token(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}`;
  return data;
}

/** A stack trace as Chrome prints it, `frames` frames deep. */
export function stackTrace(
  name: string,
  message: string,
  filename: string,
  frames: number,
): string {
  const functions = ['render', 'onClick', 'updatePrice', 'fetchCart', 'hydrate', 'dispatch'];
  const lines = [`${name}: ${message}`];
  for (let i = 0; i < frames; i += 1) {
    const fn = functions[i % functions.length] ?? 'anonymous';
    lines.push(
      `    at ${fn} (${SHOP_ORIGIN}${filename}:${1 + ((i * 7) % 900)}:${1 + ((i * 13) % 80)})`,
    );
  }
  return lines.join('\n');
}

/** `com.acme.app_error` data: what the tracker's error capture sends. */
export function appErrorData(prng: Prng, pageUrl: string, atMs: number): object {
  const error = prng.pick(appErrors);
  return {
    message: error.message,
    error_name: error.name,
    stack: stackTrace(error.name, error.message, error.filename, prng.int(3, 12)),
    url: pageUrl,
    filename: `${SHOP_ORIGIN}${error.filename}`,
    lineno: prng.int(1, 4000),
    colno: prng.int(1, 120),
    severity: error.severity,
    handled: error.source === 'manual',
    source: error.source,
    app_version: prng.pick(appVersions),
    occurred_at: new Date(atMs).toISOString(),
  };
}
