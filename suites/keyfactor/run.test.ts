import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runTarget } from '../../src/core/engine.ts';
import { mockTarget } from '../../src/core/targets.ts';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import { repoPath } from '../../src/paths.ts';
import type { AnyApi } from '../../src/core/api.ts';
import { USERS } from '../../mocks/keyfactor/state.ts';
import { keyfactorApi } from './index.ts';

describe('read-only runs', () => {
  it('skip every destructive rule and pass the others on the mock', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'default', faults: [] });
    try {
      const target = { ...mockTarget(api, 'default', mock), allowDestructive: false };
      const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
      for (const r of results) {
        const destructive = api.rules.find((x) => x.id === r.rule)!.destructive;
        expect(`${r.rule} ${r.status}`).toBe(`${r.rule} ${destructive ? 'skip' : 'pass'}`);
      }
      expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThanOrEqual(8);
    } finally {
      await mock.close();
    }
  });
});

describe('params.deleteCreatedCertificates', () => {
  it('deletes the certificates the run made Command issue when the run ends', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'default', faults: [] });
    const http = new HttpClient({
      baseUrl: mock.url,
      tls: { ca: readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8') },
      timeoutMs: 10_000,
      redactor: new Redactor(),
    });
    try {
      const target = mockTarget(api, 'default', mock);
      target.params = { ...target.params, deleteCreatedCertificates: true };
      const rules = api.rules.filter((r) => r.id === 'KF-REN-002');
      const [result] = await runTarget({ api, target, rules, redactor: new Redactor() });
      expect(result?.status).toBe('pass');
      const created = /"KeyfactorID": ?(\d+)/.exec(
        result!.evidence.find((e) => e.url.endsWith('/Enrollment/Renew'))!.response!,
      )![1];
      const auth = `Basic ${Buffer.from(`${USERS.admin.username}:${USERS.admin.password}`).toString('base64')}`;
      const res = await http.get(`${target.baseUrl}/Certificates/${created}`, {
        headers: { authorization: auth, 'x-keyfactor-requested-with': 'APIClient' },
      });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/could not be found/);
    } finally {
      http.close();
      await mock.close();
    }
  });
});

describe('rejected credentials', () => {
  it('of the collection-scoped account make its rules errors, not fails, and name the account', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'default', faults: [] });
    try {
      const target = mockTarget(api, 'default', mock);
      const scoped = target.accounts.collectionUser!;
      target.accounts = { collectionUser: { ...scoped, password: `${scoped.password}x` } };
      const rules = api.rules.filter((r) => /^KF-AUTH-00[2-5]$/.test(r.id));
      const results = await runTarget({ api, target, rules, redactor: new Redactor() });
      expect(results.map((r) => r.status)).toEqual(rules.map(() => 'error'));
      for (const r of results)
        expect(r.message).toContain(`credentials for ${scoped.username} were rejected`);
    } finally {
      await mock.close();
    }
  });

  it('of the main account leave the unauthenticated rule running', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'default', faults: [] });
    try {
      const target = mockTarget(api, 'default', mock);
      target.auth = { ...target.auth, password: `${target.auth.password}x` };
      const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
      expect(results.find((r) => r.rule === 'KF-AUTH-001')?.status).toBe('pass');
      const others = results.filter((r) => r.rule !== 'KF-AUTH-001');
      expect(new Set(others.map((r) => r.status))).toEqual(new Set(['error']));
      expect(others[0]?.message).toMatch(/^credentials for .* were rejected by https:\/\/.*: 401$/);
    } finally {
      await mock.close();
    }
  });
});

describe('one cause, one finding', () => {
  it('a Renew answered 405 is the one finding of KF-REN-001; every rule that needed Renew is not evaluated', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'default', faults: ['renew-not-served'] });
    try {
      const target = mockTarget(api, 'default', mock);
      const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
      expect(results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.rule)).toEqual([
        'KF-REN-001',
      ]);
      const errors = results.filter((r) => r.status === 'error');
      expect(errors.length).toBeGreaterThan(20);
      for (const r of errors) {
        expect(r.cause, r.rule).toEqual({
          what: 'POST /Enrollment/Renew not served (405)',
          owner: 'KF-REN-001',
        });
        expect(r.message, r.rule).toMatch(/^not evaluated: POST \/Enrollment\/Renew not served \(405\)/);
      }
      // Rules that never send Renew are untouched.
      expect(results.find((r) => r.rule === 'KF-AVL-001')?.status).toBe('pass');
    } finally {
      await mock.close();
    }
  });
});

describe('optional is not missing', () => {
  it('an account without PFX enrollment and store permissions: those rules skip, and the headline says why', async () => {
    const api = keyfactorApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'renew-only', faults: [] });
    try {
      const target = mockTarget(api, 'renew-only', mock);
      const absent = new Map<string, string>();
      const results = await runTarget({
        api,
        target,
        rules: api.rules,
        redactor: new Redactor(),
        onAbsent: (cap, reason) => absent.set(cap, reason),
      });
      expect(results.filter((r) => r.status !== 'pass' && r.status !== 'skip')).toEqual([]);
      expect([...absent.keys()].sort()).toEqual(['pfx-enrollment', 'store-jobs']);
      expect(`${api.capabilityNames!['pfx-enrollment']}: ${absent.get('pfx-enrollment')}`).toBe(
        `PFX enrollment: not offered to ${USERS.admin.username} (GET /Status/Endpoints does not list POST /Enrollment/PFX)`,
      );
      for (const id of ['KF-PFX-001', 'KF-AVL-004', 'KF-DEP-001', 'KF-DEP-003'])
        expect(results.find((r) => r.rule === id)?.status, id).toBe('skip');
    } finally {
      await mock.close();
    }
  });
});
