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
