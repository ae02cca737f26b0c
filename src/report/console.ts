import type { Target } from '../core/api.ts';
import type { RuleResult } from '../core/engine.ts';
import { CLEANUP_COMMAND, EARLIER_RUN } from '../core/scratch.ts';
import { STATUSES, summarize, type Status } from '../core/outcome.ts';
import { absentHeadlines, causeLine, errorCauses, type RunRecord, type TargetInfo } from './run.ts';

const LABEL: Record<Status, string> = {
  pass: 'pass ',
  fail: 'FAIL ',
  warn: 'warn ',
  skip: 'skip ',
  error: 'ERROR',
  xfail: 'xfail',
  xpass: 'XPASS',
};

/** Rule-by-rule progress for a person watching the run; repeated identical errors are folded into one line. */
export class ConsoleProgress {
  private lastError?: string;
  private folded = 0;
  private authFailure?: string;

  constructor(private readonly write: (...lines: string[]) => void) {}

  target(t: Target): void {
    this.flush();
    this.authFailure = undefined;
    this.write(`\n${t.api} · ${t.name} (${t.baseUrl}, vendor ${t.vendor})`);
  }

  /** Said once per target; the rules it stops then show only their status. */
  connected(info: { authFailure?: string }): void {
    this.authFailure = info.authFailure;
    if (info.authFailure)
      this.write(`  ERROR ${info.authFailure}; the rules that need these credentials cannot be evaluated`);
  }

  result(r: RuleResult): void {
    if (r.status === 'error' && this.authFailure && r.message === this.authFailure) {
      this.flush();
      // The line above says why (rejected, or not checkable: a proxy, a timeout …); "rejected" may not be true.
      this.write(`  ${LABEL[r.status]} ${r.rule.padEnd(13)} ${r.title} (needs the credentials: see above)`);
      return;
    }
    if (r.status === 'error' && r.message && r.message === this.lastError) {
      this.folded++;
      return;
    }
    this.flush();
    this.lastError = r.status === 'error' ? r.message : undefined;
    this.write(`  ${LABEL[r.status]} ${r.rule.padEnd(13)} ${r.title} (${r.durationMs} ms)`);
    const why = r.status === 'skip' ? r.reason : r.message;
    if (why && r.status !== 'pass') this.write(`        → ${why}`);
  }

  /**
   * One line when a target is done: its counts and how long it took; then what the target does not offer and
   * the operations it does not serve (one line per cause, however many rules needed it).
   */
  finished(results: readonly RuleResult[], ms: number, info?: TargetInfo): void {
    this.flush();
    const s = summarize(results.map((r) => r.status));
    const counts = STATUSES.filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
    this.write(`  done: ${counts.join(', ') || 'no results'} (${(ms / 1000).toFixed(1)} s)`);
    for (const line of headlines(info, results)) this.write(`  ${line}`);
  }

  flush(): void {
    if (this.folded) this.write(`        (and ${this.folded} more rule(s) with the same error)`);
    this.folded = 0;
    this.lastError = undefined;
  }

  summary(run: RunRecord, outDir: string): void {
    this.flush();
    const nameWidth = Math.max(6, ...run.targets.map((t) => t.name.length));
    const head = ['target'.padEnd(nameWidth), 'api'.padEnd(10), ...STATUSES.map((s) => s.padStart(5))].join(
      ' ',
    );
    this.write('', head, '-'.repeat(head.length));
    for (const t of run.targets) {
      const s = summarize(run.results.filter((r) => r.target === t.name).map((r) => r.status));
      this.write(
        [t.name.padEnd(nameWidth), t.api.padEnd(10), ...STATUSES.map((k) => String(s[k]).padStart(5))].join(
          ' ',
        ),
      );
    }
    this.write(
      [
        `all`.padEnd(nameWidth),
        ''.padEnd(10),
        ...STATUSES.map((k) => String(run.summary[k]).padStart(5)),
      ].join(' '),
    );
    const causes = errorCauses(run.results);
    const blocked = causes.filter((g) => g.blocked).map((g) => `  ${g.target}: ${causeLine(g)}`);
    if (blocked.length) this.write('', "Not evaluated (the target's state):", ...blocked);
    const lines = run.targets.flatMap((t) =>
      [...absentHeadlines(t), ...causes.filter((g) => g.target === t.name && !g.blocked).map(causeLine)].map(
        (l) => `  ${t.name}: ${l}`,
      ),
    );
    if (lines.length) this.write('', 'Not offered / not served:', ...lines);
    this.write('', `Reports: ${outDir} (report.html, results.json, junit.xml, summary.md, allure-results/)`);
    if (run.incomplete) this.write(`INCOMPLETE: ${run.incomplete}`);
    // Residue comes last, where a person looks when the run ends.
    const mine = run.residue.filter((r) => r.rule !== EARLIER_RUN);
    const earlier = run.residue.filter((r) => r.rule === EARLIER_RUN);
    if (mine.length) {
      this.write('', `RESIDUE: ${mine.length} change(s) could not be undone; the device is not as it was:`);
      for (const r of mine) this.write(`  ${r.target}: ${r.what} (${r.rule}, ${r.where}): ${r.why}`);
    }
    if (earlier.length) {
      this.write(
        '',
        `RESIDUE OF AN EARLIER RUN: ${earlier.length} object(s) an earlier run left on the device (${CLEANUP_COMMAND} --yes removes them):`,
      );
      for (const r of earlier) this.write(`  ${r.target}: ${r.what} (${r.where})`);
    }
  }
}

/**
 * The progress of targets that run at once, printed in the run's order (one block per target, never two
 * interleaved): the first unfinished target prints as it goes; a later one is held until every target before
 * it is done, then printed whole, and goes on live from there.
 */
export class OrderedProgress {
  private readonly held: string[][];
  private readonly finished: boolean[];
  private head = 0;

  constructor(
    private readonly write: (...lines: string[]) => void,
    count: number,
  ) {
    this.held = Array.from({ length: count }, () => []);
    this.finished = Array.from({ length: count }, () => false);
  }

  /** The console progress of target `i`. */
  progress(i: number): ConsoleProgress {
    return new ConsoleProgress((...lines) => {
      if (i === this.head) this.write(...lines);
      else this.held[i]!.push(...lines);
    });
  }

  /** Target `i` is done: print the held blocks whose turn has come. */
  done(i: number): void {
    this.finished[i] = true;
    while (this.head < this.held.length && this.finished[this.head]) {
      this.head++;
      const next = this.held[this.head];
      if (next?.length) this.write(...next.splice(0));
    }
  }
}

/**
 * A target's headline lines: the states that blocked evaluation (a lock another session holds), capabilities it
 * lacks, then operations it does not serve.
 */
function headlines(info: TargetInfo | undefined, results: readonly RuleResult[]): string[] {
  const causes = errorCauses(results);
  return [
    ...causes.filter((g) => g.blocked).map(causeLine),
    ...(info ? absentHeadlines(info) : []),
    ...causes.filter((g) => !g.blocked).map(causeLine),
  ];
}
