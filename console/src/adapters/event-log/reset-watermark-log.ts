import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UpstreamError } from '@sift/common';
import type { ConsumeOptions, EventLog, LogRecord, Subscription } from '@sift/event-log';
import type { ResetBarrier } from '../../ports';

/** What a `ResetWatermarkLog` wraps. */
export interface ResetWatermarkLogOptions {
  /** The log the sinks consume; one partition per topic (the local log). */
  inner: EventLog;
  /** The topics whose records a reset holds back: the good and bad topics. */
  topics: string[];
  /** The offset the next record appended to a topic will get. */
  end(topic: string): Promise<number>;
  /** Where the reset point is kept, so a restart still holds back what came before it; none: memory only. */
  file?: string;
}

/**
 * The event log as the sinks see it, minus every record from before the last reset: the
 * console's reset marks the log's end as the reset point (a watermark per topic), waits for
 * the batches already handed to the sinks, then empties the store; records before the mark
 * that the sinks had not reached are dropped when they arrive (and committed), so they never
 * reappear in the store. Records after the mark are stored as usual.
 */
export class ResetWatermarkLog implements EventLog, ResetBarrier {
  private readonly marks = new Map<string, number>();
  private readonly handling = new Set<Promise<void>>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly options: ResetWatermarkLogOptions) {}

  /** Wraps `inner`, reading the reset point kept in `file` when there is one. */
  static async open(options: ResetWatermarkLogOptions): Promise<ResetWatermarkLog> {
    const log = new ResetWatermarkLog(options);
    if (options.file !== undefined) {
      let saved: unknown;
      try {
        saved = JSON.parse(await readFile(options.file, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      for (const [topic, offset] of Object.entries((saved ?? {}) as Record<string, unknown>)) {
        if (typeof offset === 'number' && Number.isSafeInteger(offset))
          log.marks.set(topic, offset);
      }
    }
    return log;
  }

  ensureTopics(topics: string[]): Promise<void> {
    return this.options.inner.ensureTopics(topics);
  }

  append(topic: string, records: LogRecord[]): Promise<void> {
    return this.options.inner.append(topic, records);
  }

  consume(options: ConsumeOptions): Promise<Subscription> {
    return this.options.inner.consume({
      ...options,
      handleBatch: (records) => {
        const kept = records.filter(
          (record) => Number(record.offset) >= (this.marks.get(record.topic) ?? 0),
        );
        const handled = options.handleBatch(kept);
        this.handling.add(handled);
        const done = () => this.handling.delete(handled);
        handled.then(done, done);
        return handled;
      },
    });
  }

  async mark(timeoutMs: number): Promise<void> {
    const ends = await Promise.all(this.options.topics.map((topic) => this.options.end(topic)));
    this.options.topics.forEach((topic, i) => {
      this.marks.set(topic, Math.max(this.marks.get(topic) ?? 0, ends[i] as number));
    });
    // Resets may come at once: the saves run one after another, each writing the newest marks.
    const save = this.saving.then(() => this.save());
    this.saving = save.catch(() => undefined);
    await save;
    // Batches handed over before the mark may still be writing records from before it.
    const before = Promise.allSettled([...this.handling]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([before, late]);
    clearTimeout(timer);
    if (!finished) {
      throw new UpstreamError(
        'SIFT_CONSOLE_RESET_INCOMPLETE',
        `The sinks were still storing events received before the reset after ${timeoutMs} ms; nothing was deleted: reset again`,
      );
    }
  }

  private async save(): Promise<void> {
    if (this.options.file === undefined) return;
    await mkdir(dirname(this.options.file), { recursive: true });
    const temporary = `${this.options.file}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(this.marks)));
    await rename(temporary, this.options.file);
  }

  close(): Promise<void> {
    return this.options.inner.close();
  }
}
