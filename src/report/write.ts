import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../http/redact.ts';
import { writeAllure } from './allure.ts';
import { junitXml } from './junit.ts';
import { resultsJson } from './results-json.ts';
import type { RunRecord } from './run.ts';
import { summaryMarkdown } from './summary-md.ts';

export const REPORT_FILES = ['results.json', 'junit.xml', 'summary.md', 'allure-results'] as const;

/** Writes every report of the run into `dir`; each file's text passes through the redactor as the last step. */
export function writeReports(dir: string, run: RunRecord, redactor: Redactor): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), redactor.text(resultsJson(run)));
  writeFileSync(join(dir, 'junit.xml'), redactor.text(junitXml(run)));
  writeFileSync(join(dir, 'summary.md'), redactor.text(summaryMarkdown(run)));
  writeAllure(join(dir, 'allure-results'), run, redactor);
}
