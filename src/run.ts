import picomatch from 'picomatch';
import { APIS } from '../suites/index.ts';
import type { AnyApi, AnyRule, ApiId, RunningMock, Target } from './core/api.ts';
import { runTarget, type RuleResult } from './core/engine.ts';
import { UsageError, describeError } from './core/errors.ts';
import { loadExpectations, type Expectations } from './core/expectations.ts';
import { STOP_SIGNALS, exitCodeFor, summarize, type StopSignal } from './core/outcome.ts';
import { mockTarget } from './core/targets.ts';
import { Redactor } from './http/redact.ts';
import { repoPath } from './paths.ts';
import { checkRulesMatch, preflight } from './preflight.ts';
import { loadProfile, mockOverrides, targetFromProfile } from './profile/load.ts';
import { ConsoleProgress } from './report/console.ts';
import { targetInfo, type RunRecord } from './report/run.ts';
import { writeReports } from './report/write.ts';
import { TOOL } from './tool.ts';

export interface RunOptions {
  /** Profile files; none = every bundled mock, default variant. */
  profiles: string[];
  only?: ApiId[];
  /** Rule IDs or globs (RF-REQ-*). */
  rules?: string[];
  out?: string;
  /** Replaces every target's own expectations file. */
  expectations?: string;
  allowDestructive?: boolean;
  /** JUnit: SHOULD violations as failures. */
  warnAsFailure?: boolean;
  print: (...lines: string[]) => void;
  signal?: AbortSignal;
  /** The APIs to draw targets from (tests pass their own). */
  apis?: Record<string, AnyApi>;
}

interface PlannedTarget {
  api: AnyApi;
  target: Target;
  mock?: RunningMock;
  expectations?: Expectations;
}

export { defaultOutDir } from './preflight.ts';

function selectRules(api: AnyApi, patterns: string[] | undefined): AnyRule[] {
  if (!patterns?.length) return [...api.rules];
  const match = picomatch(patterns, { nocase: true });
  return api.rules.filter((r) => match(r.id));
}

/** Runs the suites against every target and writes the reports. Returns the exit code of the run contract. */
export async function runConformance(
  opts: RunOptions,
): Promise<{ run: RunRecord; exitCode: number; outDir: string }> {
  const apis = opts.apis ?? APIS;
  const redactor = new Redactor();
  // Options and paths first: a bad --out or --rule is one line, before anything is loaded or started.
  const { outDir } = preflight({ out: opts.out, rules: opts.rules, expectations: opts.expectations });
  // Everything printed passes the redactor too: a skip reason or an error can quote a device's answer.
  const progress = new ConsoleProgress((...lines) => opts.print(...lines.map((l) => redactor.text(l))));
  const started = Date.now();
  const run: RunRecord = {
    tool: TOOL,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    targets: [],
    summary: summarize([]),
    results: [],
    residue: [],
    citations: {},
    ...(opts.warnAsFailure ? { reportOptions: { warnAsFailure: true } } : {}),
  };

  for (const api of Object.values(apis)) {
    for (const r of api.rules) {
      const src = (api.sources as Record<string, { title: string; url?: string }>)[r.cite.source];
      run.citations[r.id] = {
        source: src?.title ?? r.cite.source,
        section: r.cite.section,
        quote: r.cite.quote,
        url: src?.url,
      };
    }
  }

  // Plan first: every profile is loaded and checked before anything is started, so a bad one costs nothing.
  const planned: PlannedTarget[] = [];
  const loaded = opts.profiles.map((file) => loadProfile(file, apis, redactor));
  const selected = (
    loaded.length ? [...new Set(loaded.map((l) => apis[l.profile.api]!))] : Object.values(apis)
  ).filter((api) => !opts.only?.length || opts.only.includes(api.id));
  if (selected.length === 0) throw new UsageError('nothing to run: no target matches --api');
  checkRulesMatch(selected, opts.rules);
  // One --expectations file for targets of several APIs: a rule of any selected API is known to it.
  const sharedExpectations =
    opts.expectations !== undefined
      ? loadExpectations(opts.expectations, new Set(selected.flatMap((a) => a.rules.map((r) => r.id))))
      : undefined;
  for (const l of loaded)
    if (l.profile.expectations && !sharedExpectations)
      loadExpectations(
        l.resolvePath(l.profile.expectations),
        new Set(apis[l.profile.api]!.rules.map((r) => r.id)),
      );
  const save = () => {
    run.durationMs = Date.now() - started;
    run.summary = summarize(run.results.map((r) => r.status));
    writeReports(outDir, run, redactor);
  };

  try {
    if (loaded.length === 0) {
      for (const api of Object.values(apis)) {
        if (opts.only?.length && !opts.only.includes(api.id)) continue;
        const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
        planned.push({ api, mock, target: mockTarget(api, api.defaultVariant, mock) });
      }
    } else {
      for (const l of loaded) {
        const api = apis[l.profile.api]!;
        if (opts.only?.length && !opts.only.includes(api.id)) continue;
        if (l.profile.mock) {
          const variant = l.profile.mock.variant ?? api.defaultVariant;
          const mock = await api.startMock({ variant, faults: [] });
          // The profile's timeouts, concurrency, allowDestructive and params apply to the mock too.
          planned.push({ api, mock, target: mockOverrides(l, mockTarget(api, variant, mock)) });
        } else {
          planned.push({ api, target: targetFromProfile(l, redactor) });
        }
      }
    }
    const names = new Set<string>();
    for (const p of planned) {
      if (names.has(p.target.name))
        throw new UsageError(`two targets are named "${p.target.name}": give each profile a distinct name`);
      names.add(p.target.name);
      if (opts.allowDestructive) p.target.allowDestructive = true;
      const file =
        opts.expectations ??
        (p.target.expectations &&
          (p.target.mockVariant ? repoPath(p.target.expectations) : p.target.expectations));
      if (file)
        p.expectations = sharedExpectations ?? loadExpectations(file, new Set(p.api.rules.map((r) => r.id)));
      if (p.mock) redactorForMock(p.target, redactor);
    }
    if (planned.length === 0) throw new UsageError('nothing to run: no target matches --api');

    for (const p of planned) {
      if (opts.signal?.aborted) break;
      const rules = selectRules(p.api, opts.rules);
      if (rules.length === 0) continue;
      run.targets.push(targetInfo(p.target));
      progress.target(p.target);
      await runTarget({
        api: p.api,
        target: p.target,
        rules,
        redactor,
        expectations: p.expectations,
        signal: opts.signal,
        onResult: (r: RuleResult) => {
          run.results.push(r);
          progress.result(r);
        },
        onResidue: (r) => run.residue.push(r),
        onConnect: (info) => progress.connected(info),
      });
      progress.flush();
      save();
    }
    if (opts.signal?.aborted) run.incomplete = `interrupted (${stopSignal(opts.signal)})`;
  } catch (err) {
    if (!(err instanceof UsageError))
      run.incomplete = `stopped by an unexpected error: ${describeError(err)}`;
    if (run.targets.length) save();
    throw err;
  } finally {
    await Promise.all(planned.map((p) => p.mock?.close().catch(() => undefined)));
  }

  save();
  progress.summary(run, outDir);
  const exitCode = opts.signal?.aborted
    ? STOP_SIGNALS[stopSignal(opts.signal)]
    : exitCodeFor(run.summary, run.residue.length);
  return { run, exitCode, outDir };
}

/** Mock credentials are secrets like any other: a report must look the same whoever the target is. */
function redactorForMock(target: Target, redactor: Redactor): void {
  if (target.auth.username && target.auth.password)
    redactor.addBasic(target.auth.username, target.auth.password);
  redactor.add(target.auth.token);
  for (const a of Object.values(target.accounts)) {
    if (a.password) redactor.addBasic(a.username, a.password);
    redactor.add(a.token);
  }
}

/** The signal that stopped the run (the abort reason the CLI gives), SIGINT when it gave none. */
function stopSignal(signal: AbortSignal): StopSignal {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && reason in STOP_SIGNALS ? (reason as StopSignal) : 'SIGINT';
}
