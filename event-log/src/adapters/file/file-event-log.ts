import { mkdir, open, readdir, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UpstreamError } from '@sift/common';
import type { Logger } from '@sift/common';
import type {
  ConsumedRecord,
  ConsumeOptions,
  EventLog,
  LogRecord,
  Subscription,
} from '../../ports';
import { GroupOffsets } from './group-offsets';
import { encodeFrames, readFrames } from './segment-format';

/** When appended bytes are forced to disk. */
export type FsyncPolicy =
  /** Before each append resolves (appends waiting meanwhile share one fsync): survives power loss. */
  | 'always'
  /** Every `fsyncIntervalMs`; an append resolves once written: survives a process crash. */
  | 'interval'
  /** Left to the operating system. */
  | 'never';

/** Settings of a `FileEventLog`. */
export interface FileEventLogOptions {
  /** The folder holding one sub-folder per topic and the groups' offsets. */
  dir: string;
  /** Default `always`. */
  fsync?: FsyncPolicy;
  /** For `fsync: 'interval'`, ms; default 1000. */
  fsyncIntervalMs?: number;
  /** A segment file is closed and a new one begun past this size, bytes; default 16 MiB. */
  segmentBytes?: number;
  /** Oldest segments of a topic are deleted while the topic is larger, bytes; default 1 GiB. */
  retentionBytes?: number;
  /** Segments whose last write is older are deleted, ms; default 7 days. */
  retentionMs?: number;
  /** How often retention runs besides at each new segment, ms; default 60000. */
  retentionCheckMs?: number;
  /** Most records handed to one `handleBatch`; default 500. */
  maxBatchRecords?: number;
  /** Pause before a failed batch is delivered again, ms; default 1000. */
  retryDelayMs?: number;
  logger?: Logger;
}

interface Segment {
  base: number;
  path: string;
  /** Bytes of whole frames: readers never look past it. */
  size: number;
  count: number;
}

interface PendingAppend {
  frames: Buffer;
  count: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Topic {
  name: string;
  dir: string;
  segments: Segment[];
  writer: FileHandle;
  pending: PendingAppend[];
  flushing: Promise<void> | undefined;
  dirty: boolean;
}

interface Cursor {
  offset: number;
  segmentBase: number;
  position: number;
}

const SEGMENT_SUFFIX = '.log';
const TOPIC_NAME = /^[A-Za-z0-9._-]+$/;
const OFFSETS_DIR = '__offsets';
const LOCK_FILE = '.lock';

/** Folders opened by a log in this process, so two logs never write one folder. */
const heldDirs = new Set<string>();

function segmentName(base: number): string {
  return `${String(base).padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

function unavailable(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', message, {
    ...(cause === undefined ? {} : { cause }),
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A durable event log in local files, for the embedded deployment: one partition per topic,
 * stored as segment files of CRC-checked records; each consumer group's positions are kept in
 * a file and committed after each batch, so a restart resumes after the last commit. A record
 * torn by a crash is cut off when the log is opened. Old segments go by size and age.
 * One process owns the folder at a time (a lock file holds its pid).
 */
export class FileEventLog implements EventLog {
  private readonly topics = new Map<string, Topic>();
  private readonly opening = new Map<string, Promise<Topic>>();
  private readonly offsets: GroupOffsets;
  private readonly activeGroups = new Set<string>();
  private readonly subscriptions = new Set<{ stop(): Promise<void> }>();
  private readonly listeners = new Set<() => void>();
  private readonly options: Required<Omit<FileEventLogOptions, 'logger'>>;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private locked = false;

  private constructor(
    options: FileEventLogOptions,
    private readonly logger?: Logger,
  ) {
    this.options = {
      fsync: 'always',
      fsyncIntervalMs: 1000,
      segmentBytes: 16 * 1024 * 1024,
      retentionBytes: 1024 * 1024 * 1024,
      retentionMs: 7 * 24 * 3600 * 1000,
      retentionCheckMs: 60_000,
      maxBatchRecords: 500,
      retryDelayMs: 1000,
      ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
    } as Required<Omit<FileEventLogOptions, 'logger'>>;
    this.offsets = new GroupOffsets(join(options.dir, OFFSETS_DIR));
  }

  /** Opens (creating) the log folder, takes its lock and opens the topics already in it. */
  static async open(options: FileEventLogOptions): Promise<FileEventLog> {
    const log = new FileEventLog(options, options.logger);
    await mkdir(options.dir, { recursive: true });
    await log.lock();
    try {
      for (const entry of await readdir(options.dir, { withFileTypes: true })) {
        if (entry.isDirectory() && TOPIC_NAME.test(entry.name) && entry.name !== OFFSETS_DIR) {
          await log.topic(entry.name);
        }
      }
    } catch (error) {
      await log.close();
      throw error;
    }
    const retention = setInterval(
      () => void log.applyRetentionToAll(),
      log.options.retentionCheckMs,
    );
    retention.unref();
    log.timers.push(retention);
    if (log.options.fsync === 'interval') {
      const sync = setInterval(() => void log.syncAll(), log.options.fsyncIntervalMs);
      sync.unref();
      log.timers.push(sync);
    }
    return log;
  }

  private async lock(): Promise<void> {
    const file = join(this.options.dir, LOCK_FILE);
    const held = resolve(this.options.dir);
    if (heldDirs.has(held)) {
      throw unavailable(`The event log folder ${this.options.dir} is open already in this process`);
    }
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isSafeInteger(holder) && holder !== process.pid && processAlive(holder)) {
        throw unavailable(
          `The event log folder ${this.options.dir} is in use by process ${holder}; stop it or use another SIFT_DATA_DIR`,
        );
      }
      await writeFile(file, String(process.pid));
    }
    heldDirs.add(held);
    this.locked = true;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    for (const topic of topics) await this.topic(topic);
  }

  private topic(name: string): Promise<Topic> {
    if (this.closed) return Promise.reject(unavailable('The event log is closed'));
    const open = this.topics.get(name);
    if (open) return Promise.resolve(open);
    let opening = this.opening.get(name);
    if (!opening) {
      opening = this.openTopic(name).finally(() => this.opening.delete(name));
      this.opening.set(name, opening);
    }
    return opening;
  }

  private async openTopic(name: string): Promise<Topic> {
    if (!TOPIC_NAME.test(name) || name === OFFSETS_DIR) {
      throw new UpstreamError('SIFT_EVENT_LOG_UNAVAILABLE', `Not a usable topic name: ${name}`, {
        retriable: false,
      });
    }
    const dir = join(this.options.dir, name);
    await mkdir(dir, { recursive: true });
    const bases = (await readdir(dir))
      .filter((file) => /^\d{20}\.log$/.test(file))
      .map((file) => Number(file.slice(0, 20)))
      .sort((a, b) => a - b);
    if (bases.length === 0) bases.push(0);
    const segments: Segment[] = [];
    for (const [i, base] of bases.entries()) {
      const path = join(dir, segmentName(base));
      const next = bases[i + 1];
      if (next !== undefined) {
        segments.push({ base, path, size: (await stat(path)).size, count: next - base });
      } else {
        segments.push(await this.recoverLastSegment(base, path));
      }
    }
    const last = segments[segments.length - 1] as Segment;
    const writer = await open(last.path, 'a');
    const topic: Topic = {
      name,
      dir,
      segments,
      writer,
      pending: [],
      flushing: undefined,
      dirty: false,
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** Counts the last segment's whole records and cuts off a torn tail. */
  private async recoverLastSegment(base: number, path: string): Promise<Segment> {
    const file = await open(path, 'a+');
    try {
      const size = (await file.stat()).size;
      const scan = await readFrames(file, 0, size, {
        maxRecords: Number.MAX_SAFE_INTEGER,
        maxBytes: 1024 * 1024,
        decode: false,
      });
      if (scan.end < size) {
        this.logger?.warn(
          { segment: path, kept: scan.end, cut: size - scan.end },
          'event log: cutting off a torn record at the end of a segment',
        );
        await truncate(path, scan.end);
      }
      return { base, path, size: scan.end, count: scan.count };
    } finally {
      await file.close();
    }
  }

  async append(topicName: string, records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const topic = await this.topic(topicName);
    const frames = encodeFrames(records, Date.now());
    await new Promise<void>((resolve, reject) => {
      topic.pending.push({ frames, count: records.length, resolve, reject });
      if (!topic.flushing) topic.flushing = this.flush(topic);
    });
  }

  /** Writes every waiting append in one write (and one fsync), until none waits. */
  private async flush(topic: Topic): Promise<void> {
    while (topic.pending.length > 0) {
      const batch = topic.pending.splice(0);
      try {
        let active = topic.segments[topic.segments.length - 1] as Segment;
        if (active.size > 0 && active.size >= this.options.segmentBytes) {
          active = await this.roll(topic, active);
        }
        const frames = Buffer.concat(batch.map((append) => append.frames));
        const { bytesWritten } = await topic.writer.write(frames, 0, frames.length, null);
        if (bytesWritten < frames.length) {
          throw new Error(`wrote ${bytesWritten} of ${frames.length} bytes`);
        }
        if (this.options.fsync === 'always') await topic.writer.datasync();
        else topic.dirty = true;
        active.size += frames.length;
        active.count += batch.reduce((sum, append) => sum + append.count, 0);
        for (const append of batch) append.resolve();
        this.notify();
      } catch (error) {
        // Cut off what a failed write left half written, so the next write lands where readers look.
        const active = topic.segments[topic.segments.length - 1] as Segment;
        await topic.writer.truncate(active.size).catch(() => undefined);
        const failure = unavailable(
          `Could not write to topic ${topic.name}: ${(error as Error).message}`,
          error,
        );
        for (const append of batch) append.reject(failure);
      }
    }
    topic.flushing = undefined;
  }

  /** Starts a new segment after `active` and applies retention. */
  private async roll(topic: Topic, active: Segment): Promise<Segment> {
    await topic.writer.datasync();
    await topic.writer.close();
    const base = active.base + active.count;
    const segment: Segment = { base, path: join(topic.dir, segmentName(base)), size: 0, count: 0 };
    topic.writer = await open(segment.path, 'a');
    topic.segments.push(segment);
    const dir = await open(topic.dir, 'r');
    try {
      await dir.datasync();
    } finally {
      await dir.close();
    }
    await this.applyRetention(topic);
    return segment;
  }

  private async syncAll(): Promise<void> {
    for (const topic of this.topics.values()) {
      if (!topic.dirty) continue;
      topic.dirty = false;
      await topic.writer.datasync().catch((error: unknown) => {
        this.logger?.warn({ err: error, topic: topic.name }, 'event log: fsync failed');
      });
    }
  }

  private async applyRetentionToAll(): Promise<void> {
    for (const topic of this.topics.values()) {
      await this.applyRetention(topic).catch((error: unknown) => {
        this.logger?.warn({ err: error, topic: topic.name }, 'event log: retention failed');
      });
    }
  }

  /** Deletes a topic's oldest closed segments while it is over its size or they are too old. */
  async enforceRetention(topicName: string): Promise<void> {
    await this.applyRetention(await this.topic(topicName));
  }

  private async applyRetention(state: Topic): Promise<void> {
    const oldest = Date.now() - this.options.retentionMs;
    let total = state.segments.reduce((sum, segment) => sum + segment.size, 0);
    while (state.segments.length > 1) {
      const first = state.segments[0] as Segment;
      const tooBig = total > this.options.retentionBytes;
      const tooOld = (await stat(first.path)).mtimeMs < oldest;
      if (!tooBig && !tooOld) break;
      state.segments.shift();
      total -= first.size;
      await unlink(first.path).catch(() => undefined);
      this.logger?.info(
        {
          topic: state.name,
          segment: first.base,
          records: first.count,
          reason: tooBig ? 'size' : 'age',
        },
        'event log: segment deleted by retention',
      );
    }
  }

  /** The first offset still stored and the offset the next record will get. */
  async bounds(topicName: string): Promise<{ earliest: number; next: number }> {
    const topic = await this.topic(topicName);
    const first = topic.segments[0] as Segment;
    const last = topic.segments[topic.segments.length - 1] as Segment;
    return { earliest: first.base, next: last.base + last.count };
  }

  /** Reads up to `max` records from `cursor`, moving it past them. */
  private async read(topic: Topic, cursor: Cursor, max: number): Promise<ConsumedRecord[]> {
    const first = topic.segments[0] as Segment;
    if (cursor.offset < first.base) {
      this.logger?.warn(
        { topic: topic.name, from: cursor.offset, to: first.base },
        'event log: records removed by retention were never read',
      );
      Object.assign(cursor, { offset: first.base, segmentBase: first.base, position: 0 });
    }
    const segment = topic.segments.find(
      (candidate) =>
        cursor.offset >= candidate.base && cursor.offset < candidate.base + candidate.count,
    );
    if (!segment) return [];
    const file = await open(segment.path, 'r');
    try {
      if (cursor.segmentBase !== segment.base || cursor.offset === segment.base) {
        // Find the record's position by stepping over the ones before it.
        const skip = await readFrames(file, 0, segment.size, {
          maxRecords: cursor.offset - segment.base,
          maxBytes: 1024 * 1024,
          decode: false,
        });
        cursor.segmentBase = segment.base;
        cursor.position = skip.end;
      }
      const read = await readFrames(file, cursor.position, segment.size, {
        maxRecords: max,
        maxBytes: 4 * 1024 * 1024,
        decode: true,
      });
      const records = read.records.map((stored, i) => ({
        topic: topic.name,
        partition: 0,
        offset: String(cursor.offset + i),
        key: stored.key,
        value: stored.value,
        headers: stored.headers,
        timestamp: stored.timestamp,
      }));
      cursor.offset += records.length;
      cursor.position = read.end;
      return records;
    } finally {
      await file.close();
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves at the next append, or after `ms`. */
  private nextAppend(ms: number): { promise: Promise<void>; cancel(): void } {
    let listener: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      listener = () => {
        this.listeners.delete(listener);
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.listeners.add(listener);
      timer = setTimeout(listener, ms);
    });
    return { promise, cancel: listener };
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    if (this.activeGroups.has(options.groupId)) {
      throw new UpstreamError(
        'SIFT_EVENT_LOG_UNAVAILABLE',
        `Group ${options.groupId} already consumes from this log; the local log serves one consumer per group`,
        { retriable: false },
      );
    }
    const topics = await Promise.all(options.topics.map((name) => this.topic(name)));
    const committed = await this.offsets.load(options.groupId);
    const positions = new Map<string, number>();
    const cursors = new Map<string, Cursor>();
    for (const topic of topics) {
      const { earliest, next } = await this.bounds(topic.name);
      const saved = committed.get(topic.name);
      // A commit past the end: records the OS lost after a crash under a lax fsync policy.
      const start =
        saved !== undefined
          ? Math.min(saved, next)
          : options.fromBeginning === false
            ? next
            : earliest;
      positions.set(topic.name, start);
      cursors.set(topic.name, { offset: start, segmentBase: -1, position: 0 });
    }
    this.activeGroups.add(options.groupId);
    let running = true;
    let wake: { promise: Promise<void>; cancel(): void } | undefined;
    const loop = (async () => {
      while (running) {
        let delivered = false;
        for (const topic of topics) {
          if (!running) break;
          const cursor = cursors.get(topic.name) as Cursor;
          try {
            const batch = await this.read(topic, cursor, this.options.maxBatchRecords);
            if (batch.length === 0) continue;
            delivered = true;
            await options.handleBatch(batch);
            positions.set(topic.name, cursor.offset);
            await this.offsets.commit(options.groupId, positions);
          } catch (error) {
            // Read the batch again from the last commit after a pause.
            this.logger?.warn(
              { err: error, topic: topic.name, group: options.groupId },
              'event log: batch not handled; delivering it again',
            );
            Object.assign(cursor, {
              offset: positions.get(topic.name),
              segmentBase: -1,
              position: 0,
            });
            wake = this.sleep(this.options.retryDelayMs);
            await wake.promise;
            delivered = true;
          }
        }
        if (!delivered && running) {
          wake = this.nextAppend(this.options.retentionCheckMs);
          await wake.promise;
        }
      }
    })();
    const subscription = {
      stop: async () => {
        running = false;
        wake?.cancel();
        await loop;
        this.activeGroups.delete(options.groupId);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private sleep(ms: number): { promise: Promise<void>; cancel(): void } {
    let cancel: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancel = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return { promise, cancel };
  }

  /** Stops consumers, writes what is waiting, syncs and closes the files and frees the folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const subscription of [...this.subscriptions]) await subscription.stop();
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const topic of this.topics.values()) {
      await topic.flushing;
      await topic.writer.datasync().catch(() => undefined);
      await topic.writer.close().catch(() => undefined);
    }
    this.topics.clear();
    if (this.locked) {
      await rm(join(this.options.dir, LOCK_FILE), { force: true });
      heldDirs.delete(resolve(this.options.dir));
      this.locked = false;
    }
  }
}
