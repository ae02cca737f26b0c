import { HttpClient } from '../http/client.ts';
import { recordEvidence, type Evidence } from '../http/evidence.ts';
import type { Redactor } from '../http/redact.ts';
import type { AnyApi, AnyRule, Connection, RuleRun, Target } from './api.ts';
import { Inconclusive, NotApplicable, TransportError, Violation, describeError } from './errors.ts';
import type { Expectations } from './expectations.ts';
import type { Level, Status } from './outcome.ts';

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
}

export interface RunTargetOptions {
  api: AnyApi;
  target: Target;
  rules: readonly AnyRule[];
  redactor: Redactor;
  expectations?: Expectations;
  onResult?: (result: RuleResult) => void;
  /** Aborted on Ctrl-C: the current rule's cleanups run, the rest are reported as not run. */
  signal?: AbortSignal;
}

interface Outcome {
  status: Status;
  message?: string;
  reason?: string;
}

interface Shared {
  promise: Promise<unknown>;
  evidence: Evidence[];
}

export async function runTarget(opts: RunTargetOptions): Promise<RuleResult[]> {
  const { api, target, redactor } = opts;
  const http = new HttpClient({
    baseUrl: target.baseUrl,
    tls: target.tls,
    timeoutMs: target.timeouts.requestMs,
    redactor,
  });
  const results: RuleResult[] = [];
  const report = (r: RuleResult) => {
    const final = applyExpectation(r, opts.expectations);
    results.push(final);
    opts.onResult?.(final);
  };

  let connection: Connection<unknown, string>;
  const connectEvidence: Evidence[] = [];
  try {
    connection = await recordEvidence(connectEvidence, () => api.connect({ target, redactor, http }));
  } catch (err) {
    const message = `cannot connect to ${target.baseUrl}: ${describeError(err)}`;
    for (const rule of opts.rules) {
      report(base(target, rule, { status: 'error', message, durationMs: 0, evidence: connectEvidence }));
    }
    http.close();
    return results;
  }

  const shared = new Map<string, Shared>();
  try {
    const queue = [...opts.rules];
    const workers = Array.from({ length: Math.max(1, target.concurrency) }, async () => {
      for (let rule = queue.shift(); rule; rule = queue.shift()) {
        if (opts.signal?.aborted) {
          report(
            base(target, rule, {
              status: 'skip',
              reason: 'not run: the run was interrupted',
              durationMs: 0,
              evidence: [],
            }),
          );
          continue;
        }
        report(await runRule(rule, connection, shared, opts));
      }
    });
    await Promise.all(workers);
  } finally {
    await connection.close().catch(() => undefined);
    http.close();
  }
  return results;
}

async function runRule(
  rule: AnyRule,
  connection: Connection<unknown, string>,
  shared: Map<string, Shared>,
  opts: RunTargetOptions,
): Promise<RuleResult> {
  const { target, redactor } = opts;
  const started = Date.now();
  const evidence: Evidence[] = [];
  const notes: string[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  const t: RuleRun<unknown> = {
    ctx: connection.ctx,
    target,
    ruleId: rule.id,
    secret: (v) => redactor.add(v),
    cleanup: (fn) => cleanups.push(fn),
    note: (text) => notes.push(text),
    async shared<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let entry = shared.get(key);
      if (!entry) {
        const sink: Evidence[] = [];
        entry = { promise: recordEvidence(sink, fn), evidence: sink };
        shared.set(key, entry);
      }
      try {
        return (await entry.promise) as T;
      } finally {
        evidence.push(...entry.evidence);
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

  const skipReason = await recordEvidence(evidence, () => whySkip(rule, connection, t));
  if (skipReason) return finish('skip', { reason: skipReason });

  let outcome: Outcome;
  try {
    await recordEvidence(evidence, () => withDeadline(rule.check(t), target.timeouts.ruleMs, opts.signal));
    outcome = { status: 'pass' };
  } catch (err) {
    outcome = classify(rule, err);
  }

  // Cleanups run whatever happened, last registered first; a failing cleanup is never hidden.
  for (const fn of cleanups.reverse()) {
    try {
      await recordEvidence(evidence, async () => fn());
    } catch (err) {
      const cause = `cleanup failed: ${describeError(err)}`;
      // A target left unrestored is worth an error even when the rule itself passed or did not apply.
      outcome =
        outcome.status === 'pass' || outcome.status === 'skip'
          ? { status: 'error', message: cause }
          : { ...outcome, message: [outcome.message, cause].filter(Boolean).join('; ') };
    }
  }
  return finish(outcome.status, {
    ...(outcome.message ? { message: redactor.text(outcome.message) } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  });
}

async function whySkip(
  rule: AnyRule,
  connection: Connection<unknown, string>,
  t: RuleRun<unknown>,
): Promise<string | undefined> {
  const { target } = t;
  if (rule.vendor && rule.vendor !== target.vendor) {
    return `vendor rule for "${rule.vendor}"; this target's vendor is "${target.vendor}"`;
  }
  if (rule.destructive && !target.allowDestructive) {
    return 'destructive rule; the profile does not allow destructive rules (allowDestructive / --allow-destructive)';
  }
  for (const cap of rule.requires ?? []) {
    try {
      const has = await connection.capability(cap, t);
      if (has !== true) return `target lacks capability "${cap}": ${has}`;
    } catch (err) {
      return `could not determine capability "${cap}": ${describeError(err)}`;
    }
  }
  return undefined;
}

function classify(rule: AnyRule, err: unknown): Outcome {
  if (err instanceof Violation)
    return { status: rule.level === 'SHOULD' ? 'warn' : 'fail', message: err.message };
  if (err instanceof NotApplicable) return { status: 'skip', reason: err.message };
  if (err instanceof TransportError) return { status: 'error', message: `transport: ${err.message}` };
  if (err instanceof DeadlineError) return { status: 'error', message: err.message };
  if (err instanceof Inconclusive) return { status: 'error', message: `inconclusive: ${err.message}` };
  const e = err as Error;
  const where = e?.stack?.split('\n')[1]?.trim();
  return {
    status: 'error',
    message: `harness error: ${e?.name ?? 'Error'}: ${describeError(err)}${where ? ` (${where})` : ''}`,
  };
}

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
