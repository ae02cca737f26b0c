import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient, type ClientHooks } from '../http/client.ts';
import {
  exchangeOf,
  findingAt,
  orderEvidence,
  recordEvidence,
  withRule,
  type Evidence,
  type FindingAt,
} from '../http/evidence.ts';
import type { Redactor } from '../http/redact.ts';
import type { AnyApi, AnyRule, Connection, FoundResidue, RuleRun, Target } from './api.ts';
import {
  Blocked,
  BrokenAnswer,
  CredentialsRejected,
  Inconclusive,
  NotApplicable,
  NotServed,
  PreconditionFailed,
  TransportError,
  UndoImpossible,
  Violation,
  describeError,
  type ViolationAt,
} from './errors.ts';
import type { Expectations } from './expectations.ts';
import type { Level, Status } from './outcome.ts';
import { CLEANUP_COMMAND, EARLIER_RUN } from './scratch.ts';

export interface RuleResult {
  target: string;
  rule: string;
  title: string;
  level: Level;
  status: Status;
  /** What went wrong (fail, warn, error, xfail) or what was verified (pass). */
  message?: string;
  /** Why it was skipped, or the expectations comment for xfail/xpass. */
  reason?: string;
  durationMs: number;
  evidence: Evidence[];
  notes?: string[];
  /**
   * Set on an `error` whose cause is an operation the target does not serve ("Rekey not served (405)"): one rule
   * owns that finding, and reports group the other rules under the cause.
   */
  cause?: Cause;
  /** A fail or warn whose rule named the offending part of the answer: where it is, shown; its exchange is first. */
  at?: FindingAt;
}

/**
 * Why rules were not evaluated, the same for each of them: an operation the target does not serve, or a shared
 * setup that failed ("precondition valid Rekey failed"), and the rule that owns that finding (if a document
 * requires it); or (`blocked`) a state of the target that prevented
 * evaluation, e.g. "configuration lock held by another session".
 */
export interface Cause {
  what: string;
  owner?: string;
  /** The target's state, not an operation it lacks: nobody's finding; the headline names it first. */
  blocked?: true;
}

/** A change a run made to a device and could not undo. Reported loudly: the device is not as it was. */
export interface Residue {
  target: string;
  /**
   * The rule that made the change, "(connection)" for the session itself, or "(earlier run)" for what an earlier
   * run left (found at connect by the name the harness gives its scratch objects).
   */
  rule: string;
  /** What was changed, as the rule named it when it registered the undo. */
  what: string;
  /** Where: the target's base URL. */
  where: string;
  /** Why it could not be undone: the last error of the undo. */
  why: string;
}

export interface RunTargetOptions {
  api: AnyApi;
  target: Target;
  rules: readonly AnyRule[];
  redactor: Redactor;
  expectations?: Expectations;
  onResult?: (result: RuleResult) => void;
  /** Every change that could not be undone. */
  onResidue?: (residue: Residue) => void;
  /** A capability the target lacks, once per capability with the probe's reason: the target's headline. */
  onAbsent?: (capability: string, reason: string) => void;
  /** After connecting: the credentials problem, when the target rejected the main account. */
  onConnect?: (info: { authFailure?: string }) => void;
  /** Aborted on Ctrl-C: the current rule's cleanups run, the rest are reported as not run. */
  signal?: AbortSignal;
  /**
   * Asked before connecting and before each rule: a reason (e.g. "not run: --max-failures 3 reached") makes the
   * rules not yet started `skip` with it, without stopping the running ones (their cleanups run as usual).
   */
  notRun?: () => string | undefined;
  /** Recording (`run --record`) and replaying (`certconform replay`) hooks of the target's HTTP client. */
  client?: ClientHooks;
  /**
   * After connecting, ask the suite what earlier runs left on the device (`Connection.earlierResidue`, read-only)
   * and report each as residue of rule "(earlier run)". Off where the device cannot hold an earlier run's objects
   * (a mock started for this run) or another run of this one may be working on it (a second shard).
   */
  earlierResidue?: boolean;
}

interface Outcome {
  status: Status;
  message?: string;
  reason?: string;
  cause?: Cause;
  /** Where a fail or warn is in the answer (the rule's Violation named it). */
  where?: ViolationAt;
}

interface Shared {
  promise: Promise<unknown>;
  evidence: Evidence[];
}

/** Why a rule that must change something skips on a read-only capture (`capture: true`, `mock --from-mockup`). */
const CAPTURE_REASON =
  'the target is a read-only capture of a device (profile `capture: true`): it cannot run';

/** The rule scope of connecting and closing the session. */
const CONNECTION = '(connection)';

const EARLIER_RUN_WHY = `left by an earlier run of certconform (stopped before its cleanup): \`${CLEANUP_COMMAND}\` lists it, with --yes removes it`;

/**
 * What earlier runs left, as far as the suite can tell with reads. A listing that could not be completed
 * (transport trouble, an unusable answer) reports nothing: the rules meet the trouble themselves, and a scratch
 * object in their way is their error ("already on the device").
 */
async function listEarlierResidue(connection: Connection<unknown, string>): Promise<FoundResidue[]> {
  try {
    return (await connection.earlierResidue?.({})) ?? [];
  } catch {
    return [];
  }
}

const prepared = new WeakMap<AnyApi, Promise<void>>();

/** An API's once-per-run preparation (schema compilation and the like), shared by all its targets. */
export function prepareApi(api: AnyApi): Promise<void> {
  let p = prepared.get(api);
  if (!p) {
    p = Promise.resolve(api.prepare?.());
    prepared.set(api, p);
  }
  return p;
}

/** The HTTP client of a target: its base URL, TLS, proxy, headers and request timeout (read-only for a capture). */
export function targetClient(target: Target, redactor: Redactor): HttpClient {
  return new HttpClient({
    baseUrl: target.baseUrl,
    tls: target.tls,
    ...(target.proxy ? { proxy: target.proxy } : {}),
    ...(target.headers ? { headers: target.headers } : {}),
    timeoutMs: target.timeouts.requestMs,
    redactor,
    ...(target.capture ? { readOnly: CAPTURE_REASON } : {}),
  });
}

export async function runTarget(opts: RunTargetOptions): Promise<RuleResult[]> {
  const { api, target, redactor } = opts;
  await prepareApi(api);
  const http = targetClient(target, redactor);
  const results: RuleResult[] = [];
  const report = (r: RuleResult) => {
    const final = applyExpectation(r, opts.expectations);
    results.push(final);
    opts.onResult?.(final);
  };

  const before = opts.notRun?.();
  if (before) {
    for (const rule of opts.rules)
      report(base(target, rule, { status: 'skip', reason: before, durationMs: 0, evidence: [] }));
    http.close();
    return results;
  }

  let connection: Connection<unknown, string>;
  const connectEvidence: Evidence[] = [];
  try {
    connection = await withRule(
      target.name,
      CONNECTION,
      () => recordEvidence(connectEvidence, () => api.connect({ target, redactor, http })),
      opts.client,
    );
    opts.onConnect?.(connection.authFailure ? { authFailure: redactor.text(connection.authFailure) } : {});
    if (opts.earlierResidue && connection.earlierResidue && !connection.authFailure) {
      const found = await withRule(
        target.name,
        CONNECTION,
        () => recordEvidence(connectEvidence, () => listEarlierResidue(connection)),
        opts.client,
      );
      for (const f of found)
        opts.onResidue?.({
          target: target.name,
          rule: EARLIER_RUN,
          what: redactor.text(f.what),
          where: target.baseUrl,
          why: redactor.text(f.why ?? EARLIER_RUN_WHY),
        });
    }
  } catch (err) {
    const message = `cannot connect to ${target.baseUrl}: ${describeError(err)}`;
    for (const rule of opts.rules) {
      report(base(target, rule, { status: 'error', message, durationMs: 0, evidence: connectEvidence }));
    }
    http.close();
    return results;
  }

  const shared = new Map<string, Shared>();
  const lock = new RuleLock();
  // Each absent capability is the target's headline once, however many rules needed it.
  const absent = new Set<string>();
  const onAbsent = (cap: string, reason: string) => {
    if (!absent.has(cap)) opts.onAbsent?.(cap, reason);
    absent.add(cap);
  };
  const budget: UndoBudget = { leftMs: Math.min(UNDO_BUDGET_MS, target.timeouts.ruleMs) };
  try {
    const queue = [...opts.rules];
    const workers = Array.from({ length: Math.max(1, target.concurrency) }, async () => {
      for (let rule = queue.shift(); rule; rule = queue.shift()) {
        // Rules that touch shared device state run alone; read-only ones may overlap (concurrency > 1).
        const release = await lock.acquire(!rule.parallelSafe);
        try {
          const notRun = opts.signal?.aborted ? 'not run: the run was interrupted' : opts.notRun?.();
          if (notRun) {
            report(base(target, rule, { status: 'skip', reason: notRun, durationMs: 0, evidence: [] }));
            continue;
          }
          report(
            await withRule(
              target.name,
              rule.id,
              () => runRule(rule, connection, shared, budget, { ...opts, onAbsent }),
              opts.client,
            ),
          );
        } finally {
          release();
        }
      }
    });
    await Promise.all(workers);
  } finally {
    const closing: Evidence[] = [];
    const why = await withRule(
      target.name,
      CONNECTION,
      () => undo(() => recordEvidence(closing, () => connection.close()), target, budget),
      opts.client,
    );
    if (why)
      opts.onResidue?.({
        target: target.name,
        rule: '(connection)',
        what: 'close the connection (log out, release what the session holds)',
        where: target.baseUrl,
        why: redactor.text(why),
      });
    http.close();
  }
  return results;
}

/**
 * The time one target's undos may spend retrying, all together (and never more than one rule's limit): a device
 * that died mid-run is recognised once, not once per rule (each later undo then gets a single attempt).
 */
export const UNDO_BUDGET_MS = 30_000;

interface UndoBudget {
  leftMs: number;
}

/**
 * Runs an undo until it succeeds, with backoff, within the target's remaining undo budget (and never longer than
 * the rule's own limit). Returns the last error when it never succeeded (the change is then residue), or undefined.
 */
async function undo(
  fn: () => Promise<void> | void,
  target: Target,
  budget: UndoBudget,
): Promise<string | undefined> {
  const started = Date.now();
  const limitMs = Math.min(budget.leftMs, target.timeouts.ruleMs);
  let last: string | undefined;
  try {
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        await fn();
        return undefined;
      } catch (err) {
        last = describeError(err);
        if (err instanceof UndoImpossible) break;
        const wait = 150 * 3 ** attempt;
        if (Date.now() - started + wait > limitMs) break;
        await sleep(wait);
      }
    }
    return last;
  } finally {
    // Only the time spent on failed attempts counts: a healthy device's undos cost nothing of the budget.
    if (last !== undefined) budget.leftMs = Math.max(0, budget.leftMs - (Date.now() - started));
  }
}

/** A readers-writer lock granted in request order: exclusive rules run alone, parallel-safe ones together. */
class RuleLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  acquire(exclusive: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({
        exclusive,
        grant: () =>
          resolve(() => {
            if (exclusive) this.writer = false;
            else this.readers--;
            this.pump();
          }),
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length) {
      const next = this.waiting[0]!;
      const free = next.exclusive ? !this.writer && this.readers === 0 : !this.writer;
      if (!free) return;
      this.waiting.shift();
      if (next.exclusive) this.writer = true;
      else this.readers++;
      next.grant();
    }
  }
}

async function runRule(
  rule: AnyRule,
  connection: Connection<unknown, string>,
  shared: Map<string, Shared>,
  budget: UndoBudget,
  opts: RunTargetOptions,
): Promise<RuleResult> {
  const { target, redactor } = opts;
  const started = Date.now();
  const evidence: Evidence[] = [];
  const notes: string[] = [];
  const cleanups: Array<{ what: string; fn: () => Promise<void> | void }> = [];
  const copied = new Set<Evidence>();

  const t: RuleRun<unknown> = {
    ctx: connection.ctx,
    target,
    ruleId: rule.id,
    secret: (v) => redactor.add(v),
    cleanup: (what, fn) => cleanups.push({ what, fn }),
    note: (text) => notes.push(text),
    async setup<T>(name: string, fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (err) {
        throw asPrecondition(name, err);
      }
    },
    async shared<T>(
      key: string,
      fn: () => Promise<T>,
      sharedOpts?: { owner?: string; retryAfterFailure?: boolean },
    ): Promise<T> {
      let entry = shared.get(key);
      if (!entry) {
        const sink: Evidence[] = [];
        entry = { promise: recordEvidence(sink, fn), evidence: sink };
        shared.set(key, entry);
      }
      try {
        return (await entry.promise) as T;
      } catch (err) {
        // The rules waiting on this attempt share its failure; the next rule to ask makes a new one.
        if (sharedOpts?.retryAfterFailure && shared.get(key) === entry) shared.delete(key);
        // Only the rule whose requirement the setup is may fail by it; for every other rule it is a precondition.
        if (sharedOpts?.owner === rule.id) throw err;
        throw asPrecondition(key, err, sharedOpts?.owner);
      } finally {
        // Marked, so reports list them after the rule's own; once, however often the rule asks for the setup.
        for (const e of entry.evidence) {
          e.shared = true;
          if (!copied.has(e)) evidence.push(e);
          copied.add(e);
        }
      }
    },
  };

  const finish = (status: Status, fields: Partial<RuleResult>): RuleResult =>
    base(target, rule, {
      status,
      durationMs: Date.now() - started,
      evidence,
      ...(notes.length ? { notes } : {}),
      ...fields,
    });

  const gate = await recordEvidence(evidence, () => gateRule(rule, connection, t, opts.onAbsent));
  if (gate) return finish(gate.status, gate);

  let outcome: Outcome;
  const checking = recordEvidence(evidence, () => rule.check(t));
  try {
    await withDeadline(checking, target.timeouts.ruleMs, opts.signal);
    outcome = { status: 'pass' };
  } catch (err) {
    outcome = classify(rule, err, evidence);
    if (err instanceof DeadlineError) {
      // The check may still have a request in flight (a lock being taken): let it land before undoing, so
      // the undo does not run first and leave what the request then creates.
      await Promise.race([
        checking.catch(() => undefined),
        sleep(target.timeouts.requestMs, undefined, { ref: false }),
      ]);
    }
  }

  // Cleanups run whatever happened, last registered first, retried; what cannot be undone is residue.
  for (const { what, fn } of cleanups.reverse()) {
    const why = await undo(() => recordEvidence(evidence, async () => fn()), target, budget);
    if (why === undefined) continue;
    opts.onResidue?.({
      target: target.name,
      rule: rule.id,
      what,
      where: target.baseUrl,
      why: redactor.text(why),
    });
    const cause = `could not undo "${what}": ${why}`;
    // A target left unrestored is worth an error even when the rule itself passed or did not apply.
    outcome =
      outcome.status === 'pass' || outcome.status === 'skip'
        ? { status: 'error', message: cause }
        : { ...outcome, message: [outcome.message, cause].filter(Boolean).join('; ') };
  }
  // A finding shows the offending part first, then the exchange that holds it; shared discovery comes last.
  const where = outcome.status === 'fail' || outcome.status === 'warn' ? outcome.where : undefined;
  const holder = where && (where.exchange ?? exchangeOf(where.body));
  evidence.splice(0, evidence.length, ...orderEvidence(evidence, holder));
  return finish(outcome.status, {
    ...(outcome.message ? { message: redactor.text(outcome.message) } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.cause && outcome.status === 'error' ? { cause: outcome.cause } : {}),
    ...(where ? { at: resultAt(where, holder ? 0 : undefined, redactor) } : {}),
  });
}

/** A violation's place as a result carries it: masked, shown (pretty-printed), with its exchange's index. */
function resultAt(where: ViolationAt, exchange: number | undefined, redactor: Redactor): FindingAt {
  return {
    ...findingAt(where, (text) => redactor.text(text)),
    ...(exchange !== undefined ? { exchange } : {}),
  };
}

/** Whether the rule runs at all: a skip (vendor, destructive, capability) or an error before it starts. */
async function gateRule(
  rule: AnyRule,
  connection: Connection<unknown, string>,
  t: RuleRun<unknown>,
  onAbsent?: (capability: string, reason: string) => void,
): Promise<Outcome | undefined> {
  const { target } = t;
  if (rule.vendor && rule.vendor !== target.vendor) {
    return {
      status: 'skip',
      reason: `vendor rule for "${rule.vendor}"; this target's vendor is "${target.vendor}"`,
    };
  }
  const notAllowed: Outcome | undefined =
    rule.destructive && !target.allowDestructive
      ? {
          status: 'skip',
          reason:
            'destructive rule; the profile does not allow destructive rules (allowDestructive / --allow-destructive)',
        }
      : undefined;
  if (connection.authFailure && rule.auth !== 'none')
    return notAllowed ?? { status: 'error', message: connection.authFailure };
  // Capabilities first, also for a destructive rule that will not run: what the target lacks is its headline in a
  // read-only run too (probes only read).
  for (const cap of rule.requires ?? []) {
    try {
      const has = await connection.capability(cap, t);
      if (has !== true) {
        onAbsent?.(cap, has);
        return { status: 'skip', reason: `target lacks capability "${cap}": ${has}` };
      }
    } catch (err) {
      // The rule would not run anyway: a probe that could not be answered changes nothing for it.
      if (notAllowed) return notAllowed;
      // A probe that could not be answered says nothing about the device: not a skip, which would hide the rule.
      if (err instanceof NotApplicable) return { status: 'skip', reason: err.message };
      const outcome = classify(rule, asPrecondition(`capability "${cap}"`, err), []);
      return { ...outcome, message: `could not determine capability "${cap}": ${outcome.message ?? ''}` };
    }
  }
  if (notAllowed) return notAllowed;
  return undefined;
}

/** A failure inside a setup is not the device failing the rule that needed it. */
function asPrecondition(name: string, err: unknown, owner?: string): unknown {
  if (!(err instanceof Violation)) return err;
  const by = owner ? ` (the requirement of ${owner})` : '';
  return new PreconditionFailed(
    `precondition ${name} failed${by}: ${err.message}`,
    owner ? { what: `precondition ${name} failed`, owner } : undefined,
  );
}

function classify(rule: AnyRule, err: unknown, evidence: readonly Evidence[]): Outcome {
  if (err instanceof Violation) {
    // A 5xx means the target could not process a request: the requirement was not evaluated.
    const serverError = rule.judgesServerErrors
      ? undefined
      : evidence.find((e) => e.status !== null && e.status >= 500 && !e.superseded);
    if (serverError) {
      return {
        status: 'error',
        message: `not evaluated: ${serverError.method} ${serverError.url} answered ${serverError.status} (a server error); the check then said: ${err.message}`,
        ...(serverError.status === 503 ? { cause: BUSY } : {}),
      };
    }
    return {
      status: rule.level === 'SHOULD' ? 'warn' : 'fail',
      message: err.message,
      ...(err.at ? { where: err.at } : {}),
    };
  }
  if (err instanceof NotApplicable) return { status: 'skip', reason: err.message };
  if (err instanceof NotServed) {
    // One cause, one finding: the operation not being served is the owner's finding, and nobody else's.
    if (err.owner === rule.id)
      return { status: rule.level === 'SHOULD' ? 'warn' : 'fail', message: err.message };
    const by = err.owner ? ` (the finding of ${err.owner})` : '';
    return {
      status: 'error',
      message: `not evaluated: ${err.message}${by}`,
      cause: { what: err.what, ...(err.owner ? { owner: err.owner } : {}) },
    };
  }
  if (err instanceof Blocked)
    return {
      status: 'error',
      message: `not evaluated: ${err.message}`,
      cause: { what: err.what, blocked: true },
    };
  if (err instanceof TransportError) return { status: 'error', message: `transport: ${err.message}` };
  if (err instanceof BrokenAnswer) {
    // An unusable helper answer that is the device saying it is busy (503, after the client's bounded retries).
    const last = evidence.filter((e) => !e.superseded).at(-1);
    return {
      status: 'error',
      message: `unusable answer: ${err.message}`,
      ...(last?.status === 503 ? { cause: BUSY } : {}),
    };
  }
  // One cause, one finding: a shared setup whose requirement is another rule's leaves this one not evaluated.
  if (err instanceof PreconditionFailed)
    return { status: 'error', message: err.message, ...(err.failed ? { cause: err.failed } : {}) };
  if (err instanceof CredentialsRejected) return { status: 'error', message: err.message };
  if (err instanceof DeadlineError) return { status: 'error', message: err.message };
  if (err instanceof Inconclusive) return { status: 'error', message: `inconclusive: ${err.message}` };
  const e = err as Error;
  const where = e?.stack?.split('\n')[1]?.trim();
  return {
    status: 'error',
    message: `harness error: ${e?.name ?? 'Error'}: ${describeError(err)}${where ? ` (${where})` : ''}`,
  };
}

/**
 * A 503 that outlasted the client's bounded Retry-After retries: "the service is currently unable to handle the
 * request due to temporary overloading or maintenance" (RFC 9110 §15.6.4; DSP0266 "Status codes"). A state of the
 * device, not a finding (rules whose requirement is a refusal status judge it themselves: `judgesServerErrors`).
 */
const BUSY: Cause = { what: 'target busy (503 Service Unavailable)', blocked: true };

class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineError(`rule did not finish within ${ms} ms`)), ms);
    const onAbort = () => reject(new DeadlineError('interrupted while running'));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

function applyExpectation(r: RuleResult, expectations?: Expectations): RuleResult {
  const comment = expectations?.get(r.rule);
  if (comment === undefined) return r;
  if (r.status === 'fail' || r.status === 'warn') return { ...r, status: 'xfail', reason: comment };
  if (r.status === 'pass') {
    return {
      ...r,
      status: 'xpass',
      reason: comment,
      message: 'listed as a known deviation but now passes: remove it from the expectations file',
    };
  }
  return r;
}

function base(
  target: Target,
  rule: AnyRule,
  fields: Omit<RuleResult, 'target' | 'rule' | 'title' | 'level'>,
): RuleResult {
  return { target: target.name, rule: rule.id, title: rule.title, level: rule.level, ...fields };
}
