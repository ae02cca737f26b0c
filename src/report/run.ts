import type { Target } from '../core/api.ts';
import type { Residue, RuleResult } from '../core/engine.ts';
import type { Summary } from '../core/outcome.ts';

/** Everything a run produced so far; reporters render it (again) whenever results arrive. */
export interface RunRecord {
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  targets: Array<Pick<Target, 'name' | 'api' | 'baseUrl' | 'vendor' | 'model' | 'firmware'>>;
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

export function targetInfo(t: Target): RunRecord['targets'][number] {
  return {
    name: t.name,
    api: t.api,
    baseUrl: t.baseUrl,
    vendor: t.vendor,
    ...(t.model ? { model: t.model } : {}),
    ...(t.firmware ? { firmware: t.firmware } : {}),
  };
}
