import { describe, expect, it } from 'vitest';
import { czertainlyApi } from '../../suites/czertainly/index.ts';
import { runAgainstMock } from '../../src/core/selftest.ts';
import { proveApi } from './prove.ts';

describe('czertainly self-test', () => {
  it(
    'every variant clean, every fault caught by its rules only, no false verdict under hostile modes, wrong credentials or concurrency 4',
    () => proveApi('czertainly'),
    900_000,
  );

  it('a rejected readOnly token makes the rules that need it error, once named, and fails nothing', async () => {
    const run = await runAgainstMock(czertainlyApi, 'immediate', [], {
      rules: czertainlyApi.rules.filter((r) => r.id.startsWith('CZ-ERR-') || r.id === 'CZ-ATT-001'),
      adjust: (t) => (t.accounts = { readOnly: { username: 'auditor', token: 'not-the-auditor-token' } }),
    });
    const byId = new Map(run.results.map((r) => [r.rule, r]));
    for (const id of ['CZ-ERR-007', 'CZ-ERR-008']) {
      expect(byId.get(id)?.status).toBe('error');
      expect(byId.get(id)?.message).toMatch(/credentials for accounts\.readOnly \(auditor\) were rejected/);
    }
    expect(run.results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    expect(byId.get('CZ-ATT-001')?.status).toBe('pass');
  }, 60_000);

  it('a wrong main token is one line for every rule that needs it; rules without credentials still run', async () => {
    const run = await runAgainstMock(czertainlyApi, 'immediate', [], {
      adjust: (t) => (t.auth = { ...t.auth, token: 'wrong-token' }),
    });
    const errors = run.results.filter((r) => r.status === 'error');
    expect(new Set(errors.map((r) => r.message))).toEqual(
      new Set([
        expect.stringMatching(
          /^credentials for the bearer token \(auth\.token\) were rejected by https:\/\/.*: 401$/,
        ),
      ]),
    );
    expect(run.results.find((r) => r.rule === 'CZ-ERR-006')?.status).toBe('pass');
    expect(run.results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
  }, 60_000);

  it('the params the suite cannot work without are required by its paramsSchema', () => {
    expect(czertainlyApi.paramsSchema.required).toEqual(['authorityUuid', 'raProfileUuid']);
  });
});
