import { APIS } from '../suites/index.ts';
import type { AnyApi, AnyRule, ApiId, RunningMock, Target } from './core/api.ts';
import { prepareApi, runTarget, type Residue, type RuleResult } from './core/engine.ts';
import { UsageError, describeError } from './core/errors.ts';
import { loadExpectations } from './core/expectations.ts';
import { STOP_SIGNALS, exitCodeFor, summarize, type StopSignal, type Summary } from './core/outcome.ts';
import { validatorFor, firstError } from './core/schema.ts';
import { harnessClocks, randomSeed, setHarnessSeed } from './core/random.ts';
import { Redactor } from './http/redact.ts';
import { repoPath } from './paths.ts';
import { checkRulesMatch, preflight, ruleMatchers } from './preflight.ts';
import { Slots, runPool } from './fleet/pool.ts';
import { shardRules, shardTargets, type Shard } from './fleet/shard.ts';
import { loadProfile, mockOverrides, targetFromProfile, type LoadedProfile } from './profile/load.ts';
import { loadCommandLineTarget, type CommandLineTarget } from './profile/command-line.ts';
import { proxyFor } from './http/proxy.ts';
import { ConsoleProgress, OrderedProgress } from './report/console.ts';
import { HarRecorder, writeHar } from './record/har.ts';
import { startProfileMock } from './mock/container.ts';
import { targetInfo, targetOrder, type RunRecord } from './report/run.ts';
import { lockOutDir } from './report/out-lock.ts';
import { ReportSpool } from './report/write.ts';
import { TOOL } from './tool.ts';

export interface RunOptions {
  /** Profile files; none (and no `target`) = every bundled mock, default variant. */
  profiles: string[];
  /** A target given on the command line (`--url … --user … --password-env …`), checked like a profile. */
  target?: CommandLineTarget;
  only?: ApiId[];
  /** Rule IDs or globs (RF-REQ-*); one starting with "!" excludes (`--rule '!KF-*'`). */
  rules?: string[];
  /** Globs of rules not to run (`--exclude`). */
  exclude?: string[];
  /** After this many failures the rules not yet started are reported `skip` (their cleanups still run). */
  maxFailures?: number;
  out?: string;
  /** Replaces every target's own expectations file. */
  expectations?: string;
  allowDestructive?: boolean;
  /** JUnit: SHOULD violations as failures. */
  warnAsFailure?: boolean;
  print: (...lines: string[]) => void;
  signal?: AbortSignal;
  /** How many targets run at once (default DEFAULT_PARALLEL); requests to one target follow its profile. */
  parallel?: number;
  /** This run's share of the targets (of the read-only rules, when there is one target). */
  shard?: Shard;
  /** Write a HAR 1.2 recording per target (`<target>.har`) into the run directory. */
  record?: boolean;
  /** The seed of the harness randomness (default: a random one, recorded in results.json). */
  seed?: number;
  /** The APIs to draw targets from (tests pass their own). */
  apis?: Record<string, AnyApi>;
}

export interface PlannedTarget {
  api: AnyApi;
  name: string;
  /** A real target (from its profile). */
  target?: Target;
  /** A bundled mock, started when the target's turn comes. */
  mock?: { variant: string; loaded?: LoadedProfile };
  started?: RunningMock;
  /** The profile asks for a recording (`record: true`). */
  record?: boolean;
}

export { defaultOutDir } from './preflight.ts';

/**
 * The rules the selection keeps: those matching a --rule pattern (all when none is given) and no exclusion
 * (--exclude, or a --rule pattern that starts with "!").
 */
export function selectRules(api: AnyApi, patterns: string[] | undefined, exclude: string[] = []): AnyRule[] {
  const { keep, drop } = ruleMatchers(patterns, exclude);
  return api.rules.filter((r) => keep(r.id) && !drop(r.id));
}

/** The run's failures as the exit code counts them: fail and xpass, and warn under --warn-as-failure. */
export function failures(summary: Summary, warnAsFailure = false): number {
  return summary.fail + summary.xpass + (warnAsFailure ? summary.warn : 0);
}

/** The run contract's exit code; under --warn-as-failure a SHOULD violation counts as a failure. */
export function runExitCode(summary: Summary, residue: number, warnAsFailure = false): number {
  return exitCodeFor(warnAsFailure ? { ...summary, fail: summary.fail + summary.warn } : summary, residue);
}

/** What a run would do: its targets (nothing started), the APIs, and the expectations. Every check is made here. */
export interface RunPlan {
  planned: PlannedTarget[];
  selected: AnyApi[];
  sharedExpectations?: ReturnType<typeof loadExpectations>;
}

/**
 * Loads and checks every profile (and the command-line target), the rule selection and the expectations, and plans
 * the targets without starting or contacting anything: a bad one costs one line and exit 2.
 */
export function planRun(opts: RunOptions, apis: Record<string, AnyApi>, redactor: Redactor): RunPlan {
  if (opts.target && opts.profiles.length)
    throw new UsageError(
      '--url describes one target; give it without --profile (or write it into a profile: certconform init)',
    );
  const loaded = opts.target
    ? [loadCommandLineTarget(opts.target, apis, redactor)]
    : opts.profiles.map((file) => loadProfile(file, apis, redactor));
  const selected = (
    loaded.length ? [...new Set(loaded.map((l) => apis[l.profile.api]!))] : Object.values(apis)
  ).filter((api) => !opts.only?.length || opts.only.includes(api.id));
  if (selected.length === 0) throw new UsageError('nothing to run: no target matches --api');
  checkRulesMatch(selected, opts.rules, opts.exclude);
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
  // Planned but not started: a bundled mock starts when its target's turn comes, and stops when it is done.
  const planned: PlannedTarget[] = [];
  if (loaded.length === 0) {
    for (const api of Object.values(apis)) {
      if (opts.only?.length && !opts.only.includes(api.id)) continue;
      const variant = api.defaultVariant;
      planned.push({ api, name: `mock:${api.id}:${variant}`, mock: { variant } });
    }
  } else {
    for (const l of loaded) {
      const api = apis[l.profile.api]!;
      if (opts.only?.length && !opts.only.includes(api.id)) continue;
      if (l.profile.mock) {
        const variant = l.profile.mock.variant ?? api.defaultVariant;
        planned.push({
          api,
          name: l.profile.name ?? `mock:${api.id}:${variant}`,
          mock: { variant, loaded: l },
          ...(l.profile.record ? { record: true } : {}),
        });
      } else {
        const target = targetFromProfile(l, redactor);
        checkProxy(target, l);
        planned.push({ api, name: target.name, target, ...(l.profile.record ? { record: true } : {}) });
      }
    }
  }
  const names = new Set<string>();
  for (const p of planned) {
    if (names.has(p.name))
      throw new UsageError(`two targets are named "${p.name}": give each profile a distinct name`);
    names.add(p.name);
  }
  if (planned.length === 0) throw new UsageError('nothing to run: no target matches --api');
  return { planned, selected, ...(sharedExpectations ? { sharedExpectations } : {}) };
}

/** The proxy the environment names for a target must be a URL: found now, not as an error of every rule. */
function checkProxy(target: Target, l: LoadedProfile): void {
  try {
    proxyFor(target.baseUrl, target.proxy);
  } catch (err) {
    const where = l.file === 'command line' ? '' : `profile ${l.file}: `;
    throw new UsageError(
      `${where}${(err as Error).message} (from HTTPS_PROXY/HTTP_PROXY; "proxy: none" in the profile or --proxy none ignores them)`,
    );
  }
}

/** Runs the suites against every target and writes the reports. Returns the exit code of the run contract. */
export async function runConformance(
  opts: RunOptions,
): Promise<{ run: RunRecord; exitCode: number; outDir: string }> {
  const apis = opts.apis ?? APIS;
  const redactor = new Redactor();
  // Options and paths first: a bad --out or --rule is one line, before anything is loaded or started.
  const { outDir } = preflight({
    out: opts.out,
    rules: [...(opts.rules ?? []), ...(opts.exclude ?? [])],
    expectations: opts.expectations,
  });
  // Everything printed passes the redactor too: a skip reason or an error can quote a device's answer.
  const write = (...lines: string[]) => opts.print(...lines.map((l) => redactor.text(l)));
  const progress = new ConsoleProgress(write);
  const started = Date.now();
  // Every value the harness invents comes from this seed, so a replay of a recording sends the same requests.
  const seed = opts.seed ?? randomSeed();
  setHarnessSeed(seed, started);
  const run: RunRecord = {
    tool: TOOL,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    targets: [],
    summary: summarize([]),
    results: [],
    residue: [],
    citations: {},
    seed,
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
  const { planned, sharedExpectations } = planRun(opts, apis, redactor);
  // A shard of several targets runs every n-th of them; a shard of one target, a share of its rules.
  const mine = opts.shard && planned.length > 1 ? shardTargets(planned, opts.shard) : planned;
  const ruleShard = opts.shard && planned.length === 1 ? opts.shard : undefined;

  if (mine.length === 0 && opts.shard)
    write(`shard ${opts.shard.index}/${opts.shard.count}: no target (the run has ${planned.length})`);
  // The folder is this run's until it ends: another run writing there at the same time is refused (exit 2).
  const releaseOut = lockOutDir(outDir, opts.out === undefined ? 'report directory' : '--out');
  const spool = new ReportSpool(outDir, redactor);
  const slots: Slot[] = mine.map(() => ({ results: [], residue: [] }));
  const ordered = new OrderedProgress(write, mine.length);
  const open = new Set<RunningMock>();
  // One signal for every running target: Ctrl-C (the caller's signal) or a harness error in one target.
  const stop = new AbortController();
  const forward = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forward();
  else opts.signal?.addEventListener('abort', forward, { once: true });
  // --max-failures N: once N rules failed, the rules not yet started (of every target) are not run.
  const maxFailures = opts.maxFailures;
  let failed = 0;
  const notRun = () =>
    maxFailures !== undefined && failed >= maxFailures
      ? `not run: --max-failures ${maxFailures} reached`
      : undefined;
  const assemble = () => {
    run.targets = slots.flatMap((s) => (s.info ? [s.info] : []));
    run.results = slots.flatMap((s) => s.results);
    run.residue = slots.flatMap((s) => s.residue);
    run.durationMs = Date.now() - started;
    run.summary = summarize(run.results.map((r) => r.status));
  };

  const mockSlots = new Slots(MOCK_PARALLEL);
  const runOne = (i: number): Promise<void> => {
    const mock = mine[i]!.mock;
    const inThisProcess = mock && !mock.loaded?.profile.mock?.runtime;
    return inThisProcess ? mockSlots.run(() => judge(i)) : judge(i);
  };
  const judge = async (i: number): Promise<void> => {
    const p = mine[i]!;
    const slot = slots[i]!;
    const say = ordered.progress(i);
    try {
      if (stop.signal.aborted) return;
      const all = selectRules(p.api, opts.rules, opts.exclude);
      const rules = ruleShard ? shardRules(all, ruleShard) : all;
      if (rules.length === 0) return;
      const target = await startTarget(p, open, redactor);
      if (opts.allowDestructive) target.allowDestructive = true;
      const file =
        opts.expectations ??
        (target.expectations && (target.mockVariant ? repoPath(target.expectations) : target.expectations));
      const expectations = file
        ? (sharedExpectations ?? loadExpectations(file, new Set(p.api.rules.map((r) => r.id))))
        : undefined;
      // Its place in the whole profile list (of every shard): `merge` restores the profile order from it.
      const order = targetOrder(
        planned.map((x) => x.name),
        planned.indexOf(p),
      );
      slot.info = targetInfo(target, order);
      spool.journalLine({ target: slot.info });
      say.target(target);
      const t0 = Date.now();
      const full: RuleResult[] = [];
      slot.results = full;
      const recorder = opts.record || p.record ? new HarRecorder() : undefined;
      await runTarget({
        ...(recorder ? { client: { recorder } } : {}),
        api: p.api,
        target,
        rules,
        redactor,
        expectations,
        signal: stop.signal,
        // What earlier runs left: not on a mock started for this run (it starts empty), nor in a second shard of
        // one device (the first shard's scratch objects are not an earlier run's).
        earlierResidue: !target.mockVariant && (!ruleShard || ruleShard.index === 1),
        ...(maxFailures !== undefined ? { notRun } : {}),
        onResult: (r: RuleResult) => {
          if (r.status === 'fail' || r.status === 'xpass' || (opts.warnAsFailure && r.status === 'warn'))
            failed++;
          full.push(r);
          spool.journalLine({ result: compact(r) });
          say.result(r);
        },
        onResidue: (r) => slot.residue.push(r),
        onAbsent: (capability, reason) => {
          const names = p.api.capabilityNames as Record<string, string> | undefined;
          (slot.info!.absent ??= []).push({ capability, name: names?.[capability] ?? capability, reason });
        },
        onConnect: (info) => say.connected(info),
      });
      say.finished(full, Date.now() - t0, slot.info);
      if (recorder) {
        const epoch = new Date(started).toISOString();
        const clocks = harnessClocks(target.name);
        writeHar(
          outDir,
          // A secret inside the target's name must not reach the file name either.
          redactor.text(target.name),
          recorder.toHar(redactor, { seed, epoch, clocks, target, results: full }),
        );
      }
      // This target's reports now (Allure attaches every exchange); then only what the final reports need.
      slot.results = full.map(compact);
      spool.targetDone({ ...run, targets: [slot.info], results: full, residue: slot.residue }, slot.results);
    } finally {
      if (p.started) {
        open.delete(p.started);
        await p.started.close().catch(() => undefined);
      }
      ordered.done(i);
    }
  };

  // Schema compilation and the like run now, before any target is contacted: run while other targets' sockets
  // sit idle, a long synchronous step would get them reset by the devices.
  for (const api of new Set(mine.map((p) => p.api))) await prepareApi(api);
  try {
    await runPool(mine.length, Math.max(1, opts.parallel ?? DEFAULT_PARALLEL), runOne, (err) => {
      // A harness error in one target stops the others (after their cleanups), as a stop of the run would.
      if (!stop.signal.aborted) stop.abort(err);
    });
    if (opts.signal?.aborted) run.incomplete = `interrupted (${stopSignal(opts.signal)})`;
  } catch (err) {
    if (!(err instanceof UsageError))
      run.incomplete = `stopped by an unexpected error: ${describeError(err)}`;
    assemble();
    if (run.targets.length) spool.finish(run);
    releaseOut();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', forward);
    await Promise.all([...open].map((m) => m.close().catch(() => undefined)));
  }

  assemble();
  spool.finish(run);
  releaseOut();
  if (notRun()) {
    const skipped = run.results.filter((r) => r.reason === notRun()).length;
    write(`Stopped after ${failed} failure(s) (--max-failures ${maxFailures}): ${skipped} rule(s) not run.`);
  }
  progress.summary(run, outDir);
  const exitCode = opts.signal?.aborted
    ? STOP_SIGNALS[stopSignal(opts.signal)]
    : runExitCode(run.summary, run.residue.length, opts.warnAsFailure);
  return { run, exitCode, outDir };
}

/**
 * How many targets run at once by default. A device is judged at its own pace (its requests one at a time, as its
 * profile says) and the harness's own work per target is small, so a fleet behind a slow network runs at once.
 */
export const DEFAULT_PARALLEL = 100;

/**
 * A bundled mock started by the run serves in this process: its work is this machine's CPU, not a device's time,
 * so only a few run at once whatever --parallel says (more would only slow each mock's answers).
 */
export const MOCK_PARALLEL = 4;

/** What the run keeps of one target. */
interface Slot {
  info?: RunRecord['targets'][number];
  results: RuleResult[];
  residue: Residue[];
}

/** Starts the target's bundled mock when it is one (tracked in `open` until closed). */
async function startTarget(p: PlannedTarget, open: Set<RunningMock>, redactor: Redactor): Promise<Target> {
  if (!p.mock) return p.target!;
  const { variant, loaded } = p.mock;
  // In this process, or as a container (`mock: {runtime: container}`, src/mock/container.ts).
  const { mock, target: base } = await startProfileMock(p.api, variant, loaded?.profile.mock?.runtime);
  p.started = mock;
  open.add(mock);
  // The profile's timeouts, concurrency, allowDestructive and params apply to the mock too.
  const target = loaded ? mockOverrides(loaded, base) : base;
  // The profile's params merged over the mock's own: now the API's required ones must all be there.
  const validate = validatorFor(p.api.paramsSchema);
  if (loaded && !validate(target.params))
    throw new UsageError(`profile ${loaded.file}: ${firstError(validate.errors, 'params')}`);
  redactorForMock(target, redactor);
  return target;
}

/**
 * A result as the final reports need it: a pass keeps only which requests it made (results.json and the HTML
 * report show no exchange of a pass; Allure, which does, was written when the target finished).
 */
function compact(r: RuleResult): RuleResult {
  if (r.status !== 'pass') return r;
  return {
    ...r,
    evidence: r.evidence.map((e) => ({
      method: e.method,
      url: e.url,
      status: e.status,
      durationMs: e.durationMs,
    })),
  };
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
