import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
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
  writeFileAtomic(join(dir, 'results.json'), redactor.text(resultsJson(run)));
  writeFileAtomic(join(dir, 'junit.xml'), redactor.text(junitXml(run, run.reportOptions)));
  writeFileAtomic(join(dir, 'summary.md'), redactor.text(summaryMarkdown(run)));
  writeFileAtomic(join(dir, 'report.html'), redactor.text(htmlReport(run)));
  writeDirAtomic(join(dir, 'allure-results'), (tmp) => writeAllure(tmp, run, redactor));
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
