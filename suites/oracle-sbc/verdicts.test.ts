import { afterEach, describe, expect, it } from 'vitest';
import type { AnyApi } from '../../src/core/api.ts';
import { runTarget, type RuleResult } from '../../src/core/engine.ts';
import { mockTarget } from '../../src/core/targets.ts';
import { Redactor } from '../../src/http/redact.ts';
import type { Fault } from '../../mocks/oracle-sbc/faults.ts';
import { startSbcMock, type SbcMock } from '../../mocks/oracle-sbc/server.ts';
import type { Variant } from '../../mocks/oracle-sbc/variants.ts';
import { envelope } from '../../mocks/oracle-sbc/xml.ts';
import { oracleSbcApi } from './index.ts';

/** True verdicts on real SBCs: optional is not missing, one cause one finding, a wait that ends in a finding. */
const api = oracleSbcApi as unknown as AnyApi;
let mock: SbcMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function run(
  variant: Variant,
  faults: Fault[],
  opts: { rules?: string[]; operationMs?: number; before?: (m: SbcMock) => void } = {},
) {
  mock = await startSbcMock({ variant, faults });
  opts.before?.(mock);
  const target = { ...mockTarget(api, variant, mock) };
  if (opts.operationMs) target.timeouts = { ...target.timeouts, operationMs: opts.operationMs };
  const absent: string[] = [];
  const results = await runTarget({
    api,
    target,
    rules: opts.rules ? api.rules.filter((r) => opts.rules!.includes(r.id)) : api.rules,
    redactor: new Redactor(),
    onAbsent: (cap, reason) =>
      absent.push(`${oracleSbcApi.capabilityNames?.[cap as 'api-version'] ?? cap}: ${reason}`),
  });
  return { results, absent };
}

const count = (results: RuleResult[], status: string) => results.filter((r) => r.status === status);

describe('oracle-sbc verdicts on real SBCs', () => {
  it('a release without v1.2: 0 fail, 0 error, and a headline saying the version is not offered', async () => {
    const { results, absent } = await run('release-v1.1', []);
    expect(results.filter((r) => !['pass', 'skip'].includes(r.status))).toEqual([]);
    expect(absent).toEqual([
      'REST API version: v1.2 is not offered by this SBC (GET /rest/api/supportedversions lists v1.0, v1.1; POST /rest/v1.2/auth/token answers 404 "Not Found: Unsupported versionId in URI")',
    ]);
    // Discovery and plain HTTP need no version: they are still judged.
    expect(count(results, 'pass').map((r) => r.rule)).toEqual(
      expect.arrayContaining(['SBC-TRN-001', 'SBC-VER-001', 'SBC-VER-003']),
    );
  }, 60_000);

  it('a release without certificate import: the import rules skip with a headline, everything else passes', async () => {
    const { results, absent } = await run('release-without-import', []);
    expect(results.filter((r) => !['pass', 'skip'].includes(r.status))).toEqual([]);
    expect(absent).toContainEqual(
      expect.stringMatching(
        /^certificate import: not offered by this release \(PUT \/rest\/v1\.2\/configuration\/certificates\/import answers 404 "Not Found: no resource at/,
      ),
    );
    const skipped = results
      .filter((r) => /capability "certificate-import"/.test(r.reason ?? ''))
      .map((r) => r.rule);
    expect(skipped.sort()).toEqual(
      ['SBC-IMP-001', 'SBC-IMP-002', 'SBC-IMP-004', 'SBC-IMP-005', 'SBC-IMP-006', 'SBC-TRN-006'].sort(),
    );
  }, 60_000);

  it('generateRequest not served: one fail (SBC-GEN-018), every rule that needed it is not evaluated, under one cause', async () => {
    const { results } = await run('default', ['generate-not-served']);
    expect(count(results, 'fail').map((r) => r.rule)).toEqual(['SBC-GEN-018']);
    expect(count(results, 'warn')).toEqual([]);
    const errors = count(results, 'error');
    expect(errors.length).toBeGreaterThan(15);
    for (const r of errors) {
      expect(r.cause, r.rule).toEqual({ what: 'generateRequest not served (404)', owner: 'SBC-GEN-018' });
      expect(r.message, r.rule).toMatch(/^not evaluated: generateRequest not served \(404\)/);
    }
    expect(await mock!.residue!()).toEqual([]);
  }, 60_000);

  it('a save task that never finishes is a finding once timeouts.operationMs has passed', async () => {
    const { results } = await run('default', [], {
      rules: ['SBC-MGT-001'],
      operationMs: 300,
      before: (m) =>
        (m.state.afterRoute = (method, url) =>
          method === 'GET' && url.pathname.includes('/configuration/management/operations/')
            ? {
                status: 200,
                type: 'application/xml',
                body: envelope({ operationState: { operation: 'save', status: 'inProgress' } }),
              }
            : undefined),
    });
    expect(results.map((r) => r.status)).toEqual(['fail']);
    expect(results[0]!.message).toMatch(
      /save task: operationState\/status still "inProgress" after \d+ polls over timeouts\.operationMs \(300 ms\)/,
    );
  }, 30_000);
});
