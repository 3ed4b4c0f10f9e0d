import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { createLogger } from '@sift/common';
import { KafkaLeaderElection } from '../../src/adapters/kafka/kafka-leader-election';
import type { KafkaLeaderElectionOptions } from '../../src/adapters/kafka/kafka-leader-election';

const brokers = ['127.0.0.1:9092'];
const logger = createLogger('kafka-leader-election-test', 'error');
const run = randomUUID().slice(0, 8);
/** The broker's smallest allowed session timeout, so that failover tests stay short. */
const sessionTimeoutMs = 6000;

/** Polls `condition` until it holds; fails after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('KafkaLeaderElection', () => {
  let admin: Admin;
  const topics: string[] = [];
  const elections: KafkaLeaderElection[] = [];
  let group = '';
  let topic = '';

  function instance(port: number, options: Partial<KafkaLeaderElectionOptions> = {}) {
    const election = new KafkaLeaderElection({
      brokers,
      groupId: group,
      topic,
      url: `http://127.0.0.1:${port}`,
      clientId: `sift-test-${run}-${port}`,
      logger,
      sessionTimeoutMs,
      joinTimeoutMs: 20_000,
      ...options,
    });
    elections.push(election);
    return election;
  }

  /** The leader URL an instance knows; undefined when it leads itself or knows none. */
  function urlKnownBy(election: KafkaLeaderElection): string | undefined {
    const leader = election.leader();
    return leader.self ? undefined : leader.url;
  }

  function leaders(): KafkaLeaderElection[] {
    return elections.filter((election) => election.leader().self);
  }

  beforeAll(async () => {
    admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  beforeEach(() => {
    group = `sift-test-${run}-election-${topics.length + 1}`;
    topic = `sift-test-leader-${run}-${topics.length + 1}`;
    topics.push(topic);
  });

  afterEach(async () => {
    await Promise.all(elections.splice(0).map((election) => election.close()));
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((name) => existing.has(name));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('of two instances, exactly one leads and the other knows its URL', async () => {
    const a = instance(18081);
    const b = instance(18082);
    await Promise.all([a.start(), b.start()]);

    await eventually(
      () => leaders().length === 1 && [a, b].some((e) => urlKnownBy(e) !== undefined),
      10_000,
      'one leader, whose URL the other knows',
    );
    const [leader] = leaders();
    const follower = leader === a ? b : a;
    expect(follower.leader()).toEqual({
      self: false,
      url: leader === a ? 'http://127.0.0.1:18081' : 'http://127.0.0.1:18082',
    });
  });

  it('when the leader closes, another instance leads within the session timeout and followers learn its URL', async () => {
    const a = instance(18081);
    const b = instance(18082);
    const observer = instance(18083, { eligible: false });
    await a.start();
    await eventually(() => a.leader().self, 10_000, 'the first instance leads');
    await b.start();
    await observer.start();
    await eventually(
      () => urlKnownBy(observer) === 'http://127.0.0.1:18081',
      10_000,
      'the observer learns the first URL',
    );

    const closing = a.close();
    expect(a.leader().self).toBe(false);
    await closing;

    await eventually(() => b.leader().self, sessionTimeoutMs, 'the second instance leads');
    await eventually(
      () => urlKnownBy(observer) === 'http://127.0.0.1:18082',
      5_000,
      'the observer learns the new URL',
    );
    expect(leaders()).toEqual([b]);
  });

  it('a non-eligible instance never leads but learns the URL', async () => {
    // No leader exists yet, so start() returns after the join timeout.
    const observer = instance(18083, { eligible: false, joinTimeoutMs: 2000 });
    const samples: boolean[] = [];
    const sampler = setInterval(() => samples.push(observer.leader().self), 20);
    try {
      await observer.start();
      expect(observer.leader()).toEqual({ self: false, url: undefined });

      const a = instance(18081);
      await a.start();
      await eventually(
        () => urlKnownBy(observer) === 'http://127.0.0.1:18081',
        10_000,
        'the observer learns the leader URL',
      );
      expect(a.leader().self).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((self) => !self)).toBe(true);
  });

  it('keeps the current leader when another instance joins, with never two leaders at once', async () => {
    const a = instance(18082);
    await a.start();
    await eventually(() => a.leader().self, 10_000, 'the first instance leads');

    let mostAtOnce = 0;
    const sampler = setInterval(() => {
      mostAtOnce = Math.max(mostAtOnce, leaders().length);
    }, 5);
    try {
      // Member ids start with the client id, so this one sorts first: only stickiness keeps
      // leadership where it is.
      const b = instance(18081);
      await b.start();
      await eventually(
        () => a.leader().self && urlKnownBy(b) === 'http://127.0.0.1:18082',
        10_000,
        'the first instance leads again and the second knows its URL',
      );
      expect(b.leader().self).toBe(false);
    } finally {
      clearInterval(sampler);
    }
    expect(mostAtOnce).toBe(1);
  });
});
