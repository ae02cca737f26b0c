import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { ApiId, Target } from '../src/core/api.ts';
import { runAgainstMock } from '../src/core/selftest.ts';
import type { RuleResult } from '../src/core/engine.ts';
import { mockTarget } from '../src/core/targets.ts';
import { runTarget } from '../src/core/engine.ts';
import { Redactor } from '../src/http/redact.ts';
import { startSbcMock } from '../mocks/oracle-sbc/server.ts';
import { lockRules } from '../suites/oracle-sbc/lock/lock.ts';
import { MOCK_ACCOUNTS } from '../mocks/redfish/variants.ts';
import { generateLockRules } from '../suites/oracle-sbc/certificates/generate-request/lock.ts';

/**
 * Credentials that stop working mid-run (issue 21 item 1): a 401 to credentials that worked is never the device's
 * answer to the request. Sessions and tokens log in again and the request goes once more; what cannot be renewed
 * or resent ends as `error` "the credentials stopped working mid-run", never `fail` or `warn`; the rules whose
 * requirement is the 401 itself keep judging it.
 */

const STOPPED = /the credentials stopped working mid-run/;
const FALSE_VERDICTS = ['fail', 'warn', 'xpass'];

const falseVerdicts = (results: RuleResult[]) =>
  results
    .filter((r) => FALSE_VERDICTS.includes(r.status))
    .map((r) => `${r.rule} ${r.status}: ${r.message ?? ''}`);

/** How many logins a run made (evidence of every rule and shared setup), by the login request's path. */
const logins = (results: RuleResult[], login: RegExp) =>
  new Set(
    results.flatMap((r) =>
      r.evidence.filter((e) => e.method === 'POST' && login.test(new URL(e.url).pathname)),
    ),
  ).size;

describe('sessions and tokens that end mid-run: the suite logs in again, and the variant stays clean', () => {
  it.each([
    ['redfish', 'expiring-sessions', /\/SessionService\/Sessions$/],
    ['oracle-sbc', 'expiring-tokens', /\/auth\/token$/],
  ] as const)(
    '%s %s: 0 fail, 0 warn, 0 error, no residue, and the suite did log in again',
    async (api, variant, login) => {
      const run = await runAgainstMock(APIS[api], variant, []);
      expect(falseVerdicts(run.results)).toEqual([]);
      expect(run.results.filter((r) => r.status === 'error').map((r) => `${r.rule}: ${r.message}`)).toEqual(
        [],
      );
      expect(run.residue).toEqual([]);
      expect(run.leftOnMock).toEqual([]);
      // More logins than the connection's own: the sessions did end, and were renewed.
      expect(logins(run.results, login)).toBeGreaterThan(3);
    },
    120_000,
  );
});

describe('the SBC lock dies with its token (sbc-notes §4: "tied to the access token")', () => {
  const rules = [...lockRules, ...generateLockRules];
  /** Rules whose answers are judged against a lock another session of the suite holds. */
  const otherSession = ['SBC-LOCK-004', 'SBC-LOCK-005', 'SBC-LOCK-006', 'SBC-GEN-002'];

  it('a token that stops working while it holds the lock: the lock is taken again, a rule judging another session against it errors, nothing is left held', async () => {
    const mock = await startSbcMock({ variant: 'default', faults: [] });
    try {
      let revoked = 0;
      let spare = false;
      // A lock the main account takes dies with its token at once (as a token expiring by time would); the lock
      // taken again after that is spared, the next one dies again.
      mock.state.afterRoute = (method, url, status) => {
        if (method === 'POST' && url.pathname.endsWith('/configuration/lock') && status === 204) {
          const holder = mock.state.lockToken;
          if (holder && mock.state.sessions.get(holder)?.username === 'admin') {
            if (!spare) {
              mock.state.sessions.delete(holder);
              revoked++;
            }
            spare = !spare;
          }
        }
        return undefined;
      };
      const api = APIS['oracle-sbc'];
      const target = mockTarget(api, 'default', mock);
      const results = await runTarget({ api, target, rules, redactor: new Redactor() });
      expect(revoked).toBeGreaterThan(4);
      expect(falseVerdicts(results)).toEqual([]);
      // A rule of one session judges on the lock taken again; one that judged another session's answer against
      // the lock cannot know whether the lock was still there: not evaluated.
      for (const r of results) {
        if (otherSession.includes(r.rule) && r.status === 'error')
          expect(`${r.rule}: ${r.message}`).toMatch(STOPPED);
        else expect(`${r.rule} ${r.status}: ${r.message ?? ''}`).toBe(`${r.rule} pass: `);
      }
      expect(results.filter((r) => r.status === 'error').length).toBeGreaterThan(0);
      expect(await mock.residue?.()).toEqual([]);
    } finally {
      await mock.close();
    }
  }, 60_000);

  it('a passing 401 while the lock is held: the token still works, the request goes once more, nothing is left held', async () => {
    const mock = await startSbcMock({ variant: 'default', faults: [] });
    try {
      let spoiled = 0;
      let lockedBy: string | undefined;
      // The first read after each lock the main account takes is answered 401 once (the token still works).
      mock.state.afterRoute = (method, url, status) => {
        if (method === 'POST' && url.pathname.endsWith('/configuration/lock') && status === 204) {
          lockedBy = mock.state.lockToken;
          return undefined;
        }
        if (lockedBy && method === 'GET' && mock.state.lockToken === lockedBy) {
          lockedBy = undefined;
          spoiled++;
          return { status: 401, type: 'application/xml', body: '<response><messages/></response>' };
        }
        return undefined;
      };
      const api = APIS['oracle-sbc'];
      const target = mockTarget(api, 'default', mock);
      const results = await runTarget({ api, target, rules: api.rules, redactor: new Redactor() });
      expect(spoiled).toBeGreaterThan(2);
      expect(falseVerdicts(results)).toEqual([]);
      expect(await mock.residue?.()).toEqual([]);
    } finally {
      await mock.close();
    }
  }, 60_000);
});

/**
 * A plain-HTTP proxy in front of a mock that answers 401 to requests carrying the profile's static credentials:
 * every one after the first `after` (revoked), or one every `every` (a passing refusal); or to the requests
 * `always` picks (the device's own answer to them, the credentials working everywhere else).
 */
async function credentialsProxy(opts: {
  after?: number;
  every?: number;
  /** Refuses these requests with 401 whatever the credentials work for elsewhere (a device's own answer). */
  always?: (method: string, url: string, authorization: string | undefined) => boolean;
}) {
  let upstream: URL | undefined;
  let tls: Target['tls'] = {};
  const credentials = new Set<string>();
  let seen = 0;
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const carried = [req.headers.authorization, req.headers.cookie].some((v) => v && credentials.has(v));
      if (opts.always?.(req.method ?? '', req.url ?? '', req.headers.authorization)) {
        hits.push(`${req.method} ${req.url}`);
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"Base.1.0.GeneralError","message":"refused"}}');
        return;
      }
      if (carried) {
        seen++;
        const refuse =
          (opts.after !== undefined && seen > opts.after) ||
          (opts.every !== undefined && seen % opts.every === 0);
        if (refuse) {
          hits.push(`${req.method} ${req.url}`);
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end('{"message":"credentials no longer accepted"}');
          return;
        }
      }
      const headers = { ...req.headers, host: upstream!.host };
      const out = https.request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers, ca: tls.ca, cert: tls.cert, key: tls.key },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hits,
    /** Puts the proxy in front of the target; the target's own credentials are the ones it refuses. */
    front(target: Target): void {
      upstream = new URL(target.baseUrl);
      tls = target.tls;
      target.baseUrl = target.baseUrl.replace(upstream.origin, url);
      const { auth } = target;
      if (auth.token) credentials.add(`Bearer ${auth.token}`).add(`czertainly-session=${auth.token}`);
      if (auth.username && auth.password)
        credentials.add(`Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
      for (const a of Object.values(target.accounts)) {
        if (a.token) credentials.add(`Bearer ${a.token}`);
        if (a.password)
          credentials.add(`Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('static credentials (a token, a password) that stop working mid-run', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it.each(['czertainly', 'keyfactor'] as ApiId[])(
    '%s: revoked after 30 requests: no fail, every error says the credentials stopped working, the 401 rules still judge',
    async (api) => {
      const proxy = await credentialsProxy({ after: 30 });
      close = proxy.close;
      const def = APIS[api];
      const baseline = await runAgainstMock(def, def.defaultVariant, []);
      const run = await runAgainstMock(def, def.defaultVariant, [], {
        adjust: (t) => {
          proxy.front(t);
          // What cannot be undone without credentials is residue: a short rule limit keeps its retries short.
          t.timeouts = { ...t.timeouts, ruleMs: 5000 };
        },
      });
      expect(proxy.hits.length).toBeGreaterThan(0);
      expect(falseVerdicts(run.results)).toEqual([]);
      const errors = run.results.filter((r) => r.status === 'error');
      expect(errors.length).toBeGreaterThan(0);
      expect(
        errors.filter((r) => !STOPPED.test(r.message ?? '')).map((r) => `${r.rule}: ${r.message}`),
      ).toEqual([]);
      // The rules that use no credentials (their requirement is the 401) are judged as on a healthy target.
      const none = new Set(def.rules.filter((r) => r.auth === 'none').map((r) => r.id));
      expect(none.size).toBeGreaterThan(0);
      const before = new Map(baseline.results.map((r) => [r.rule, r.status]));
      for (const r of run.results.filter((x) => none.has(x.rule)))
        expect(`${r.rule} ${r.status}`).toBe(`${r.rule} ${before.get(r.rule)}`);
    },
    180_000,
  );

  it("a 401 that is the device's own answer (where the documents want 403) is still judged: RF-AUTH-004 fails", async () => {
    const { username, password } = MOCK_ACCOUNTS.readOnly;
    const readOnly = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const proxy = await credentialsProxy({
      always: (method, url, authorization) =>
        method === 'POST' && url.includes('Certificate.Rekey') && authorization === readOnly,
    });
    close = proxy.close;
    const def = APIS.redfish;
    const run = await runAgainstMock(def, def.defaultVariant, [], {
      rules: def.rules.filter((r) => ['RF-DISC-001', 'RF-AUTH-004'].includes(r.id)),
      adjust: (t) => proxy.front(t),
    });
    expect(proxy.hits.length).toBeGreaterThan(0);
    const verdict = run.results.find((r) => r.rule === 'RF-AUTH-004')!;
    expect(`${verdict.status}: ${verdict.message}`).toMatch(/^fail: .*401/);
  }, 60_000);

  it.each(['czertainly', 'keyfactor', 'redfish'] as ApiId[])(
    '%s: a passing 401 every 9 requests: the credentials still work, the request goes once more, nothing is lost',
    async (api) => {
      const proxy = await credentialsProxy({ every: 9 });
      close = proxy.close;
      const def = APIS[api];
      const run = await runAgainstMock(def, def.defaultVariant, [], { adjust: (t) => proxy.front(t) });
      expect(proxy.hits.length).toBeGreaterThan(3);
      expect(falseVerdicts(run.results)).toEqual([]);
      // The credentials still work elsewhere: each refused request went once more (a 401 was not applied), and
      // nothing is left unevaluated.
      expect(run.results.filter((r) => r.status === 'error').map((r) => `${r.rule}: ${r.message}`)).toEqual(
        [],
      );
      expect(proxy.hits.some((h) => h.startsWith('POST '))).toBe(true);
    },
    180_000,
  );
});
