import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyApi } from '../../src/core/api.ts';
import { runTarget, type Residue } from '../../src/core/engine.ts';
import { mockTarget } from '../../src/core/targets.ts';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import type { Fault } from '../../mocks/oracle-sbc/faults.ts';
import { startSbcMock, type SbcMock } from '../../mocks/oracle-sbc/server.ts';
import { VARIANT_CONFIG } from '../../mocks/oracle-sbc/variants.ts';
import { oracleSbcApi } from './index.ts';

const api = oracleSbcApi as unknown as AnyApi;
let mock: SbcMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function run(faults: Fault[], opts: { rules?: string[]; signal?: AbortSignal } = {}) {
  mock = await startSbcMock({ variant: 'default', faults });
  const target = mockTarget(api, 'default', mock);
  const rules = opts.rules ? api.rules.filter((r) => opts.rules!.includes(r.id)) : api.rules;
  return runTarget({ api, target, rules, redactor: new Redactor(), signal: opts.signal });
}

/** Rules that take the lock and create scratch records. */
const LOCKING_RULES = [
  'SBC-LOCK-001',
  'SBC-LOCK-002',
  'SBC-REC-002',
  'SBC-GEN-006',
  'SBC-GEN-019',
  'SBC-IMP-002',
];

/**
 * Runs the locking rules against a mock whose hook loses some answers (after the request was processed), with
 * the short request timeout of the hostile self-test. Returns the results and what the engine reported as residue.
 */
async function runLosing(
  lose: (method: string, url: URL) => 'reset' | 'drop' | undefined,
  before?: (method: string, url: URL) => void,
  rules = LOCKING_RULES,
) {
  mock = await startSbcMock({ variant: 'default', faults: [] });
  mock.state.afterRoute = (method, url) => lose(method, url);
  if (before) mock.state.beforeRequest = before;
  const target = { ...mockTarget(api, 'default', mock) };
  // A short rule time also bounds the engine's retries of an undo (a few seconds instead of 30).
  target.timeouts = { ...target.timeouts, requestMs: 1500, ruleMs: 4000 };
  const residue: Residue[] = [];
  const results = await runTarget({
    api,
    target,
    rules: api.rules.filter((r) => rules.includes(r.id)),
    redactor: new Redactor(),
    onResidue: (r) => residue.push(r),
  });
  return { results, residue };
}

/** The n-th request of a kind (1-based) gets `what`; the others pass. */
function nth(n: number, method: string, path: string, what: 'reset' | 'drop') {
  let seen = 0;
  return (m: string, url: URL) =>
    m === method && url.pathname.endsWith(path) && ++seen === n ? what : undefined;
}

/** Nothing the suite took is left behind on the SBC: no lock, no scratch record. */
function expectClean(m: SbcMock) {
  expect(m.state.lockHolder(), 'configuration lock still held').toBeUndefined();
  expect([...m.state.records.keys()], 'scratch certificate-records left behind').toEqual([]);
}

describe('oracle-sbc lock hygiene', () => {
  for (const what of ['drop', 'reset'] as const) {
    for (const n of [1, 2, 4]) {
      it(`a lock request processed but whose answer is lost (${what}, lock #${n}) is released afterwards`, async () => {
        const { results, residue } = await runLosing(nth(n, 'POST', '/configuration/lock', what));
        expect(results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
        expect(results.some((r) => r.status === 'error' && /transport/.test(r.message ?? ''))).toBe(true);
        expect(residue).toEqual([]);
        expect(await mock!.residue!()).toEqual([]);
      }, 30_000);
    }
  }

  it('an unlock processed but whose answer is cut by a reset still ends with the lock free', async () => {
    const { results, residue } = await runLosing(nth(1, 'POST', '/configuration/unlock', 'reset'));
    expect(results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    expect(residue).toEqual([]);
    expect(await mock!.residue!()).toEqual([]);
  }, 30_000);

  it('an unlock that keeps failing is reported as residue naming the lock, never swallowed', async () => {
    // Every unlock answers 500 without being processed: the lock cannot be released.
    const { results, residue } = await runLosing(
      () => undefined,
      (method, url) => {
        if (method === 'POST' && url.pathname.endsWith('/configuration/unlock'))
          throw new Error('unlock broken');
      },
      ['SBC-LOCK-001'],
    );
    expect(results.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([]);
    expect(residue.length).toBeGreaterThan(0);
    expect(residue.map((r) => r.what).join('; ')).toMatch(/configuration lock/);
    expect(await mock!.residue!()).toEqual([expect.stringMatching(/configuration lock held by admin/)]);
  }, 60_000);

  it('a record create whose answer is lost is deleted afterwards (the undo was registered first)', async () => {
    const { residue } = await runLosing(nth(1, 'POST', '/configuration/configElements', 'reset'));
    expect(residue).toEqual([]);
    expect(await mock!.residue!()).toEqual([]);
  }, 30_000);

  it('releases the lock and removes scratch records when rules fail', async () => {
    const results = await run([
      'lock-answers-200',
      'csr-subject-ignores-locality',
      'import-echo-missing',
      'activate-reports-failure',
    ]);
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.rule);
    expect(failed).toEqual(
      expect.arrayContaining(['SBC-LOCK-001', 'SBC-GEN-008', 'SBC-IMP-001', 'SBC-MGT-003']),
    );
    expectClean(mock!);
  });

  it('on Ctrl-C in the middle of a rule holding the lock, the cleanups and close() release everything', async () => {
    const controller = new AbortController();
    mock = await startSbcMock({ variant: 'default', faults: [] });
    let interruptedWhileLocked = false;
    mock.state.beforeRequest = async (method, url) => {
      // GEN-002 holds the lock and a scratch record while the second admin calls generateRequest.
      if (
        url.pathname.endsWith('/generateRequest') &&
        url.searchParams.get('recordName')?.endsWith('-gen-otherlock') &&
        !controller.signal.aborted
      ) {
        interruptedWhileLocked = mock!.state.lockHolder() !== undefined && mock!.state.records.size > 0;
        controller.abort();
        await sleep(100);
      }
    };
    const target = mockTarget(api, 'default', mock);
    const results = await runTarget({
      api,
      target,
      rules: api.rules,
      redactor: new Redactor(),
      signal: controller.signal,
    });
    await sleep(150); // let the interrupted rule's last request finish
    expect(interruptedWhileLocked).toBe(true);
    const gen002 = results.find((r) => r.rule === 'SBC-GEN-002')!;
    expect([gen002.status, gen002.message]).toEqual(['error', 'interrupted while running']);
    expect(results.filter((r) => r.reason === 'not run: the run was interrupted').length).toBeGreaterThan(0);
    expectClean(mock);
  });

  it('Connection.close() releases a lock its tokens still hold, removes scratch records, and refuses new locks', async () => {
    mock = await startSbcMock({ variant: 'default', faults: [] });
    const target = { ...mockTarget(api, 'default', mock) };
    const redactor = new Redactor();
    const http = new HttpClient({ baseUrl: target.baseUrl, tls: target.tls, timeoutMs: 5000, redactor });
    const connection = await oracleSbcApi.connect({ target, redactor, http });
    const client = connection.ctx;
    // As if a rule was cut off before its cleanups: a second token holds the lock, a scratch record exists.
    const second = client.session('admin (second token)', target.auth.username!, target.auth.password!);
    expect((await second.lock()).status).toBe(204);
    const create = await second.request('POST', 'configuration/configElements', {
      body: '<configElement><elementType>certificate-record</elementType><attribute><name>name</name><value>cc-left-over</value></attribute></configElement>',
    });
    expect(create.status).toBe(200);
    client.createdRecords.add('cc-left-over');
    await second.unlock();
    expect((await second.lock()).status).toBe(204);
    expect(mock.state.lockHolder()).toBe(second.token);

    await connection.close();
    expectClean(mock);
    await expect(client.admin.lock()).rejects.toThrow(/closed/);
    http.close();
  });

  it('runs rules one at a time even when the profile raises the concurrency (one lock per device)', async () => {
    mock = await startSbcMock({ variant: 'default', faults: [] });
    const target = { ...mockTarget(api, 'default', mock), concurrency: 4 };
    const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
    expect(
      results
        .filter((r) => !['pass', 'skip'].includes(r.status))
        .map((r) => `${r.rule} ${r.status}: ${r.message}`),
    ).toEqual([]);
    expectClean(mock);
  });

  it('never takes over a lock another user holds: the rules that need it are not evaluated (error), and the lock stays theirs', async () => {
    mock = await startSbcMock({ variant: 'default', faults: [] });
    const other = VARIANT_CONFIG.default.otherAdmin;
    const http = new HttpClient({
      baseUrl: mock.url,
      tls: { ca: mockTarget(api, 'default', mock).tls.ca },
      timeoutMs: 5000,
      redactor: new Redactor(),
    });
    const headers = {
      accept: 'application/xml',
      authorization: 'Basic ' + Buffer.from(`${other.username}:${other.password}`).toString('base64'),
    };
    const login = await http.post('/rest/v1.2/auth/token', { headers });
    const token = /<accessToken>([^<]+)</.exec(login.text)![1]!;
    const lock = await http.post('/rest/v1.2/configuration/lock', {
      headers: { accept: 'application/xml', authorization: `Bearer ${token}` },
    });
    expect(lock.status).toBe(204);
    http.close();

    const target = mockTarget(api, 'default', mock);
    const ids = ['SBC-LOCK-001', 'SBC-LOCK-003', 'SBC-GEN-006', 'SBC-MGT-001'];
    const results = await runTarget({
      api,
      target,
      rules: api.rules.filter((r) => ids.includes(r.id)),
      redactor: new Redactor(),
    });
    // A state of the device, not an absent capability (DESIGN.md): nothing was evaluated, under one cause.
    for (const r of results) {
      expect(r.status, r.rule).toBe('error');
      expect(r.message, r.rule).toMatch(/Resource locked by another user/);
      expect(r.cause, r.rule).toEqual({ what: 'configuration lock held by another session', blocked: true });
    }
    expect(mock.state.lockHolder()).toBe(token);
  });
});
