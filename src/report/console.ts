import type { Target } from '../core/api.ts';
import type { RuleResult } from '../core/engine.ts';
import { STATUSES, summarize, type Status } from '../core/outcome.ts';
import type { RunRecord } from './run.ts';

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
      this.write(`  ${LABEL[r.status]} ${r.rule.padEnd(13)} ${r.title} (credentials rejected)`);
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
    this.write('', `Reports: ${outDir} (results.json, junit.xml, summary.md, allure-results/)`);
    if (run.incomplete) this.write(`INCOMPLETE: ${run.incomplete}`);
    // Residue comes last, where a person looks when the run ends.
    if (run.residue.length) {
      this.write(
        '',
        `RESIDUE: ${run.residue.length} change(s) could not be undone; the device is not as it was:`,
      );
      for (const r of run.residue) this.write(`  ${r.target}: ${r.what} (${r.rule}, ${r.where}): ${r.why}`);
    }
  }
}
