/**
 * `certconform plan` and `run --dry-run`: per target, the rules that would run, those that would skip and why (as
 * far as that is known without a request: vendor, destructive rules not allowed, excluded, a read-only capture),
 * the capabilities decided at run time, and the destructive rules with what each changes. It loads and checks
 * the profiles like a run and never starts a mock or contacts a target.
 */
import { APIS } from '../suites/index.ts';
import type { AnyApi, AnyRule } from './core/api.ts';
import { Redactor } from './http/redact.ts';
import { shardRules, shardTargets } from './fleet/shard.ts';
import { checkRulePattern, ruleMatchers } from './preflight.ts';
import { planRun, type RunOptions } from './run.ts';

export interface PlannedRule {
  id: string;
  title: string;
  level: string;
  plan: 'run' | 'skip';
  /** Why it would skip. */
  reason?: string;
  destructive?: true;
  /** What a destructive rule changes on the target. */
  changes?: string;
  /** Capabilities probed at run time: the rule skips when the target lacks one. */
  requires?: string[];
}

export interface TargetPlan {
  name: string;
  api: string;
  /** The base URL, or what will be started ("bundled mock, variant ami"). */
  where: string;
  vendor: string;
  allowDestructive: boolean;
  capture?: true;
  rules: PlannedRule[];
}

/** Why a rule of a read-only capture that changes the target would skip (the HTTP client refuses its writes). */
const CAPTURE =
  'the target is a read-only capture (capture: true): a rule that changes the target cannot run';
const DESTRUCTIVE =
  'destructive rule; the profile does not allow destructive rules (allowDestructive / --allow-destructive)';

/** The plan of a run with these options. Throws the same UsageErrors a run would, before it starts anything. */
export function planOf(opts: RunOptions): TargetPlan[] {
  for (const r of [...(opts.rules ?? []), ...(opts.exclude ?? [])]) checkRulePattern(r);
  const apis = opts.apis ?? APIS;
  const { planned } = planRun(opts, apis, new Redactor());
  const mine = opts.shard && planned.length > 1 ? shardTargets(planned, opts.shard) : planned;
  const ruleShard = opts.shard && planned.length === 1 ? opts.shard : undefined;
  const { keep, drop } = ruleMatchers(opts.rules, opts.exclude);
  return mine.map((p) => {
    const api: AnyApi = p.api;
    const variant = p.mock?.variant;
    const profile = p.mock?.loaded?.profile;
    const vendor =
      p.target?.vendor ??
      (api.variants as Record<string, { vendor: string }>)[variant ?? api.defaultVariant]?.vendor ??
      'generic';
    const allowDestructive =
      opts.allowDestructive === true ||
      (p.target ? p.target.allowDestructive : (profile?.allowDestructive ?? true));
    const capture = p.target?.capture === true;
    // As the run deals them: the selected rules, then this shard's share of them.
    const selected = api.rules.filter((r) => keep(r.id) && !drop(r.id));
    const inShard = new Set((ruleShard ? shardRules(selected, ruleShard) : selected).map((r) => r.id));
    const rules = api.rules.map((rule: AnyRule): PlannedRule => {
      const skip = (reason: string): PlannedRule => ({ ...describe(rule), plan: 'skip', reason });
      if (!keep(rule.id) || drop(rule.id)) return skip('excluded (--rule / --exclude)');
      if (!inShard.has(rule.id))
        return skip(`in another shard (--shard ${ruleShard!.index}/${ruleShard!.count})`);
      if (rule.vendor && rule.vendor !== vendor)
        return skip(`vendor rule for "${rule.vendor}"; this target's vendor is "${vendor}"`);
      if (rule.destructive && !allowDestructive) return skip(DESTRUCTIVE);
      if (rule.destructive && capture) return skip(CAPTURE);
      return { ...describe(rule), plan: 'run' };
    });
    return {
      name: p.name,
      api: api.id,
      where: p.target
        ? p.target.baseUrl
        : `bundled mock, variant ${variant} (started when the run reaches it)`,
      vendor,
      allowDestructive,
      ...(capture ? { capture: true as const } : {}),
      rules,
    };
  });
}

function describe(rule: AnyRule): Omit<PlannedRule, 'plan'> {
  return {
    id: rule.id,
    title: rule.title,
    level: rule.level,
    ...(rule.destructive
      ? {
          destructive: true as const,
          // The rules carry no description of their change beyond their title.
          changes: `changes the target (destructive): ${rule.title.replace(/\.$/, '')}`,
        }
      : {}),
    ...(rule.requires?.length ? { requires: [...rule.requires] } : {}),
  };
}

/** The plan for people: one block per target, one line per rule, then the destructive rules and what they change. */
export function planText(plans: TargetPlan[]): string[] {
  const lines = [
    'Plan: nothing is sent to any target; rules that need a capability are decided by a probe at run time.',
  ];
  for (const t of plans) {
    const run = t.rules.filter((r) => r.plan === 'run');
    const changing = run.filter((r) => r.destructive);
    lines.push(
      '',
      `${t.api} · ${t.name} (${t.where}, vendor ${t.vendor}${t.capture ? ', read-only capture' : ''})`,
      `  ${t.rules.length} rules: ${run.length} would run, ${t.rules.length - run.length} would skip; ${changing.length} of those that run change the target${t.allowDestructive ? '' : ' (destructive rules are not allowed)'}`,
    );
    for (const r of t.rules) {
      const tags = [r.destructive ? 'destructive' : '', r.requires ? `needs ${r.requires.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      lines.push(
        `  ${r.plan === 'run' ? 'run ' : 'skip'}  ${r.id.padEnd(13)} ${r.level.padEnd(6)} ${r.title}${tags ? ` [${tags}]` : ''}`,
      );
      if (r.reason) lines.push(`        → ${r.reason}`);
    }
    if (changing.length) {
      lines.push(
        '  Changes to the target (each rule registers the undo before it changes anything: restored or deleted after the rule, whatever its outcome; what cannot be undone is reported as residue):',
      );
      for (const r of changing) lines.push(`    ${r.id.padEnd(13)} ${r.changes}`);
    }
    const needs = new Map<string, number>();
    for (const r of run) for (const c of r.requires ?? []) needs.set(c, (needs.get(c) ?? 0) + 1);
    if (needs.size)
      lines.push(
        `  Decided at run time (skip when the target lacks it): ${[...needs].map(([c, n]) => `${c} (${n} rule${n === 1 ? '' : 's'})`).join(', ')}`,
      );
  }
  return lines;
}
