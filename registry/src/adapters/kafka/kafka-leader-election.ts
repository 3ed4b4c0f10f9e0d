import { AssignerProtocol } from 'kafkajs';
import type { Admin, Consumer, Kafka, KafkaMessage, PartitionAssigner, Producer } from 'kafkajs';
import { SiftError, UpstreamError } from '@sift/common';
import type { Logger } from '@sift/common';
import type { Leader, LeaderElection } from '../../ports';
import { createCompactedTopic, createKafka, partitionBounds } from './kafka-client';
import { TopicReader } from './topic-reader';

/** How an instance takes part in the election. */
export interface KafkaLeaderElectionOptions {
  brokers: string[];
  /** The consumer group eligible instances join; default `sift-registry`. */
  groupId?: string;
  /** The election topic (one partition, compacted, created if missing); default `_schemas_leader`. */
  topic?: string;
  /** This instance's advertised base URL, where followers forward writes: `http://10.0.0.5:8081`. */
  url: string;
  /** Whether this instance may lead; default true. A non-eligible one only learns the leader. */
  eligible?: boolean;
  /** kafkajs client id; default `sift-registry`. */
  clientId?: string;
  logger: Logger;
  /** Kafka session timeout of the group, ms; default 10000 (brokers refuse less than 6000). */
  sessionTimeoutMs?: number;
  /** How long `start` waits for a leader to be known, ms; default 30000. */
  joinTimeoutMs?: number;
  /** Replication factor of the election topic when this creates it; default 1. */
  replicationFactor?: number;
}

/** What the leader writes to the election topic so that the others find it. */
interface Announcement {
  url: string;
  memberId: string;
  generationId: number;
  /** When it was written, ms since the epoch. */
  at: number;
}

const ASSIGNER = 'SiftRegistryLeader';
const ANNOUNCEMENT_KEY = 'leader';

/**
 * Leader election through Kafka's group membership, as Confluent Schema Registry does it:
 * every eligible instance joins one consumer group on a one-partition topic, and the member
 * assigned partition 0 leads. The assignor keeps partition 0 with the current leader when
 * members come and go, so a joining follower does not move leadership. A leader writes
 * `{url, memberId, generationId, at}` to the topic once per group generation; every instance
 * tails the topic and takes the newest announcement as the leader's URL.
 *
 * A leader stops saying so as soon as it sees a rebalance, a crash or `close`, and also when
 * it has not heard from the group coordinator for two thirds of the session timeout, before
 * the coordinator would evict it. What remains is a split-brain window: a write that an
 * instance decided to make while it led can reach Kafka after another instance took over
 * (the produce is in flight or retried, or the process paused between the check and the
 * send), and the lease assumes the coordinator's answer arrives within a third of the
 * session timeout. The registry domain closes that window for ids: it applies records in log
 * order and rejects any record that would reuse a schema id or a (subject, version) for a
 * different schema, so no two schemas can end up with one id.
 */
export class KafkaLeaderElection implements LeaderElection {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly topic: string;
  private readonly log: Logger;
  private readonly sessionTimeoutMs: number;
  private readonly leaseMs: number;
  private reader: TopicReader | undefined;
  private consumer: Consumer | undefined;
  private producer: Promise<Producer> | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  /** Holds partition 0 in the current generation. */
  private holding = false;
  /** Held partition 0 in the last generation it joined, told to the assignor on rejoin. */
  private heldLast = false;
  /** When the coordinator last confirmed the membership (join or heartbeat), ms. */
  private confirmedAt = 0;
  private joined = false;
  private memberId: string | undefined;
  private announcePending = false;
  private readerCaughtUp = false;
  private announced: Announcement | undefined;
  private onChange: (() => void) | undefined;

  constructor(private readonly options: KafkaLeaderElectionOptions) {
    this.topic = options.topic ?? '_schemas_leader';
    this.log = options.logger.child({ component: 'kafka-leader-election', topic: this.topic });
    this.kafka = createKafka(options.brokers, options.clientId ?? 'sift-registry', this.log);
    this.admin = this.kafka.admin();
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.leaseMs = Math.floor((this.sessionTimeoutMs * 2) / 3);
  }

  async start(): Promise<void> {
    if (this.reader !== undefined || this.closed) {
      throw new SiftError('SIFT_INTERNAL', 'KafkaLeaderElection can start only once');
    }
    const joinTimeoutMs = this.options.joinTimeoutMs ?? 30_000;
    const deadline = Date.now() + joinTimeoutMs;
    try {
      await this.admin.connect();
      await createCompactedTopic(this.admin, this.topic, this.options.replicationFactor ?? 1);
      const { low, high } = await partitionBounds(this.admin, this.topic);
      await this.admin.disconnect();
      const reader = new TopicReader({
        kafka: this.kafka,
        topic: this.topic,
        groupPrefix: `${this.options.clientId ?? 'sift-registry'}-election-reader`,
        logger: this.log,
        onMessage: (message) => this.readAnnouncement(message),
        onFailure: (error) => this.log.error({ err: error }, 'The election reader stopped'),
      });
      this.reader = reader;
      await reader.start(low);
      reader.offsets
        .waitFor(high, joinTimeoutMs, () => undefined)
        .then(
          () => {
            this.readerCaughtUp = true;
            this.onChange?.();
          },
          () => undefined,
        );
      if (this.options.eligible ?? true) await this.join();
    } catch (error) {
      await this.close();
      throw new UpstreamError(
        'SIFT_REGISTRY_STORE_FAILED',
        `Cannot join the leader election on ${this.topic}`,
        { cause: error },
      );
    }
    await this.leaderKnown(deadline - Date.now());
  }

  leader(): Leader {
    if (this.holding && Date.now() - this.confirmedAt < this.leaseMs) return { self: true };
    const url = this.announced?.url;
    return { self: false, url: url === this.options.url ? undefined : url };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.holding = false;
      this.heldLast = false;
      this.onChange?.();
      this.reader?.offsets.fail(new Error('closed'));
      const producer = this.producer?.catch(() => undefined);
      // Disconnecting leaves the group, so another member takes over without waiting for the
      // session timeout.
      const results = await Promise.allSettled([
        this.consumer?.disconnect(),
        this.reader?.close(),
        producer?.then((connected) => connected?.disconnect()),
        this.admin.disconnect(),
      ]);
      for (const result of results) {
        if (result.status === 'rejected') {
          this.log.warn({ err: result.reason }, 'Could not disconnect from Kafka cleanly');
        }
      }
    })();
    return this.closing;
  }

  private async join(): Promise<void> {
    const heartbeatInterval = Math.floor(this.sessionTimeoutMs / 5);
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId ?? 'sift-registry',
      sessionTimeout: this.sessionTimeoutMs,
      rebalanceTimeout: this.sessionTimeoutMs,
      heartbeatInterval,
      // kafkajs heartbeats between fetches: an idle fetch must not outlast the interval.
      maxWaitTimeInMs: Math.min(500, heartbeatInterval),
      allowAutoTopicCreation: false,
      partitionAssigners: [this.assigner],
    });
    this.consumer = consumer;
    const { GROUP_JOIN, HEARTBEAT, REBALANCING, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      if (this.closed) return;
      const holds = payload.memberAssignment[this.topic]?.includes(0) ?? false;
      this.memberId = payload.memberId;
      this.confirmedAt = Date.now();
      this.joined = true;
      this.holding = holds;
      this.heldLast = holds;
      // The generation id arrives with the next heartbeat; announce then.
      this.announcePending = holds;
      this.log.info({ memberId: payload.memberId, leading: holds }, 'Joined the election group');
      this.onChange?.();
    });
    consumer.on(HEARTBEAT, ({ payload }) => {
      if (this.closed) return;
      this.confirmedAt = Date.now();
      if (this.announcePending && this.holding) void this.announce(payload.groupGenerationId);
    });
    consumer.on(REBALANCING, () => {
      if (this.holding) this.log.info('Stopped leading: the group is rebalancing');
      this.holding = false;
    });
    consumer.on(CRASH, ({ payload }) => {
      this.holding = false;
      this.heldLast = false;
      this.log[payload.restart ? 'warn' : 'error'](
        { err: payload.error, restart: payload.restart },
        'The election consumer crashed',
      );
    });
    consumer.on(STOP, () => {
      this.holding = false;
    });
    consumer.on(DISCONNECT, () => {
      this.holding = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  }

  /**
   * Gives every partition to one member: the one that led in the last generation and still
   * trusts its membership, else the first by member id.
   */
  private readonly assigner: PartitionAssigner = ({ cluster }) => ({
    name: ASSIGNER,
    version: 1,
    protocol: ({ topics }) => ({
      name: ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.from(JSON.stringify({ leading: this.claimsLeadership() })),
      }),
    }),
    assign: async ({ members, topics }) => {
      const ids = members.map(({ memberId }) => memberId).sort();
      const claiming = members
        .filter(({ memberMetadata }) => claimsInMetadata(memberMetadata))
        .map(({ memberId }) => memberId)
        .sort();
      const chosen = claiming[0] ?? ids[0];
      const everything = Object.fromEntries(
        topics.map((topic) => [
          topic,
          cluster.findTopicPartitionMetadata(topic).map(({ partitionId }) => partitionId),
        ]),
      );
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: memberId === chosen ? everything : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });

  /** Whether to tell the assignor this member led: it did, and was not evicted since. */
  private claimsLeadership(): boolean {
    return this.heldLast && Date.now() - this.confirmedAt < this.sessionTimeoutMs;
  }

  private async announce(generationId: number): Promise<void> {
    this.announcePending = false;
    const announcement: Announcement = {
      url: this.options.url,
      memberId: this.memberId ?? '',
      generationId,
      at: Date.now(),
    };
    try {
      this.producer ??= (async () => {
        const producer = this.kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        return producer;
      })().catch((error: unknown) => {
        this.producer = undefined;
        throw error;
      });
      const producer = await this.producer;
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ partition: 0, key: ANNOUNCEMENT_KEY, value: JSON.stringify(announcement) }],
      });
      this.log.info({ generationId, url: announcement.url }, 'Leading; announced the URL');
    } catch (error) {
      // Tried again at the next heartbeat, as long as this instance still leads.
      this.announcePending = this.holding;
      this.log.warn({ err: error }, 'Could not announce leadership');
    }
  }

  private readAnnouncement(message: KafkaMessage): void {
    if (message.value === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as Partial<Announcement>).url !== 'string'
    ) {
      this.log.warn({ offset: message.offset }, 'Skipped a malformed leader announcement');
      return;
    }
    const announcement = parsed as Announcement;
    this.announced = announcement;
    this.log.debug({ url: announcement.url, offset: message.offset }, 'Leader announced');
    this.onChange?.();
  }

  /** Resolves once a leader is known, or after `timeoutMs` (with a warning). */
  private leaderKnown(timeoutMs: number): Promise<void> {
    const known = (): boolean => {
      if (this.closed) return true;
      const leader = this.leader();
      if (leader.self) return true;
      const eligible = this.options.eligible ?? true;
      return this.readerCaughtUp && (!eligible || this.joined) && leader.url !== undefined;
    };
    if (known()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onChange = undefined;
        resolve();
      };
      const timer = setTimeout(
        () => {
          this.log.warn({ timeoutMs }, 'No leader known yet; going on without one');
          done();
        },
        Math.max(0, timeoutMs),
      );
      this.onChange = () => {
        if (known()) done();
      };
    });
  }
}

function claimsInMetadata(metadata: Buffer): boolean {
  try {
    const userData = AssignerProtocol.MemberMetadata.decode(metadata)?.userData;
    if (userData === undefined || userData.length === 0) return false;
    return (JSON.parse(userData.toString('utf8')) as { leading?: unknown }).leading === true;
  } catch {
    return false;
  }
}
