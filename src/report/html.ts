import type { RuleResult } from '../core/engine.ts';
import type { Evidence, FindingAt } from '../http/evidence.ts';
import { STATUSES, summarize, type Status, type Summary } from '../core/outcome.ts';
import { CLEANUP_COMMAND, EARLIER_RUN } from '../core/scratch.ts';
import { absentHeadlines, causeLine, errorCauses, type CauseGroup, type RunRecord } from './run.ts';
import { telling } from './summary-md.ts';

/**
 * report.html: one self-contained file (no network, no external fonts or scripts) for people who do not read
 * code. Residue first, then a one-line verdict per target (with how much of the catalog applied), every finding
 * (the offending part of the answer first, then the exchange that holds it, its citation and the other redacted
 * exchanges), and last one rules × targets matrix per API that filters and sorts. The whole page is text the
 * redactor passes over.
 */
export function htmlReport(run: RunRecord): string {
  const targets = run.targets;
  const causes = errorCauses(run.results);
  const nFindings =
    causes.length +
    run.results.filter(
      (r) => r.status !== 'pass' && r.status !== 'skip' && !(r.status === 'error' && r.cause),
    ).length;
  // One matrix per API, in the order their first target comes: each has only the targets its rules apply to.
  const apis = [...new Set(targets.map((t) => t.api))];
  const rules = [...new Map(run.results.map((r) => [r.rule, r])).values()];

  const options = (values: Iterable<string>) =>
    [
      '<option value="">all</option>',
      ...[...new Set(values)].sort().map((v) => `<option>${esc(v)}</option>`),
    ].join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>certconform report ${esc(run.startedAt)}</title>
<style>${STYLE}</style></head><body>
<h1>certconform conformance report</h1>
<p class="meta">Run started ${esc(run.startedAt)}, took ${(run.durationMs / 1000).toFixed(1)} s · ${esc(run.tool.name)} ${esc(run.tool.version)} · ${targets.length} target(s), ${run.results.length} results · <a href="#findings">findings</a> · <a href="#matrix">rules × targets</a></p>
${run.incomplete ? `<p class="banner warn">Incomplete run: ${esc(run.incomplete)}. The results below are what was finished.</p>` : ''}
${residueSection(run)}
<h2>Verdicts</h2>
<table class="verdicts"><tr><th>target</th><th>API</th><th>device</th><th>verdict</th>${STATUSES.map((s) => `<th>${s}</th>`).join('')}</tr>
${targets
  .map((t) => {
    const s = summarize(run.results.filter((r) => r.target === t.name).map((r) => r.status));
    const v = verdict(s, run.residue.filter((r) => r.target === t.name).length);
    const mineCauses = causes.filter((g) => g.target === t.name);
    const lines = [
      ...mineCauses.filter((g) => g.blocked).map(causeLine),
      ...mineCauses.filter((g) => !g.blocked).map(causeLine),
    ];
    const headline = `${lines.length ? `<ul class="headline">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}${absentList(t, targets.length <= 4)}`;
    const name = findingsOf(run, t.name, causes).length
      ? `<a href="#${targetId(t.name)}">${esc(t.name)}</a>`
      : esc(t.name);
    return `<tr><td>${name}</td><td>${esc(t.api)}</td><td>${esc(device(t))}</td><td class="v-${v.kind}">${esc(v.text)}${bar(s)}${headline}</td>${STATUSES.map((k) => `<td class="n${s[k] ? '' : ' zero'}">${s[k]}</td>`).join('')}</tr>`;
  })
  .join('\n')}
</table>
<h2 id="findings">Findings (${nFindings})</h2>
${findingIndex(run, causes)}
${nFindings ? targets.map((t) => targetFindings(run, t.name, causes, targets.length > 1)).join('\n') : '<p>No fail, warn, error, xfail or xpass.</p>'}
<h2 id="matrix">Rules × targets</h2>
<form class="filters" onsubmit="return false">
${apis.length > 1 ? `<label>API <select id="f-api">${options(apis)}</select></label>` : ''}
<label>area <select id="f-area">${options(rules.map((r) => area(r.rule)))}</select></label>
<label>level <select id="f-level">${options(rules.map((r) => r.level))}</select></label>
<label>outcome <select id="f-status">${options(run.results.map((r) => r.status))}</select></label>
<label>search <input id="f-text" type="search" placeholder="rule or title"></label>
<span id="f-count"></span>
</form>
${apis.map((api) => matrix(run, api, apis.length > 1)).join('\n')}
<script>${SCRIPT}</script>
</body></html>
`;
}

/** The rules × targets matrix of one API: only its targets as columns, only its rules as rows. */
function matrix(run: RunRecord, api: string, titled: boolean): string {
  const targets = run.targets.filter((t) => t.api === api);
  const names = new Set(targets.map((t) => t.name));
  const mine = run.results.filter((r) => names.has(r.target));
  const byKey = new Map(mine.map((r) => [`${r.target}\u0000${r.rule}`, r]));
  const rules = [...new Map(mine.map((r) => [r.rule, r])).values()];
  const head = `<tr><th data-sort="rule">rule</th><th data-sort="level">level</th>${targets
    .map(
      (t) =>
        `<th class="t" title="${esc(`${t.name}: ${t.baseUrl}`)}">${esc(t.name)}${t.vendor && t.vendor !== t.api ? `<br><small>${esc(t.vendor)}</small>` : ''}</th>`,
    )
    .join('')}</tr>`;
  const rows = rules
    .map((r) => {
      const cells = targets.map((t) => {
        const hit = byKey.get(`${t.name}\u0000${r.rule}`);
        if (!hit) return '<td class="none">·</td>';
        const anchor = hit.status === 'pass' || hit.status === 'skip' ? '' : ` href="#${id(hit)}"`;
        const why = hit.status === 'skip' ? hit.reason : hit.message;
        return `<td class="s-${hit.status}"${why ? ` title="${esc(why)}"` : ''}><a${anchor}>${hit.status}</a></td>`;
      });
      const statuses = targets.map((t) => byKey.get(`${t.name}\u0000${r.rule}`)?.status ?? '').join(' ');
      return `<tr data-area="${esc(area(r.rule))}" data-level="${r.level}" data-status="${statuses}"><td><b>${esc(r.rule)}</b> ${esc(r.title)}</td><td>${r.level}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<section class="api" data-api="${esc(api)}">
${titled ? `<h3>${esc(api)} <small>${rules.length} rules × ${targets.length} target(s)</small></h3>` : ''}
<table class="matrix" data-api="${esc(api)}"><thead>${head}</thead><tbody>
${rows}
</tbody></table></section>`;
}

/** What a finding list shows of a target: its causes first, then its findings, the most serious first. */
function findingsOf(run: RunRecord, target: string, causes: CauseGroup[]): Array<CauseGroup | RuleResult> {
  const findings = run.results
    .filter(
      (r) =>
        r.target === target &&
        r.status !== 'pass' &&
        r.status !== 'skip' &&
        // Rules left not evaluated by a cause are shown once, under their cause.
        !(r.status === 'error' && r.cause),
    )
    .map((r, i) => ({ r, i }))
    .sort((a, b) => SEVERITY[a.r.status] - SEVERITY[b.r.status] || a.i - b.i)
    .map(({ r }) => r);
  return [...causes.filter((g) => g.target === target), ...findings];
}

/** Fail and xpass first (they fail the run), then what could not be evaluated, then warnings, then known ones. */
const SEVERITY: Record<Status, number> = { fail: 0, xpass: 0, error: 1, warn: 2, xfail: 3, pass: 4, skip: 4 };

/** With many findings, one line each first: where each is and what it is, linked to the finding. */
function findingIndex(run: RunRecord, causes: CauseGroup[]): string {
  const items = run.targets.flatMap((t) =>
    findingsOf(run, t.name, causes).filter((x): x is RuleResult => 'rule' in x),
  );
  if (items.length < 4) return '';
  const line = (r: RuleResult) =>
    `<tr><td><span class="badge s-${r.status}">${r.status}</span></td><td>${esc(r.target)}</td><td><a href="#${id(r)}">${esc(r.rule)}</a></td><td class="at">${r.at ? `<code class="pointer">${esc(r.at.pointer || '/')}</code>${r.at.missing ? ' missing' : r.at.value !== undefined && !r.at.value.includes('\n') && r.at.value.length <= 60 ? ` = <code>${esc(r.at.value)}</code>` : ''}` : ''}</td><td class="what">${esc(short(r.message ?? r.reason ?? ''))}</td></tr>`;
  return `<table class="index"><tr><th></th><th>target</th><th>rule</th><th>at</th><th>what</th></tr>
${items.map(line).join('\n')}
</table>`;
}

function short(text: string, max = 140): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function targetFindings(run: RunRecord, target: string, causes: CauseGroup[], titled: boolean): string {
  const items = findingsOf(run, target, causes);
  if (!items.length) return '';
  const body = items.map((x) => ('rule' in x ? finding(x, run) : causeSection(x))).join('\n');
  return `<section class="target-findings" id="${targetId(target)}">${titled ? `<h3 class="tgt">${esc(target)} <small>${items.length} finding(s)</small></h3>` : ''}
${body}
</section>`;
}

/**
 * What the target does not offer: its names in one line, the probes' reasons below it (open with a few targets;
 * with many, one click away, so twenty verdicts fit on a screen or two).
 */
function absentList(t: RunRecord['targets'][number], open: boolean): string {
  const lines = absentHeadlines(t);
  if (!lines.length) return '';
  const names = (t.absent ?? []).map((a) => a.name).join(' · ');
  return `<details class="headline"${open ? ' open' : ''}><summary>not offered: ${esc(names)}</summary><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></details>`;
}

/** How the target's results divide: one bar, so 0 % and 38 % not applicable do not look the same. */
function bar(s: Summary): string {
  const total = STATUSES.reduce((n, k) => n + s[k], 0);
  if (!total) return '';
  const parts = STATUSES.filter((k) => s[k])
    .map(
      (k) =>
        `<span class="b-${k}" style="width:${((100 * s[k]) / total).toFixed(2)}%" title="${s[k]} ${k}"></span>`,
    )
    .join('');
  return `<div class="bar" role="img" aria-label="${STATUSES.filter((k) => s[k])
    .map((k) => `${s[k]} ${k}`)
    .join(', ')}">${parts}</div>`;
}

function residueSection(run: RunRecord): string {
  const mine = run.residue.filter((r) => r.rule !== EARLIER_RUN);
  const earlier = run.residue.filter((r) => r.rule === EARLIER_RUN);
  const sections: string[] = [];
  if (mine.length)
    sections.push(`<section class="banner residue"><h2>Residue: ${mine.length} change(s) this run could not undo</h2>
<p>These devices are <b>not</b> as the run found them. Undo these by hand.</p>
<table><tr><th>target</th><th>rule</th><th>what</th><th>where</th><th>why</th></tr>
${mine.map((r) => `<tr><td>${esc(r.target)}</td><td>${esc(r.rule)}</td><td>${esc(r.what)}</td><td>${esc(r.where)}</td><td>${esc(r.why)}</td></tr>`).join('\n')}
</table></section>`);
  if (earlier.length)
    sections.push(`<section class="banner residue"><h2>Residue of an earlier run: ${earlier.length} object(s)</h2>
<p>An earlier run stopped before its cleanup left these on the devices; <code>${esc(CLEANUP_COMMAND)} --yes</code> removes them.</p>
<table><tr><th>target</th><th>what</th><th>where</th></tr>
${earlier.map((r) => `<tr><td>${esc(r.target)}</td><td>${esc(r.what)}</td><td>${esc(r.where)}</td></tr>`).join('\n')}
</table></section>`);
  return sections.join('\n');
}

/**
 * The one line procurement reads, with how much of the catalog applied: "conforms: 49 of 79 rules applied, 30 not
 * applicable" is not the same finding as "conforms: all 79 rules applied".
 */
export function verdict(
  s: Summary,
  residue: number,
): { kind: 'ok' | 'fail' | 'error' | 'none'; text: string } {
  const total = STATUSES.reduce((n, k) => n + s[k], 0);
  const applied = total - s.skip;
  const rules = `rule${total === 1 ? '' : 's'}`;
  const scope = s.skip
    ? `${applied} of ${total} ${rules} applied, ${s.skip} not applicable`
    : `all ${total} ${rules} applied`;
  const parts: string[] = [];
  if (s.fail) parts.push(`${s.fail} violation(s) of MUST/VENDOR rules`);
  if (s.xpass) parts.push(`${s.xpass} known deviation(s) now pass`);
  if (s.error) parts.push(`could not evaluate ${s.error} rule(s)`);
  if (residue) parts.push(`${residue} change(s) left on the device`);
  if (s.warn) parts.push(`${s.warn} SHOULD warning(s)`);
  if (s.fail || s.xpass) return { kind: 'fail', text: `${parts.join('; ')} (${scope})` };
  if (s.error || residue) return { kind: 'error', text: `${parts.join('; ')} (${scope})` };
  // Nothing applied verifies nothing: not "conforms".
  if (applied === 0) return { kind: 'none', text: `nothing verified: ${scope}` };
  return { kind: 'ok', text: [`conforms: ${scope}`, ...parts].join('; ') };
}

function finding(r: RuleResult, run: RunRecord): string {
  const cite = run.citations[r.rule];
  const source = cite
    ? `<blockquote>“${esc(cite.quote)}”<footer>${cite.url ? `<a href="${esc(cite.url)}">${esc(cite.source)}</a>` : esc(cite.source)}, ${esc(cite.section)}</footer></blockquote>`
    : '';
  const holder = r.at?.exchange !== undefined ? r.evidence[r.at.exchange] : undefined;
  // The answer that holds the finding comes open first (else the most telling exchange); the other telling ones
  // one click away, and every exchange (shared discovery last) in one more.
  const best = telling(r.evidence);
  const first = holder ?? best[0];
  const others = best.filter((e) => e !== first);
  const exchange = (e: Evidence, open: boolean) =>
    `<details${open ? ' open' : ''}${e.shared ? ' class="shared"' : ''}><summary><code>${esc(e.method)} ${esc(e.url)} → ${e.status ?? esc(e.error ?? 'no answer')}</code>${e === holder ? ' <small>the answer that holds it</small>' : ''}${e.shared ? ' <small>(shared setup)</small>' : ''} ${e.durationMs === undefined ? '' : `<small>${e.durationMs} ms</small>`}</summary>${e.request ? `<h4>request</h4><pre>${esc(e.request)}</pre>` : ''}${e.response ? `<h4>response</h4><pre>${e === holder && r.at ? marked(e.response, r.at) : esc(e.response)}</pre>` : ''}${e.error ? `<p class="s-error">${esc(e.error)}</p>` : ''}</details>`;
  const shown = 1 + others.length;
  const exchanges = first
    ? `${exchange(first, true)}${others.map((e) => exchange(e, false)).join('')}${r.evidence.length > shown ? `<details class="all"><summary>all ${r.evidence.length} exchanges${sharedCount(r.evidence)}</summary>${r.evidence.map((e) => exchange(e, false)).join('')}</details>` : ''}`
    : '';
  return `<article id="${id(r)}" class="finding s-${r.status}-border">
<h3><span class="badge s-${r.status}">${r.status}</span> ${esc(r.rule)} ${esc(r.title)} <small>${r.level} · ${esc(r.target)}</small></h3>
${r.at ? atBlock(r.at, holder) : ''}
${r.message ? `<p class="message">${esc(r.message)}</p>` : ''}
${r.reason ? `<p class="reason">${r.status === 'xfail' || r.status === 'xpass' ? 'Expectations: ' : ''}${esc(r.reason)}</p>` : ''}
${r.notes?.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${source}
${exchanges ? `<div class="evidence">${exchanges}</div>` : ''}
</article>`;
}

function sharedCount(evidence: Evidence[]): string {
  const n = evidence.filter((e) => e.shared).length;
  return n ? ` (${n} from shared setups, listed last)` : '';
}

/** The answer's text with the lines of the finding's part marked, where they are found as the context shows them. */
function marked(response: string, at: FindingAt): string {
  const lines = response.split('\n');
  const part =
    at.context !== undefined && at.mark ? at.context.split('\n').slice(at.mark[0], at.mark[1] + 1) : [];
  const start = part.length ? lines.findIndex((_, i) => part.every((p, j) => lines[i + j] === p)) : -1;
  return lines
    .map((line, i) =>
      start >= 0 && i >= start && i < start + part.length ? `<mark>${esc(line)}</mark>` : esc(line),
    )
    .join('\n');
}

/** The offending part of the answer: where, its value, and the answer around it with the part marked. */
function atBlock(at: FindingAt, holder: Evidence | undefined): string {
  const inline = at.value !== undefined && !at.value.includes('\n') && at.value.length <= 120;
  const what = at.missing ? ' is missing' : inline ? ` = <code class="value">${esc(at.value!)}</code>` : '';
  const where = holder
    ? ` <small>in the answer to ${esc(holder.method)} ${esc(holder.url)} → ${holder.status ?? 'no answer'}</small>`
    : '';
  const context =
    at.context !== undefined
      ? `<pre class="context">${at.context
          .split('\n')
          .map((line, i) =>
            at.mark && i >= at.mark[0] && i <= at.mark[1] ? `<mark>${esc(line)}</mark>` : esc(line),
          )
          .join('\n')}</pre>`
      : !inline && at.value !== undefined
        ? `<pre class="context"><mark>${esc(at.value)}</mark></pre>`
        : '';
  return `<div class="at"><p><b>at</b> <code class="pointer">${esc(at.pointer || '/ (the whole answer)')}</code>${what}${where}</p>${context}</div>`;
}

/**
 * One article per cause: an operation the target does not serve (the rules it left not evaluated, and whose finding
 * it is) or a state of the target that blocked evaluation (what showed it).
 */
function causeSection(g: CauseGroup): string {
  const owner = g.owner
    ? ` <a href="#${id({ target: g.target, rule: g.owner })}">${esc(g.owner)}</a> owns the finding.`
    : '';
  return `<article class="finding s-error-border">
<h3><span class="badge s-error">error</span> ${esc(causeLine(g))} <small>${esc(g.target)}</small></h3>
<p class="reason">${g.blocked ? "Not evaluated, because of the target's state:" : `Not evaluated, because what they need was not served or did not succeed:${owner}`}</p>
${g.blocked && g.message ? `<p class="message">${esc(g.message)}</p>` : ''}
<p>${g.rules.map(esc).join(', ')}</p>
</article>`;
}

/** Vendor, model and firmware, as far as the profile says. */
function device(t: RunRecord['targets'][number]): string {
  return [t.vendor, t.model, t.firmware && `firmware ${t.firmware}`].filter(Boolean).join(' · ');
}

function area(rule: string): string {
  return rule.split('-').slice(0, 2).join('-');
}

function id(r: Pick<RuleResult, 'target' | 'rule'>): string {
  return `f-${r.target}-${r.rule}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function targetId(target: string): string {
  return `t-${target}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const COLORS: Record<Status, string> = {
  pass: '#1a7f37',
  fail: '#cf222e',
  warn: '#9a6700',
  skip: '#6e7781',
  error: '#8250df',
  xfail: '#0969da',
  xpass: '#cf222e',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 6px}
.meta{color:#59636e;margin:0}table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.verdicts td:nth-child(-n+2),.index td:nth-child(-n+3){white-space:nowrap}
.index{margin-bottom:12px;width:100%}.index td.at{max-width:30em;overflow-wrap:anywhere}.index td.what{color:#424a53}.index code.pointer{font-weight:600;background:#fff8c5;padding:0 3px}
details.headline{margin:4px 0 0;color:#59636e;font-weight:normal}details.headline ul{margin:2px 0 0;padding-left:18px}td.n{text-align:right}td.zero{color:#afb8c1}.banner{padding:10px 14px;border-radius:6px;margin:14px 0}
.headline{margin:4px 0 0;padding-left:18px;font-weight:normal;color:#59636e}
.residue{background:#ffebe9;border:2px solid #cf222e}.warn{background:#fff8c5}
.v-ok{color:#1a7f37;font-weight:600}.v-fail{color:#cf222e;font-weight:600}.v-error{color:#8250df;font-weight:600}.v-none{color:#59636e;font-weight:600}
.bar{display:flex;height:6px;margin:4px 0 2px;min-width:160px;border-radius:3px;overflow:hidden;background:#eaeef2}.bar span{display:block;height:100%}
.matrix{margin-bottom:16px}.matrix td,.matrix th{padding:2px 6px}.matrix th.t{font-size:12px;max-width:9em;overflow-wrap:anywhere}
.matrix td a{color:inherit;text-decoration:none}.matrix td a[href]{text-decoration:underline}.none{color:#d1d9e0}
section.api h3{margin:14px 0 6px}h3 small,h2 small{font-weight:normal;color:#59636e}
th[data-sort]{cursor:pointer}.filters{display:flex;gap:12px;flex-wrap:wrap;margin:6px 0 10px;align-items:center}
${Object.entries(COLORS)
  .map(
    ([s, c]) =>
      `.s-${s}{color:${c};font-weight:600}.s-${s}-border{border-left:4px solid ${c}}.b-${s}{background:${s === 'skip' ? '#d1d9e0' : c}}`,
  )
  .join('')}
.badge{display:inline-block;min-width:42px;text-align:center;border:1px solid currentColor;border-radius:10px;padding:0 6px;font-size:12px}
.tgt{margin:18px 0 4px;padding-bottom:2px;border-bottom:1px solid #d1d9e0}
.finding{padding:8px 12px;margin:10px 0;background:#fff;box-shadow:0 0 0 1px #d1d9e0}
.at{margin:6px 0}.at p{margin:0 0 4px}.at code.pointer{font-weight:600;background:#fff8c5;padding:0 3px}
.at pre.context{max-height:none;border-left:3px solid #d1d9e0}pre mark{background:#ffebe9;color:#82071e;font-weight:600;display:inline-block;min-width:100%}
h4{font-size:12px;margin:6px 0 0;color:#59636e;font-weight:600}
.message{font-family:ui-monospace,monospace;white-space:pre-wrap}blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #d1d9e0;color:#424a53}
blockquote footer{font-size:12px;color:#59636e}pre{background:#f6f8fa;padding:6px;overflow:auto;max-height:300px;white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0}
details{margin:4px 0}summary{cursor:pointer}details.shared>summary{color:#59636e}`;

/** Filtering and sorting of the matrices: plain DOM, no library, no network. */
const SCRIPT = `
(function(){
  var sections=[].slice.call(document.querySelectorAll('section.api'));
  var total=0;sections.forEach(function(s){total+=s.querySelector('table').tBodies[0].rows.length;});
  var f={api:document.getElementById('f-api'),area:document.getElementById('f-area'),level:document.getElementById('f-level'),status:document.getElementById('f-status'),text:document.getElementById('f-text')};
  function apply(){
    var shown=0,q=f.text.value.toLowerCase();
    sections.forEach(function(s){
      var n=0,api=!f.api||!f.api.value||s.dataset.api===f.api.value;
      [].forEach.call(s.querySelector('table').tBodies[0].rows,function(r){
        var ok=api&&(!f.area.value||r.dataset.area===f.area.value)&&(!f.level.value||r.dataset.level===f.level.value)&&(!f.status.value||(' '+r.dataset.status+' ').indexOf(' '+f.status.value+' ')>=0)&&(!q||r.cells[0].textContent.toLowerCase().indexOf(q)>=0);
        r.style.display=ok?'':'none';if(ok)n++;
      });
      s.style.display=n?'':'none';shown+=n;
    });
    document.getElementById('f-count').textContent=shown+' of '+total+' rules';
  }
  Object.keys(f).forEach(function(k){if(f[k])f[k].addEventListener('input',apply);});
  sections.forEach(function(s){
    var table=s.querySelector('table'),body=table.tBodies[0];
    [].forEach.call(table.tHead.rows[0].cells,function(th,i){
      th.addEventListener('click',function(){
        var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir>0?'asc':'desc';
        [].slice.call(body.rows).sort(function(a,b){return a.cells[i].textContent.localeCompare(b.cells[i].textContent)*dir;}).forEach(function(r){body.appendChild(r);});
      });
    });
  });
  apply();
})();`;
