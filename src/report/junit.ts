import { XMLBuilder } from 'fast-xml-parser';
import type { RuleResult } from '../core/engine.ts';
import {
  absentHeadlines,
  causeLine,
  errorCauses,
  type CauseGroup,
  type RunRecord,
  type TargetInfo,
} from './run.ts';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  suppressEmptyNode: true,
});

function evidenceText(r: RuleResult): string {
  return r.evidence
    .map(
      (e) =>
        `${e.method} ${e.url} -> ${e.status ?? e.error ?? 'no response'}${e.response ? `\n  ${e.response.replace(/\n/g, '\n  ')}` : ''}`,
    )
    .join('\n');
}

export interface JunitOptions {
  /** A SHOULD violation as a `<failure type="warn">` instead of a passing case with the property outcome=warn. */
  warnAsFailure?: boolean;
}

function testcase(r: RuleResult, api: string, opts: JunitOptions) {
  const tc: Record<string, unknown> = {
    '@classname': `${api}.${r.target}`,
    // The same name whatever the outcome: a CI's test history follows a rule across runs by it.
    '@name': `${r.rule} ${r.title}`,
    '@time': (r.durationMs / 1000).toFixed(3),
  };
  const detail = [r.message, r.reason, evidenceText(r)].filter(Boolean).join('\n\n');
  switch (r.status) {
    case 'fail':
      tc.failure = { '@message': r.message ?? 'failed', '@type': r.level, '#text': detail };
      break;
    case 'xpass':
      tc.failure = { '@message': `unexpected pass: ${r.message ?? ''}`, '@type': 'xpass', '#text': detail };
      break;
    case 'error':
      tc.error = { '@message': r.message ?? 'error', '@type': 'error', '#text': detail };
      break;
    case 'skip':
      tc.skipped = { '@message': r.reason ?? r.message ?? 'skipped' };
      break;
    case 'xfail':
      tc.skipped = { '@message': `known deviation: ${r.reason ?? ''} (${r.message ?? ''})` };
      break;
    case 'warn':
      // A passing case that says what it is: the outcome as a property (GitLab, Jenkins and the test-report
      // actions show a testcase's properties) and what was violated in system-out.
      tc.properties = { property: [{ '@name': 'outcome', '@value': 'warn' }] };
      if (opts.warnAsFailure)
        tc.failure = { '@message': `SHOULD: ${r.message ?? 'warning'}`, '@type': 'warn', '#text': detail };
      else tc['system-out'] = `WARN (SHOULD violated): ${detail}`;
      break;
    case 'pass':
      break;
  }
  return tc;
}

/**
 * The target as `<properties>`: what it is (API, URL without credentials, vendor, model, firmware) and its headline
 * (states that blocked evaluation, capabilities it does not offer, operations it does not serve), so a CI dashboard
 * shows them beside the cases.
 */
function properties(t: TargetInfo, causes: CauseGroup[]) {
  const url = new URL(t.baseUrl);
  url.username = '';
  url.password = '';
  const props: Array<[string, string | undefined]> = [
    ['api', t.api],
    ['url', url.href],
    ['vendor', t.vendor],
    ['model', t.model],
    ['firmware', t.firmware],
    ...causes.filter((g) => g.blocked).map((g): [string, string] => ['not-evaluated', causeLine(g)]),
    ...absentHeadlines(t).map((l): [string, string] => ['not-offered', l]),
    ...causes.filter((g) => !g.blocked).map((g): [string, string] => ['not-served', causeLine(g)]),
  ];
  return props.flatMap(([name, value]) => (value ? [{ '@name': name, '@value': value }] : []));
}

/** JUnit XML for CI: one testsuite per target; fail/xpass are failures, error is an error, skip/xfail are skipped. */
export function junitXml(run: RunRecord, opts: JunitOptions = {}): string {
  const failing = (r: RuleResult) =>
    r.status === 'fail' || r.status === 'xpass' || (opts.warnAsFailure === true && r.status === 'warn');
  // Residue is a failed test case of its own, so a CI dashboard shows it where people look.
  const residueCases = run.residue.map((r) => ({
    '@classname': `certconform.residue.${r.target}`,
    '@name': `RESIDUE ${r.rule}: ${r.what}`,
    '@time': '0.000',
    failure: { '@message': `not undone on ${r.where}: ${r.why}`, '@type': 'residue', '#text': r.why },
  }));
  const causes = errorCauses(run.results);
  const suites = run.targets.map((t) => {
    const rs = run.results.filter((r) => r.target === t.name);
    return {
      '@name': `${t.api}: ${t.name}`,
      properties: {
        property: properties(
          t,
          causes.filter((g) => g.target === t.name),
        ),
      },
      '@tests': rs.length,
      '@failures': rs.filter(failing).length,
      '@errors': rs.filter((r) => r.status === 'error').length,
      '@skipped': rs.filter((r) => r.status === 'skip' || r.status === 'xfail').length,
      '@time': (rs.reduce((n, r) => n + r.durationMs, 0) / 1000).toFixed(3),
      testcase: rs.map((r) => testcase(r, t.api, opts)),
    };
  });
  const doc = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    testsuites: {
      '@name': 'certconform',
      '@tests': run.results.length + residueCases.length,
      '@failures': run.results.filter(failing).length + residueCases.length,
      '@errors': run.summary.error,
      '@skipped': run.summary.skip + run.summary.xfail,
      '@time': (run.durationMs / 1000).toFixed(3),
      testsuite: residueCases.length
        ? [
            {
              '@name': 'residue: changes the run could not undo',
              '@tests': residueCases.length,
              '@failures': residueCases.length,
              '@errors': 0,
              '@skipped': 0,
              '@time': '0.000',
              testcase: residueCases,
            },
            ...suites,
          ]
        : suites,
    },
  };
  return builder.build(doc) as string;
}
