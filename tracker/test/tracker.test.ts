import {
  appErrorData,
  captureErrors,
  createTracker,
  memoryStorage,
  TEST_ID_HEADER,
} from '@sift/tracker';
import type { AppErrorData, FetchLike, TrackerOptions, TrackerProblem } from '@sift/tracker';

interface Sent {
  url: string;
  headers: Record<string, string>;
  events: {
    event: string;
    version: number;
    id: string;
    sent_at: string;
    context: Record<string, unknown>;
    data: unknown;
  }[];
}

type Answer = { status: number; body?: unknown; retryAfter?: string } | Error;

/** A collector stand-in: records each request and answers from a script (then 200). */
function fakeCollector(answers: Answer[] = []): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({ url, headers: init.headers, events: JSON.parse(init.body).events });
    const answer = answers.shift() ?? {
      status: 200,
      body: { accepted: 0, rejected: 0, events: [] },
    };
    if (answer instanceof Error) throw answer;
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      headers: { get: (name) => (name === 'retry-after' ? (answer.retryAfter ?? null) : null) },
      json: async () => answer.body,
    };
  };
  return { fetch, sent };
}

function tracker(options: Partial<TrackerOptions> & { fetch: FetchLike }) {
  return createTracker({
    collectorUrl: 'http://collector.test/',
    storage: memoryStorage(),
    ...options,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('batching', () => {
  it('sends a full batch at once, without waiting for the timer', async () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, maxBatchEvents: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) t.send('com.acme.page_view', 2, { path: `/${i}` });
    await jest.advanceTimersByTimeAsync(0);
    expect(collector.sent).toHaveLength(1);
    expect(collector.sent[0]?.url).toBe('http://collector.test/v1/events');
    expect(collector.sent[0]?.events.map((e) => e.data)).toEqual([
      { path: '/0' },
      { path: '/1' },
      { path: '/2' },
    ]);
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, maxBatchEvents: 10, flushIntervalMs: 1000 });
    t.send('com.acme.page_view', 2, { path: '/' });
    await jest.advanceTimersByTimeAsync(999);
    expect(collector.sent).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(collector.sent).toHaveLength(1);
  });

  it('puts the event type, its schema version, an id, sent_at and the context on every event', async () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, context: { app_version: '1.2.3' } });
    t.identify('user-7');
    t.send('com.acme.signup', 2, { method: 'email', plan: 'free' }, { experiment: 'b' });
    await t.flush();
    const [event] = collector.sent[0]?.events ?? [];
    expect(event).toEqual({
      event: 'com.acme.signup',
      version: 2,
      id: expect.stringMatching(UUID),
      sent_at: expect.any(String),
      data: { method: 'email', plan: 'free' },
      context: {
        app_version: '1.2.3',
        created_at: expect.any(String),
        anonymous_id: t.anonymousId,
        session_id: expect.stringMatching(UUID),
        user_id: 'user-7',
        experiment: 'b',
      },
    });
  });
});

describe('retries', () => {
  it('retries 503 and network errors with exponential backoff and jitter, then succeeds', async () => {
    const collector = fakeCollector([
      { status: 503 },
      new TypeError('fetch failed'),
      { status: 500 },
    ]);
    const t = tracker({ fetch: collector.fetch, retryBaseMs: 100, random: () => 0.5 });
    t.send('com.acme.page_view', 2, { path: '/' });
    const flushed = t.flush();
    await jest.advanceTimersByTimeAsync(0);
    expect(collector.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(49); // first delay: 0.5 × 100
    expect(collector.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(collector.sent).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(100); // 0.5 × 200
    expect(collector.sent).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(200); // 0.5 × 400
    await flushed;
    expect(collector.sent).toHaveLength(4);
    expect(new Set(collector.sent.map((s) => s.events[0]?.id)).size).toBe(1);
    expect(t.queued).toBe(0);
  });

  it('waits as long as Retry-After says', async () => {
    const collector = fakeCollector([{ status: 503, retryAfter: '5' }]);
    const t = tracker({ fetch: collector.fetch, retryBaseMs: 10 });
    t.send('com.acme.page_view', 2, { path: '/' });
    void t.flush();
    await jest.advanceTimersByTimeAsync(4999);
    expect(collector.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(collector.sent).toHaveLength(2);
  });

  it('keeps the batch after maxAttempts tries and tries again later, dropping nothing', async () => {
    const problems: TrackerProblem[] = [];
    const collector = fakeCollector([{ status: 502 }, { status: 502 }, { status: 502 }]);
    const t = tracker({
      fetch: collector.fetch,
      maxAttempts: 3,
      retryBaseMs: 10,
      random: () => 0.5,
      onProblem: (p) => problems.push(p),
    });
    t.send('com.acme.page_view', 2, { path: '/' });
    const flushed = t.flush();
    await jest.advanceTimersByTimeAsync(15);
    await flushed;
    expect(collector.sent).toHaveLength(3);
    expect(t.queued).toBe(1);
    await jest.advanceTimersByTimeAsync(20); // 0.5 × 40, the backoff after the third try
    expect(collector.sent).toHaveLength(4);
    expect(t.queued).toBe(0);
    expect(problems).toEqual([]);
  });

  it('delivers every event, in order and once, after a collector outage longer than all tries', async () => {
    let down = true;
    const delivered: unknown[] = [];
    let requests = 0;
    const fetch: FetchLike = async (_url, init) => {
      requests++;
      if (down) throw new TypeError('fetch failed');
      delivered.push(...JSON.parse(init.body).events.map((e: { data: unknown }) => e.data));
      return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
    };
    const problems: TrackerProblem[] = [];
    const t = tracker({
      fetch,
      maxBatchEvents: 2,
      maxAttempts: 3,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      onProblem: (p) => problems.push(p),
    });
    for (let i = 0; i < 5; i++) t.send('com.acme.page_view', 2, { path: `/${i}` });
    await jest.advanceTimersByTimeAsync(60_000); // the collector is down for a minute
    expect(requests).toBeGreaterThan(3);
    expect(t.queued).toBe(5);
    down = false;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(delivered).toEqual([0, 1, 2, 3, 4].map((i) => ({ path: `/${i}` })));
    expect(t.queued).toBe(0);
    expect(problems).toEqual([]);
  });

  it('still drops a batch the collector refuses for good (404) and reports it', async () => {
    const problems: TrackerProblem[] = [];
    const collector = fakeCollector([{ status: 404 }]);
    const t = tracker({ fetch: collector.fetch, onProblem: (p) => problems.push(p) });
    t.send('com.acme.page_view', 2, { path: '/' });
    await t.flush();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(collector.sent).toHaveLength(1);
    expect(t.queued).toBe(0);
    expect(problems).toEqual([expect.objectContaining({ kind: 'dropped', events: 1 })]);
  });

  it('waits no longer than retryMaxMs whatever Retry-After says', async () => {
    const collector = fakeCollector([{ status: 503, retryAfter: '86400' }]);
    const t = tracker({ fetch: collector.fetch, retryMaxMs: 2000 });
    t.send('com.acme.page_view', 2, { path: '/' });
    const flushed = t.flush();
    await jest.advanceTimersByTimeAsync(1999);
    expect(collector.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await flushed;
    expect(collector.sent).toHaveLength(2);
  });

  it('does not keep a Node process alive while it waits to retry', async () => {
    jest.useRealTimers();
    const unrefs: unknown[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((
      handler: () => void,
      ms?: number,
    ) => {
      const timer = realSetTimeout(handler, 0);
      const unref = timer.unref.bind(timer);
      timer.unref = () => {
        unrefs.push(ms);
        return unref();
      };
      return timer;
    }) as typeof setTimeout);
    try {
      const collector = fakeCollector([{ status: 503, retryAfter: '86400' }]);
      const t = tracker({ fetch: collector.fetch, flushIntervalMs: 5 });
      t.send('com.acme.page_view', 2, { path: '/' });
      await t.flush();
      expect(collector.sent).toHaveLength(2);
      expect(unrefs).toContain(30_000); // the retry wait, capped at retryMaxMs
    } finally {
      spy.mockRestore();
    }
  });

  it('does not retry a refused body (400) and reports each rejected event of a 200', async () => {
    const problems: TrackerProblem[] = [];
    const rejected = {
      index: 1,
      id: 'x',
      status: 'rejected',
      kind: 'schema_violation',
      errors: [{ path: '/path', keyword: 'type', message: '/path must be string' }],
    };
    const collector = fakeCollector([
      {
        status: 200,
        body: {
          accepted: 1,
          rejected: 1,
          events: [{ index: 0, id: 'a', status: 'accepted' }, rejected],
        },
      },
      { status: 400, body: { accepted: 0, rejected: 1, events: [] } },
    ]);
    const t = tracker({ fetch: collector.fetch, onProblem: (p) => problems.push(p) });
    t.send('com.acme.page_view', 2, { path: '/' });
    t.send('com.acme.page_view', 2, { path: 42 });
    await t.flush();
    t.send('com.acme.page_view', 2, { path: '/' });
    await t.flush();
    expect(collector.sent).toHaveLength(2);
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'rejected', events: 1, verdicts: [rejected] }),
      expect.objectContaining({ kind: 'rejected', events: 1 }),
    ]);
  });
});

describe('events JSON cannot carry', () => {
  it('refuses the one event at send, its batchmates are sent', async () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, maxBatchEvents: 10 });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    t.send('com.acme.page_view', 2, { path: '/a' });
    expect(() => t.send('com.acme.page_view', 2, { path: '/b', n: BigInt(1) })).toThrow(TypeError);
    expect(() => t.send('com.acme.page_view', 2, circular)).toThrow(/cannot be sent as JSON/);
    t.send('com.acme.page_view', 2, { path: '/c' });
    expect(t.queued).toBe(2);
    await t.flush();
    expect(collector.sent).toHaveLength(1);
    expect(collector.sent[0]?.events.map((e) => e.data)).toEqual([{ path: '/a' }, { path: '/c' }]);
  });
});

describe('onProblem', () => {
  it('goes on sending when the handler throws, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const collector = fakeCollector([{ status: 404 }]);
      const t = tracker({
        fetch: collector.fetch,
        maxBatchEvents: 1,
        onProblem: () => {
          throw new Error('handler bug');
        },
      });
      t.send('com.acme.page_view', 2, { path: '/a' }); // a full batch: sent by `void flush()`
      await jest.advanceTimersByTimeAsync(0);
      t.send('com.acme.page_view', 2, { path: '/b' });
      await jest.advanceTimersByTimeAsync(0);
      jest.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(collector.sent.map((s) => s.events[0]?.data)).toEqual([
        { path: '/a' },
        { path: '/b' },
      ]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('bounded queue', () => {
  it('drops the oldest events past maxQueueEvents and says so', async () => {
    const problems: TrackerProblem[] = [];
    const collector = fakeCollector();
    const t = tracker({
      fetch: collector.fetch,
      maxQueueEvents: 3,
      maxBatchEvents: 10,
      onProblem: (p) => problems.push(p),
    });
    for (let i = 0; i < 5; i++) t.send('com.acme.page_view', 2, { path: `/${i}` });
    expect(t.queued).toBe(3);
    await t.flush();
    expect(collector.sent[0]?.events.map((e) => e.data)).toEqual([
      { path: '/2' },
      { path: '/3' },
      { path: '/4' },
    ]);
    expect(problems.filter((p) => p.kind === 'queue_full')).toHaveLength(2);
  });

  it('keeps the queue in storage when persistQueue is on, for the next page to send', async () => {
    const storage = memoryStorage();
    const first = createTracker({
      collectorUrl: 'http://collector.test',
      storage,
      persistQueue: true,
      fetch: fakeCollector().fetch,
    });
    first.send('com.acme.page_view', 2, { path: '/left-before-sending' });
    const collector = fakeCollector();
    const second = createTracker({
      collectorUrl: 'http://collector.test',
      storage,
      persistQueue: true,
      fetch: collector.fetch,
    });
    await second.flush();
    expect(collector.sent[0]?.events.map((e) => e.data)).toEqual([
      { path: '/left-before-sending' },
    ]);
    expect(storage.getItem('sift:queue')).toBe('[]');
  });
});

describe('ids and sessions', () => {
  it('keeps the anonymous id in storage and starts a new session after the timeout', async () => {
    const storage = memoryStorage();
    const collector = fakeCollector();
    const t = createTracker({
      collectorUrl: 'http://c.test',
      storage,
      fetch: collector.fetch,
      sessionTimeoutMs: 60_000,
    });
    t.send('a.b', 1, {});
    jest.setSystemTime(Date.now() + 59_000);
    t.send('a.b', 1, {});
    jest.setSystemTime(Date.now() + 61_000);
    t.send('a.b', 1, {});
    await t.flush();
    const sessions = collector.sent.flatMap((s) => s.events.map((e) => e.context['session_id']));
    expect(sessions[0]).toBe(sessions[1]);
    expect(sessions[2]).not.toBe(sessions[1]);
    const again = createTracker({ collectorUrl: 'http://c.test', storage, fetch: collector.fetch });
    expect(again.anonymousId).toBe(t.anonymousId);
    expect(t.anonymousId).toMatch(UUID);
  });
});

describe('test id', () => {
  it('sends the test id as the X-Sift-Test-Id header', async () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, testId: 'run-42' });
    t.send('a.b', 1, {});
    await t.flush();
    expect(collector.sent[0]?.headers[TEST_ID_HEADER]).toBe('run-42');
    expect(collector.sent[0]?.events[0]?.context['test_id']).toBeUndefined();
  });
});

describe('in a browser', () => {
  const scope = globalThis as Record<string, unknown>;
  let listeners: Map<string, (event: unknown) => void>;
  let beacons: { url: string; body: string }[];

  beforeEach(() => {
    listeners = new Map();
    beacons = [];
    scope['addEventListener'] = (type: string, listener: (event: unknown) => void) =>
      listeners.set(type, listener);
    scope['removeEventListener'] = (type: string) => listeners.delete(type);
    scope['document'] = {
      visibilityState: 'visible',
      referrer: 'https://search.example/',
      addEventListener: (type: string, listener: () => void) =>
        listeners.set(`document:${type}`, listener),
      removeEventListener: (type: string) => listeners.delete(`document:${type}`),
    };
    scope['location'] = { href: 'https://shop.example/cart' };
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: {
        sendBeacon: (url: string, body: string) => {
          beacons.push({ url, body });
          return true;
        },
      },
    });
  });
  afterEach(() => {
    for (const name of ['addEventListener', 'removeEventListener', 'document', 'location']) {
      delete scope[name];
    }
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: undefined });
  });

  it('sends the queue with sendBeacon on page hide, the test id in each context', () => {
    const collector = fakeCollector();
    const t = tracker({ fetch: collector.fetch, testId: 'run-7', maxBatchEvents: 2 });
    t.send('com.acme.page_view', 2, { path: '/a' });
    listeners.get('pagehide')?.(undefined);
    expect(collector.sent).toHaveLength(0);
    expect(beacons).toHaveLength(1);
    expect(beacons[0]?.url).toBe('http://collector.test/v1/events');
    const events = JSON.parse(beacons[0]?.body ?? '{}').events;
    expect(events).toEqual([
      expect.objectContaining({
        event: 'com.acme.page_view',
        data: { path: '/a' },
        context: expect.objectContaining({
          test_id: 'run-7',
          page_url: 'https://shop.example/cart',
          referrer: 'https://search.example/',
        }),
      }),
    ]);
    expect(t.queued).toBe(0);
  });

  it('sends with sendBeacon when the page becomes hidden', () => {
    const t = tracker({ fetch: fakeCollector().fetch });
    t.send('a.b', 1, {});
    (scope['document'] as { visibilityState: string }).visibilityState = 'hidden';
    listeners.get('document:visibilitychange')?.(undefined);
    expect(beacons).toHaveLength(1);
  });

  it('reports uncaught errors and unhandled rejections as app_error data', () => {
    const reported: AppErrorData[] = [];
    const stop = captureErrors((data) => reported.push(data), { appVersion: '9.9' });
    listeners.get('error')?.({
      message: 'x is undefined',
      filename: 'https://shop.example/app.js',
      lineno: 3,
      colno: 7,
      error: new TypeError('x is undefined'),
    });
    listeners.get('unhandledrejection')?.({ reason: 'nope' });
    stop();
    expect(listeners.has('error')).toBe(false);
    expect(reported).toEqual([
      expect.objectContaining({
        message: 'x is undefined',
        error_name: 'TypeError',
        source: 'window_error',
        filename: 'https://shop.example/app.js',
        lineno: 3,
        colno: 7,
        url: 'https://shop.example/cart',
        app_version: '9.9',
        handled: false,
      }),
      expect.objectContaining({ message: 'nope', source: 'unhandled_rejection' }),
    ]);
  });
});

describe('app_error data', () => {
  it('cuts filename and app_version to the lengths the app_error schema allows', () => {
    const data = appErrorData(
      new Error('boom'),
      { filename: `https://shop.example/${'a'.repeat(3000)}.js` },
      'v'.repeat(100),
    );
    expect(data.filename).toHaveLength(2048);
    expect(data.app_version).toHaveLength(64);
    expect(appErrorData('x', { app_version: 'w'.repeat(65) }).app_version).toHaveLength(64);
  });
});

describe('error capture in Node', () => {
  it('reports an uncaught exception without changing how the process ends', () => {
    const reported: AppErrorData[] = [];
    const emit = process.emit.bind(process) as (event: string, ...args: unknown[]) => boolean;
    const stop = captureErrors((data) => reported.push(data));
    emit('uncaughtExceptionMonitor', new RangeError('too far'), 'uncaughtException');
    stop();
    emit('uncaughtExceptionMonitor', new RangeError('after stop'), 'uncaughtException');
    expect(reported).toEqual([
      expect.objectContaining({ message: 'too far', error_name: 'RangeError', severity: 'fatal' }),
    ]);
    expect(process.listenerCount('uncaughtException')).toBe(0);
  });
});

describe('fetch', () => {
  it('asks for keepalive when the body is under 64 KiB, so a page unload does not lose it', async () => {
    const keepalive: (boolean | undefined)[] = [];
    const t = createTracker({
      collectorUrl: 'http://c.test',
      storage: memoryStorage(),
      fetch: async (_url, init) => {
        keepalive.push(init.keepalive);
        return { ok: true, status: 200, headers: { get: () => null }, json: async () => ({}) };
      },
    });
    t.send('a.b', 1, { text: 'small' });
    await t.flush();
    t.send('a.b', 1, { text: 'x'.repeat(70_000) });
    await t.flush();
    expect(keepalive).toEqual([true, undefined]);
  });

  it('calls fetch as a plain function, as browsers require of the global fetch', async () => {
    const receivers: unknown[] = [];
    const t = createTracker({
      collectorUrl: 'http://c.test',
      storage: memoryStorage(),
      fetch: function (this: unknown) {
        receivers.push(this);
        return Promise.resolve({
          ok: true,
          status: 200,
          headers: { get: () => null },
          json: async () => ({}),
        });
      },
    });
    t.send('a.b', 1, {});
    await t.flush();
    expect(receivers).toEqual([undefined]);
  });
});
