import { seededUuid } from '../../../src/core/random.ts';
import { check, checkEqual, confirmServerError, show } from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import { rule, VENDOR } from '../rule.ts';
import type { Ctx } from '../context.ts';
import { expectErrorMessage, expectMessageList } from '../lib/expect.ts';
import { refused, revoke, served, v2 } from '../lib/flow.ts';
import { newCsr } from '../lib/pki.ts';

export const nonUuidPath422 = rule({
  id: 'CZ-ERR-001',
  title:
    'A raProfileUuid path parameter that is not a UUID is refused with 422 and a JSON array of messages.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'SecuredUUID path parameters (research §1.4 UUID parsing)',
    quote: 'Invalid UUID',
  },
  parallelSafe: true,
  // The refusal's status is the finding: a 500 is read once more, then judged.
  judgesServerErrors: true,
  faults: ['non-uuid-path-404'],
  async check(t) {
    // A 404 is judged (this rule's fault) where the path is served at all (CZ-ATT-001's request).
    const res = await refused(t, 'listIssueCertificateAttributes', () =>
      t.ctx.http.get(v2(t.ctx, '/attributes/issue', { raProfileUuid: 'not-a-uuid' })),
    );
    // The status and the shape are the implementation's contract; the wording of its messages is not.
    expectMessageList(res, 'raProfileUuid "not-a-uuid"');
  },
});

export const nonUuidCertificate400 = rule({
  id: 'CZ-ERR-002',
  title: 'A certificateUuid that is not a UUID is refused with 400 {message} on renew.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'UUID.fromString of certificateUuid in renew/rekey/revoke (research §1.4)',
    quote: 'Invalid UUID string:',
  },
  destructive: true,
  // A 500 for the malformed UUID is the finding (confirmed by a second request, which changes nothing).
  judgesServerErrors: true,
  faults: ['non-uuid-cert-500'],
  async check(t) {
    const res = await refused(t, 'renewCertificate', () =>
      t.ctx.http.post(v2(t.ctx, '/certificates/not-a-uuid/renew'), { json: {} }),
    );
    expectErrorMessage(res, 400, 'renew of certificateUuid "not-a-uuid"');
  },
});

export const unknownCertificate404 = rule({
  id: 'CZ-ERR-003',
  title: 'An operation on a certificate that does not exist answers 404 with an ErrorMessageDto.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Renew Certificate, error response',
    quote: '{- "message": "Error message"',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['unknown-certificate-plain-text'],
  async check(t) {
    const uuid = seededUuid();
    // The 404 is this rule's subject only where renew is served at all (else no route, not "no certificate").
    const res = await refused(t, 'renewCertificate', () =>
      t.ctx.http.post(v2(t.ctx, `/certificates/${uuid}/renew`), { json: {} }),
    );
    expectErrorMessage(res, 404, `renew of unknown certificate ${uuid}`);
    check(res.contentType.includes('json'), `404 content type: expected JSON, got ${show(res.contentType)}`);
  },
});

export const badJson400 = rule({
  id: 'CZ-ERR-004',
  title: 'A request body that is not valid JSON is refused with 400 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'api/ExceptionHandlingAdvice (HttpMessageNotReadableException → 400)',
    quote: 'Unable to read HTTP message',
  },
  destructive: true,
  // A 500 for the unreadable body is the finding (confirmed by a second request: nothing is issued from it).
  judgesServerErrors: true,
  faults: ['bad-json-500'],
  async check(t) {
    const res = await refused(t, 'issueCertificate', () =>
      t.ctx.http.post(v2(t.ctx, '/certificates'), {
        body: '{"attributes": [], "request": ',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expectErrorMessage(res, 400, 'issue with a truncated JSON body');
  },
});

export const wrongVerb400 = rule({
  id: 'CZ-ERR-005',
  title: 'A wrong HTTP method on an operation path is refused with 400 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'api/ExceptionHandlingAdvice (HttpRequestMethodNotSupportedException → 400)',
    quote:
      '[behaviour, no message] HttpRequestMethodNotSupportedException is answered with HttpStatus.BAD_REQUEST',
  },
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['wrong-verb-405'],
  async check(t) {
    // A 405 proves the path is routed (this rule's fault); a 404 or 501 is judged once issue is known to be served.
    const res = await refused(
      t,
      'issueCertificate',
      () => t.ctx.http.get(v2(t.ctx, '/certificates')),
      [404, 501],
    );
    expectErrorMessage(res, 400, 'GET on the issue path');
  },
});

export const unauthenticated401 = rule({
  id: 'CZ-ERR-006',
  title: 'A request without credentials is refused with 401.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'GET .../attributes/issue (listIssueCertificateAttributes), responses."401"',
    quote: 'description: Unauthorized',
  },
  requires: ['authentication'],
  // Sends no credentials: still runs when the profile's were rejected.
  auth: 'none',
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['no-auth-accepted'],
  async check(t) {
    const res = await refused(t, 'listIssueCertificateAttributes', () =>
      t.ctx.anon.get(v2(t.ctx, '/attributes/issue'), { noDefaultHeaders: true }),
    );
    checkEqual(res.status, 401, 'status without credentials');
  },
});

/** The uuid of the certificate an answer says it issued, when it says so readably. */
function issuedUuid(text: string): string | undefined {
  try {
    const uuid = (JSON.parse(text) as { uuid?: unknown }).uuid;
    return typeof uuid === 'string' ? uuid : undefined;
  } catch {
    return undefined;
  }
}

function forbidden(t: RuleRun<Ctx>) {
  return t.shared('cz:forbidden', async () => {
    const account = t.ctx.readOnlyAccount();
    t.secret(account.token);
    // A complete, valid issue request: the permission is the only reason to refuse it (the documents fix no
    // order between validating a body and checking a permission). A target that wrongly permits it issues.
    const csr = await newCsr(t.ctx, 'forbidden');
    let wronglyIssued: string | undefined;
    // Registered first: a target that wrongly issues gets that certificate revoked again (else residue).
    t.cleanup('a certificate the readOnly account should not have been able to issue (revoke)', async () => {
      if (!wronglyIssued) return;
      const res = await revoke(t.ctx, wronglyIssued, { reason: 'cessationOfOperation' });
      if (res.status >= 300) throw new Error(`revoke ${wronglyIssued} answered ${res.status}`);
    });
    // A 500 is sent once more (a refused request changes nothing); a 404/405/501 is judged once issue is served.
    const res = await confirmServerError(() =>
      t.ctx.asReadOnly().post(v2(t.ctx, '/certificates'), {
        json: { attributes: t.ctx.params.issueAttributes ?? [], request: csr.base64, format: 'pkcs10' },
      }),
    );
    if (res.status < 300) wronglyIssued = issuedUuid(res.text);
    return served(t, 'issueCertificate', res);
  });
}

export const forbidden403Body = rule({
  id: 'CZ-ERR-007',
  title:
    'An account without permission gets 403 with an AuthenticationServiceExceptionDto (statusCode, code, message).',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section:
      'POST .../certificates (issueCertificate), responses."403"; components.schemas.AuthenticationServiceExceptionDto (required code, message, statusCode)',
    quote: '$ref: "#/components/schemas/AuthenticationServiceExceptionDto"',
  },
  // Sends a valid issue request: a target that does not enforce the permission issues a certificate.
  destructive: true,
  requires: ['restricted-account'],
  judgesServerErrors: true,
  faults: ['forbidden-message-only'],
  async check(t) {
    const res = await forbidden(t);
    checkEqual(res.status, 403, 'issue by the readOnly account: status');
    const body = res.json<Record<string, unknown>>();
    check(
      typeof body.statusCode === 'number' &&
        typeof body.code === 'string' &&
        typeof body.message === 'string',
      `403 body: expected {statusCode: integer, code: string, message: string}, got ${show(body)}`,
    );
    checkEqual(body.statusCode, 403, '403 body statusCode');
  },
});

export const forbiddenProblemJson = rule({
  id: 'CZ-ERR-008',
  title: 'A 403 answer is sent as application/problem+json.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'api/ExceptionHandlingAdvice (AccessDeniedException)',
    quote:
      '[behaviour, no message] AccessDeniedException is answered 403 with Content-Type application/problem+json',
  },
  // Sends a valid issue request: a target that does not enforce the permission issues a certificate.
  destructive: true,
  requires: ['restricted-account'],
  judgesServerErrors: true,
  faults: ['forbidden-plain-json'],
  async check(t) {
    const res = await forbidden(t);
    checkEqual(res.status, 403, 'issue by the readOnly account: status');
    checkEqual(res.contentType, 'application/problem+json', '403 content type');
  },
});

export const nonUuidRequested422 = rule({
  id: 'CZ-ERR-009',
  title:
    'A certificateUuid that is not a UUID is refused with 422 and a list of messages on issueRequestedCertificate.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'SecuredUUID certificateUuid of issueRequestedCertificate (research §1.4 UUID parsing)',
    quote: 'Invalid UUID',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['non-uuid-requested-400'],
  async check(t) {
    const res = await refused(t, 'issueRequestedCertificate', () =>
      t.ctx.http.post(v2(t.ctx, '/certificates/not-a-uuid/issue')),
    );
    expectMessageList(res, 'issueRequestedCertificate of certificateUuid "not-a-uuid"');
  },
});
