import {
  check,
  checkOneOf,
  confirmServerError,
  describeAnswer,
  lookup,
  notApplicable,
  show,
} from '../../../src/core/check.ts';
import {
  certOf,
  discover,
  KIND_LABEL,
  memberUris,
  primaryCert,
  protectedResource,
  type CertKind,
  type Json,
} from '../context.ts';
import { expectRedfishError } from '../expect.ts';
import { rekeyOnce, requireCsrOf, sweepBody } from '../rekey.ts';
import { rule } from '../rule.ts';
import { servedOrOwnFinding } from '../served.ts';

/** Certificates whose Rekey needs ConfigureManager (everything but Boot, which sits under ComputerSystem). */
const MANAGER_KINDS: CertKind[] = ['https', 'ldap', 'account', 'ldapClient'];

export const authRules = [
  rule({
    id: 'RF-AUTH-001',
    title: 'Rekey without credentials is refused with 401',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Security — Certificates, authentication, privileges',
      quote:
        'All write requests to Redfish objects shall be authenticated, i.e., POST, PUT/PATCH, and DELETE',
    },
    judgesServerErrors: true,
    faults: ['rekey-without-auth'],
    async check(t) {
      const cert = await primaryCert(t);
      const res = await confirmServerError(() =>
        t.ctx.http.post(cert.rekeyTarget, { json: sweepBody(t), noDefaultHeaders: true }),
      );
      await servedOrOwnFinding(t, res);
      check(
        res.status === 401,
        `Rekey of ${cert.uri} without credentials: expected 401, got ${res.status} ${show(res.text)}`,
      );
      check(!res.text.includes('BEGIN CERTIFICATE REQUEST'), 'the 401 answer carries a CSR');
    },
  }),
  rule({
    id: 'RF-AUTH-002',
    title: 'A 401 from a service that accepts Basic auth carries WWW-Authenticate',
    level: 'MUST',
    parallelSafe: true,
    requires: ['basic-auth'],
    cite: {
      source: 'dsp0266',
      section: 'Response headers',
      quote: '`WWW-Authenticate` | Yes | Required for Basic and other optional authentication mechanisms.',
    },
    faults: ['no-www-authenticate'],
    async check(t) {
      const uri = protectedResource(await discover(t));
      const res = await t.ctx.http.get(uri, { noDefaultHeaders: true });
      check(res.status === 401, `GET ${uri} without credentials answered ${res.status}, expected 401`);
      check(res.header('www-authenticate') !== undefined, 'the 401 answer has no WWW-Authenticate header');
    },
  }),
  rule({
    id: 'RF-AUTH-003',
    title: 'Rekey with a wrong Basic password is refused with 401 and reveals nothing',
    level: 'MUST',
    requires: ['rekey', 'basic-auth'],
    cite: {
      source: 'dsp0266',
      section: 'Status codes',
      quote:
        'Extended error messages shall not provide privileged information when authentication failures occur.',
    },
    judgesServerErrors: true,
    faults: ['wrong-password-accepted', 'rekey-without-auth'],
    async check(t) {
      const cert = await primaryCert(t);
      const wrong = `${t.target.auth.password ?? ''}-certconform-wrong`;
      t.secret(wrong);
      const value = `Basic ${Buffer.from(`${t.target.auth.username ?? ''}:${wrong}`).toString('base64')}`;
      t.secret(value.slice(6));
      const res = await confirmServerError(() =>
        t.ctx.http.post(cert.rekeyTarget, {
          json: sweepBody(t),
          noDefaultHeaders: true,
          headers: { authorization: value },
        }),
      );
      await servedOrOwnFinding(t, res);
      check(res.status === 401, `Rekey with a wrong password: expected 401, got ${res.status}`);
      check(!/BEGIN CERTIFICATE|CSRString/.test(res.text), 'the 401 answer carries certificate data');
    },
  }),
  rule({
    id: 'RF-AUTH-004',
    title: 'A ReadOnly account is refused Rekey on every certificate with 403',
    level: 'MUST',
    requires: ['rekey', 'read-only-account'],
    cite: {
      source: 'dsp0266',
      section: 'Security — Certificates, authentication, privileges',
      quote: 'ReadOnly = Login, ConfigureSelf.',
    },
    judgesServerErrors: true,
    faults: ['readonly-can-rekey'],
    async check(t) {
      const client = await t.ctx.as('readOnly');
      for (const cert of Object.values((await discover(t)).byKind)) {
        const res = await confirmServerError(() => client.post(cert.rekeyTarget, { json: sweepBody(t) }));
        await servedOrOwnFinding(t, res);
        expectRedfishError(
          t,
          res,
          [403],
          ['InsufficientPrivilege'],
          `Rekey of the ${KIND_LABEL[cert.kind]} as ReadOnly`,
        );
      }
    },
  }),
  rule({
    id: 'RF-AUTH-005',
    title: 'An Operator is refused Rekey with 403 on HTTPS, LDAP and account certificates (ConfigureManager)',
    level: 'MUST',
    requires: ['rekey', 'operator-account'],
    cite: {
      source: 'privilege-registry',
      section: 'Mappings[Entity=Certificate].OperationMap.POST',
      quote: '"POST": [{"Privilege": ["ConfigureManager"]}]',
    },
    judgesServerErrors: true,
    faults: ['operator-can-rekey-manager-certs'],
    async check(t) {
      const client = await t.ctx.as('operator');
      const d = await discover(t);
      const certs = MANAGER_KINDS.map((k) => d.byKind[k]).filter((c) => c !== undefined);
      if (certs.length === 0) notApplicable('no HTTPS, LDAP or account certificate advertises Rekey');
      for (const cert of certs) {
        const res = await confirmServerError(() => client.post(cert.rekeyTarget, { json: sweepBody(t) }));
        await servedOrOwnFinding(t, res);
        expectRedfishError(
          t,
          res,
          [403],
          ['InsufficientPrivilege'],
          `Rekey of the ${KIND_LABEL[cert.kind]} as Operator`,
        );
      }
    },
  }),
  rule({
    id: 'RF-AUTH-006',
    title: 'An Operator may Rekey a Boot certificate (ConfigureComponents under ComputerSystem)',
    level: 'MUST',
    destructive: true,
    requires: ['rekey', 'operator-account', 'boot-certificate'],
    cite: {
      source: 'privilege-registry',
      section: 'Mappings[Entity=Certificate].SubordinateOverrides[Targets=ComputerSystem].POST',
      quote: '"Targets": ["ComputerSystem"]',
    },
    faults: ['operator-refused-on-boot'],
    async check(t) {
      const client = await t.ctx.as('operator');
      const cert = await certOf(t, 'boot');
      const o = await rekeyOnce(t, cert, sweepBody(t), { client });
      checkOneOf(o.initial.status, [200, 202], `Rekey of the Boot certificate as Operator: status`);
      await requireCsrOf(t, o);
    },
  }),
  rule({
    id: 'RF-AUTH-007',
    title: 'A session login returns X-Auth-Token and Location; the token works until the session is deleted',
    level: 'MUST',
    requires: ['sessions'],
    cite: {
      source: 'dsp0266',
      section: 'Response headers',
      quote: '`Location` and `X-Auth-Token` shall be included on responses that create user sessions.',
    },
    faults: ['session-survives-logout'],
    async check(t) {
      const d = await discover(t);
      const uri = protectedResource(d);
      const { username, password } = t.target.auth;
      if (!username || !password) notApplicable('the profile gives no auth.username/password to log in with');
      const sessions = d.sessionsUri!;
      const before = new Set(await memberUris(t.ctx.http, sessions));
      // Registered before the login: a session this rule opened is logged out, even one whose answer was lost.
      t.cleanup(`the session RF-AUTH-007 opened for ${username}`, async () => {
        for (const uri of await memberUris(t.ctx.http, sessions)) {
          if (before.has(uri)) continue;
          const s = await lookup<Json>(t.ctx.http, uri, { purpose: 'look up a new session' });
          if (!s.present || s.body?.UserName !== username) continue;
          const res = await t.ctx.http.delete(uri);
          if (!(res.status >= 200 && res.status < 300) && res.status !== 404)
            throw new Error(`logging out ${uri}: ${describeAnswer(res)}`);
        }
      });
      const res = await t.ctx.http.post(sessions, {
        json: { UserName: username, Password: password },
        noDefaultHeaders: true,
      });
      checkOneOf(res.status, [200, 201], 'session login status');
      const token = res.header('x-auth-token');
      const location = res.header('location');
      check(token, 'session login answered without X-Auth-Token');
      t.secret(token);
      check(location, 'session login answered without Location');
      const withToken = { noDefaultHeaders: true, headers: { 'x-auth-token': token } };
      const use = await t.ctx.http.get(uri, withToken);
      check(use.status === 200, `GET ${uri} with the new token answered ${use.status}`);
      const del = await t.ctx.http.delete(location, withToken);
      check(del.status >= 200 && del.status < 300, `DELETE ${location} answered ${del.status}`);
      const after = await t.ctx.http.get(uri, withToken);
      check(
        after.status === 401,
        `after DELETE of the session its token still works: GET ${uri} answered ${after.status}, expected 401`,
      );
    },
  }),
];
