/**
 * Runs `work(0)`, `work(1)`, … `work(count - 1)` with at most `limit` running at once, started in index order.
 * The first error is passed to `onError` as it happens (so the caller can stop the others), then rethrown once
 * every started item has settled: nothing is left running when the pool returns.
 */
export async function runPool(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
  onError: (err: unknown) => void = () => undefined,
): Promise<void> {
  let next = 0;
  let failed = false;
  let first: unknown;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      try {
        await work(i);
      } catch (err) {
        if (!failed) {
          failed = true;
          first = err;
          onError(err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  if (failed) throw first;
}

/**
 * At most `limit` tasks at once, shared by callers that do not know of each other (the self-tests of several APIs
 * in one process); waiting tasks start highest priority first, and in the order they asked among equals.
 */
export class Slots {
  private running = 0;
  private readonly waiting: Array<{ priority: number; start: () => void }> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    if (this.running >= this.limit)
      await new Promise<void>((start) => {
        const at = this.waiting.findIndex((w) => w.priority < priority);
        this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { priority, start });
      });
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    }
  }
}
