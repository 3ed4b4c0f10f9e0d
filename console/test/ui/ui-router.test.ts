import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { badEvent, storeBad, storeGood, uiHarness } from './harness';
import type { UiHarness } from './harness';

const REGISTRY_JSON = 'application/vnd.schemaregistry.v1+json';

const pageViewV1 = JSON.stringify({
  type: 'record',
  name: 'page_view',
  namespace: 'com.acme',
  fields: [{ name: 'path', type: 'string' }],
});
const pageViewV2 = JSON.stringify({
  type: 'record',
  name: 'page_view',
  namespace: 'com.acme',
  fields: [
    { name: 'path', type: 'string' },
    { name: 'title', type: ['null', 'string'], default: null },
  ],
});
const pageViewNeedsTitle = JSON.stringify({
  type: 'record',
  name: 'page_view',
  namespace: 'com.acme',
  fields: [
    { name: 'path', type: 'string' },
    { name: 'title', type: 'string' },
  ],
});

function register(h: UiHarness, subject: string, schema: string, schemaType?: string) {
  return request(h.app)
    .post(`/ui/api/registry/subjects/${subject}/versions`)
    .set('content-type', REGISTRY_JSON)
    .send(JSON.stringify({ schema, ...(schemaType ? { schemaType } : {}) }));
}

describe('console UI router: registry', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await uiHarness();
  });
  afterEach(() => h.close());

  it('registers through the registry pass-through and lists subjects with level and latest version', async () => {
    expect((await register(h, 'com.acme.page_view', pageViewV1)).status).toBe(200);
    expect((await register(h, 'com.acme.page_view', pageViewV2)).status).toBe(200);
    const answer = await request(h.app).get('/ui/api/subjects').expect(200);
    expect(answer.body.subjects).toEqual([
      {
        subject: 'com.acme.page_view',
        schemaType: 'AVRO',
        latestVersion: 2,
        latestId: 2,
        versionCount: 2,
        compatibility: 'BACKWARD',
      },
    ]);
  });

  it('shows every version of a subject, soft-deleted ones marked, with what references them', async () => {
    await register(h, 'com.acme.page_view', pageViewV1);
    await register(h, 'com.acme.page_view', pageViewV2);
    await request(h.app)
      .post('/ui/api/registry/subjects/com.acme.visit/versions')
      .set('content-type', REGISTRY_JSON)
      .send(
        JSON.stringify({
          schema: JSON.stringify({
            type: 'record',
            name: 'visit',
            namespace: 'com.acme',
            fields: [{ name: 'first', type: 'com.acme.page_view' }],
          }),
          references: [{ name: 'com.acme.page_view', subject: 'com.acme.page_view', version: 1 }],
        }),
      )
      .expect(200);
    await request(h.app)
      .delete('/ui/api/registry/subjects/com.acme.page_view/versions/2')
      .expect(200);

    const detail = await request(h.app).get('/ui/api/subjects/com.acme.page_view').expect(200);
    expect(detail.body.compatibility).toBe('BACKWARD');
    expect(
      detail.body.versions.map(
        (v: { version: number; deleted: boolean; referencedBy: unknown[] }) => [
          v.version,
          v.deleted,
          v.referencedBy,
        ],
      ),
    ).toEqual([
      [1, false, [{ subject: 'com.acme.visit', version: 1 }]],
      [2, true, []],
    ]);
    expect(JSON.parse(detail.body.versions[1].schema)).toEqual(JSON.parse(pageViewV2));
  });

  it('gives a refusal verdict with the registry reasons before registering', async () => {
    await register(h, 'com.acme.page_view', pageViewV1);
    const verdict = await request(h.app)
      .post('/ui/api/subjects/com.acme.page_view/check')
      .send({ schema: pageViewNeedsTitle, schemaType: 'AVRO' })
      .expect(200);
    expect(verdict.body.verdict).toBe('incompatible');
    expect(verdict.body.compatibility).toBe('BACKWARD');
    expect(verdict.body.messages.join('\n')).toMatch(/title/);
    const versions = await request(h.app).get(
      '/ui/api/registry/subjects/com.acme.page_view/versions',
    );
    expect(versions.body).toEqual([1]);
  });

  it('says a schema is compatible, new, already registered or invalid', async () => {
    const check = (subject: string, schema: string) =>
      request(h.app).post(`/ui/api/subjects/${subject}/check`).send({ schema }).expect(200);
    expect((await check('com.acme.page_view', pageViewV1)).body.verdict).toBe('new_subject');
    await register(h, 'com.acme.page_view', pageViewV1);
    expect((await check('com.acme.page_view', pageViewV2)).body.verdict).toBe('compatible');
    const held = await check('com.acme.page_view', pageViewV1);
    expect(held.body).toMatchObject({ verdict: 'already_registered', version: 1 });
    const invalid = await check('com.acme.page_view', '{"type": "record"');
    expect(invalid.body.verdict).toBe('invalid');
    expect(invalid.body.messages).toHaveLength(1);
  });

  it('checks against every version under BACKWARD_TRANSITIVE, as registering would', async () => {
    const subject = 'com.acme.signup';
    const record = (fields: unknown[]) =>
      JSON.stringify({ type: 'record', name: 'signup', namespace: 'com.acme', fields });
    await request(h.app)
      .put(`/ui/api/registry/config/${subject}`)
      .set('content-type', REGISTRY_JSON)
      .send(JSON.stringify({ compatibility: 'BACKWARD_TRANSITIVE' }))
      .expect(200);
    expect((await register(h, subject, record([{ name: 'email', type: 'string' }]))).status).toBe(
      200,
    );
    const withPlan = [
      { name: 'email', type: 'string' },
      { name: 'plan', type: 'string', default: 'free' },
    ];
    expect((await register(h, subject, record(withPlan))).status).toBe(200);
    // Reads v2 data, but not v1 data, which has no plan and the candidate gives no default.
    const candidate = record([
      { name: 'email', type: 'string' },
      { name: 'plan', type: 'string' },
    ]);
    const verdict = await request(h.app)
      .post(`/ui/api/subjects/${subject}/check`)
      .send({ schema: candidate })
      .expect(200);
    expect(verdict.body.compatibility).toBe('BACKWARD_TRANSITIVE');
    expect(verdict.body.verdict).toBe('incompatible');
    expect((await register(h, subject, candidate)).status).toBe(409);
  });

  it('refuses a check without schema text', async () => {
    const answer = await request(h.app).post('/ui/api/subjects/x/check').send({}).expect(400);
    expect(answer.body.error.code).toBe('SIFT_REQUEST_INVALID');
  });
});

describe('console UI router: registry auth', () => {
  const consoleOwn = { username: 'console', password: 'own' };
  const caller = `Basic ${Buffer.from('ui:secret').toString('base64')}`;
  const authed = (options: { authReads?: boolean } = {}) =>
    uiHarness({ authUsers: ['ui:secret', 'console:own'], registryAuth: consoleOwn, ...options });
  const subjects = async (h: UiHarness) =>
    (await request(h.registry.url).get('/subjects').set('Authorization', caller)).body;

  it("refuses a write without the caller's credentials, though the console has its own, and registers nothing", async () => {
    const h = await authed();
    try {
      const answer = await register(h, 'com.acme.page_view', pageViewV1);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe(
        'Basic realm="Sift registry", charset="UTF-8"',
      );
      await request(h.app)
        .put('/ui/api/registry/mode')
        .set('content-type', REGISTRY_JSON)
        .send(JSON.stringify({ mode: 'READONLY' }))
        .expect(401);
      await request(h.app).delete('/ui/api/registry/subjects/com.acme.page_view').expect(401);
      expect(await subjects(h)).toEqual([]);
      const mode = await request(h.registry.url).get('/mode').set('Authorization', caller);
      expect(mode.body.mode).toBe('READWRITE');
    } finally {
      await h.close();
    }
  });

  it("writes with the caller's credentials", async () => {
    const h = await authed();
    try {
      const answer = await register(h, 'com.acme.page_view', pageViewV1).set(
        'Authorization',
        caller,
      );
      expect(answer.status).toBe(200);
      await request(h.app)
        .put('/ui/api/registry/config/com.acme.page_view')
        .set('Authorization', caller)
        .set('content-type', REGISTRY_JSON)
        .send(JSON.stringify({ compatibility: 'FULL' }))
        .expect(200);
      const listed = await request(h.app).get('/ui/api/subjects').expect(200);
      expect(listed.body.subjects[0].compatibility).toBe('FULL');
    } finally {
      await h.close();
    }
  });

  it('refuses a compatibility check without credentials, since the registry counts it as a write', async () => {
    const h = await authed();
    try {
      const answer = await request(h.app)
        .post('/ui/api/subjects/com.acme.page_view/check')
        .send({ schema: pageViewV1 })
        .expect(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="Sift registry"/);
      expect(answer.body.error.code).toBe('SIFT_REGISTRY_UNAUTHORIZED');
      expect(answer.body.error.message).toMatch(/sign in/);
      await request(h.app)
        .post('/ui/api/subjects/com.acme.page_view/check')
        .set('Authorization', caller)
        .send({ schema: pageViewV1 })
        .expect(200);
    } finally {
      await h.close();
    }
  });

  it('refuses reads without credentials when the registry closes reads, and answers them with', async () => {
    const h = await authed({ authReads: true });
    try {
      await register(h, 'com.acme.page_view', pageViewV1).set('Authorization', caller).expect(200);
      for (const path of [
        '/ui/api/subjects',
        '/ui/api/subjects/com.acme.page_view',
        '/ui/api/registry/subjects',
      ]) {
        const refused = await request(h.app).get(path).expect(401);
        expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="Sift registry"/);
        await request(h.app).get(path).set('Authorization', caller).expect(200);
      }
      const playground = { event: 'com.acme.page_view', payload: '{"path": "/"}' };
      await request(h.app).post('/ui/api/validate').send(playground).expect(401);
      const valid = await request(h.app)
        .post('/ui/api/validate')
        .set('Authorization', caller)
        .send(playground)
        .expect(200);
      expect(valid.body.valid).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('console UI router: failures', () => {
  it('refuses a body over the limit with its own code', async () => {
    const h = await uiHarness({ deps: { maxBodyBytes: 1024 } });
    try {
      const answer = await request(h.app)
        .post('/ui/api/validate')
        .send({ event: 'com.acme.page_view', payload: 'x'.repeat(4096) })
        .expect(413);
      expect(answer.body.error.code).toBe('SIFT_REQUEST_TOO_LARGE');
    } finally {
      await h.close();
    }
  });

  it('answers 502 with a stable code when the registry is down', async () => {
    const h = await uiHarness({ deps: { registry: { url: 'http://127.0.0.1:9' } } });
    try {
      const answer = await request(h.app).get('/ui/api/subjects').expect(502);
      expect(answer.body.error.code).toBe('SIFT_REGISTRY_UNREACHABLE');
      const proxied = await request(h.app).get('/ui/api/registry/subjects').expect(502);
      expect(proxied.body.message).toMatch(/did not answer/);
    } finally {
      await h.close();
    }
  });
});

describe('console UI router: playground', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await uiHarness();
    await register(h, 'com.acme.page_view', pageViewV1);
    await register(h, 'com.acme.page_view', pageViewV2);
  });
  afterEach(() => h.close());

  it('answers each validation error with its JSON pointer path', async () => {
    const answer = await request(h.app)
      .post('/ui/api/validate')
      .send({ event: 'com.acme.page_view', version: 2, payload: '{"path": 42, "title": null}' })
      .expect(200);
    expect(answer.body).toMatchObject({ valid: false, version: 2, schemaId: 2 });
    expect(answer.body.issues).toEqual([expect.objectContaining({ path: '/path' })]);
  });

  it('accepts a valid payload against the latest version', async () => {
    const answer = await request(h.app)
      .post('/ui/api/validate')
      .send({ event: 'com.acme.page_view', payload: '{"path": "/pricing", "title": null}' })
      .expect(200);
    expect(answer.body).toMatchObject({ valid: true, version: 2, issues: [] });
  });

  it('says where a payload that is not JSON breaks', async () => {
    const answer = await request(h.app)
      .post('/ui/api/validate')
      .send({ event: 'com.acme.page_view', payload: '{"path": ' })
      .expect(200);
    expect(answer.body.valid).toBe(false);
    expect(answer.body.parseError).toEqual(expect.any(String));
  });

  it('answers 404 with the registry code for an unknown event type', async () => {
    const answer = await request(h.app)
      .post('/ui/api/validate')
      .send({ event: 'com.acme.nothing', payload: '{}' })
      .expect(404);
    expect(answer.body.error.code).toBe('SIFT_REGISTRY_SUBJECT_NOT_FOUND');
  });
});

describe('console UI router: bad events', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await uiHarness();
  });
  afterEach(() => h.close());

  it('pages bad events newest first with the total, and filters by type, kind and text', async () => {
    const base = Date.now() - 3600_000;
    const events = Array.from({ length: 30 }, (_, i) =>
      badEvent({
        id: `e${String(i).padStart(2, '0')}`,
        received_at: new Date(base + i * 1000).toISOString(),
        event: i % 2 === 0 ? 'com.acme.page_view' : 'com.acme.signup',
        kind: i % 3 === 0 ? 'unknown_version' : 'schema_violation',
        payload: JSON.stringify({ data: { n: i, note: i === 7 ? 'Needle in here' : 'hay' } }),
      }),
    );
    await storeBad(h.store, events);

    const first = await request(h.app).get('/ui/api/bad-events?size=10').expect(200);
    expect(first.body.total).toBe(30);
    expect(first.body.events.map((e: { id: string }) => e.id)).toEqual([
      'e29',
      'e28',
      'e27',
      'e26',
      'e25',
      'e24',
      'e23',
      'e22',
      'e21',
      'e20',
    ]);
    const third = await request(h.app).get('/ui/api/bad-events?size=10&offset=20').expect(200);
    expect(third.body.events.map((e: { id: string }) => e.id).at(-1)).toBe('e00');
    const second = await request(h.app)
      .get(`/ui/api/bad-events?size=10&after=${encodeURIComponent(first.body.next)}`)
      .expect(200);
    expect(second.body.events.map((e: { id: string }) => e.id)[0]).toBe('e19');
    await request(h.app).get('/ui/api/bad-events?after=garbage').expect(400);

    const filtered = await request(h.app)
      .get('/ui/api/bad-events?event=com.acme.signup&kind=unknown_version')
      .expect(200);
    expect(filtered.body.events.map((e: { id: string }) => e.id)).toEqual([
      'e27',
      'e21',
      'e15',
      'e09',
      'e03',
    ]);

    const text = await request(h.app).get('/ui/api/bad-events?q=needle').expect(200);
    expect(text.body.events.map((e: { id: string }) => e.id)).toEqual(['e07']);

    const timed = await request(h.app)
      .get(
        `/ui/api/bad-events?since=${new Date(base + 10_000).toISOString()}&until=${new Date(base + 12_000).toISOString()}`,
      )
      .expect(200);
    expect(timed.body.events.map((e: { id: string }) => e.id)).toEqual(['e11', 'e10']);
  });

  it('groups bad events by error message with counts, event types and a trend', async () => {
    // Whole hours, within the store's retention.
    const now = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();
    const typeError = '/path must be string, got 42';
    const missing = "must have required property 'title'";
    await storeBad(h.store, [
      badEvent({ received_at: hoursAgo(1.5) }),
      badEvent({ received_at: hoursAgo(1.2) }),
      badEvent({ received_at: hoursAgo(0.5), event: 'com.acme.signup' }),
      badEvent({
        received_at: hoursAgo(0.5),
        errors: [
          { path: '', keyword: 'required', message: missing },
          { path: '/path', keyword: 'type', message: typeError },
        ],
      }),
      badEvent({
        received_at: hoursAgo(3),
        kind: 'unknown_event',
        event: 'com.acme.nope',
        errors: [],
      }),
    ]);
    const answer = await request(h.app)
      .get(`/ui/api/bad-events/groups?since=${hoursAgo(4)}&until=${now.toISOString()}&buckets=4`)
      .expect(200);
    expect(answer.body.total).toBe(5);
    expect(answer.body.bucketMs).toBe(3600_000);
    expect(answer.body.buckets).toEqual([hoursAgo(4), hoursAgo(3), hoursAgo(2), hoursAgo(1)]);
    expect(answer.body.groups).toEqual([
      {
        message: typeError,
        count: 4,
        trend: [0, 0, 2, 2],
        eventTypes: ['com.acme.page_view', 'com.acme.signup'],
      },
      { message: missing, count: 1, trend: [0, 0, 0, 1], eventTypes: ['com.acme.page_view'] },
      { message: 'unknown_event', count: 1, trend: [0, 1, 0, 0], eventTypes: ['com.acme.nope'] },
    ]);
  });

  it('answers one bad event whole, and a stable code for an unknown id', async () => {
    const bad = badEvent({ id: 'the-one', payload: '<script>alert(1)</script>' });
    await storeBad(h.store, [bad]);
    const answer = await request(h.app).get('/ui/api/bad-events/the-one').expect(200);
    expect(answer.body).toMatchObject({
      id: 'the-one',
      kind: bad.kind,
      payload: bad.payload,
      errors: bad.errors,
    });
    const missing = await request(h.app).get('/ui/api/bad-events/nope').expect(404);
    expect(missing.body.error.code).toBe('SIFT_CONSOLE_BAD_EVENT_NOT_FOUND');
  });

  it('refuses an unknown kind and a page past the limit', async () => {
    expect(
      (await request(h.app).get('/ui/api/bad-events?kind=oops').expect(400)).body.error.message,
    ).toMatch(/oops/);
    await request(h.app).get('/ui/api/bad-events?size=1000').expect(400);
  });

  it('recovers the chosen bad events after a schema fix and sends them to the good topic with their ids', async () => {
    await register(h, 'com.acme.page_view', pageViewV1);
    const fixable = badEvent({
      id: '6a1f0c5e-0000-4000-8000-000000000001',
      version: undefined,
      payload: JSON.stringify({ event: 'com.acme.page_view', data: { path: '/a', title: 'A' } }),
      errors: [{ path: '', keyword: 'additionalProperties', message: 'unexpected title' }],
    });
    const stillBad = badEvent({
      id: '6a1f0c5e-0000-4000-8000-000000000002',
      version: undefined,
      payload: JSON.stringify({ event: 'com.acme.page_view', data: { path: 42 } }),
    });
    const untouched = badEvent({ id: '6a1f0c5e-0000-4000-8000-000000000003' });
    await storeBad(h.store, [fixable, stillBad, untouched]);
    await register(h, 'com.acme.page_view', pageViewV2);

    const answer = await request(h.app)
      .post('/ui/api/bad-events/recover')
      .send({ ids: [fixable.id, stillBad.id, 'no-such-id'] })
      .expect(200);
    expect(answer.body).toMatchObject({
      read: 3,
      unreadable: 1,
      matched: 2,
      recovered: 1,
      stillBad: 1,
    });
    const good = h.log.records('sift.events.good');
    expect(good).toHaveLength(1);
    expect(good[0]?.headers?.['sift-event-id']?.toString()).toBe(fixable.id);
  });

  it('refuses a recovery without ids', async () => {
    await request(h.app).post('/ui/api/bad-events/recover').send({ ids: [] }).expect(400);
  });
});

describe('console UI router: good events', () => {
  let h: UiHarness;
  beforeEach(async () => {
    h = await uiHarness();
  });
  afterEach(() => h.close());

  it('counts good events by type', async () => {
    await storeGood(h.store, { id: 'g1', type: 'com.acme.page_view', data: { path: '/' } });
    await storeGood(h.store, { id: 'g2', type: 'com.acme.page_view', data: { path: '/b' } });
    await storeGood(h.store, { id: 'g3', type: 'com.acme.signup', data: {} });
    const answer = await request(h.app).get('/ui/api/good-events/counts').expect(200);
    expect(answer.body.counts).toEqual([
      { event: 'com.acme.page_view', count: 2 },
      { event: 'com.acme.signup', count: 1 },
    ]);
  });

  it('streams good events stored after the stream opened, filtered by type', async () => {
    await storeGood(h.store, { id: 'before', type: 'com.acme.page_view', data: { path: '/old' } });
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const controller = new AbortController();
    try {
      const response = await fetch(
        `http://127.0.0.1:${port}/ui/api/good-events/stream?event=com.acme.page_view`,
        { signal: controller.signal },
      );
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      const readUntil = async (wanted: string) => {
        while (!text.includes(wanted)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${wanted}`);
          text += decoder.decode(value);
        }
      };
      await readUntil('"before"');
      await storeGood(h.store, { id: 'other-type', type: 'com.acme.signup', data: {} });
      await storeGood(h.store, {
        id: 'after',
        type: 'com.acme.page_view',
        data: { path: '/new' },
        // An old received time, like a recovered event's: the stream follows arrival in the store.
        receivedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      await readUntil('"after"');
      expect(text).not.toContain('other-type');
      expect(text.indexOf('"before"')).toBeLessThan(text.indexOf('"after"'));
    } finally {
      controller.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('console UI router: live view', () => {
  it('stops reading the store once the browser has gone', async () => {
    let reads = 0;
    const h = await uiHarness({
      deps: {
        good: {
          recent: async () => {
            reads++;
            return { events: [], cursor: undefined };
          },
          counts: async () => [],
        },
      },
    });
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/ui/api/good-events/stream`, {
        signal: controller.signal,
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('event: events')) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const afterClose = reads;
      // Several polling intervals (50 ms each) later, nothing more was read.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(reads).toBe(afterClose);
      expect(reads).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await h.close();
    }
  });
});

describe('console UI router: static files', () => {
  let h: UiHarness;
  let dir: string;
  beforeEach(async () => {
    h = await uiHarness();
    dir = path.join(h.dir, 'dist');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Sift console</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterEach(() => h.close());

  const app = () => uiHarness({ deps: { staticDir: dir } });

  it("sends the console's front door to the UI", async () => {
    const ui = await app();
    try {
      const answer = await request(ui.app).get('/').expect(302);
      expect(answer.headers['location']).toBe('/ui/');
    } finally {
      await ui.close();
    }
  });

  it('serves index.html for every app path with a strict CSP and no caching', async () => {
    const ui = await app();
    try {
      for (const url of ['/ui', '/ui/', '/ui/subjects/com.acme.page_view', '/ui/bad-events/x']) {
        const answer = await request(ui.app).get(url).expect(200);
        expect(answer.text).toContain('<title>Sift console</title>');
        expect(answer.headers['cache-control']).toBe('no-cache');
        expect(answer.headers['content-security-policy']).toMatch(/script-src 'self'/);
        expect(answer.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
      }
    } finally {
      await ui.close();
    }
  });

  it('caches hashed assets for a year and answers 404 for a missing one', async () => {
    const ui = await app();
    try {
      const asset = await request(ui.app).get('/ui/assets/index-abc123.js').expect(200);
      expect(asset.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
      await request(ui.app).get('/ui/assets/index-gone.js').expect(404);
    } finally {
      await ui.close();
    }
  });

  it('answers 404 without any server path for a missing asset, a folder or a path that climbs out', async () => {
    mkdirSync(path.join(dir, 'assets', 'nested'), { recursive: true });
    const ui = await app();
    try {
      for (const url of [
        '/ui/assets/nope.js',
        '/ui/assets',
        '/ui/assets/',
        '/ui/assets/nested',
        '/ui/../../etc/passwd',
        '/ui/%2e%2e/%2e%2e/etc/passwd',
        '/ui/assets/%2e%2e/index.html',
        '/ui/assets/..%2f..%2f..%2fetc%2fpasswd',
        '/ui/%E0%A4%A',
      ]) {
        const answer = await request(ui.app).get(url);
        expect({ url, status: answer.status }).toEqual({ url, status: 404 });
        const seen = JSON.stringify(answer.headers) + answer.text;
        expect(seen).not.toContain(dir);
        expect(seen).not.toMatch(/ENOENT|EISDIR|\/tmp\/|registry-ui/);
        expect(answer.body.error.code).toBe('SIFT_REQUEST_INVALID');
      }
    } finally {
      await ui.close();
    }
  });

  it('answers JSON 404 for an unknown API path instead of the app', async () => {
    const ui = await app();
    try {
      const answer = await request(ui.app).get('/ui/api/nothing').expect(404);
      expect(answer.body.error.code).toBe('SIFT_REQUEST_INVALID');
    } finally {
      await ui.close();
    }
  });

  it('says the UI is not built when the build output is missing', async () => {
    const ui = await uiHarness({ deps: { staticDir: path.join(dir, 'nothing-here') } });
    try {
      const answer = await request(ui.app).get('/ui/subjects').expect(503);
      expect(answer.text).toMatch(/npm run build/);
    } finally {
      await ui.close();
    }
  });
});
