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
import { Slots } from '../fleet/pool.ts';
import type { Shard } from '../fleet/shard.ts';
import { Redactor } from '../http/redact.ts';
import { checkKey, type CheckKind, type Durations } from './selftest-durations.ts';
import { repoPath } from '../paths.ts';
import type { Status } from './outcome.ts';

/** What every check says besides its findings: how long its suite pass took (it orders the next self-test). */
interface Timed {
  seconds: number;
}

export interface VariantCheck extends Timed {
  variant: string;
  problems: string[];
  results: RuleResult[];
}

export interface FaultCheck extends Timed {
  fault: string;
  variant: string;
  rules: string[];
  caught: boolean;
  problems: string[];
}

export interface ExtraCheck extends Timed {
  check: (typeof EXTRA_CHECKS)[number];
  problems: string[];
}

export interface SelftestReport {
  api: string;
  variants: VariantCheck[];
  faults: FaultCheck[];
  hostile: HostileCheck[];
  /** Wrong credentials and concurrency 4. */
  extra: ExtraCheck[];
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

export interface HostileCheck extends Timed {
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
    /** One line per check as it ends (in the order they end). */
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
    /** Only this share of the checks, dealt longest first (a process of `certconform selftest`; see dealChecks). */
    shard?: Shard;
    /** Slots shared with the self-tests of other APIs in this process (instead of `jobs` of its own). */
    slots?: Slots;
    /** The timings of earlier self-tests: the longest checks are dealt and started first. */
    durations?: Durations;
  } = {},
): Promise<SelftestReport> {
  const parts = new Set(opts.parts ?? SELFTEST_PARTS);
  const say = (line: string) => opts.onProgress?.(line);
  const coverage = coverageGaps(api);

  const took = timings(api, opts.durations);
  const mine = dealChecks(api, parts, opts);
  const myOf = (kind: CheckKind) => mine.filter((c) => c.kind === kind).map((c) => c.name);
  const myVariants = myOf('variant');
  const myFaults = myOf('fault');
  const myModes = myOf('hostile') as HostileMode[];
  const myExtras = myOf('extra');

  const variants: VariantCheck[] = [];
  const faults: FaultCheck[] = [];
  const hostile: HostileCheck[] = [];
  const extra: ExtraCheck[] = [];
  // Every check is one suite pass in a slot, the longest first; its line says how long it took.
  const slots = opts.slots ?? new Slots(Math.max(1, opts.jobs ?? SELFTEST_JOBS));
  const inSlot = <C extends Timed>(
    priority: number,
    run: () => Promise<C>,
    report?: { keep: (c: C) => void; line: (c: C) => string },
  ) =>
    slots.run(async () => {
      const started = performance.now();
      const check = await run();
      check.seconds = Math.round((performance.now() - started) / 100) / 10;
      if (report) {
        report.keep(check);
        say(`${report.line(check)} (${check.seconds.toFixed(1)} s)`);
      }
      return check;
    }, priority);
  const tasks: Array<Promise<unknown>> = [];

  for (const mode of myModes)
    tasks.push(
      inSlot(took('hostile', mode), () => hostileCheck(api, mode, opts.seed ?? 1), {
        keep: (c) => hostile.push(c),
        line: (c) =>
          `hostile ${mode}: ${c.hits} requests hit; ${countsLine(c.counts)}${c.problems.length ? `; ${c.problems.length} problem(s): ${c.problems.join('; ')}` : ''}`,
      }),
    );

  // The clean run of a variant is its check and the baseline of its faults; a baseline this share needs but
  // does not report (its variant was dealt to another share, or the variants part is off) runs all the same,
  // as early as the longest check that waits for it.
  const variantOf = (fault: string) => api.faults[fault]?.variant ?? api.defaultVariant;
  const waiting = new Map<string, number>();
  const needs = (variant: string, priority: number) =>
    waiting.set(variant, Math.max(waiting.get(variant) ?? 0, priority));
  for (const v of myVariants) needs(v, took('variant', v));
  for (const f of myFaults) needs(variantOf(f), took('fault', f));
  if (myExtras.includes('concurrency 4')) needs(api.defaultVariant, took('extra', 'concurrency 4'));
  const baselines = new Map<string, Promise<Map<string, Status>>>();
  for (const [variant, priority] of waiting) {
    const clean = inSlot(
      priority,
      () => cleanVariant(api, variant),
      myVariants.includes(variant)
        ? {
            keep: (c) => variants.push(c),
            line: (c) =>
              `variant ${variant}: ${c.problems.length === 0 ? 'clean' : `${c.problems.length} problem(s)`}`,
          }
        : undefined,
    );
    tasks.push(clean);
    const baseline = clean.then((c) => new Map(c.results.map((r) => [r.rule, r.status])));
    baseline.catch(() => undefined); // a failed clean run is its own task's error, even when no fault waits on it
    baselines.set(variant, baseline);
  }

  // A fault asks for a slot once its baseline is there.
  for (const fault of myFaults) {
    const variant = variantOf(fault);
    tasks.push(
      baselines.get(variant)!.then((baseline) =>
        inSlot(took('fault', fault), () => faultCheck(api, fault, variant, baseline), {
          keep: (c) => faults.push(c),
          line: (c) =>
            `fault ${fault} (${variant}): ${c.problems.length === 0 ? `caught by ${c.rules.join(', ')}` : c.problems.join('; ')}`,
        }),
      ),
    );
  }
  if (myExtras.includes('wrong credentials'))
    tasks.push(
      inSlot(took('extra', 'wrong credentials'), () => credentialsCheck(api), {
        keep: ({ counts: _, ...c }) => extra.push(c),
        line: (c) =>
          `wrong credentials: ${countsLine(c.counts)}${c.problems.length ? `; ${c.problems.join('; ')}` : ''}`,
      }),
    );
  if (myExtras.includes('concurrency 4'))
    tasks.push(
      baselines.get(api.defaultVariant)!.then((baseline) =>
        inSlot(took('extra', 'concurrency 4'), () => concurrencyCheck(api, baseline), {
          keep: (c) => extra.push(c),
          line: (c) =>
            `concurrency 4: ${c.problems.length === 0 ? 'same verdicts as concurrency 1' : c.problems.join('; ')}`,
        }),
      ),
    );
  // Every check ends (its mock closed) before a harness error is thrown.
  const failed = (await Promise.allSettled(tasks)).find((t) => t.status === 'rejected');
  if (failed) throw failed.reason;

  const checked = inReportOrder(api, { variants, faults, hostile, extra, coverage });
  return { api: api.id, ...checked, ok: reportOk(checked) };
}

type Checks = Omit<SelftestReport, 'api' | 'ok'>;

/** The checks in the order of the API's vocabularies, whatever order they ended in. */
export function inReportOrder(api: AnyApi, c: Checks): Checks {
  const by = <T>(items: T[], key: (t: T) => string, keys: readonly string[]) =>
    [...items].sort((a, b) => keys.indexOf(key(a)) - keys.indexOf(key(b)));
  return {
    variants: by(c.variants, (v) => v.variant, Object.keys(api.variants)),
    faults: by(c.faults, (f) => f.fault, Object.keys(api.faults)),
    hostile: by(c.hostile, (h) => h.mode, HOSTILE_MODES),
    extra: by(c.extra, (e) => e.check, EXTRA_CHECKS),
    coverage: c.coverage,
  };
}

/** The names of the checks besides variants, faults and hostile modes, in report order. */
export const EXTRA_CHECKS = ['wrong credentials', 'concurrency 4'] as const;

export function reportOk(r: Checks): boolean {
  return (
    r.coverage.length === 0 &&
    r.variants.every((v) => v.problems.length === 0) &&
    r.faults.every((f) => f.problems.length === 0 && f.caught) &&
    r.hostile.every((h) => h.problems.length === 0) &&
    r.extra.every((e) => e.problems.length === 0)
  );
}

/** Vocabulary problems: a rule no fault makes fail, a fault no rule claims, a claimed fault that does not exist. */
function coverageGaps(api: AnyApi): string[] {
  const coverage: string[] = [];
  const claimed = new Set(api.rules.flatMap((r) => r.faults));
  for (const r of api.rules)
    if (r.faults.length === 0) coverage.push(`${r.id} has no fault that makes it fail`);
  for (const f of Object.keys(api.faults))
    if (!claimed.has(f)) coverage.push(`fault "${f}" is tied to no rule`);
  for (const f of claimed) if (!(f in api.faults)) coverage.push(`unknown fault "${f}"`);
  return coverage;
}

/** A variant with no fault: no rule may fail, warn, error or xpass, nothing may be left behind. */
async function cleanVariant(api: AnyApi, variant: string): Promise<VariantCheck> {
  const { results, residue, leftOnMock } = await runAgainstMock(api, variant, []);
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
  return { variant, problems, results, seconds: 0 };
}

/** One fault: every rule tied to it fails (or warns); every other rule keeps its baseline outcome. */
async function faultCheck(
  api: AnyApi,
  fault: string,
  variant: string,
  baseline: Map<string, Status>,
): Promise<FaultCheck> {
  const tied = new Set(api.rules.filter((r) => r.faults.includes(fault)).map((r) => r.id));
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
  return { fault, variant, rules: [...tied], caught, problems, seconds: 0 };
}

/** A hostile mode: rules may error or skip, never claim a violation; the reports are still written whole. */
async function hostileCheck(api: AnyApi, mode: HostileMode, seed: number): Promise<HostileCheck> {
  const dir = mkdtempSync(join(tmpdir(), `certconform-hostile-${mode}-`));
  try {
    const run = await runAgainstMock(api, api.defaultVariant, [], {
      hostile: { mode, seed, spare: 12 },
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
    return {
      mode,
      hits: run.hostileHits,
      counts: summarize(run.results.map((r) => r.status)),
      problems,
      seconds: 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wrong credentials: the target must say so (some rule errors), and no rule may claim a violation. */
async function credentialsCheck(api: AnyApi): Promise<ExtraCheck & { counts: Summary }> {
  const run = await runAgainstMock(api, api.defaultVariant, [], { adjust: wrongCredentials });
  const problems = falseVerdicts(run.results);
  problems.push(...residueProblems([], run.leftOnMock));
  if (!run.results.some((r) => r.status === 'error'))
    problems.push('no rule reported the rejected credentials as an error');
  return {
    check: 'wrong credentials',
    problems,
    counts: summarize(run.results.map((r) => r.status)),
    seconds: 0,
  };
}

/** Concurrency 4: the same verdicts as one request at a time, and nothing left behind. */
async function concurrencyCheck(api: AnyApi, baseline: Map<string, Status>): Promise<ExtraCheck> {
  const run = await runAgainstMock(api, api.defaultVariant, [], { adjust: (t) => (t.concurrency = 4) });
  const problems = run.results
    .filter((r) => r.status !== baseline.get(r.rule))
    .map(
      (r) =>
        `${r.rule} is ${r.status} at concurrency 4 but ${baseline.get(r.rule)} at 1${r.message ? `: ${r.message}` : ''}`,
    );
  problems.push(...residueProblems(run.residue, run.leftOnMock));
  return { check: 'concurrency 4', problems, seconds: 0 };
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

/** Longest first, the unknown (Infinity) before all. */
function descending(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

/**
 * The checks of one share: every check of the selected parts, the longest first by the timings of earlier
 * self-tests (unknown ones first, hostile modes before the rest), dealt to the shares in turn. Each share gets a
 * like load, and no long wait starts last.
 */
export function dealChecks(
  api: AnyApi,
  parts: ReadonlySet<SelftestPart>,
  opts: { faults?: string[]; durations?: Durations; shard?: Shard },
): Array<{ kind: CheckKind; name: string }> {
  const took = timings(api, opts.durations);
  const all: Array<{ kind: CheckKind; name: string }> = [
    ...(parts.has('hostile') ? HOSTILE_MODES.map((name) => ({ kind: 'hostile' as const, name })) : []),
    ...(parts.has('variants')
      ? Object.keys(api.variants).map((name) => ({ kind: 'variant' as const, name }))
      : []),
    ...(parts.has('faults')
      ? Object.keys(api.faults)
          .filter((f) => !opts.faults || opts.faults.includes(f))
          .map((name) => ({ kind: 'fault' as const, name }))
      : []),
    ...(parts.has('credentials') ? [{ kind: 'extra' as const, name: EXTRA_CHECKS[0] }] : []),
    ...(parts.has('concurrency') ? [{ kind: 'extra' as const, name: EXTRA_CHECKS[1] }] : []),
  ];
  return all
    .sort((a, b) => descending(took(a.kind, a.name), took(b.kind, b.name)))
    .filter((_, i) => !opts.shard || i % opts.shard.count === opts.shard.index - 1);
}

/** How long a check of this API took last time (Infinity when unknown). */
function timings(api: AnyApi, durations: Durations | undefined) {
  return (kind: CheckKind, name: string) => durations?.[checkKey(api.id, kind, name)] ?? Infinity;
}
