import { Batcher } from '@sift/sinks';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('sends a batch as soon as it holds maxBatch records, split to that size', async () => {
    const sent: number[][] = [];
    const batcher = new Batcher<number>({ maxBatch: 3, flushIntervalMs: 60_000 }, async (items) => {
      sent.push(items);
    });
    await batcher.add([1, 2, 3, 4, 5, 6, 7]);
    expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('gathers small deliveries until the flush interval has passed', async () => {
    jest.useFakeTimers();
    try {
      const sent: number[][] = [];
      const batcher = new Batcher<number>({ maxBatch: 10, flushIntervalMs: 200 }, async (items) => {
        sent.push(items);
      });
      let settled = 0;
      void batcher.add([1]).then(() => settled++);
      void batcher.add([2, 3]).then(() => settled++);
      jest.advanceTimersByTime(199);
      await Promise.resolve();
      expect(sent).toEqual([]);
      jest.advanceTimersByTime(1);
      jest.useRealTimers();
      await tick();
      expect(sent).toEqual([[1, 2, 3]]);
      expect(settled).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects every delivery of a batch that failed, so none of them is committed', async () => {
    const batcher = new Batcher<number>({ maxBatch: 2, flushIntervalMs: 0 }, async () => {
      throw new Error('store down');
    });
    await expect(batcher.add([1, 2, 3])).rejects.toThrow('store down');
  });
});
