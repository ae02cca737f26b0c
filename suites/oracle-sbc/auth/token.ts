import { setTimeout as sleep } from 'node:timers/promises';
import { seededBytes, seededSecret } from '../../../src/core/random.ts';
import { check, confirmServerError, show } from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import { MESSAGES, type SbcClient } from '../client.ts';
import { OPERATIONS, served } from '../operations.ts';
import { expiryCheckDelayMs } from '../params.ts';
import { expectMessage, expectStatus, rejectedLogin, rule } from '../rule.ts';
import { envelope, text } from '../xml.ts';

const TEMPLATE = 'configuration/elementTypes/template';
const TEMPLATE_QUERY = { elementType: 'certificate-record' };

/** The template, an authenticated read, with these headers: the resource whose access the token rules judge. */
async function template(t: RuleRun<SbcClient>, headers: Record<string, string>): Promise<HttpResponse> {
  return served(await t.ctx.raw('GET', TEMPLATE, headers, { query: TEMPLATE_QUERY }), OPERATIONS.template);
}

export const tokenIssued = rule({
  id: 'SBC-AUTH-001',
  title:
    'POST auth/token with Basic credentials answers 200 with data/accessToken, and that token is accepted as Bearer.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§3 Authentication: 200 body',
    quote: '<response><data><accessToken>…</accessToken></data><messages/><links/></response>',
  },
  auth: 'none',
  faults: ['token-status-201', 'token-answer-json'],
  async check(t) {
    const res = await t.ctx.admin.login();
    rejectedLogin(res, t.ctx.admin.username);
    served(res, OPERATIONS.login);
    expectStatus(res, 200, 'POST auth/token with Basic credentials');
    const token = text(envelope(res).data, 'accessToken');
    check(
      token && token.trim() !== '',
      `POST auth/token: expected a non-empty data/accessToken, got ${show(token)}`,
    );
    t.secret(token);
    const use = await template(t, { authorization: `Bearer ${token}` });
    expectStatus(use, 200, 'GET elementTypes/template with the new token as Bearer');
  },
});

export const badPasswordRefused = rule({
  id: 'SBC-AUTH-002',
  title: 'POST auth/token with a wrong password answers 401.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 401',
    quote: 'Unauthorized - Request lacks valid authentication credentials.',
  },
  auth: 'none',
  judgesServerErrors: true,
  faults: ['bad-password-accepted'],
  async check(t) {
    const wrong = seededSecret((b) => `${b.toString('hex')}-not-the-password`, 6);
    t.secret(wrong);
    // A second wrong login only after a 5xx (mind account lockout policies).
    const res = served(await confirmServerError(() => t.ctx.admin.login(wrong)), OPERATIONS.login);
    expectStatus(res, 401, 'POST auth/token with a wrong password');
  },
});

export const missingTokenRefused = rule({
  id: 'SBC-AUTH-003',
  title: 'A request without Authorization answers 401.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§3 Authentication: Bad/missing token',
    quote: '401 ("Client not authorized")',
  },
  auth: 'none',
  judgesServerErrors: true,
  faults: ['missing-bearer-accepted'],
  async check(t) {
    const res = await confirmServerError(() => template(t, {}));
    expectStatus(res, 401, 'GET elementTypes/template without Authorization');
  },
});

export const unknownTokenRefused = rule({
  id: 'SBC-AUTH-004',
  title: 'A request with a Bearer token the SBC never issued answers 401.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Header Parameters: Authorization',
    quote: 'is a valid, unexpired token received in response to a prior',
  },
  auth: 'none',
  judgesServerErrors: true,
  faults: ['unknown-token-accepted'],
  async check(t) {
    const forged = seededBytes(24).toString('hex');
    const res = await confirmServerError(() => template(t, { authorization: `Bearer ${forged}` }));
    expectStatus(res, 401, 'GET elementTypes/template with an unknown Bearer token');
  },
});

export const expiredTokenRefused = rule({
  id: 'SBC-AUTH-005',
  title: 'A token is refused with 401 once its lifetime has passed.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Header Parameters: Authorization',
    quote: 'is a valid, unexpired token received in response to a prior',
  },
  requires: ['token-expiry-observable'],
  judgesServerErrors: true,
  faults: ['expired-token-accepted'],
  async check(t) {
    const session = t.ctx.session(
      'admin (expiring token)',
      t.target.auth.username ?? '',
      t.target.auth.password ?? '',
    );
    const token = await session.bearer();
    const fresh = await template(t, { authorization: `Bearer ${token}` });
    // The fresh use is a precondition: a refusal there says nothing about expiry.
    await t.setup('use the fresh token', async () =>
      expectStatus(fresh, 200, 'GET elementTypes/template with a fresh token'),
    );
    // One use after the wait, none during it: a device whose lifetime restarts with each use conforms too.
    const waitMs = expiryCheckDelayMs(t.ctx.params);
    t.note(
      `waited ${waitMs} ms for the token to expire (params.tokenLifetimeSeconds = ${t.ctx.params.tokenLifetimeSeconds}, plus a grace for a device that enforces expiry late)`,
    );
    await sleep(waitMs);
    const expired = await confirmServerError(() => template(t, { authorization: `Bearer ${token}` }));
    expectStatus(
      expired,
      401,
      `GET elementTypes/template with a token older than its ${t.ctx.params.tokenLifetimeSeconds} s lifetime`,
    );
  },
});

export const unauthorizedMessage = rule({
  id: 'SBC-AUTH-006',
  title: 'The 401 answer says "Client not authorized".',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§2 Envelope: documented message strings',
    quote: '401 "Client not authorized"',
  },
  auth: 'none',
  faults: ['unauthorized-message-missing', 'missing-bearer-accepted'],
  async check(t) {
    const res = await template(t, {});
    expectStatus(res, 401, 'GET elementTypes/template without Authorization');
    expectMessage(res, MESSAGES.unauthorized, '401 body');
  },
});

export const tokenRules = [
  tokenIssued,
  badPasswordRefused,
  missingTokenRefused,
  unknownTokenRefused,
  expiredTokenRefused,
  unauthorizedMessage,
];
