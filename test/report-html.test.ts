import { describe, expect, it } from 'vitest';
import type { AnyApi } from '../src/core/api.ts';
import { runTarget, type RuleResult } from '../src/core/engine.ts';
import { summarize } from '../src/core/outcome.ts';
import { mockTarget } from '../src/core/targets.ts';
import { excerpt, findingAt, orderEvidence, showAt, type Evidence } from '../src/http/evidence.ts';
import { Redactor } from '../src/http/redact.ts';
import { htmlReport, verdict } from '../src/report/html.ts';
import { junitXml } from '../src/report/junit.ts';
import type { RunRecord } from '../src/report/run.ts';
import { summaryMarkdown } from '../src/report/summary-md.ts';
import { toyApi } from './toy/api.ts';

const result = (
  target: string,
  rule: string,
  status: RuleResult['status'],
  message?: string,
): RuleResult => ({
  target,
  rule,
  title: `title of ${rule}`,
  level: 'MUST',
  status,
  durationMs: 3,
  evidence: [
    { method: 'GET', url: 'https://bmc/redfish/v1', status: 500, durationMs: 2, response: '<b>oops</b>' },
  ],
  ...(message ? { message } : {}),
});

function record(results: RuleResult[]): RunRecord {
  return {
    tool: { name: 'certconform', version: '0.1.0' },
    startedAt: '2026-12-01T00:00:00Z',
    durationMs: 1000,
    targets: [
      {
        name: 'bmc-a',
        api: 'redfish',
        baseUrl: 'https://a',
        vendor: 'ami',
        model: 'MegaRAC SP-X',
        firmware: '13.2',
      },
      { name: 'bmc-b', api: 'redfish', baseUrl: 'https://b', vendor: 'dmtf' },
    ],
    summary: summarize(results.map((r) => r.status)),
    results,
    residue: [
      {
        target: 'bmc-b',
        rule: 'RF-E2E-001',
        what: 'HTTPS certificate',
        where: 'https://b',
        why: 'restore failed',
      },
    ],
    citations: {
      'RF-CSR-001': {
        source: 'DSP0266',
        section: '§1',
        quote: 'shall <sign>',
        url: 'https://dmtf.example/x',
      },
    },
  };
}

describe('report.html', () => {
  const html = htmlReport(
    record([
      result('bmc-a', 'RF-CSR-001', 'pass'),
      result('bmc-b', 'RF-CSR-001', 'fail', 'CSR signature: expected valid, got <invalid>'),
      result('bmc-a', 'RF-REQ-002', 'error', 'transport: reset'),
      result('bmc-b', 'RF-REQ-002', 'pass'),
    ]),
  );

  it('is one file that loads nothing from the network', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('shows residue before anything else, then a verdict per target, the findings and the matrix', () => {
    const order = ['Residue: 1 change', 'Verdicts', 'Findings (2)', 'Rules × targets'].map((s) =>
      html.indexOf(s),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('could not evaluate 1 rule(s)');
    expect(html).toContain('1 violation(s) of MUST/VENDOR rules');
    // Procurement compares devices: vendor, model and firmware when the profile says so.
    expect(html).toContain('ami · MegaRAC SP-X · firmware 13.2');
  });

  it('escapes what devices and rules say, and links a finding to its citation', () => {
    expect(html).toContain('got &lt;invalid&gt;');
    expect(html).toContain('&lt;b&gt;oops&lt;/b&gt;');
    expect(html).toContain('“shall &lt;sign&gt;”');
    expect(html).toContain('href="https://dmtf.example/x"');
  });

  it('words the verdict the way procurement reads it, with how much of the catalog applied', () => {
    expect(verdict(summarize(['pass', 'skip']), 0)).toEqual({
      kind: 'ok',
      text: 'conforms: 1 of 2 rules applied, 1 not applicable',
    });
    expect(verdict(summarize(['pass', 'warn']), 0)).toEqual({
      kind: 'ok',
      text: 'conforms: all 2 rules applied; 1 SHOULD warning(s)',
    });
    expect(verdict(summarize(['fail', 'fail', 'error', 'skip']), 0).text).toBe(
      '2 violation(s) of MUST/VENDOR rules; could not evaluate 1 rule(s) (3 of 4 rules applied, 1 not applicable)',
    );
    expect(verdict(summarize(['pass']), 1)).toEqual({
      kind: 'error',
      text: '1 change(s) left on the device (all 1 rule applied)',
    });
    // Nothing applied verified nothing: not "conforms".
    expect(verdict(summarize(['skip', 'skip']), 0)).toEqual({
      kind: 'none',
      text: 'nothing verified: 0 of 2 rules applied, 2 not applicable',
    });
  });
});

describe('junit.xml and warnings', () => {
  const run = record([result('bmc-a', 'RF-CSR-010', 'warn', 'CSR should carry SAN')]);

  it('keeps the test name of a warn; a passing case with the property outcome=warn and what was violated', () => {
    const xml = junitXml(run);
    const passed = junitXml(record([result('bmc-a', 'RF-CSR-010', 'pass')]));
    // One stable name in every outcome: a CI's history of the rule is not broken by a warning.
    expect(xml).toContain('name="RF-CSR-010 title of RF-CSR-010"');
    expect(passed).toContain('name="RF-CSR-010 title of RF-CSR-010"');
    expect(xml).not.toContain('[WARN]');
    expect(xml).toMatch(
      /<testcase[^>]*RF-CSR-010[^>]*>\s*<properties>\s*<property name="outcome" value="warn"/,
    );
    expect(xml).toContain('WARN (SHOULD violated): CSR should carry SAN');
    expect(xml).not.toContain('type="warn"');
  });

  it('with --warn-as-failure it is a <failure type="warn">, counted as a failure', () => {
    const xml = junitXml(run, { warnAsFailure: true });
    expect(xml).toMatch(/<failure message="SHOULD: CSR should carry SAN" type="warn">/);
    expect(xml).toMatch(/<testsuites name="certconform" tests="2" failures="2"/);
  });

  it('lists residue as a failed case of its own', () => {
    expect(junitXml(run)).toContain('name="RESIDUE RF-E2E-001: HTTPS certificate"');
  });
});

describe('findings that show the violation (issue 19)', () => {
  const csr = `-----BEGIN CERTIFICATE REQUEST-----\n${'MIIC'.repeat(300)}\n-----END CERTIFICATE REQUEST-----`;
  const answer = {
    CSRString: csr,
    Certificate: { '@odata.id': '/redfish/v1/Managers/1/NetworkProtocol/HTTPS/Certificates/1' },
    Messages: [{ MessageId: 'TaskEvent.1.0.3.TaskStarted', MessageArgs: ['4'] }],
  };

  it('an excerpt is the answer pretty-printed, long strings cut in place so the members after them stay', () => {
    const text = excerpt(JSON.stringify(answer));
    expect(text.split('\n')[0]).toBe('{');
    expect(text).toContain('  "Messages": [');
    expect(text).toMatch(/"CSRString": "-----BEGIN CERTIFICATE REQUEST-----\\nMIIC.*… \(1270 chars\)",/);
    expect(excerpt('not json')).toBe('not json');
    const long = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    expect(excerpt(long)).toMatch(/\nline \d+\n… \(cut: \d+ chars in all\)$/);
  });

  it('names the offending part: its pointer, its value, the answer around it with the part marked', () => {
    const shown = showAt(answer, '/Messages');
    expect(shown).toMatchObject({ pointer: '/Messages', value: expect.stringContaining('"MessageId"') });
    const lines = shown.context!.split('\n');
    const [from, to] = shown.mark!;
    expect(lines[from]).toBe('  "Messages": [');
    expect(lines[to]).toBe('  ]');
    // The CSR is shortened further in the context: it says where, the value says what.
    expect(lines.find((l) => l.includes('CSRString'))!.length).toBeLessThan(120);
    const missing = showAt(answer, '/Certificate/Id');
    expect(missing).toMatchObject({ pointer: '/Certificate/Id', missing: true });
    expect(missing.context!.split('\n')[missing.mark![0]]).toBe('  "Certificate": {');
    expect(showAt({ 'a/b': { '~': 1 } }, '/a~1b/~0')).toMatchObject({ value: '1' });
  });

  it('masks the answer before it is cut or laid out: no part of a secret survives a cut', () => {
    const redactor = new Redactor();
    redactor.add('SECRETVALUE-4711');
    const body = { note: `${'x'.repeat(75)}SECRETVALUE-4711`, Password: 'hunter2-hunter2', ok: false };
    const shown = findingAt({ pointer: '/ok', body }, (t) => redactor.text(t));
    expect(shown.context).toContain('"ok": false');
    expect(shown.context).not.toMatch(/SECR|hunter2/);
    expect(shown.context).toContain('"Password": "***"');
    const value = findingAt({ pointer: '/', value: `${'y'.repeat(1995)}SECRETVALUE-4711` }, (t) =>
      redactor.text(t),
    );
    expect(value.value).not.toContain('SECR');
  });

  it('orders a finding’s exchanges: the answer that holds it, the rule’s own, shared writes, shared reads', () => {
    const e = (method: string, url: string, shared = false): Evidence => ({
      method,
      url,
      status: 200,
      durationMs: 1,
      ...(shared ? { shared } : {}),
    });
    const discovery = e('GET', '/redfish/v1', true);
    const rekey = e('POST', '/Rekey', true);
    const own = e('GET', '/Tasks/1');
    const held = e('POST', '/Rekey/2', true);
    expect(orderEvidence([discovery, rekey, own, held], held)).toEqual([held, own, rekey, discovery]);
    expect(orderEvidence([discovery, own])).toEqual([own, discovery]);
  });

  const failing: RuleResult = {
    ...result(
      'bmc-a',
      'RF-RESP-002',
      'fail',
      'the response does not validate: / must NOT have additional properties "Messages"',
    ),
    at: { ...showAt(answer, '/Messages'), exchange: 0 },
    evidence: [
      {
        method: 'POST',
        url: 'https://bmc/redfish/v1/Managers/1/NetworkProtocol/HTTPS/Certificates/1/Actions/Certificate.Rekey',
        status: 200,
        durationMs: 5,
        response: excerpt(JSON.stringify(answer)),
        shared: true,
      },
      { method: 'GET', url: 'https://bmc/redfish/v1', status: 200, durationMs: 2, shared: true },
    ],
  };

  it('report.html puts the part first, marked in the context and in the answer that holds it, opened', () => {
    const html = htmlReport({
      ...record([failing]),
      targets: [{ name: 'bmc-a', api: 'redfish', baseUrl: 'https://a', vendor: 'ami' }],
      residue: [],
    });
    const article = html.slice(html.indexOf('<article id="f-bmc-a-RF-RESP-002"'));
    expect(article.indexOf('<code class="pointer">/Messages</code>')).toBeGreaterThan(0);
    expect(article.indexOf('class="pointer"')).toBeLessThan(article.indexOf('class="message"'));
    expect(article).toContain('<mark>  &quot;Messages&quot;: [</mark>');
    expect(article).toMatch(
      /<details open[^>]*><summary><code>POST [^<]*Certificate\.Rekey → 200<\/code> <small>the answer that holds it/,
    );
    expect(article).toContain('all 2 exchanges (2 from shared setups, listed last)');
  });

  it('summary.md names the part and shows the answer around it as a diff, the part as its - lines', () => {
    const md = summaryMarkdown({ ...record([failing]), residue: [] });
    expect(md).toContain(
      '- at `/Messages` in the answer to `POST https://bmc/redfish/v1/Managers/1/NetworkProtocol/HTTPS/Certificates/1/Actions/Certificate.Rekey` → 200',
    );
    expect(md).toContain('  ```diff\n');
    expect(md).toContain('  -   "Messages": [\n');
    expect(md).toContain('      "Certificate": {\n');
  });

  it('one matrix per API, each with only its targets: no empty columns', () => {
    const html = htmlReport({
      ...record([
        result('bmc-a', 'RF-CSR-001', 'pass'),
        { ...result('kf-1', 'KF-REN-001', 'pass'), level: 'MUST' },
      ]),
      targets: [
        { name: 'bmc-a', api: 'redfish', baseUrl: 'https://a', vendor: 'ami' },
        { name: 'kf-1', api: 'keyfactor', baseUrl: 'https://k', vendor: 'keyfactor' },
      ],
    });
    const tables = html.match(/<table class="matrix" data-api="[a-z-]+">[\s\S]*?<\/table>/g)!;
    expect(tables.map((t) => /data-api="([a-z-]+)"/.exec(t)![1])).toEqual(['redfish', 'keyfactor']);
    expect(tables[0]).toContain('bmc-a');
    expect(tables[0]).not.toContain('kf-1');
    expect(tables[1]).not.toContain('RF-CSR-001');
    expect(html).not.toContain('class="none"');
  });

  it('the engine carries where a rule said the violation is, its exchange first', async () => {
    const api = toyApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'plain', faults: ['status-not-ok'] });
    try {
      const results = await runTarget({
        api,
        target: mockTarget(api, 'plain', mock),
        rules: api.rules.filter((r) => r.id === 'TOY-STATUS-001'),
        redactor: new Redactor(),
      });
      expect(results[0]).toMatchObject({
        status: 'fail',
        at: { pointer: '/ok', value: 'false', exchange: 0 },
        evidence: [{ method: 'GET', url: expect.stringMatching(/\/status$/), status: 200 }],
      });
      expect(results[0]!.at!.context).toContain('"ok": false');
    } finally {
      await mock.close();
    }
  });
});
