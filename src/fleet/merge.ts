/**
 * `certconform merge DIR...`: the reports of several runs (CI shards, or runs of different targets) as one run.
 * Each DIR holds a results.json; the merged run has every target once, in profile order (shards of one run put
 * back in the order of its profiles, other runs in the order the DIRs name them), each target's results in its
 * API's catalog order, the residue of every run, and `incomplete` when any run was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIS } from '../../suites/index.ts';
import type { AnyApi } from '../core/api.ts';
import type { Residue, RuleResult } from '../core/engine.ts';
import { UsageError } from '../core/errors.ts';
import { summarize } from '../core/outcome.ts';
import type { Evidence } from '../http/evidence.ts';
import { Redactor } from '../http/redact.ts';
import { checkOutDir, defaultOutDir } from '../preflight.ts';
import type { RunRecord } from '../report/run.ts';
import { writeMergedReports } from '../report/write.ts';
import { TOOL } from '../tool.ts';

interface ResultsDoc {
  schemaVersion: number;
  startedAt: string;
  durationMs: number;
  incomplete?: string;
  residue: Residue[];
  targets: RunRecord['targets'];
  results: Array<
    Omit<RuleResult, 'message' | 'reason' | 'evidence'> & {
      message: string | null;
      reason: string | null;
      evidence: Array<Partial<Evidence> & { method: string; url: string; status: number | null }>;
    }
  >;
}

export interface MergeOptions {
  dirs: string[];
  out?: string;
  warnAsFailure?: boolean;
  apis?: Record<string, AnyApi>;
}

/** Reads one run's results.json (a usage error when it is missing or not one). */
function readRun(dir: string): ResultsDoc {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new UsageError(`merge: ${dir}: no results.json (not a report directory)`);
  let doc: ResultsDoc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as ResultsDoc;
  } catch (err) {
    throw new UsageError(`merge: ${file}: not JSON: ${(err as Error).message}`);
  }
  if (doc?.schemaVersion !== 1 || !Array.isArray(doc.results) || !Array.isArray(doc.targets))
    throw new UsageError(`merge: ${file}: not a certconform results.json (schemaVersion 1)`);
  return doc;
}

/** The merged run of `dirs` (nothing written). */
export function mergeRuns(dirs: string[], apis: Record<string, AnyApi> = APIS): RunRecord {
  if (dirs.length === 0) throw new UsageError('merge: name at least one report directory');
  const docs = dirs.map((d) => ({ dir: d, doc: readRun(d) }));
  const targets = new Map<string, RunRecord['targets'][number]>();
  const seen = new Map<string, string>();
  const results: RuleResult[] = [];
  const residue: Residue[] = [];
  const incomplete: string[] = [];
  let begin = Infinity;
  let end = -Infinity;
  for (const { dir, doc } of docs) {
    const t0 = Date.parse(doc.startedAt);
    begin = Math.min(begin, t0);
    end = Math.max(end, t0 + doc.durationMs);
    if (doc.incomplete) incomplete.push(`${dir}: ${doc.incomplete}`);
    for (const t of doc.targets) if (!targets.has(t.name)) targets.set(t.name, t);
    residue.push(...doc.residue);
    for (const r of doc.results) {
      const key = `${r.target}\u0000${r.rule}`;
      const other = seen.get(key);
      if (other)
        throw new UsageError(
          `merge: ${other} and ${dir} both have ${r.rule} on ${r.target}: merge runs of distinct shards`,
        );
      seen.set(key, dir);
      const { message, reason, evidence, ...rest } = r;
      results.push({
        ...rest,
        ...(message !== null ? { message } : {}),
        ...(reason !== null ? { reason } : {}),
        // results.json does not keep how long each exchange took.
        evidence: evidence as Evidence[],
      });
    }
  }
  // Per target, the catalog order of its API's rules.
  const order = new Map<string, number>();
  for (const api of Object.values(apis)) api.rules.forEach((r, i) => order.set(`${api.id}\u0000${r.id}`, i));
  const names = profileOrder([...targets.values()]);
  const rank = (r: RuleResult) => order.get(`${targets.get(r.target)?.api}\u0000${r.rule}`) ?? Infinity;
  const sorted = names.flatMap((n) =>
    results
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.target === n)
      .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
      .map(({ r }) => r),
  );
  const citations: RunRecord['citations'] = {};
  for (const api of Object.values(apis)) {
    for (const r of api.rules) {
      const src = (api.sources as Record<string, { title: string; url?: string }>)[r.cite.source];
      citations[r.id] = {
        source: src?.title ?? r.cite.source,
        section: r.cite.section,
        quote: r.cite.quote,
        url: src?.url,
      };
    }
  }
  return {
    tool: TOOL,
    startedAt: new Date(begin).toISOString(),
    durationMs: Math.max(0, end - begin),
    targets: names.map((n) => targets.get(n)!),
    summary: summarize(sorted.map((r) => r.status)),
    results: sorted,
    residue,
    citations,
    ...(incomplete.length ? { incomplete: incomplete.join('; ') } : {}),
  };
}

/**
 * The targets in profile order: the shards of one run (the same list of profiles) interleave their targets (shard
 * 1 of 3 ran targets 1, 4, 7): each target's place in that list puts them back. Targets of different lists (or
 * of reports written before places were kept) come in the order the DIRs name them, a list where its first
 * target comes.
 */
function profileOrder(targets: Array<RunRecord['targets'][number]>): string[] {
  const lists: string[] = [];
  const listOf = (t: RunRecord['targets'][number]) => t.order?.list ?? `\u0000${t.name}`;
  for (const t of targets) if (!lists.includes(listOf(t))) lists.push(listOf(t));
  return targets
    .map((t, i) => ({ t, i }))
    .sort(
      (a, b) =>
        lists.indexOf(listOf(a.t)) - lists.indexOf(listOf(b.t)) ||
        (a.t.order?.index ?? 0) - (b.t.order?.index ?? 0) ||
        a.i - b.i,
    )
    .map(({ t }) => t.name);
}

/** Merges `dirs` and writes the reports of the merged run into `out`. */
export function mergeCommand(opts: MergeOptions): { run: RunRecord; outDir: string } {
  const outDir = opts.out ?? defaultOutDir();
  checkOutDir(outDir, opts.out === undefined ? 'report directory' : '--out');
  const run = mergeRuns(opts.dirs, opts.apis);
  if (opts.warnAsFailure) run.reportOptions = { warnAsFailure: true };
  writeMergedReports(
    outDir,
    run,
    new Redactor(),
    opts.dirs.map((d) => join(d, 'allure-results')),
  );
  return { run, outDir };
}
