import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HOSTILE_MODES,
  type AnyApi,
  type AnyRule,
  type HostileMode,
  type HostileOptions,
  type Target,
} from './api.ts';
import { runTarget, type Residue, type RuleResult } from './engine.ts';
import { summarize, type Summary } from './outcome.ts';
import { targetInfo, type RunRecord } from '../report/run.ts';
import { REPORT_FILES, writeReports } from '../report/write.ts';
import { TOOL } from '../tool.ts';
import { loadExpectations } from './expectations.ts';
import { mockTarget } from './targets.ts';
import { runPool } from '../fleet/pool.ts';
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
  hostile: HostileCheck[];
  /** Wrong credentials and concurrency 4. */
  extra: Array<{ check: string; problems: string[] }>;
  /** Vocabulary problems: rules without faults, faults no rule claims. */
  coverage: string[];
  ok: boolean;
}

const BAD_ON_CLEAN: Status[] = ['fail', 'warn', 'error', 'xpass'];
/** Under transport trouble or rejected credentials a rule may error or skip, but never claim a violation. */
const FALSE_VERDICTS: Status[] = ['fail', 'warn', 'xpass'];

export interface MockRun {
  results: RuleResult[];
  /** What the engine reported it could not undo. */
  residue: Residue[];
  /** What the mock itself says was left behind (ask the device, not the harness). */
  leftOnMock: string[];
  hostileHits: number;
  /** Where the reports of this run were written (self-test runs that check reporting). */
  reportsOk?: boolean;
}

export interface MockRunOptions {
  rules?: readonly AnyRule[];
  hostile?: HostileOptions;
  /** Changes the target before the run (wrong credentials, concurrency). */
  adjust?: (target: Target) => void;
  /** Also write the reports into a temporary directory and check they are complete. */
  writeReportsTo?: string;
}

/** Runs every rule of the API against one freshly started mock of `variant` with `faults` switched on. */
export async function runAgainstMock(
  api: AnyApi,
  variant: string,
  faults: readonly string[],
  opts: MockRunOptions = {},
): Promise<MockRun> {
  const mock = await api.startMock({ variant, faults, ...(opts.hostile ? { hostile: opts.hostile } : {}) });
  try {
    const target = mockTarget(api, variant, mock);
    opts.adjust?.(target);
    const expectations = target.expectations
      ? loadExpectations(repoPath(target.expectations), new Set(api.rules.map((r) => r.id)))
      : undefined;
    const residue: Residue[] = [];
    const redactor = new Redactor();
    const results = await runTarget({
      api,
      target,
      rules: opts.rules ?? api.rules,
      redactor,
      expectations,
      onResidue: (r) => residue.push(r),
    });
    const run: MockRun = {
      results,
      residue,
      leftOnMock: (await mock.residue?.()) ?? [],
      hostileHits: mock.hostileHits?.() ?? 0,
    };
    if (opts.writeReportsTo)
      run.reportsOk = writeAndVerify(opts.writeReportsTo, target, results, residue, redactor);
    return run;
  } finally {
    await mock.close();
  }
}

function writeAndVerify(
  dir: string,
  target: Target,
  results: RuleResult[],
  residue: Residue[],
  redactor: Redactor,
): boolean {
  const record: RunRecord = {
    tool: TOOL,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    targets: [targetInfo(target)],
    summary: summarize(results.map((r) => r.status)),
    results,
    residue,
    citations: {},
  };
  writeReports(dir, record, redactor);
  try {
    const back = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results?: unknown[] };
    return back.results?.length === results.length && REPORT_FILES.every((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}

export interface HostileCheck {
  mode: HostileMode;
  hits: number;
  counts: Summary;
  problems: string[];
}

/**
 * The self-test of DESIGN.md: with no fault every variant is clean (no fail, warn, error or xpass); with each
 * fault, every rule tied to it fails (or warns, for SHOULD rules) and no other rule changes outcome.
 */
export async function selftest(
  api: AnyApi,
  opts: {
    onProgress?: (line: string) => void;
    faults?: string[];
    /** Which checks to run (default: all). */
    parts?: readonly SelftestPart[];
    /** Seed of the hostile modes (which requests are hit). */
    seed?: number;
    /**
     * How many suite passes run at once (default SELFTEST_JOBS), each against its own freshly started mock. The
     * checks are the same; only the waiting (timeouts, slow answers, the hostile modes' withheld answers) overlaps.
     */
    jobs?: number;
  } = {},
): Promise<SelftestReport> {
  const parts = new Set(opts.parts ?? SELFTEST_PARTS);
  const jobs = Math.max(1, opts.jobs ?? SELFTEST_JOBS);
  const say = ordered(opts.onProgress);
  const coverage: string[] = [];
  const claimed = new Set(api.rules.flatMap((r) => r.faults));
  for (const r of api.rules)
    if (r.faults.length === 0) coverage.push(`${r.id} has no fault that makes it fail`);
  for (const f of Object.keys(api.faults))
    if (!claimed.has(f)) coverage.push(`fault "${f}" is tied to no rule`);
  for (const f of claimed) if (!(f in api.faults)) coverage.push(`unknown fault "${f}"`);

  const baselines = new Map<string, Map<string, Status>>();
  const variants: VariantCheck[] = [];
  const selectedFaults = Object.entries(api.faults).filter(
    ([fault]) => parts.has('faults') && (!opts.faults || opts.faults.includes(fault)),
  );
  // The clean run of a variant is its check and the baseline of its faults. Without the variants part, only the
  // baselines the faults and the concurrency check compare with are run (and not reported as variant checks).
  const baselineVariants = parts.has('variants')
    ? Object.keys(api.variants)
    : [
        ...new Set([
          ...selectedFaults.map(([, spec]) => spec.variant ?? api.defaultVariant),
          ...(parts.has('concurrency') ? [api.defaultVariant] : []),
        ]),
      ];
  const checked = await inPool(baselineVariants, jobs, async (variant, i) => {
    const { results, residue, leftOnMock } = await runAgainstMock(api, variant, []);
    baselines.set(variant, new Map(results.map((r) => [r.rule, r.status])));
    if (!parts.has('variants')) return say(i, undefined);
    const problems = results
      .filter((r) => BAD_ON_CLEAN.includes(r.status))
      .map((r) => `${r.rule} ${r.status}: ${r.message ?? ''}`);
    problems.push(...residueProblems(residue, leftOnMock));
    // A rule that needs only capabilities this variant has must run on it, not skip.
    const has = new Set<string>(api.variants[variant]?.capabilities ?? []);
    for (const r of results) {
      const cap = /^target lacks capability "([^"]+)"/.exec(r.reason ?? '')?.[1];
      if (r.status === 'skip' && cap && has.has(cap))
        problems.push(`${r.rule} skipped although the variant has "${cap}": ${r.reason}`);
    }
    say(i, `variant ${variant}: ${problems.length === 0 ? 'clean' : `${problems.length} problem(s)`}`);
    return { variant, problems, results };
  });
  if (parts.has('variants')) variants.push(...(checked as VariantCheck[]));
  say.next();

  const faults: FaultCheck[] = await inPool(selectedFaults, jobs, async ([fault, spec], i) => {
    const variant = spec.variant ?? api.defaultVariant;
    const tied = new Set(api.rules.filter((r) => r.faults.includes(fault)).map((r) => r.id));
    const baseline = baselines.get(variant)!;
    const { results } = await runAgainstMock(api, variant, [fault]);
    const problems: string[] = [];
    for (const r of results) {
      const before = baseline.get(r.rule);
      if (tied.has(r.rule)) {
        if (r.status !== 'fail' && r.status !== 'warn')
          problems.push(
            `${r.rule} should fail but is ${r.status}${r.message ? `: ${r.message}` : r.reason ? `: ${r.reason}` : ''}`,
          );
      } else if (r.status === 'error' && r.cause?.owner && tied.has(r.cause.owner)) {
        // One cause, one finding: an operation the fault stops serving leaves the rules that needed it not
        // evaluated; only its owner (tied to the fault) fails.
      } else if (r.status !== before) {
        problems.push(`${r.rule} changed from ${before} to ${r.status}${r.message ? `: ${r.message}` : ''}`);
      }
    }
    const caught =
      tied.size > 0 &&
      [...tied].every((id) => ['fail', 'warn'].includes(results.find((r) => r.rule === id)?.status ?? ''));
    say(
      i,
      `fault ${fault} (${variant}): ${problems.length === 0 ? `caught by ${[...tied].join(', ')}` : problems.join('; ')}`,
    );
    return { fault, variant, rules: [...tied], caught, problems };
  });
  say.next();

  const hostile: HostileCheck[] = await inPool(
    parts.has('hostile') ? HOSTILE_MODES : [],
    jobs,
    async (mode, i) => {
      const dir = mkdtempSync(join(tmpdir(), `certconform-hostile-${mode}-`));
      try {
        const run = await runAgainstMock(api, api.defaultVariant, [], {
          hostile: { mode, seed: opts.seed ?? 1, spare: 12 },
          // Only answers withheld on purpose need a shorter request timeout (each costs one); it stays long enough
          // that a busy machine's pauses are not taken for one (1.5 s was: a loaded run's connect timed out).
          // Every other mode keeps the mock's own timeouts.
          adjust: (t) => {
            if (mode === 'no-answer') t.timeouts = { ...t.timeouts, requestMs: NO_ANSWER_REQUEST_MS };
          },
          writeReportsTo: dir,
        });
        const problems = falseVerdicts(run.results);
        problems.push(...residueProblems([], run.leftOnMock));
        if (run.hostileHits === 0) problems.push('the hostile layer hit no request');
        if (!run.reportsOk) problems.push('the reports were not written completely');
        const counts = summarize(run.results.map((r) => r.status));
        say(
          i,
          `hostile ${mode}: ${run.hostileHits} requests hit; ${countsLine(counts)}${problems.length ? `; ${problems.length} problem(s): ${problems.join('; ')}` : ''}`,
        );
        return { mode, hits: run.hostileHits, counts, problems };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
  say.next();

  const extra: Array<{ check: string; problems: string[] }> = [];
  if (parts.has('credentials')) {
    const run = await runAgainstMock(api, api.defaultVariant, [], { adjust: wrongCredentials });
    const problems = falseVerdicts(run.results);
    problems.push(...residueProblems([], run.leftOnMock));
    if (!run.results.some((r) => r.status === 'error'))
      problems.push('no rule reported the rejected credentials as an error');
    extra.push({ check: 'wrong credentials', problems });
    opts.onProgress?.(
      `wrong credentials: ${countsLine(summarize(run.results.map((r) => r.status)))}${problems.length ? `; ${problems.join('; ')}` : ''}`,
    );
  }
  if (parts.has('concurrency')) {
    const baseline = baselines.get(api.defaultVariant)!;
    const run = await runAgainstMock(api, api.defaultVariant, [], { adjust: (t) => (t.concurrency = 4) });
    const problems = run.results
      .filter((r) => r.status !== baseline.get(r.rule))
      .map(
        (r) =>
          `${r.rule} is ${r.status} at concurrency 4 but ${baseline.get(r.rule)} at 1${r.message ? `: ${r.message}` : ''}`,
      );
    problems.push(...residueProblems(run.residue, run.leftOnMock));
    extra.push({ check: 'concurrency 4', problems });
    opts.onProgress?.(
      `concurrency 4: ${problems.length === 0 ? 'same verdicts as concurrency 1' : problems.join('; ')}`,
    );
  }

  const ok =
    coverage.length === 0 &&
    variants.every((v) => v.problems.length === 0) &&
    faults.every((f) => f.problems.length === 0 && f.caught) &&
    hostile.every((h) => h.problems.length === 0) &&
    extra.every((e) => e.problems.length === 0);
  return { api: api.id, variants, faults, hostile, extra, coverage, ok };
}

/** Maps `items` through `fn` with at most `jobs` at once; the results keep the order of `items`. */
async function inPool<T, R>(
  items: readonly T[],
  jobs: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  await runPool(items.length, jobs, async (i) => {
    out[i] = await fn(items[i]!, i);
  });
  return out;
}

/**
 * Progress lines of checks that may finish out of order, printed in their order: `say(i, line)` for check i of
 * the current group (undefined: nothing to print), `say.next()` when the group is over.
 */
function ordered(onProgress?: (line: string) => void) {
  let lines: Array<string | undefined | null> = [];
  let printed = 0;
  const say = (i: number, line: string | undefined): undefined => {
    lines[i] = line ?? null;
    while (printed < lines.length && lines[printed] !== undefined) {
      const l = lines[printed++];
      if (l) onProgress?.(l);
    }
    return undefined;
  };
  say.next = () => {
    lines = [];
    printed = 0;
  };
  return say;
}

/**
 * Suite passes at once in a self-test: most of a pass is waiting on the mock's timers and the hostile modes'
 * withheld answers (a sequential self-test keeps the CPU less than half busy), so a few overlap well.
 */
export const SELFTEST_JOBS = 4;

/** The request timeout of the no-answer hostile mode: what each withheld answer costs. */
const NO_ANSWER_REQUEST_MS = 4000;

export const SELFTEST_PARTS = ['variants', 'faults', 'hostile', 'credentials', 'concurrency'] as const;
export type SelftestPart = (typeof SELFTEST_PARTS)[number];

function falseVerdicts(results: RuleResult[]): string[] {
  return results
    .filter((r) => FALSE_VERDICTS.includes(r.status))
    .map((r) => `${r.rule} ${r.status}: ${r.message ?? ''}`);
}

function residueProblems(residue: Residue[], leftOnMock: string[]): string[] {
  return [
    ...residue.map((r) => `residue of ${r.rule}: ${r.what} (${r.why})`),
    ...leftOnMock.map((l) => `left on the mock: ${l}`),
  ];
}

function countsLine(s: Summary): string {
  return (Object.entries(s) as Array<[Status, number]>)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** Every secret of the main account changed by one character: the target must say so, the rules must not fail. */
function wrongCredentials(t: Target): void {
  const spoil = (v: string | undefined) => (v ? `${v.slice(0, -1)}${v.endsWith('x') ? 'y' : 'x'}` : v);
  t.auth = { ...t.auth, password: spoil(t.auth.password), token: spoil(t.auth.token) };
}
