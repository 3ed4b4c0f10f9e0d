import { join } from 'node:path';
import { EventProcessor } from '@sift/collector';
import type { ResolvedSchema } from '@sift/collector';
import { ValidatorCache } from '@sift/validator';
import type { SchemaType } from '@sift/validator';
import { invalidKinds } from '../../src/generate/invalid-events';
import type { Envelope, InvalidKind } from '../../src/generate/invalid-events';
import { TrafficModel } from '../../src/generate/traffic-model';
import type { GeneratedEvent, PlannedRequest } from '../../src/generate/traffic-model';
import { folderSchemaSource } from './folder-schema-source';

const repoSchemas = join(__dirname, '..', '..', '..', 'schemas');
const fixedClock = () => Date.parse('2026-11-23T10:00:00.000Z');

function events(model: TrafficModel, batches: number, size: number): GeneratedEvent[] {
  const all: GeneratedEvent[] = [];
  for (let i = 0; i < batches; i += 1) all.push(...model.nextBatch(size).events);
  return all;
}

function context(envelope: Envelope): Record<string, unknown> {
  return envelope.context as Record<string, unknown>;
}

async function processAll(requests: PlannedRequest[]): Promise<string[]> {
  const source = await folderSchemaSource(repoSchemas);
  const processor = new EventProcessor({ schemas: source, validators: new ValidatorCache() });
  const verdicts: string[] = [];
  for (const request of requests) {
    const collected = await processor.processBody(request.body, {
      endpoint: 'POST /v1/events',
      user_agent: request.userAgent,
    });
    for (const verdict of collected.verdicts) {
      verdicts.push(verdict.status === 'accepted' ? 'accepted' : verdict.kind);
    }
  }
  return verdicts;
}

describe('the traffic model', () => {
  it('makes the same traffic for the same seed and clock, and other traffic for another seed', () => {
    const bodies = (seed: number) => {
      const model = new TrafficModel({ seed, now: fixedClock });
      return [0, 1, 2, 3, 4]
        .flatMap(() => model.nextRequests(10))
        .map((request) => `${request.userAgent}\n${request.body}`);
    };

    expect(bodies(7)).toEqual(bodies(7));
    expect(bodies(8)).not.toEqual(bodies(7));
  });

  it('makes events that each validate against their version of the schema in schemas/', async () => {
    const source = await folderSchemaSource(repoSchemas);
    const generated = events(new TrafficModel({ seed: 1, now: fixedClock }), 200, 25);
    const validators = new ValidatorCache();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { expected, envelope } of generated) {
      expect(expected).toBe('accepted');
      const resolved = (await source.resolve(
        String(envelope.event),
        envelope.version as number | undefined,
      )) as ResolvedSchema;
      seen.add(`${String(envelope.event)} v${resolved.version}`);
      const { issues } = validators
        .get(resolved.id, resolved.schemaType as SchemaType, resolved.schema, [])
        .validate(envelope.data);
      if (issues.length > 0) problems.push(`${String(envelope.event)}: ${JSON.stringify(issues)}`);
    }

    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual([
      'com.acme.add_to_cart v1',
      'com.acme.app_error v1',
      'com.acme.checkout_completed v2',
      'com.acme.checkout_completed v3',
      'com.acme.link_click v1',
      'com.acme.page_view v1',
      'com.acme.page_view v2',
      'com.acme.search v1',
      'com.acme.signup v2',
    ]);
  });

  it('looks like web traffic: sessions of several events, many browsers, referrers and UTM tags', () => {
    const generated = events(new TrafficModel({ seed: 2, now: fixedClock }), 400, 10);
    const sessions = new Map<unknown, number>();
    for (const { envelope } of generated) {
      const id = context(envelope)['session_id'];
      sessions.set(id, (sessions.get(id) ?? 0) + 1);
    }
    const pageViews = generated.filter((e) => e.envelope.event === 'com.acme.page_view');
    const userAgents = new Set(
      Array.from(
        { length: 200 },
        (_, i) => new TrafficModel({ seed: i, visitors: 1 }).nextBatch(1).userAgent,
      ),
    );
    const share = (test: (e: GeneratedEvent) => boolean) =>
      generated.filter(test).length / generated.length;

    expect(generated.length / sessions.size).toBeGreaterThan(3);
    expect(pageViews.length / generated.length).toBeGreaterThan(0.4);
    expect(userAgents.size).toBeGreaterThanOrEqual(8);
    expect([...userAgents].some((ua) => ua.includes('iPhone'))).toBe(true);
    expect(
      share((e) => String(context(e.envelope)['page_url']).includes('utm_source=')),
    ).toBeGreaterThan(0);
    expect(
      share((e) => String(context(e.envelope)['referrer']).startsWith('https://www.google.com/')),
    ).toBeGreaterThan(0);
    expect(share((e) => context(e.envelope)['user_id'] !== undefined)).toBeGreaterThan(0.05);
    expect(new Set(generated.map((e) => e.envelope.id)).size).toBe(generated.length);
  });

  it('puts the test id into every event context when given one', () => {
    const generated = events(new TrafficModel({ seed: 3, testId: 'run-42' }), 5, 5);

    expect(generated.map((e) => context(e.envelope)['test_id'])).toEqual(
      generated.map(() => 'run-42'),
    );
  });

  it.each(invalidKinds.map((kind) => [kind]))(
    'makes %s inputs that the collector rejects as exactly that kind',
    async (kind: InvalidKind) => {
      const model = new TrafficModel({
        seed: 4,
        invalidShare: 1,
        invalidKinds: [kind],
        now: fixedClock,
      });
      const requests = Array.from({ length: 8 }, () => model.nextRequests(5)).flat();
      const expected = requests.flatMap((request) => request.expected);

      expect(new Set(expected)).toEqual(
        new Set([kind, ...(kind === 'size_violation' ? ['accepted'] : [])]),
      );
      expect(await processAll(requests)).toEqual(expected);
    },
  );

  it('mixes every invalid kind into valid traffic at the configured share, each answered as planned', async () => {
    const model = new TrafficModel({ seed: 5, invalidShare: 0.1, now: fixedClock });
    const requests = Array.from({ length: 100 }, () => model.nextRequests(25)).flat();
    const expected = requests.flatMap((request) => request.expected);
    const invalid = expected.filter((each) => each !== 'accepted');

    expect(await processAll(requests)).toEqual(expected);
    expect(expected).toHaveLength(2500);
    expect(invalid.length / expected.length).toBeGreaterThan(0.07);
    expect(invalid.length / expected.length).toBeLessThan(0.13);
    expect(new Set(invalid)).toEqual(new Set(invalidKinds));
  });

  it('refuses an invalid share outside 0 to 1', () => {
    expect(() => new TrafficModel({ seed: 1, invalidShare: 1.5 })).toThrow(RangeError);
  });
});
