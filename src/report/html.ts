import type { RuleResult } from '../core/engine.ts';
import type { Evidence } from '../http/evidence.ts';
import { STATUSES, summarize, type Status, type Summary } from '../core/outcome.ts';
import { absentHeadlines, causeLine, errorCauses, type CauseGroup, type RunRecord } from './run.ts';
import { telling } from './summary-md.ts';

/**
 * report.html: one self-contained file (no network, no external fonts or scripts) for people who do not read
 * code. Residue first, then a one-line verdict per target, a rules × targets matrix that filters and sorts,
 * and every finding with its citation and redacted exchanges. The whole page is text the redactor passes over.
 */
export function htmlReport(run: RunRecord): string {
  const targets = run.targets;
  const byKey = new Map(run.results.map((r) => [`${r.target}\u0000${r.rule}`, r]));
  const rules = [...new Map(run.results.map((r) => [r.rule, r])).values()];
  // Rules left not evaluated by an operation that is not served are shown once, under their cause.
  const findings = run.results.filter(
    (r) => r.status !== 'pass' && r.status !== 'skip' && !(r.status === 'error' && r.cause),
  );
  const causes = errorCauses(run.results);

  const head = `<tr><th data-sort="rule">rule</th><th data-sort="api">API</th><th data-sort="area">area</th><th data-sort="level">level</th>${targets
    .map(
      (t) =>
        `<th title="${esc(`${t.api} ${t.baseUrl}`)}">${esc(t.name)}<br><small>${esc(t.vendor)}</small></th>`,
    )
    .join('')}</tr>`;
  const rows = rules
    .map((r) => {
      const api = targets.find((t) => t.name === r.target)?.api ?? '';
      const cells = targets.map((t) => {
        const hit = byKey.get(`${t.name}\u0000${r.rule}`);
        if (!hit) return '<td class="none">·</td>';
        const anchor = hit.status === 'pass' || hit.status === 'skip' ? '' : ` href="#${id(hit)}"`;
        const why = hit.status === 'skip' ? hit.reason : hit.message;
        return `<td class="s-${hit.status}"${why ? ` title="${esc(why)}"` : ''}><a${anchor}>${hit.status}</a></td>`;
      });
      const statuses = targets.map((t) => byKey.get(`${t.name}\u0000${r.rule}`)?.status ?? '').join(' ');
      return `<tr data-api="${esc(api)}" data-area="${esc(area(r.rule))}" data-level="${r.level}" data-status="${statuses}"><td><b>${esc(r.rule)}</b> ${esc(r.title)}</td><td>${esc(api)}</td><td>${esc(area(r.rule))}</td><td>${r.level}</td>${cells.join('')}</tr>`;
    })
    .join('\n');

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
<p class="meta">Run started ${esc(run.startedAt)}, took ${(run.durationMs / 1000).toFixed(1)} s · ${esc(run.tool.name)} ${esc(run.tool.version)} · ${targets.length} target(s), ${run.results.length} results</p>
${run.incomplete ? `<p class="banner warn">Incomplete run: ${esc(run.incomplete)}. The results below are what was finished.</p>` : ''}
${residueSection(run)}
<h2>Verdicts</h2>
<table class="verdicts"><tr><th>target</th><th>API</th><th>device</th><th>verdict</th>${STATUSES.map((s) => `<th>${s}</th>`).join('')}</tr>
${targets
  .map((t) => {
    const s = summarize(run.results.filter((r) => r.target === t.name).map((r) => r.status));
    const v = verdict(s, run.residue.filter((r) => r.target === t.name).length);
    const lines = [...absentHeadlines(t), ...causes.filter((g) => g.target === t.name).map(causeLine)];
    const headline = lines.length
      ? `<ul class="headline">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : '';
    return `<tr><td>${esc(t.name)}</td><td>${esc(t.api)}</td><td>${esc(device(t))}</td><td class="v-${v.kind}">${esc(v.text)}${headline}</td>${STATUSES.map((k) => `<td class="n">${s[k]}</td>`).join('')}</tr>`;
  })
  .join('\n')}
</table>
<h2>Rules × targets</h2>
<form class="filters" onsubmit="return false">
<label>API <select id="f-api">${options(targets.map((t) => t.api))}</select></label>
<label>area <select id="f-area">${options(rules.map((r) => area(r.rule)))}</select></label>
<label>level <select id="f-level">${options(rules.map((r) => r.level))}</select></label>
<label>outcome <select id="f-status">${options(run.results.map((r) => r.status))}</select></label>
<label>search <input id="f-text" type="search" placeholder="rule or title"></label>
<span id="f-count"></span>
</form>
<table id="matrix" class="matrix"><thead>${head}</thead><tbody>
${rows}
</tbody></table>
<h2>Findings (${findings.length + causes.length})</h2>
${causes.map(causeSection).join('\n')}
${findings.length || causes.length ? findings.map((r) => finding(r, run)).join('\n') : '<p>No fail, warn, error, xfail or xpass.</p>'}
<script>${SCRIPT}</script>
</body></html>
`;
}

function residueSection(run: RunRecord): string {
  if (!run.residue.length) return '';
  return `<section class="banner residue"><h2>Residue: ${run.residue.length} change(s) this run could not undo</h2>
<p>These devices are <b>not</b> as the run found them. Undo these by hand.</p>
<table><tr><th>target</th><th>rule</th><th>what</th><th>where</th><th>why</th></tr>
${run.residue.map((r) => `<tr><td>${esc(r.target)}</td><td>${esc(r.rule)}</td><td>${esc(r.what)}</td><td>${esc(r.where)}</td><td>${esc(r.why)}</td></tr>`).join('\n')}
</table></section>`;
}

/** The one line procurement reads. */
export function verdict(s: Summary, residue: number): { kind: 'ok' | 'fail' | 'error'; text: string } {
  const parts: string[] = [];
  if (s.fail) parts.push(`${s.fail} violation(s) of MUST/VENDOR rules`);
  if (s.xpass) parts.push(`${s.xpass} known deviation(s) now pass`);
  if (s.error) parts.push(`could not evaluate ${s.error} rule(s)`);
  if (residue) parts.push(`${residue} change(s) left on the device`);
  if (s.warn) parts.push(`${s.warn} SHOULD warning(s)`);
  if (s.fail || s.xpass) return { kind: 'fail', text: parts.join('; ') };
  if (s.error || residue) return { kind: 'error', text: parts.join('; ') };
  return { kind: 'ok', text: ['conforms', ...parts].join('; ') };
}

function finding(r: RuleResult, run: RunRecord): string {
  const cite = run.citations[r.rule];
  const source = cite
    ? `<blockquote>“${esc(cite.quote)}”<footer>${cite.url ? `<a href="${esc(cite.url)}">${esc(cite.source)}</a>` : esc(cite.source)}, ${esc(cite.section)}</footer></blockquote>`
    : '';
  // The exchanges that best explain the finding come open first; all of them stay one click away.
  const best = telling(r.evidence);
  const exchange = (e: Evidence, open: boolean) =>
    `<details${open ? ' open' : ''}><summary><code>${esc(e.method)} ${esc(e.url)} → ${e.status ?? esc(e.error ?? 'no answer')}</code> ${e.durationMs === undefined ? '' : `<small>${e.durationMs} ms</small>`}</summary>${e.request ? `<h4>request</h4><pre>${esc(e.request)}</pre>` : ''}${e.response ? `<h4>response</h4><pre>${esc(e.response)}</pre>` : ''}${e.error ? `<p class="s-error">${esc(e.error)}</p>` : ''}</details>`;
  const exchanges = r.evidence.length
    ? `${best.map((e) => exchange(e, true)).join('')}${r.evidence.length > best.length ? `<details class="all"><summary>all ${r.evidence.length} exchanges</summary>${r.evidence.map((e) => exchange(e, false)).join('')}</details>` : ''}`
    : '';
  return `<article id="${id(r)}" class="finding s-${r.status}-border">
<h3><span class="badge s-${r.status}">${r.status}</span> ${esc(r.rule)} ${esc(r.title)} <small>${r.level} · ${esc(r.target)}</small></h3>
${r.message ? `<p class="message">${esc(r.message)}</p>` : ''}
${r.reason ? `<p class="reason">${r.status === 'xfail' || r.status === 'xpass' ? 'Expectations: ' : ''}${esc(r.reason)}</p>` : ''}
${r.notes?.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${source}
${exchanges ? `<div class="evidence">${exchanges}</div>` : ''}
</article>`;
}

/** One article for an operation the target does not serve: the rules it left not evaluated, and whose finding it is. */
function causeSection(g: CauseGroup): string {
  const owner = g.owner
    ? ` <a href="#${id({ target: g.target, rule: g.owner })}">${esc(g.owner)}</a> owns the finding.`
    : '';
  return `<article class="finding s-error-border">
<h3><span class="badge s-error">error</span> ${esc(causeLine(g))} <small>${esc(g.target)}</small></h3>
<p class="reason">Not evaluated, because the operation they need is not served:${owner}</p>
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
th{background:#f6f8fa}td.n{text-align:right}.banner{padding:10px 14px;border-radius:6px;margin:14px 0}
.headline{margin:4px 0 0;padding-left:18px;font-weight:normal;color:#59636e}
.residue{background:#ffebe9;border:2px solid #cf222e}.warn{background:#fff8c5}
.v-ok{color:#1a7f37;font-weight:600}.v-fail{color:#cf222e;font-weight:600}.v-error{color:#8250df;font-weight:600}
.matrix td a{color:inherit;text-decoration:none}.matrix td a[href]{text-decoration:underline}.none{color:#d1d9e0}
th[data-sort]{cursor:pointer}.filters{display:flex;gap:12px;flex-wrap:wrap;margin:6px 0 10px;align-items:center}
${Object.entries(COLORS)
  .map(([s, c]) => `.s-${s}{color:${c};font-weight:600}.s-${s}-border{border-left:4px solid ${c}}`)
  .join('')}
.badge{display:inline-block;min-width:42px;text-align:center;border:1px solid currentColor;border-radius:10px;padding:0 6px;font-size:12px}
.finding{padding:8px 12px;margin:10px 0;background:#fff;box-shadow:0 0 0 1px #d1d9e0}
.message{font-family:ui-monospace,monospace;white-space:pre-wrap}blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #d1d9e0;color:#424a53}
blockquote footer{font-size:12px;color:#59636e}pre{background:#f6f8fa;padding:6px;overflow:auto;max-height:300px;white-space:pre-wrap}
details{margin:4px 0}summary{cursor:pointer}`;

/** Filtering and sorting of the matrix: plain DOM, no library, no network. */
const SCRIPT = `
(function(){
  var table=document.getElementById('matrix'),body=table.tBodies[0],rows=[].slice.call(body.rows);
  var f={api:document.getElementById('f-api'),area:document.getElementById('f-area'),level:document.getElementById('f-level'),status:document.getElementById('f-status'),text:document.getElementById('f-text')};
  function apply(){
    var shown=0,q=f.text.value.toLowerCase();
    rows.forEach(function(r){
      var ok=(!f.api.value||r.dataset.api===f.api.value)&&(!f.area.value||r.dataset.area===f.area.value)&&(!f.level.value||r.dataset.level===f.level.value)&&(!f.status.value||(' '+r.dataset.status+' ').indexOf(' '+f.status.value+' ')>=0)&&(!q||r.cells[0].textContent.toLowerCase().indexOf(q)>=0);
      r.style.display=ok?'':'none';if(ok)shown++;
    });
    document.getElementById('f-count').textContent=shown+' of '+rows.length+' rules';
  }
  Object.keys(f).forEach(function(k){f[k].addEventListener('input',apply);});
  [].forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir>0?'asc':'desc';
      rows.sort(function(a,b){return a.cells[i].textContent.localeCompare(b.cells[i].textContent)*dir;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();`;
