import { describe, expect, it } from 'vitest';
import type { RuleResult } from '../src/core/engine.ts';
import { summarize } from '../src/core/outcome.ts';
import { htmlReport, verdict } from '../src/report/html.ts';
import { junitXml } from '../src/report/junit.ts';
import type { RunRecord } from '../src/report/run.ts';

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

  it('shows residue before anything else, then a verdict per target, the matrix and the findings', () => {
    const order = ['Residue: 1 change', 'Verdicts', 'Rules × targets', 'Findings (2)'].map((s) =>
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

  it('words the verdict the way procurement reads it', () => {
    expect(verdict(summarize(['pass', 'skip']), 0)).toEqual({ kind: 'ok', text: 'conforms' });
    expect(verdict(summarize(['pass', 'warn']), 0)).toEqual({
      kind: 'ok',
      text: 'conforms; 1 SHOULD warning(s)',
    });
    expect(verdict(summarize(['fail', 'fail', 'error']), 0).text).toBe(
      '2 violation(s) of MUST/VENDOR rules; could not evaluate 1 rule(s)',
    );
    expect(verdict(summarize(['pass']), 1)).toEqual({
      kind: 'error',
      text: '1 change(s) left on the device',
    });
  });
});

describe('junit.xml and warnings', () => {
  const run = record([result('bmc-a', 'RF-CSR-010', 'warn', 'CSR should carry SAN')]);

  it('names a warn [WARN] and says what was violated, as a passing case by default', () => {
    const xml = junitXml(run);
    expect(xml).toContain('name="[WARN] RF-CSR-010 title of RF-CSR-010"');
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
