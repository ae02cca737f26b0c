import type { RuleResult } from '../core/engine.ts';
import type { Evidence } from '../http/evidence.ts';
import { STATUSES, summarize, type Status } from '../core/outcome.ts';
import { CLEANUP_COMMAND, EARLIER_RUN } from '../core/scratch.ts';
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
  const mine = run.residue.filter((r) => r.rule !== EARLIER_RUN);
  const earlier = run.residue.filter((r) => r.rule === EARLIER_RUN);
  if (mine.length) {
    lines.push(
      '',
      '## ⚠ Residue: changes this run could not undo',
      '',
      'The devices below are **not** as the run found them. Undo these by hand.',
      '',
      '| target | rule | what | where | why |',
      '|---|---|---|---|---|',
    );
    for (const r of mine)
      lines.push(`| ${cell(r.target)} | ${r.rule} | ${cell(r.what)} | ${cell(r.where)} | ${cell(r.why)} |`);
  }
  if (earlier.length) {
    lines.push(
      '',
      '## ⚠ Residue of an earlier run',
      '',
      `An earlier run stopped before its cleanup left these on the devices; \`${CLEANUP_COMMAND} --yes\` removes them.`,
      '',
      '| target | what | where |',
      '|---|---|---|',
    );
    for (const r of earlier) lines.push(`| ${cell(r.target)} | ${cell(r.what)} | ${cell(r.where)} |`);
  }
  // A state of the target that kept rules from being evaluated (a lock another session holds): said at the top.
  const blocked = errorCauses(run.results).filter((g) => g.blocked);
  if (blocked.length) {
    lines.push('', "## Not evaluated: the target's state", '');
    for (const g of blocked) {
      lines.push(`- ${cell(g.target)}: ${cell(causeLine(g))}: ${g.rules.join(', ')}`);
      if (g.message) lines.push(`  - ${cell(g.message)}`);
    }
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
      .filter((g) => g.target === t.name && !g.blocked)
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
  if (findings.length === 0)
    lines.push(
      errorCauses(run.results).length
        ? 'No other failures, warnings, errors or known deviations than the rules not evaluated, listed above under their cause.'
        : 'No failures, warnings, errors or known deviations.',
    );
  for (const r of findings) lines.push(...finding(r, run));

  const skipped = run.results.filter((r) => r.status === 'skip');
  if (skipped.length) {
    lines.push('', '## Skipped', '', '| target | rule | reason |', '|---|---|---|');
    for (const r of skipped) lines.push(`| ${cell(r.target)} | ${r.rule} | ${cell(r.reason ?? r.message)} |`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The few exchanges that best show a finding: failed ones and writes first, reads of shared discovery last; kept in
 * the order of the evidence (the answer that holds the finding first, shared setups last).
 */
export function telling(evidence: Evidence[], max = 5): Evidence[] {
  const weight = (e: Evidence) =>
    e.shared && e.method === 'GET'
      ? -1
      : e.status === null || e.status >= 400
        ? 2
        : e.method !== 'GET'
          ? 1
          : 0;
  // Discovery reads are shown only when there is nothing else.
  const candidates = evidence.some((e) => weight(e) >= 0) ? evidence.filter((e) => weight(e) >= 0) : evidence;
  const chosen = new Set([...candidates].sort((a, b) => weight(b) - weight(a)).slice(0, max));
  return evidence.filter((e) => chosen.has(e));
}

function finding(r: RuleResult, run: RunRecord): string[] {
  const cite = run.citations[r.rule];
  const out = [
    `### ${ICON[r.status]} ${r.rule} — ${r.title}`,
    '',
    `- target: ${r.target}; level: ${r.level}`,
  ];
  if (r.at) out.push(...atLines(r));
  if (r.message) out.push(`- ${r.status === 'xfail' ? 'failure' : 'message'}: ${cell(r.message)}`);
  if (r.reason)
    out.push(
      `- ${r.status === 'xfail' || r.status === 'xpass' ? 'known deviation' : 'reason'}: ${cell(r.reason)}`,
    );
  if (cite) out.push(`- source: ${cite.source}, ${cite.section}: “${cell(cite.quote)}”`);
  if (r.evidence.length) {
    out.push('- evidence:');
    for (const e of telling(r.evidence))
      out.push(
        `  - \`${e.method} ${e.url}\` → ${e.status ?? `no response (${e.error})`}${e.shared ? ' (shared setup)' : ''}`,
      );
  }
  out.push('');
  return out;
}

/**
 * The offending part of the answer: its pointer and value, in which answer, and the answer around it as a `diff`
 * block whose `-` lines are the part (red where Markdown colours diffs).
 */
function atLines(r: RuleResult): string[] {
  const at = r.at!;
  const holder = at.exchange !== undefined ? r.evidence[at.exchange] : undefined;
  const inline = at.value !== undefined && !at.value.includes('\n') && at.value.length <= 120;
  const what = at.missing ? ' is missing' : inline ? ` = ${code(at.value!)}` : '';
  const where = holder ? ` in the answer to \`${holder.method} ${holder.url}\` → ${holder.status}` : '';
  const out = [`- at ${code(at.pointer || '/')}${what}${where}`];
  const block = at.context ?? (inline ? undefined : at.value);
  if (block === undefined) return out;
  const fence = '`'.repeat(Math.max(3, ...[...block.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const mark = at.context === undefined ? [0, Infinity] : (at.mark ?? [-1, -1]);
  out.push(
    '',
    `  ${fence}diff`,
    ...block.split('\n').map((line, i) => `  ${i >= mark[0]! && i <= mark[1]! ? '-' : ' '} ${line}`),
    `  ${fence}`,
    '',
  );
  return out;
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const ticks = '`'.repeat(Math.max(1, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${text.replace(/\s*\n\s*/g, ' ')}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}
