import type { RuleResult } from '../core/engine.ts';
import type { Evidence } from '../http/evidence.ts';
import { STATUSES, summarize, type Status } from '../core/outcome.ts';
import { absentHeadlines, causeLine, errorCauses, type RunRecord } from './run.ts';

const ICON: Record<Status, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  warn: 'warn',
  skip: 'skip',
  error: '**ERROR**',
  xfail: 'xfail',
  xpass: '**XPASS**',
};

function cell(text: string | undefined): string {
  return (text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .slice(0, 400);
}

/** summary.md: a readable report for people who do not read code — totals, a scorecard, then every finding. */
export function summaryMarkdown(run: RunRecord): string {
  const lines: string[] = [];
  lines.push('# certconform conformance report', '');
  lines.push(
    `Run started ${run.startedAt}, took ${(run.durationMs / 1000).toFixed(1)} s, ${run.tool.name} ${run.tool.version}.`,
  );
  if (run.incomplete)
    lines.push('', `> **Incomplete run:** ${run.incomplete}. The results below are what was finished.`);
  if (run.residue.length) {
    lines.push(
      '',
      '## ⚠ Residue: changes this run could not undo',
      '',
      'The devices below are **not** as the run found them. Undo these by hand.',
      '',
      '| target | rule | what | where | why |',
      '|---|---|---|---|---|',
    );
    for (const r of run.residue)
      lines.push(`| ${cell(r.target)} | ${r.rule} | ${cell(r.what)} | ${cell(r.where)} | ${cell(r.why)} |`);
  }
  lines.push('', '## Totals per target', '');
  lines.push(`| target | API | vendor | ${STATUSES.join(' | ')} |`);
  lines.push(`|---|---|---|${STATUSES.map(() => '---:').join('|')}|`);
  for (const t of run.targets) {
    const s = summarize(run.results.filter((r) => r.target === t.name).map((r) => r.status));
    lines.push(
      `| ${cell(t.name)} | ${t.api} | ${cell(t.vendor)} | ${STATUSES.map((k) => s[k]).join(' | ')} |`,
    );
  }
  lines.push(`| **all** | | | ${STATUSES.map((k) => `**${run.summary[k]}**`).join(' | ')} |`);

  // What each target does not offer (optional is not missing) and the operations it does not serve.
  const causes = errorCauses(run.results);
  const headline = run.targets.flatMap((t) => [
    ...absentHeadlines(t).map((l) => `- ${cell(t.name)}: ${cell(l)}`),
    ...causes
      .filter((g) => g.target === t.name)
      .map((g) => `- ${cell(t.name)}: ${cell(causeLine(g))}: ${g.rules.join(', ')}`),
  ]);
  if (headline.length) lines.push('', '## Not offered or not served', '', ...headline);

  // Side-by-side scorecard per API, when several targets of one API were compared.
  for (const api of new Set(run.targets.map((t) => t.api))) {
    const targets = run.targets.filter((t) => t.api === api);
    if (targets.length < 2) continue;
    lines.push('', `## Scorecard: ${api}`, '');
    lines.push(`| rule | level | ${targets.map((t) => cell(t.name)).join(' | ')} |`);
    lines.push(`|---|---|${targets.map(() => '---').join('|')}|`);
    const rules = [
      ...new Map(
        run.results.filter((r) => targets.some((t) => t.name === r.target)).map((r) => [r.rule, r]),
      ).values(),
    ];
    for (const r of rules) {
      const row = targets.map((t) => {
        const hit = run.results.find((x) => x.rule === r.rule && x.target === t.name);
        return hit ? ICON[hit.status] : '';
      });
      lines.push(`| ${r.rule} ${cell(r.title)} | ${r.level} | ${row.join(' | ')} |`);
    }
  }

  // Rules left not evaluated by an operation that is not served are listed once, under their cause (above).
  const findings = run.results.filter(
    (r) => r.status !== 'pass' && r.status !== 'skip' && !(r.status === 'error' && r.cause),
  );
  lines.push('', '## Findings', '');
  if (findings.length === 0) lines.push('No failures, warnings, errors or known deviations.');
  for (const r of findings) lines.push(...finding(r, run));

  const skipped = run.results.filter((r) => r.status === 'skip');
  if (skipped.length) {
    lines.push('', '## Skipped', '', '| target | rule | reason |', '|---|---|---|');
    for (const r of skipped) lines.push(`| ${cell(r.target)} | ${r.rule} | ${cell(r.reason ?? r.message)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The few exchanges that best show a finding: failed ones and writes first, kept in the order they happened. */
export function telling(evidence: Evidence[], max = 5): Evidence[] {
  const weight = (e: Evidence) => (e.status === null || e.status >= 400 ? 2 : e.method !== 'GET' ? 1 : 0);
  const chosen = new Set([...evidence].sort((a, b) => weight(b) - weight(a)).slice(0, max));
  return evidence.filter((e) => chosen.has(e));
}

function finding(r: RuleResult, run: RunRecord): string[] {
  const cite = run.citations[r.rule];
  const out = [
    `### ${ICON[r.status]} ${r.rule} — ${r.title}`,
    '',
    `- target: ${r.target}; level: ${r.level}`,
  ];
  if (r.message) out.push(`- ${r.status === 'xfail' ? 'failure' : 'message'}: ${cell(r.message)}`);
  if (r.reason)
    out.push(
      `- ${r.status === 'xfail' || r.status === 'xpass' ? 'known deviation' : 'reason'}: ${cell(r.reason)}`,
    );
  if (cite) out.push(`- source: ${cite.source}, ${cite.section}: “${cell(cite.quote)}”`);
  if (r.evidence.length) {
    out.push('- evidence:');
    for (const e of telling(r.evidence))
      out.push(`  - \`${e.method} ${e.url}\` → ${e.status ?? `no response (${e.error})`}`);
  }
  out.push('');
  return out;
}
