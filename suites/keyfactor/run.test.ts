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
      const created = /"KeyfactorID":(\d+)/.exec(
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
