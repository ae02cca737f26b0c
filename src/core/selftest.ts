import type { AnyApi, AnyRule } from './api.ts';
import { runTarget, type RuleResult } from './engine.ts';
import { loadExpectations } from './expectations.ts';
import { mockTarget } from './targets.ts';
import { Redactor } from '../http/redact.ts';
import { repoPath } from '../paths.ts';
import type { Status } from './outcome.ts';

export interface VariantCheck {
  variant: string;
  problems: string[];
  results: RuleResult[];
}

export interface FaultCheck {
  fault: string;
  variant: string;
  rules: string[];
  caught: boolean;
  problems: string[];
}

export interface SelftestReport {
  api: string;
  variants: VariantCheck[];
  faults: FaultCheck[];
  /** Vocabulary problems: rules without faults, faults no rule claims. */
  coverage: string[];
  ok: boolean;
}

const BAD_ON_CLEAN: Status[] = ['fail', 'warn', 'error', 'xpass'];

/** Runs every rule of the API against one freshly started mock of `variant` with `faults` switched on. */
export async function runAgainstMock(
  api: AnyApi,
  variant: string,
  faults: readonly string[],
  rules: readonly AnyRule[] = api.rules,
): Promise<RuleResult[]> {
  const mock = await api.startMock({ variant, faults });
  try {
    const target = mockTarget(api, variant, mock);
    const expectations = target.expectations
      ? loadExpectations(repoPath(target.expectations), new Set(api.rules.map((r) => r.id)))
      : undefined;
    return await runTarget({ api, target, rules, redactor: new Redactor(), expectations });
  } finally {
    await mock.close();
  }
}

/**
 * The self-test of DESIGN.md: with no fault every variant is clean (no fail, warn, error or xpass); with each
 * fault, every rule tied to it fails (or warns, for SHOULD rules) and no other rule changes outcome.
 */
export async function selftest(
  api: AnyApi,
  opts: { onProgress?: (line: string) => void; faults?: string[] } = {},
): Promise<SelftestReport> {
  const coverage: string[] = [];
  const claimed = new Set(api.rules.flatMap((r) => r.faults));
  for (const r of api.rules)
    if (r.faults.length === 0) coverage.push(`${r.id} has no fault that makes it fail`);
  for (const f of Object.keys(api.faults))
    if (!claimed.has(f)) coverage.push(`fault "${f}" is tied to no rule`);
  for (const f of claimed) if (!(f in api.faults)) coverage.push(`unknown fault "${f}"`);

  const baselines = new Map<string, Map<string, Status>>();
  const variants: VariantCheck[] = [];
  for (const variant of Object.keys(api.variants)) {
    const results = await runAgainstMock(api, variant, []);
    baselines.set(variant, new Map(results.map((r) => [r.rule, r.status])));
    const problems = results
      .filter((r) => BAD_ON_CLEAN.includes(r.status))
      .map((r) => `${r.rule} ${r.status}: ${r.message ?? ''}`);
    variants.push({ variant, problems, results });
    opts.onProgress?.(
      `variant ${variant}: ${problems.length === 0 ? 'clean' : `${problems.length} problem(s)`}`,
    );
  }

  const faults: FaultCheck[] = [];
  for (const [fault, spec] of Object.entries(api.faults)) {
    if (opts.faults && !opts.faults.includes(fault)) continue;
    const variant = spec.variant ?? api.defaultVariant;
    const tied = new Set(api.rules.filter((r) => r.faults.includes(fault)).map((r) => r.id));
    const baseline = baselines.get(variant)!;
    const results = await runAgainstMock(api, variant, [fault]);
    const problems: string[] = [];
    for (const r of results) {
      const before = baseline.get(r.rule);
      if (tied.has(r.rule)) {
        if (r.status !== 'fail' && r.status !== 'warn')
          problems.push(
            `${r.rule} should fail but is ${r.status}${r.message ? `: ${r.message}` : r.reason ? `: ${r.reason}` : ''}`,
          );
      } else if (r.status !== before) {
        problems.push(`${r.rule} changed from ${before} to ${r.status}${r.message ? `: ${r.message}` : ''}`);
      }
    }
    const caught =
      tied.size > 0 &&
      [...tied].every((id) => ['fail', 'warn'].includes(results.find((r) => r.rule === id)?.status ?? ''));
    faults.push({ fault, variant, rules: [...tied], caught, problems });
    opts.onProgress?.(
      `fault ${fault} (${variant}): ${problems.length === 0 ? `caught by ${[...tied].join(', ')}` : problems.join('; ')}`,
    );
  }

  const ok =
    coverage.length === 0 &&
    variants.every((v) => v.problems.length === 0) &&
    faults.every((f) => f.problems.length === 0 && f.caught);
  return { api: api.id, variants, faults, coverage, ok };
}
