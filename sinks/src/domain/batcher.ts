/** When a batch goes to the store. */
export interface BatchingPolicy {
  /** Most records in one batch. */
  maxBatch: number;
  /** Longest a record waits for others to join its batch, ms; 0 sends each delivery at once. */
  flushIntervalMs: number;
}

interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers records handed over by concurrent deliveries into batches of at most `maxBatch`,
 * sent when full or when the oldest record has waited `flushIntervalMs`. Each delivery's
 * promise settles only when every one of its records was handled, so the caller commits its
 * position only after that (at-least-once). Batches are handled one at a time.
 */
export class Batcher<T> {
  private waiting: Waiting<T>[] = [];
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly policy: BatchingPolicy,
    private readonly handle: (items: T[]) => Promise<void>,
  ) {}

  /** Adds a delivery; resolves once all of its items were handled, rejects if any batch failed. */
  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
    });
    this.count += items.length;
    if (this.count >= this.policy.maxBatch || this.policy.flushIntervalMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.policy.flushIntervalMs);
    return done;
  }

  /** Sends what is gathered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deliveries = this.waiting;
    this.waiting = [];
    this.count = 0;
    if (deliveries.length === 0) return;
    const all = deliveries.flatMap(({ items }) => items);
    const run = async () => {
      for (let from = 0; from < all.length; from += this.policy.maxBatch) {
        await this.handle(all.slice(from, from + this.policy.maxBatch));
      }
    };
    this.chain = this.chain.then(run).then(
      () => deliveries.forEach(({ resolve }) => resolve()),
      (error: unknown) => deliveries.forEach(({ reject }) => reject(error)),
    );
  }
}
