import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { AnyApi } from '../src/core/api.ts';
import { checkEqual, expectHelperStatus } from '../src/core/check.ts';
import { runTarget } from '../src/core/engine.ts';
import { Blocked } from '../src/core/errors.ts';
import { mockTarget } from '../src/core/targets.ts';
import { HttpClient } from '../src/http/client.ts';
import { Redactor } from '../src/http/redact.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { cleanupCommand } from '../src/cleanup.ts';
import { runConformance } from '../src/run.ts';
import { startSbcMock, type SbcMock } from '../mocks/oracle-sbc/server.ts';
import { VARIANT_CONFIG } from '../mocks/oracle-sbc/variants.ts';
import { tempDir } from './helpers.ts';
import { tinyApi, tinyRule } from './tiny-api.ts';

/**
 * Issue 21 item 2: a target state that prevents evaluation (a configuration lock another session holds, a busy
 * device) is `error` with a cause the headline names, and the run exits 3; what an earlier run left (scratch
 * objects named with the harness's prefix) is residue of an earlier run, and `certconform cleanup` removes it.
 */
const sbc = APIS['oracle-sbc'] as unknown as AnyApi;
let mock: SbcMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** A standalone SBC mock and a profile for it (a real target as far as the run can tell). */
async function sbcTarget(): Promise<{ profile: string; out: string; ca: string }> {
  mock = await startSbcMock({ variant: 'default', faults: [] });
  const dir = tempDir('certconform-residue-');
  const target = mockTarget(sbc, 'default', mock, 'lab-sbc');
  const { profile } = writeMockProfile(join(dir, 'sbc.yaml'), { ...target, mockVariant: undefined });
  return { profile, out: join(dir, 'out'), ca: target.tls.ca! };
}

/** Another session takes the configuration lock (another user, or an earlier run killed while holding it). */
async function lockAs(username: string, password: string, ca: string): Promise<string> {
  const http = new HttpClient({ baseUrl: mock!.url, tls: { ca }, timeoutMs: 5000, redactor: new Redactor() });
  try {
    const basic = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
    const login = await http.post('/rest/v1.2/auth/token', {
      headers: { accept: 'application/xml', authorization: basic },
    });
    const token = /<accessToken>([^<]+)</.exec(login.text)![1]!;
    const lock = await http.post('/rest/v1.2/configuration/lock', {
      headers: { accept: 'application/xml', authorization: `Bearer ${token}` },
    });
    expect(lock.status).toBe(204);
    return token;
  } finally {
    http.close();
  }
}

function printed(): { print: (...l: string[]) => void; text: () => string } {
  const lines: string[] = [];
  return { print: (...l) => lines.push(...l), text: () => lines.join('\n') };
}

describe('a configuration lock held by another session', () => {
  it('is no capability the device lacks: 0 fail, every rule that needs it error with the cause, the headline says so, exit 3', async () => {
    const { profile, out, ca } = await sbcTarget();
    const other = VARIANT_CONFIG.default.otherAdmin;
    const token = await lockAs(other.username, other.password, ca);
    const console = printed();
    const { run, exitCode } = await runConformance({ profiles: [profile], out, print: console.print });

    expect(exitCode).toBe(3);
    expect(run.summary.fail).toBe(0);
    const blocked = run.results.filter((r) => r.cause?.what === 'configuration lock held by another session');
    expect(blocked.length).toBeGreaterThan(20);
    for (const r of blocked) {
      expect(r.status, r.rule).toBe('error');
      expect(r.cause, r.rule).toEqual({ what: 'configuration lock held by another session', blocked: true });
      expect(r.message, r.rule).toMatch(/Resource locked by another user.*token expires/);
    }
    // Nothing the lock stopped is a skip: a skip would read as "optional, not offered".
    expect(run.results.filter((r) => r.status === 'skip' && /lock/.test(r.reason ?? ''))).toEqual([]);
    const headline = `configuration lock held by another session: ${blocked.length} rules not evaluated`;
    expect(console.text()).toContain(`Not evaluated (the target's state):\n  lab-sbc: ${headline}`);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`- lab-sbc: ${headline}: SBC-`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(`<li>${headline}</li>`);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain(
      `<property name="not-evaluated" value="${headline}"/>`,
    );
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      results: Array<{ cause?: unknown }>;
    };
    expect(json.results.filter((r) => r.cause).length).toBe(blocked.length);
    // Never taken over.
    expect(mock!.state.lockHolder()).toBe(token);
  });

  it('cleanup says so and when it is freed; it cannot release it', async () => {
    const { profile, ca } = await sbcTarget();
    await lockAs('admin', 'mock-admin-secret', ca); // an earlier run of the same account, killed holding it
    const console = printed();
    expect(await cleanupCommand({ profiles: [profile], yes: true, print: console.print })).toBe(3);
    expect(console.text()).toMatch(
      /left: configuration lock held by another session \(POST \/rest\/v1\.2\/configuration\/lock answered 423 "Locked: Resource locked by another user".*cannot be removed by certconform: .*token expires \(tokens live 600 s/,
    );
    expect(mock!.state.lockHolder()).toBeDefined();
  });
});

describe('what an earlier run left', () => {
  it('a scratch record of the suite is residue of an earlier run (exit 3), and the rule that needs its name is not evaluated', async () => {
    const { profile, out } = await sbcTarget();
    mock!.state.records.set('certconform-test-rec', { attributes: { name: ['certconform-test-rec'] } });
    const console = printed();
    const { run, exitCode } = await runConformance({
      profiles: [profile],
      out,
      rules: ['SBC-TRN-*', 'SBC-REC-002'],
      print: console.print,
    });
    expect(exitCode).toBe(3);
    expect(run.summary.fail).toBe(0);
    expect(run.residue).toEqual([
      expect.objectContaining({
        target: 'lab-sbc',
        rule: '(earlier run)',
        what: 'certificate-record "certconform-test-rec"',
        why: expect.stringContaining('certconform cleanup --profile'),
      }),
    ]);
    const rec = run.results.find((r) => r.rule === 'SBC-REC-002')!;
    expect(rec.status).toBe('error');
    expect(rec.cause).toEqual({ what: 'scratch certificate-record already on the device', blocked: true });
    expect(console.text()).toContain(
      'RESIDUE OF AN EARLIER RUN: 1 object(s) an earlier run left on the device',
    );
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('## ⚠ Residue of an earlier run');
    // The run itself left nothing: the earlier run's record is still there, untouched.
    expect([...mock!.state.records.keys()]).toEqual(['certconform-test-rec']);
  });

  it('cleanup lists it, removes it only with --yes and allowDestructive, and then finds nothing', async () => {
    const { profile } = await sbcTarget();
    mock!.state.records.set('certconform-test-regen', { attributes: { name: ['certconform-test-regen'] } });
    mock!.state.records.set('someone-elses-record', { attributes: { name: ['someone-elses-record'] } });
    const list = printed();
    expect(await cleanupCommand({ profiles: [profile], print: list.print })).toBe(3);
    expect(list.text()).toContain('found: certificate-record "certconform-test-regen"');
    expect(list.text()).not.toContain('someone-elses-record');
    expect(mock!.state.records.has('certconform-test-regen')).toBe(true);

    const removed = printed();
    expect(await cleanupCommand({ profiles: [profile], yes: true, print: removed.print })).toBe(0);
    expect(removed.text()).toContain('removed: certificate-record "certconform-test-regen"');
    expect([...mock!.state.records.keys()]).toEqual(['someone-elses-record']);
    expect(mock!.state.lockHolder()).toBeUndefined();

    const again = printed();
    expect(await cleanupCommand({ profiles: [profile], print: again.print })).toBe(0);
    expect(again.text()).toContain('nothing left by an earlier run');
  });

  it('CZERTAINLY: legacy end entities named with the prefix are found and removed', async () => {
    const cz = APIS.czertainly as unknown as AnyApi;
    const czMock = await cz.startMock({ variant: cz.defaultVariant, faults: [] });
    const redactor = new Redactor();
    const target = mockTarget(cz, cz.defaultVariant, czMock);
    const http = new HttpClient({ baseUrl: target.baseUrl, tls: target.tls, timeoutMs: 5000, redactor });
    const conn = await cz.connect({ target, redactor, http });
    try {
      const { http: authed, params } = conn.ctx as {
        http: HttpClient;
        params: { legacyRaProfileName: string; legacyRaProfileUuid: string };
      };
      const base = `${target.baseUrl.replace(/\/+$/, '')}/v1/operations/${params.legacyRaProfileName}/endentity`;
      const raProfile = { uuid: params.legacyRaProfileUuid, name: params.legacyRaProfileName, enabled: true };
      for (const username of ['certconform-list-0badc0de', 'an-operator'])
        expectHelperStatus(
          await authed.post(base, {
            json: { username, password: 'pw-123456', subjectDN: `CN=${username}`, raProfile },
          }),
          [200, 201, 204],
          'add end entity',
        );
      const found = await conn.earlierResidue!({});
      expect(found.map((f) => f.what)).toEqual([
        `legacy end entity "certconform-list-0badc0de" (RA profile ${params.legacyRaProfileName})`,
      ]);
      await found[0]!.remove!();
      expect(await conn.earlierResidue!({})).toEqual([]);
      expect((await authed.get(`${base}/an-operator`)).status).toBe(200);
    } finally {
      await conn.close();
      http.close();
      await czMock.close();
    }
  });
});

describe('the engine: a target state is an error with a cause, never a fail or a skip', () => {
  const toy = tinyApi({
    id: 'toy-busy',
    rules: [
      tinyRule({
        id: 'BUSY-001',
        title: 'The status is 200',
        async check({ ctx }) {
          checkEqual((await ctx.http.get('/status')).status, 200, 'status');
        },
      }),
      tinyRule({
        id: 'BUSY-002',
        title: 'A helper read',
        async check({ ctx }) {
          expectHelperStatus(await ctx.http.get('/status'), [200], 'reading the status');
        },
      }),
      tinyRule({
        id: 'BUSY-003',
        title: 'A refusal is a 4xx',
        judgesServerErrors: true,
        async check({ ctx }) {
          const s = (await ctx.http.get('/status')).status;
          checkEqual(s >= 400 && s < 500, true, `refusal status ${s} is a 4xx`);
        },
      }),
      tinyRule({
        id: 'BUSY-004',
        title: 'A lock is taken',
        async check() {
          throw new Blocked('lock held by another session', 'answered 423');
        },
      }),
    ],
    // Busy past the client's retries: a 503 without Retry-After is not retried.
    routes: (app) =>
      app.get('/status', async (_req, reply) => reply.code(503).send({ error: 'maintenance' })),
  });

  it('a 503 is "target busy" and a Blocked setup its own cause; a rule judging refusals still judges it', async () => {
    const api = toy;
    const m = await api.startMock({ variant: 'plain', faults: [] });
    try {
      const results = await runTarget({
        api,
        target: mockTarget(api, 'plain', m),
        rules: api.rules,
        redactor: new Redactor(),
      });
      const by = Object.fromEntries(results.map((r) => [r.rule, r]));
      const busy = { what: 'target busy (503 Service Unavailable)', blocked: true };
      expect(by['BUSY-001']).toMatchObject({ status: 'error', cause: busy });
      expect(by['BUSY-002']).toMatchObject({ status: 'error', cause: busy });
      expect(by['BUSY-003']!.status).toBe('fail');
      expect(by['BUSY-003']!.cause).toBeUndefined();
      expect(by['BUSY-004']).toMatchObject({
        status: 'error',
        message: 'not evaluated: lock held by another session: answered 423',
        cause: { what: 'lock held by another session', blocked: true },
      });
    } finally {
      await m.close();
    }
  });
});
