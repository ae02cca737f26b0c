import { afterEach, describe, expect, it } from 'vitest';
import type { AnyApi } from '../../src/core/api.ts';
import { runTarget } from '../../src/core/engine.ts';
import { mockTarget } from '../../src/core/targets.ts';
import { Redactor } from '../../src/http/redact.ts';
import type { Fault } from '../../mocks/oracle-sbc/faults.ts';
import { startSbcMock, type SbcMock } from '../../mocks/oracle-sbc/server.ts';
import { oracleSbcApi } from './index.ts';

const api = oracleSbcApi as unknown as AnyApi;
let mock: SbcMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function start(faults: Fault[] = []) {
  mock = await startSbcMock({ variant: 'default', faults });
  return { mock, target: mockTarget(api, 'default', mock) };
}

const byRule = (results: Array<{ rule: string; status: string; message?: string }>) =>
  new Map(results.map((r) => [r.rule, r]));
const noRule = new Set(api.rules.filter((r) => r.auth === 'none').map((r) => r.id));

describe('oracle-sbc connect', () => {
  it('a login answer without a readable token: authFailure, the no-token rules run, the format rules fail', async () => {
    const { mock, target } = await start();
    // Every login is processed (a token exists on the device) but answered as an HTML page.
    mock.state.afterRoute = (method, url) =>
      method === 'POST' && url.pathname.endsWith('/auth/token')
        ? { status: 200, type: 'text/html', body: '<html><body>Welcome</body></html>' }
        : undefined;
    const results = byRule(await runTarget({ api, target, rules: api.rules, redactor: new Redactor() }));
    // The rules whose requirement the login answer violates report it.
    expect(results.get('SBC-AUTH-001')?.status).toBe('fail');
    expect(results.get('SBC-TRN-003')?.status).toBe('fail');
    // Rules that need no token were evaluated.
    for (const id of ['SBC-TRN-001', 'SBC-TRN-004', 'SBC-VER-001', 'SBC-AUTH-002', 'SBC-AUTH-003'])
      expect(results.get(id)?.status, id).toBe('pass');
    // Every other rule is an error naming the failed login, never a fail.
    for (const [id, r] of results) {
      if (noRule.has(id)) continue;
      expect(r.status, id).toBe('error');
      expect(r.message, id).toMatch(/login of admin .* could not be completed/);
    }
  }, 60_000);

  it('a JSON token answer still lets every other rule run; only the XML-envelope rules fail', async () => {
    const { target } = await start(['token-answer-json']);
    const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
    const bad = results
      .filter((r) => !['pass', 'skip'].includes(r.status))
      .map((r) => `${r.rule} ${r.status}`);
    expect(bad.sort()).toEqual(['SBC-AUTH-001 fail', 'SBC-TRN-003 fail']);
  }, 60_000);

  it('a rejected extra account makes the rules that use it error, never fail', async () => {
    const { target } = await start();
    target.accounts = {
      ...target.accounts,
      otherAdmin: { ...target.accounts.otherAdmin!, password: 'not-the-password' },
    };
    const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
    expect(results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    const errors = results.filter((r) => r.status === 'error');
    expect(errors.map((r) => r.rule).sort()).toEqual(['SBC-GEN-002', 'SBC-LOCK-004', 'SBC-LOCK-005']);
    for (const r of errors)
      expect(r.message).toMatch(/credentials for admin2 were rejected by https:.*: 401/);
  }, 60_000);

  it('a wrong main password: one authFailure line for the rules that need it, 0 fail', async () => {
    const { target } = await start();
    target.auth = { ...target.auth, password: `${target.auth.password}x` };
    const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
    expect(results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    const messages = new Set(results.filter((r) => r.status === 'error').map((r) => r.message));
    expect([...messages]).toEqual([
      expect.stringMatching(/^credentials for admin were rejected by https:.*: 401$/),
    ]);
  }, 60_000);
});
