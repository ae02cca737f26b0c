import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Status as AllureStatus, type Label } from 'allure-js-commons';
import {
  FileSystemWriter,
  ReporterRuntime,
  stringifyEnvInfo,
  type Writer,
} from 'allure-js-commons/sdk/reporter';
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

/** Wraps allure's file writer so every result and attachment passes through the redactor first. */
function redactingWriter(inner: FileSystemWriter, redactor: Redactor): Writer {
  return {
    writeResult: (r) => inner.writeResult(JSON.parse(redactor.text(JSON.stringify(r)))),
    writeGroup: (g) => inner.writeGroup(g),
    writeAttachment: (name, content) =>
      inner.writeAttachment(name, Buffer.from(redactor.text(content.toString('utf8')))),
    writeAttachmentFromPath: (name, from) => inner.writeAttachmentFromPath(name, from),
    writeEnvironmentInfo: (info) => inner.writeEnvironmentInfo(info),
    writeCategoriesDefinitions: (c) => inner.writeCategoriesDefinitions(c),
    writeGlobals: (name, g) => inner.writeGlobals(name, g),
  };
}

/**
 * Allure's own writer flushes every file to disk (an fsync per result and per attachment: most of a run's
 * report-writing time). Into a folder that is swapped in whole afterwards (writeDirAtomic), plain writes suffice:
 * the folder is complete before it replaces the old one.
 */
function plainWriter(dir: string): FileSystemWriter {
  const put = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
  return {
    writeResult: (r) => put(`${r.uuid}-result.json`, JSON.stringify(r)),
    writeGroup: (g) => put(`${g.uuid}-container.json`, JSON.stringify(g)),
    writeAttachment: (name, content) => put(name, content),
    writeAttachmentFromPath: (name, from) => copyFileSync(from, join(dir, name)),
    writeEnvironmentInfo: (info) => put('environment.properties', stringifyEnvInfo(info)),
    writeCategoriesDefinitions: (c) => put('categories.json', JSON.stringify(c)),
    writeGlobals: (name, g) => put(name, JSON.stringify(g)),
  } as FileSystemWriter;
}

/**
 * Allure results (render with `npx allure generate`): one test per (target, rule), evidence attached as JSON.
 * `durable: false` skips the per-file flush, for a folder that is swapped in whole once written.
 */
export function writeAllure(
  dir: string,
  run: RunRecord,
  redactor: Redactor,
  opts: { durable?: boolean } = {},
): void {
  const blocked = errorCauses(run.results).filter((g) => g.blocked);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const inner = opts.durable === false ? plainWriter(dir) : new FileSystemWriter({ resultsDir: dir });
  const runtime = new ReporterRuntime({
    writer: redactingWriter(inner, redactor),
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
      runtime.writeAttachment(uuid, null, 'evidence', Buffer.from(JSON.stringify(r.evidence, null, 2)), {
        contentType: 'application/json',
      });
    }
    runtime.stopTest(uuid, { stop: start + r.durationMs });
    runtime.writeTest(uuid);
  }
  runtime.writeEnvironmentInfo();
}
