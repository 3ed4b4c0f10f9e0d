import { browsers, products, SHOP_ORIGIN, trafficSources } from './catalogue';
import type { Browser, TrafficSource } from './catalogue';
import {
  addToCartData,
  appErrorData,
  checkoutData,
  linkClickData,
  pageViewData,
  productPage,
  randomPage,
  searchData,
  signupData,
} from './event-data';
import type { CartLine, Page } from './event-data';
import { invalidKinds, makeInvalid, malformedBody } from './invalid-events';
import type { Envelope, InvalidKind } from './invalid-events';
import { Prng } from './prng';

/** What the collector should answer for one input: accepted, or rejected with this kind. */
export type Expected = 'accepted' | InvalidKind;

/** One event the model made, valid or deliberately not. */
export interface GeneratedEvent {
  expected: Expected;
  envelope: Envelope;
}

/** One HTTP request to send: a JSON body from one browser, and what each input in it should get. */
export interface PlannedRequest {
  userAgent: string;
  body: string;
  /** One entry per input, in order; a malformed body is one input. */
  expected: Expected[];
}

/** Settings of the traffic model. */
export interface TrafficOptions {
  /** Seed of the pseudo-random generator: the same seed gives the same traffic. */
  seed: number;
  /** Share of events, 0 to 1, that are made invalid; default 0. */
  invalidShare?: number;
  /** Kinds of invalid event to make, chosen evenly; default every kind. */
  invalidKinds?: readonly InvalidKind[];
  /** Size of an oversize event in bytes; default 70000 (the collector's limit is 65536). */
  oversizeBytes?: number;
  /** Browsers active at once; default 200. */
  visitors?: number;
  /** Clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
  /** Put into every event's `context.test_id`, when given. */
  testId?: string;
}

interface Visitor {
  browser: Browser;
  /** Set once the visitor signed up or logged in. */
  userId?: string;
  /** An older app release: it pins older schema versions. */
  legacy: boolean;
  cartId: string;
  cart: CartLine[];
  session: Session;
}

interface Session {
  id: string;
  source: TrafficSource;
  page?: Page;
  pageUrl?: string;
  /** Events of an action already decided, sent next. */
  queue: Envelope[];
  ended: boolean;
}

/**
 * Simulated web-shop traffic: visitors on real browsers arrive from search engines, ads,
 * newsletters and social links, browse, search, fill carts, check out, sign up and hit
 * front-end errors, in sessions with ids. Deterministic for a seed and a clock.
 */
export class TrafficModel {
  private readonly prng: Prng;
  private readonly invalidShare: number;
  private readonly kinds: readonly InvalidKind[];
  private readonly oversizeBytes: number;
  private readonly now: () => number;
  private readonly visitors: Visitor[] = [];
  private readonly testId: string | undefined;

  constructor(options: TrafficOptions) {
    this.prng = new Prng(options.seed);
    this.invalidShare = options.invalidShare ?? 0;
    this.kinds = options.invalidKinds ?? invalidKinds;
    if (this.invalidShare < 0 || this.invalidShare > 1) {
      throw new RangeError('invalidShare must be between 0 and 1');
    }
    if (this.invalidShare > 0 && this.kinds.length === 0) {
      throw new RangeError('invalidKinds is empty but invalidShare is above 0');
    }
    this.oversizeBytes = options.oversizeBytes ?? 70_000;
    this.now = options.now ?? Date.now;
    this.testId = options.testId;
    const count = options.visitors ?? 200;
    for (let i = 0; i < count; i += 1) this.visitors.push(this.newVisitor());
  }

  /**
   * The next batch of `size` events from one browser (one visitor, across sessions when one
   * ends), each invalid with the configured share. At most one oversize event per batch, so a
   * batch stays under the collector's body limit.
   */
  nextBatch(size: number): { userAgent: string; events: GeneratedEvent[] } {
    const slot = this.prng.int(0, this.visitors.length - 1);
    // Visitors come and go: one in ten batches comes from a new browser.
    if (this.prng.chance(0.1)) this.visitors[slot] = this.newVisitor();
    const visitor = this.visitors[slot] as Visitor;
    const events: GeneratedEvent[] = [];
    let oversize = false;
    while (events.length < size) {
      const valid = this.nextValid(visitor);
      if (!this.prng.chance(this.invalidShare)) {
        events.push({ expected: 'accepted', envelope: valid });
        continue;
      }
      let kind = this.prng.pick(this.kinds);
      if (kind === 'size_violation' && oversize) {
        const others = this.kinds.filter((each) => each !== 'size_violation');
        if (others.length === 0) {
          events.push({ expected: 'accepted', envelope: valid });
          continue;
        }
        kind = this.prng.pick(others);
      }
      oversize ||= kind === 'size_violation';
      events.push({
        expected: kind,
        envelope: makeInvalid(this.prng, kind, valid, this.oversizeBytes),
      });
    }
    return { userAgent: visitor.browser.userAgent, events };
  }

  /**
   * The requests for the next batch: one `POST /v1/events` body, plus one request of its own
   * for each event chosen to travel in a malformed body.
   */
  nextRequests(size: number): PlannedRequest[] {
    const { userAgent, events } = this.nextBatch(size);
    const requests: PlannedRequest[] = [];
    const batch = events.filter((event) => event.expected !== 'malformed_json');
    if (batch.length > 0) {
      requests.push({
        userAgent,
        body: JSON.stringify({ events: batch.map((event) => event.envelope) }),
        expected: batch.map((event) => event.expected),
      });
    }
    for (const event of events) {
      if (event.expected !== 'malformed_json') continue;
      requests.push({
        userAgent,
        body: malformedBody(this.prng, [event.envelope]),
        expected: ['malformed_json'],
      });
    }
    return requests;
  }

  private newVisitor(): Visitor {
    const browser = this.prng.weighted(browsers.map((value) => ({ weight: value.weight, value })));
    return {
      browser,
      // Returning customers are logged in from the start.
      ...(this.prng.chance(0.15) ? { userId: `u-${this.prng.int(10000, 99999)}` } : {}),
      legacy: this.prng.chance(0.1),
      cartId: this.prng.uuid(),
      cart: [],
      session: this.newSession(),
    };
  }

  private newSession(): Session {
    const source = this.prng.weighted(
      trafficSources.map((value) => ({ weight: value.weight, value })),
    );
    return { id: this.prng.uuid(), source, queue: [], ended: false };
  }

  /** The landing URL: the page plus the source's UTM tags and click id. */
  private landingUrl(page: Page, source: TrafficSource): string {
    const query = new URLSearchParams();
    if (source.utm) {
      for (const [key, value] of Object.entries(source.utm)) {
        if (value !== undefined) query.set(`utm_${key}`, value);
      }
    }
    if (source.clickId) query.set(source.clickId, this.prng.token(24));
    const search = query.toString();
    return `${SHOP_ORIGIN}${page.path}${search === '' ? '' : `?${search}`}`;
  }

  private envelope(
    visitor: Visitor,
    event: string,
    data: object,
    referrer: string | undefined,
    version?: number,
  ): Envelope {
    const session = visitor.session;
    const at = this.now();
    const context: Record<string, unknown> = {
      session_id: session.id,
      page_url: session.pageUrl,
      created_at: new Date(at).toISOString(),
    };
    if (visitor.userId !== undefined) context['user_id'] = visitor.userId;
    if (referrer !== undefined) context['referrer'] = referrer;
    if (this.testId !== undefined) context['test_id'] = this.testId;
    return {
      event,
      ...(version !== undefined ? { version } : {}),
      id: this.prng.uuid(),
      sent_at: new Date(at).toISOString(),
      context,
      data,
    };
  }

  /** Moves the visitor to a page and makes its page_view. */
  private view(visitor: Visitor, page: Page, url?: string): Envelope {
    const session = visitor.session;
    const referrer = session.pageUrl ?? session.source.referrer;
    session.page = page;
    session.pageUrl = url ?? `${SHOP_ORIGIN}${page.path}`;
    const version = visitor.legacy ? 1 : undefined;
    return this.envelope(
      visitor,
      'com.acme.page_view',
      pageViewData(this.prng, page, this.now(), version),
      referrer,
      version,
    );
  }

  private nextValid(visitor: Visitor): Envelope {
    if (visitor.session.ended && visitor.session.queue.length === 0) {
      visitor.session = this.newSession();
    }
    const session = visitor.session;
    const queued = session.queue.shift();
    if (queued) return queued;
    const event = this.act(visitor);
    // A session lasts about fifteen events.
    if (session.queue.length === 0 && this.prng.chance(1 / 15)) session.ended = true;
    return event;
  }

  /** The visitor's next action, as its first event; later events of the action are queued. */
  private act(visitor: Visitor): Envelope {
    const session = visitor.session;
    if (session.page === undefined) {
      const landing =
        session.source.utm?.medium === 'cpc'
          ? productPage(this.prng.pick(products))
          : randomPage(this.prng);
      return this.view(visitor, landing, this.landingUrl(landing, session.source));
    }
    const onProduct = session.page.product;
    const action = this.prng.weighted([
      { weight: 45, value: 'browse' },
      { weight: 10, value: 'search' },
      { weight: 8, value: 'click' },
      { weight: onProduct ? 14 : 0, value: 'add' },
      { weight: visitor.cart.length > 0 ? 6 : 0, value: 'checkout' },
      { weight: visitor.userId === undefined ? 2 : 0, value: 'signup' },
      { weight: 1.5, value: 'error' },
    ] as const);
    switch (action) {
      case 'browse':
        return this.view(visitor, randomPage(this.prng));
      case 'search': {
        const { query, data } = searchData(this.prng);
        const page: Page = {
          path: '/search',
          title: `“${query}” | Acme Outdoor`,
          pageType: 'search',
        };
        const view = this.view(
          visitor,
          page,
          `${SHOP_ORIGIN}/search?q=${encodeURIComponent(query)}`,
        );
        session.queue.push(this.envelope(visitor, 'com.acme.search', data, undefined));
        return view;
      }
      case 'click': {
        const { data, next } = linkClickData(this.prng);
        const click = this.envelope(visitor, 'com.acme.link_click', data, undefined);
        if (next) session.queue.push(this.view(visitor, next));
        else session.ended = true;
        return click;
      }
      case 'add': {
        const product = onProduct ?? this.prng.pick(products);
        const line = { product, quantity: this.prng.chance(0.85) ? 1 : this.prng.int(2, 3) };
        visitor.cart.push(line);
        const data = addToCartData(this.prng, visitor.cartId, line, visitor.cart, this.now());
        return this.envelope(visitor, 'com.acme.add_to_cart', data, undefined);
      }
      case 'checkout': {
        const view = this.view(visitor, {
          path: '/checkout',
          title: 'Checkout | Acme Outdoor',
          pageType: 'checkout',
        });
        const version = visitor.legacy ? 2 : undefined;
        const data = checkoutData(this.prng, visitor.cart, this.now(), version);
        session.queue.push(
          this.envelope(visitor, 'com.acme.checkout_completed', data, undefined, version),
        );
        visitor.cart = [];
        visitor.cartId = this.prng.uuid();
        // Most buyers leave after paying.
        if (this.prng.chance(0.7)) session.ended = true;
        return view;
      }
      case 'signup': {
        visitor.userId = `u-${this.prng.int(100000, 999999)}`;
        return this.envelope(
          visitor,
          'com.acme.signup',
          signupData(this.prng, this.now()),
          undefined,
        );
      }
      case 'error':
        return this.envelope(
          visitor,
          'com.acme.app_error',
          appErrorData(this.prng, session.pageUrl ?? SHOP_ORIGIN, this.now()),
          undefined,
        );
    }
  }
}
