import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Status as AllureStatus, type Label } from 'allure-js-commons';
import { ReporterRuntime, stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';
import type { Status } from '../core/outcome.ts';
import type { Redactor } from '../http/redact.ts';
import { absentHeadlines, causeLine, errorCauses, type RunRecord } from './run.ts';

// A warn must not look like a pass: it is a failed test with minor severity and a `warn` tag.
/** A warn is a passed test with a `warn` tag, like a JUnit case; with --warn-as-failure it is failed (allureStatus). */
const STATUS: Record<Status, AllureStatus> = {
  pass: AllureStatus.PASSED,
  warn: AllureStatus.PASSED,
  fail: AllureStatus.FAILED,
  xpass: AllureStatus.FAILED,
  error: AllureStatus.BROKEN,
  skip: AllureStatus.SKIPPED,
  xfail: AllureStatus.SKIPPED,
};

/**
 * Allure's writer, writing into `dir` with every result and attachment passed through the redactor first (an
 * attachment writeAllure made from text it masked itself is written as it is). Allure's own writer flushes every
 * file to disk (an fsync per result and attachment: most of a run's report-writing time); the folder is swapped in
 * whole once written (writeDirAtomic), so plain writes suffice.
 */
function maskingWriter(dir: string, redactor: Redactor, masked: WeakSet<Buffer>): Writer {
  const put = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
  return {
    writeResult: (r) => put(`${r.uuid}-result.json`, redactor.text(JSON.stringify(r))),
    writeGroup: (g) => put(`${g.uuid}-container.json`, JSON.stringify(g)),
    writeAttachment: (name, content) =>
      put(name, masked.has(content) ? content : redactor.text(content.toString('utf8'))),
    writeAttachmentFromPath: (name, from) => put(name, redactor.text(readFileSync(from, 'utf8'))),
    writeEnvironmentInfo: (info) => put('environment.properties', stringifyEnvInfo(info)),
    writeCategoriesDefinitions: (c) => put('categories.json', JSON.stringify(c)),
    writeGlobals: (name, g) => put(name, JSON.stringify(g)),
  };
}

/**
 * Allure results (render with `npx allure generate`): one test per (target, rule), evidence attached as JSON.
 * Written into a fresh folder the caller swaps in whole (writeDirAtomic).
 */
export function writeAllure(dir: string, run: RunRecord, redactor: Redactor): void {
  const blocked = errorCauses(run.results).filter((g) => g.blocked);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const masked = new WeakSet<Buffer>();
  const runtime = new ReporterRuntime({
    writer: maskingWriter(dir, redactor, masked),
    // Masked before Allure writes it: environment.properties escapes what it holds (a secret would slip through).
    // Results and attachments are JSON, whose escapings the writer's mask knows.
    environmentInfo: Object.fromEntries(
      redactor.deep(
        run.targets.flatMap((t) => [
          [`target ${t.name}`, `${t.api} ${t.baseUrl} (${t.vendor})`],
          // The headline: what kept rules from being evaluated (the target's state), what the target does not offer
          // (optional is not missing).
          ...blocked
            .filter((g) => g.target === t.name)
            .map((g, i) => [`target ${t.name} not evaluated ${i + 1}`, causeLine(g)]),
          ...absentHeadlines(t).map((l, i) => [`target ${t.name} not offered ${i + 1}`, l]),
        ]),
      ),
    ),
  });
  const start = Date.parse(run.startedAt);
  for (const r of run.results) {
    const target = run.targets.find((t) => t.name === r.target);
    const cite = run.citations[r.rule];
    const area = r.rule.split('-').slice(0, 2).join('-');
    const labels: Label[] = [
      { name: 'parentSuite', value: target?.api ?? '' },
      { name: 'suite', value: r.target },
      { name: 'epic', value: target?.api ?? '' },
      { name: 'feature', value: area },
      { name: 'story', value: r.rule },
      { name: 'tag', value: r.level },
      ...(r.status === 'warn' || r.status === 'xfail' || r.status === 'xpass'
        ? [{ name: 'tag', value: r.status }]
        : []),
      { name: 'severity', value: r.level === 'SHOULD' ? 'minor' : 'critical' },
      // Rules one unserved operation left not evaluated share a tag, so Allure groups them under the cause.
      ...(r.status === 'error' && r.cause ? [{ name: 'tag', value: r.cause.what }] : []),
      { name: 'AS_ID', value: r.rule },
    ];
    const uuid = runtime.startTest({
      name: `${r.rule} ${r.title}`,
      fullName: `${r.target}#${r.rule}`,
      historyId: `${r.target}#${r.rule}`,
      testCaseId: r.rule,
      start,
      labels,
      links: cite?.url ? [{ url: cite.url, name: `${cite.source} ${cite.section}`, type: 'link' }] : [],
      description: cite ? `${cite.source}, ${cite.section}: “${cite.quote}”` : undefined,
    });
    runtime.updateTest(uuid, (t) => {
      t.status =
        r.status === 'warn' && run.reportOptions?.warnAsFailure ? AllureStatus.FAILED : STATUS[r.status];
      const message = [r.status !== 'pass' ? r.status.toUpperCase() : '', r.message, r.reason]
        .filter(Boolean)
        .join(': ');
      if (message) t.statusDetails = { message };
    });
    if (r.evidence.length) {
      const evidence = Buffer.from(redactor.text(JSON.stringify(r.evidence, null, 2)));
      masked.add(evidence);
      runtime.writeAttachment(uuid, null, 'evidence', evidence, { contentType: 'application/json' });
    }
    runtime.stopTest(uuid, { stop: start + r.durationMs });
    runtime.writeTest(uuid);
  }
  runtime.writeEnvironmentInfo();
}
