import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Redactor } from '../http/redact.ts';
import { writeAllure } from './allure.ts';
import { htmlReport } from './html.ts';
import { junitXml } from './junit.ts';
import { resultsJson } from './results-json.ts';
import type { RunRecord } from './run.ts';
import { summaryMarkdown } from './summary-md.ts';

export const REPORT_FILES = [
  'results.json',
  'junit.xml',
  'summary.md',
  'report.html',
  'allure-results',
] as const;

/**
 * Writes every report of the run into `dir`; each file's text passes through the redactor as the last step.
 * Every file is written atomically (a temporary file renamed over the old one), so a reader, or a disk that
 * fills up mid-write, never leaves half a file: the previous complete version stays until the new one is whole.
 */
export function writeReports(dir: string, run: RunRecord, redactor: Redactor): void {
  mkdirSync(dir, { recursive: true });
  writeFileReports(dir, run, redactor);
  writeDirAtomic(join(dir, 'allure-results'), (tmp) => writeAllure(tmp, run, redactor));
}

/** The four single-file reports (results.json, junit.xml, summary.md, report.html), rendered and masked. */
export function renderFileReports(raw: RunRecord, redactor: Redactor): Record<string, string> {
  // Masked before rendering too: a renderer's escaping (Markdown cells, HTML) must not hide a secret from the mask.
  const run = redactor.deep(raw);
  return {
    'results.json': redactor.text(resultsJson(run)),
    'junit.xml': redactor.text(junitXml(run, run.reportOptions)),
    'summary.md': redactor.text(summaryMarkdown(run)),
    'report.html': redactor.text(htmlReport(run)),
  };
}

/** The four single-file reports, each written atomically. */
function writeFileReports(dir: string, run: RunRecord, redactor: Redactor): void {
  for (const [name, text] of Object.entries(renderFileReports(run, redactor)))
    writeFileAtomic(join(dir, name), text);
}

/**
 * The reports of a merged run: the four files rendered from `run`, and allure-results/ as the union of the runs'
 * own Allure results (they carry every exchange, which results.json keeps only for findings).
 */
export function writeMergedReports(
  dir: string,
  run: RunRecord,
  redactor: Redactor,
  allureDirs: string[],
): void {
  mkdirSync(dir, { recursive: true });
  writeFileReports(dir, run, redactor);
  writeDirAtomic(join(dir, 'allure-results'), (tmp) => {
    writeAllure(tmp, { ...run, results: [] }, redactor);
    for (const from of allureDirs) {
      if (!existsSync(from)) continue;
      for (const f of readdirSync(from))
        if (f !== 'environment.properties') copyFileSync(join(from, f), join(tmp, f));
    }
  });
}

/**
 * The journal of a run: one JSON line per target as it starts and per rule as it ends, appended at once, so a run
 * killed without warning (SIGKILL, a CI timeout) still leaves every verdict it had reached. Kept after the run.
 */
export const JOURNAL_FILE = 'results.jsonl';

/** The progress file of a running run: one JSON line per finished target, removed once the reports are whole. */
export const PROGRESS_FILE = 'results.partial.jsonl';

/**
 * The reports of a run written as targets finish, at a cost that does not grow with the targets already done:
 * each finished target appends one line (its results as results.json has them) to the progress file and writes
 * its own Allure results into a staging folder; `finish` writes results.json, junit.xml, summary.md and
 * report.html once, and swaps the staging folder in as allure-results/ (the same files `writeReports` makes).
 */
export class ReportSpool {
  private readonly stage: string;
  private staged = 0;
  private journal?: number;

  constructor(
    private readonly dir: string,
    private readonly redactor: Redactor,
  ) {
    this.stage = join(dir, `.allure-results.${process.pid}.stage`);
  }

  /** A line of the journal (results.jsonl): a target that starts, or a rule result as it ends. */
  journalLine(
    line: { target: RunRecord['targets'][number] } | { result: RunRecord['results'][number] },
  ): void {
    if (this.journal === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.journal = openSync(join(this.dir, JOURNAL_FILE), 'w');
    }
    writeSync(this.journal, this.redactor.text(JSON.stringify(line)) + '\n');
  }

  /**
   * One finished target: `part` holds the run's metadata with only this target's results (with their full
   * evidence: Allure attaches every exchange) and residue; `kept` the results as the run keeps them (the
   * progress line).
   */
  targetDone(part: RunRecord, kept: RunRecord['results'] = part.results): void {
    mkdirSync(this.dir, { recursive: true });
    if (this.staged === 0) {
      rmSync(join(this.dir, PROGRESS_FILE), { force: true });
      rmSync(this.stage, { recursive: true, force: true });
      mkdirSync(this.stage, { recursive: true });
    }
    const own = join(this.stage, `.t${this.staged++}`);
    writeAllure(own, part, this.redactor);
    for (const f of readdirSync(own))
      if (f !== 'environment.properties') renameSync(join(own, f), join(this.stage, f));
    rmSync(own, { recursive: true, force: true });
    const line = { targets: part.targets, residue: part.residue, results: kept };
    appendFileSync(join(this.dir, PROGRESS_FILE), this.redactor.text(JSON.stringify(line)) + '\n');
  }

  /** The final reports of the run (complete or not), once. */
  finish(run: RunRecord): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileReports(this.dir, run, this.redactor);
    if (this.staged === 0) mkdirSync(this.stage, { recursive: true });
    // The environment of the whole run (every target), as writeAllure writes it.
    const env = join(this.stage, '.env');
    writeAllure(env, { ...run, results: [] }, this.redactor);
    for (const f of readdirSync(env)) renameSync(join(env, f), join(this.stage, f));
    rmSync(env, { recursive: true, force: true });
    writeDirAtomic(join(this.dir, 'allure-results'), (tmp) => renameSync(this.stage, tmp));
    this.staged = 0;
    rmSync(join(this.dir, PROGRESS_FILE), { force: true });
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = undefined;
  }
}

/** Writes `text` to a temporary file beside `file`, flushes it, and renames it over `file`. */
export function writeFileAtomic(file: string, text: string | Buffer): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof text === 'string' ? Buffer.from(text) : text;
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Fills a fresh temporary folder with `fill`, then swaps it in for `dir` (the old folder is moved aside first:
 * a folder cannot be renamed over a non-empty one). A failed fill leaves the previous folder in place.
 */
export function writeDirAtomic(dir: string, fill: (tmp: string) => void): void {
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  const old = join(dirname(dir), `.${basename(dir)}.${process.pid}.old`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    fill(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(dir, old);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}
