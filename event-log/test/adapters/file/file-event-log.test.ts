import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSiftError } from '@sift/common';
import { FileEventLog } from '@sift/event-log';
import type { ConsumedRecord, FileEventLogOptions, Subscription } from '@sift/event-log';

let dir: string;
const opened: FileEventLog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-file-log-'));
});

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
  await rm(dir, { recursive: true, force: true });
});

async function openLog(options: Partial<FileEventLogOptions> = {}): Promise<FileEventLog> {
  const log = await FileEventLog.open({ dir, retryDelayMs: 20, ...options });
  opened.push(log);
  return log;
}

async function closeLog(log: FileEventLog): Promise<void> {
  opened.splice(opened.indexOf(log), 1);
  await log.close();
}

function records(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${from + i}`,
    value: Buffer.from(`event ${from + i}`),
    headers: { 'sift-event-id': `id-${from + i}` },
  }));
}

/** Consumes until `count` records arrived; resolves with them and the running subscription. */
async function collect(
  log: FileEventLog,
  count: number,
  options: { groupId?: string; topic?: string; fromBeginning?: boolean } = {},
): Promise<{ seen: ConsumedRecord[]; subscription: Subscription }> {
  const seen: ConsumedRecord[] = [];
  let done: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (done = resolve));
  const subscription = await log.consume({
    topics: [options.topic ?? 't'],
    groupId: options.groupId ?? 'g',
    ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
    handleBatch: async (batch) => {
      seen.push(...batch);
      if (seen.length >= count) done();
    },
  });
  if (count > 0) await enough;
  return { seen, subscription };
}

const values = (seen: ConsumedRecord[]) => seen.map((record) => record.value.toString());

describe('FileEventLog', () => {
  it('hands appended records to a group in order, with keys, headers, offsets and timestamps', async () => {
    const log = await openLog();
    const before = Date.now();
    await log.append('t', records(0, 3));
    await log.append('t', [{ value: Buffer.from('no key') }]);
    const { seen, subscription } = await collect(log, 4);
    await subscription.stop();
    expect(values(seen)).toEqual(['event 0', 'event 1', 'event 2', 'no key']);
    expect(seen.map((record) => record.offset)).toEqual(['0', '1', '2', '3']);
    expect(seen[0]).toMatchObject({
      topic: 't',
      partition: 0,
      key: 'k0',
      headers: { 'sift-event-id': 'id-0' },
    });
    expect(seen[3]?.key).toBeNull();
    expect(seen[0]?.timestamp).toBeGreaterThanOrEqual(before);
  });

  it('delivers records appended while a group waits', async () => {
    const log = await openLog();
    const consuming = collect(log, 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.append('t', records(0, 2));
    const { seen, subscription } = await consuming;
    await subscription.stop();
    expect(values(seen)).toEqual(['event 0', 'event 1']);
  });

  it('resumes a group after its last commit when the log is opened again, losing and repeating nothing', async () => {
    const first = await openLog();
    await first.append('t', records(0, 5));
    const { seen: before, subscription } = await collect(first, 5);
    await subscription.stop();
    await first.append('t', records(5, 3));
    await closeLog(first);

    const second = await openLog();
    await second.append('t', records(8, 2));
    const { seen: after, subscription: again } = await collect(second, 5);
    await again.stop();
    expect(values(before)).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4']);
    expect(after.map((record) => record.offset)).toEqual(['5', '6', '7', '8', '9']);
  });

  it('delivers a batch again when its handler fails, and commits only after success', async () => {
    const log = await openLog();
    await log.append('t', records(0, 2));
    const attempts: string[][] = [];
    let done: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (done = resolve));
    const subscription = await log.consume({
      topics: ['t'],
      groupId: 'g',
      handleBatch: async (batch) => {
        attempts.push(values(batch));
        if (attempts.length === 1) throw new Error('store down');
        done();
      },
    });
    await handled;
    await subscription.stop();
    expect(attempts).toEqual([
      ['event 0', 'event 1'],
      ['event 0', 'event 1'],
    ]);
    const offsets = JSON.parse(await readFile(join(dir, '__offsets', 'g.json'), 'utf8'));
    expect(offsets).toEqual({ t: 2 });
  });

  it('resumes a group whose commit lies past the end (records an OS crash lost) at the end', async () => {
    const log = await openLog();
    await log.append('t', records(0, 2));
    await mkdir(join(dir, '__offsets'), { recursive: true });
    await writeFile(join(dir, '__offsets', 'g.json'), JSON.stringify({ t: 50 }));
    const consuming = collect(log, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.append('t', records(2, 1));
    const { seen, subscription } = await consuming;
    await subscription.stop();
    expect(seen.map((record) => record.offset)).toEqual(['2']);
  });

  it('starts a new group at the end when it does not read from the beginning', async () => {
    const log = await openLog();
    await log.append('t', records(0, 2));
    const consuming = collect(log, 1, { fromBeginning: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.append('t', records(2, 1));
    const { seen, subscription } = await consuming;
    await subscription.stop();
    expect(values(seen)).toEqual(['event 2']);
  });

  it('cuts off a record torn by a crash when opened, keeping every whole record before it', async () => {
    const log = await openLog();
    await log.append('t', records(0, 3));
    await closeLog(log);
    const segment = join(dir, 't', '00000000000000000000.log');
    const whole = (await stat(segment)).size;
    // A write cut short: a frame header promising 100 bytes, then 5 of them.
    const torn = Buffer.alloc(13);
    torn.writeUInt32BE(100, 0);
    await appendFile(segment, torn);

    const reopened = await openLog();
    expect((await stat(segment)).size).toBe(whole);
    await reopened.append('t', records(3, 1));
    const { seen, subscription } = await collect(reopened, 4);
    await subscription.stop();
    expect(values(seen)).toEqual(['event 0', 'event 1', 'event 2', 'event 3']);
  });

  it('cuts off a last record whose checksum does not match', async () => {
    const log = await openLog();
    await log.append('t', records(0, 2));
    await closeLog(log);
    const segment = join(dir, 't', '00000000000000000000.log');
    const bytes = await readFile(segment);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(segment, bytes);

    const reopened = await openLog();
    expect(await reopened.bounds('t')).toEqual({ earliest: 0, next: 1 });
  });

  it('rolls segments past their size and reads across them', async () => {
    const log = await openLog({ segmentBytes: 200 });
    for (let i = 0; i < 10; i++) await log.append('t', records(i * 3, 3));
    const files = (await readdir(join(dir, 't'))).sort();
    expect(files.length).toBeGreaterThan(3);
    const { seen, subscription } = await collect(log, 30);
    await subscription.stop();
    expect(seen.map((record) => Number(record.offset))).toEqual([...Array(30).keys()]);
    expect(values(seen)[29]).toBe('event 29');
  });

  it('keeps a reopened log with several segments continuous', async () => {
    const first = await openLog({ segmentBytes: 200 });
    for (let i = 0; i < 5; i++) await first.append('t', records(i * 3, 3));
    await closeLog(first);
    const second = await openLog({ segmentBytes: 200 });
    expect(await second.bounds('t')).toEqual({ earliest: 0, next: 15 });
    await second.append('t', records(15, 1));
    const { seen, subscription } = await collect(second, 16);
    await subscription.stop();
    expect(seen[15]).toMatchObject({ offset: '15', key: 'k15' });
  });

  it('deletes the oldest segments past the size bound, and a group behind them skips to the earliest record', async () => {
    const log = await openLog({ segmentBytes: 200, retentionBytes: 600 });
    for (let i = 0; i < 20; i++) await log.append('t', records(i * 3, 3));
    const files = await readdir(join(dir, 't'));
    const bytes = (
      await Promise.all(files.map(async (file) => (await stat(join(dir, 't', file))).size))
    ).reduce((sum, size) => sum + size, 0);
    const { earliest, next } = await log.bounds('t');
    expect(earliest).toBeGreaterThan(0);
    expect(next).toBe(60);
    // At most the bound plus the segment being written.
    expect(bytes).toBeLessThanOrEqual(600 + 400);
    const { seen, subscription } = await collect(log, next - earliest);
    await subscription.stop();
    expect(Number(seen[0]?.offset)).toBe(earliest);
    expect(values(seen).at(-1)).toBe('event 59');
  });

  it('deletes segments older than the age bound, never the one being written', async () => {
    const log = await openLog({ segmentBytes: 200, retentionMs: 60_000 });
    for (let i = 0; i < 6; i++) await log.append('t', records(i * 3, 3));
    const files = (await readdir(join(dir, 't'))).sort();
    const old = new Date(Date.now() - 120_000);
    for (const file of files) await utimes(join(dir, 't', file), old, old);
    await log.enforceRetention('t');
    const left = await readdir(join(dir, 't'));
    expect(left).toEqual([files.at(-1)]);
    const { earliest, next } = await log.bounds('t');
    expect(next).toBe(18);
    expect(earliest).toBe(Number(files.at(-1)?.slice(0, 20)));
  });

  it('refuses a folder that is open already, in this process or in another live one', async () => {
    const log = await openLog();
    const again = await FileEventLog.open({ dir }).catch((e: unknown) => e);
    expect(isSiftError(again) && again.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
    await closeLog(log);
    await writeFile(join(dir, '.lock'), String(process.ppid));
    const other = await FileEventLog.open({ dir }).catch((e: unknown) => e);
    expect(isSiftError(other) && other.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
  });

  it('takes over a folder whose lock a dead process left behind', async () => {
    await writeFile(join(dir, '.lock'), '999999999');
    const log = await openLog();
    await log.append('t', records(0, 1));
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('refuses a second consumer of one group', async () => {
    const log = await openLog();
    const { subscription } = await collect(log, 0);
    const error = await log
      .consume({ topics: ['t'], groupId: 'g', handleBatch: async () => undefined })
      .catch((e: unknown) => e);
    await subscription.stop();
    expect(isSiftError(error) && error.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
  });

  it('refuses appends after close', async () => {
    const log = await openLog();
    await closeLog(log);
    const error = await log.append('t', records(0, 1)).catch((e: unknown) => e);
    expect(isSiftError(error) && error.code).toBe('SIFT_EVENT_LOG_UNAVAILABLE');
  });

  it('keeps every one of many concurrent appends, under the always and interval fsync policies', async () => {
    for (const fsync of ['always', 'interval'] as const) {
      const log = await openLog({ fsync });
      const topic = `t-${fsync}`;
      await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(topic, records(i, 1))));
      const { seen, subscription } = await collect(log, 50, { topic, groupId: fsync });
      await subscription.stop();
      expect(new Set(values(seen)).size).toBe(50);
      await closeLog(log);
    }
  });
});
