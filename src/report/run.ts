import { createHash } from 'node:crypto';
import type { Target } from '../core/api.ts';
import type { Residue, RuleResult } from '../core/engine.ts';
import type { Summary } from '../core/outcome.ts';

/** Everything a run produced so far; reporters render it (again) whenever results arrive. */
export interface RunRecord {
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  targets: TargetInfo[];
  summary: Summary;
  results: RuleResult[];
  /** Changes the run made to a device and could not undo: shown first in every report. */
  residue: Residue[];
  /** Links from rule ID to citation text, for reports that show sources. */
  citations: Record<string, { source: string; section: string; quote: string; url?: string }>;
  /** How reports render some outcomes (e.g. --warn-as-failure for JUnit). */
  reportOptions?: { warnAsFailure?: boolean };
  /** The seed of the harness randomness (src/core/random.ts): `run --seed N` sends the same requests again. */
  seed?: number;
  /** True when the run stopped early (Ctrl-C, fatal error): the reports hold what was done. */
  incomplete?: string;
}

export type TargetInfo = Pick<Target, 'name' | 'api' | 'baseUrl' | 'vendor' | 'model' | 'firmware'> & {
  /**
   * What the target does not offer (optional is not missing): each capability a rule needed and found absent,
   * named for people ("Rekey"), with the probe's reason. Every report shows them as the target's headline.
   */
  absent?: Array<{ capability: string; name: string; reason: string }>;
  /**
   * Where the target stands in the run's list of targets (the profile order, 0-based) and which list that is (a
   * digest of its names): `merge` puts the targets of shards of one list back in profile order.
   */
  order?: TargetOrder;
};

export interface TargetOrder {
  index: number;
  list: string;
}

/** The place of the `index`-th of the run's targets `names` (all of them, of every shard), for `merge`. */
export function targetOrder(names: readonly string[], index: number): TargetOrder {
  return { index, list: createHash('sha256').update(names.join('\u0000')).digest('hex').slice(0, 16) };
}

/** One line per capability the target lacks: "Rekey: not offered by this service (…)". */
export function absentHeadlines(t: TargetInfo): string[] {
  return (t.absent ?? []).map((a) => `${a.name}: ${a.reason}`);
}

export interface CauseGroup {
  target: string;
  /** "Rekey not served (405)" */
  cause: string;
  /** The rule whose finding it is, when a document requires the operation. */
  owner?: string;
  /** A state of the target that prevented evaluation (a lock another session holds, a busy device). */
  blocked?: true;
  /** The first rule's message: what showed the cause, and what to do about it. */
  message?: string;
  /** The rules it left not evaluated. */
  rules: string[];
}

/** "Rekey not served (405): 7 rules not evaluated (the finding of RF-DISC-012)" */
export function causeLine(g: CauseGroup): string {
  const n = g.rules.length;
  return `${g.cause}: ${n} rule${n === 1 ? '' : 's'} not evaluated${g.owner ? ` (the finding of ${g.owner})` : ''}`;
}

/**
 * Errors grouped by their cause ("Rekey not served (405)": the rules it left not evaluated): first the states of
 * the target that blocked evaluation ("configuration lock held by another session"), then operations not served,
 * each in first-seen order. One cause, one finding, whatever number of rules needed the operation.
 */
export function errorCauses(results: readonly RuleResult[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const r of results) {
    if (r.status !== 'error' || !r.cause) continue;
    const key = `${r.target}\u0000${r.cause.what}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = {
          target: r.target,
          cause: r.cause.what,
          ...(r.cause.owner ? { owner: r.cause.owner } : {}),
          ...(r.cause.blocked ? { blocked: true as const } : {}),
          ...(r.message ? { message: r.message } : {}),
          rules: [],
        }),
      );
    g.rules.push(r.rule);
  }
  const all = [...groups.values()];
  return [...all.filter((g) => g.blocked), ...all.filter((g) => !g.blocked)];
}

export function targetInfo(t: Target, order?: TargetOrder): TargetInfo {
  return {
    name: t.name,
    api: t.api,
    baseUrl: t.baseUrl,
    vendor: t.vendor,
    ...(t.model ? { model: t.model } : {}),
    ...(t.firmware ? { firmware: t.firmware } : {}),
    ...(order ? { order } : {}),
  };
}
