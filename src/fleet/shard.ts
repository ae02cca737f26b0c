import type { AnyRule } from '../core/api.ts';
import { UsageError } from '../core/errors.ts';

/** `--shard i/n`: this run is share i (1-based) of n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard: must be i/n with 1 ≤ i ≤ n, e.g. 2/4, got "${text}"`);
  return { index, count };
}

/**
 * The targets of shard i/n: every n-th target of the run's target list (the profile order), starting with the
 * i-th. Deterministic: the same profiles in the same order give every shard the same targets on every runner.
 */
export function shardTargets<T>(targets: readonly T[], shard: Shard): T[] {
  return targets.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * The rules of shard i/n when the run has a single target: the exclusive rules (they change state or need the
 * device to themselves) all run in shard 1, in their order; the read-only (`parallelSafe`) rules are dealt out
 * round-robin in catalog order, so shard k runs the parallel-safe rules at positions k, k+n, k+2n, …
 */
export function shardRules(rules: readonly AnyRule[], shard: Shard): AnyRule[] {
  let safe = 0;
  return rules.filter((r) => {
    if (!r.parallelSafe) return shard.index === 1;
    return safe++ % shard.count === shard.index - 1;
  });
}
