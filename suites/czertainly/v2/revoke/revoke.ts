import { check, checkEqual, notApplicable, show } from '../../../../src/core/check.ts';
import { Violation } from '../../../../src/core/errors.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectErrorMessage } from '../../lib/expect.ts';
import {
  REVOCATION_REASONS,
  checkAccepted,
  getDetail,
  issueFromKey,
  refused,
  revoke,
  revokeRequested,
  scratchCertificate,
  served,
  waitRevoked,
} from '../../lib/flow.ts';

export const revokeAnswers204 = rule({
  id: 'CZ-REV-001',
  title: 'Revoking an issued certificate answers 204 without a body.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../certificates/{certificateUuid}/revoke (revokeCertificate), responses."204"',
    quote: 'description: Certificate revoked',
  },
  destructive: true,
  faults: ['revoke-200-with-body'],
  async check(t) {
    // revokeCertificate not served at all (404/405/501 on the documented route) is this rule's finding.
    const { revokeResponse, uuid } = await revokeRequested(t);
    checkEqual(revokeResponse.status, 204, `revoke of ${uuid}: status`);
    checkEqual(revokeResponse.text, '', `revoke of ${uuid}: body`);
  },
});

export const revokedIsReportedRevoked = rule({
  id: 'CZ-REV-002',
  title:
    'A certificate whose revocation was answered 204 "Certificate revoked" is reported revoked by the inventory within the operation timeout.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../certificates/{certificateUuid}/revoke (revokeCertificate), responses."204"',
    quote: 'description: Certificate revoked',
  },
  destructive: true,
  faults: ['revoke-not-applied', 'revoke-stays-issued'],
  async check(t) {
    // Its own certificate and reason, so the state rules' shared revoked certificate does not hang on this one.
    const issued = await scratchCertificate(t, 'revokestate');
    const res = await served(
      t,
      'revokeCertificate',
      await revoke(t.ctx, issued.uuid, { reason: 'superseded' }),
    );
    checkAccepted(res, `revoke of ${issued.uuid} with reason superseded`);
    // The answer says revoked. A queued revocation may leave the certificate issued for a while: still issued
    // after timeouts.operationMs is a violation; still pending_revoke or pending_approval is inconclusive.
    await waitRevoked(t.ctx, issued.uuid, `revoke of ${issued.uuid}`);
  },
});

export const everyReasonAccepted = rule({
  id: 'CZ-REV-003',
  title:
    'Every documented revocation reason is accepted (a reason the CA behind the RA profile refuses with 422 is not evaluated).',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Revoke Certificate, request body: reason',
    quote:
      'Enum: "unspecified" "keyCompromise" "cACompromise" "affiliationChanged" "superseded" "cessationOfOperation" "certificateHold" "privilegeWithdrawn" "aACompromise"',
  },
  destructive: true,
  faults: ['reason-subset'],
  async check(t) {
    const refusedReasons: string[] = [];
    const byCa: string[] = [];
    const accepted: string[] = [];
    for (const reason of REVOCATION_REASONS.filter((r) => r !== 'unspecified')) {
      const issued = await scratchCertificate(t, `reason-${reason.toLowerCase()}`);
      const res = await served(t, 'revokeCertificate', await revoke(t.ctx, issued.uuid, { reason }));
      if (res.status >= 200 && res.status <= 299) accepted.push(reason);
      // A 422 list is the platform refusing the revocation (its CA does not offer the reason): the documents list
      // the values the API takes, not reasons every CA supports. A 400 (the value unreadable) or anything else is not.
      else if (res.status === 422) byCa.push(`${reason} → 422 ${show(res.text)}`);
      else refusedReasons.push(`${reason} → ${res.status} ${show(res.text)}`);
    }
    check(refusedReasons.length === 0, `revocation reasons not accepted: ${refusedReasons.join('; ')}`);
    if (byCa.length > 0)
      notApplicable(
        `the platform refused revocation reasons with 422, as a CA that does not offer them would (${byCa.join('; ')}); accepted: ${accepted.join(', ') || 'none'}`,
      );
  },
});

export const unknownReasonRefused = rule({
  id: 'CZ-REV-004',
  title: 'A revocation reason that is not documented is refused with 400 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'api/ExceptionHandlingAdvice (HttpMessageNotReadableException)',
    quote: 'Unable to read HTTP message',
  },
  destructive: true,
  // The refusal's status is the finding: a 500 is sent once more (a refused revocation changes nothing), then judged.
  judgesServerErrors: true,
  faults: ['unknown-reason-accepted'],
  async check(t) {
    const issued = await scratchCertificate(t, 'badreason');
    expectErrorMessage(
      await refused(t, 'revokeCertificate', () => revoke(t.ctx, issued.uuid, { reason: 'lostItOnTheTrain' })),
      400,
      `revoke of ${issued.uuid} with reason "lostItOnTheTrain"`,
    );
  },
});

export const reasonDefaults = rule({
  id: 'CZ-REV-005',
  title: 'A revoke request without a reason is accepted (the reason defaults to unspecified).',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Revoke Certificate, request body: reason',
    quote: 'reason | string (CertificateRevocationReason) Default: "UNSPECIFIED"',
  },
  destructive: true,
  faults: ['reason-required'],
  async check(t) {
    const issued = await scratchCertificate(t, 'noreason');
    const res = await served(t, 'revokeCertificate', await revoke(t.ctx, issued.uuid, {}));
    checkAccepted(res, `revoke of ${issued.uuid} without a reason`);
  },
});

export const destroyKeyDestroysKey = rule({
  id: 'CZ-REV-006',
  title: 'Revoking with destroyKey=true destroys the platform key of the certificate.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Revoke Certificate, request body: destroyKey',
    quote: 'destroyKey | boolean Default: false Destroy Key upon successful revocation',
  },
  destructive: true,
  requires: ['disposable-key'],
  faults: ['destroy-key-ignored'],
  async check(t) {
    const keyUuid = t.ctx.params.disposableKeyUuid!;
    t.note(`destroys platform key ${keyUuid}`);
    const issued = await t.setup(`issue a certificate from platform key ${keyUuid}`, async () => {
      try {
        return await issueFromKey(t, 'destroykey', keyUuid);
      } catch (err) {
        // A key is destroyed once: the profile's key was used up (by an earlier run of this rule), so the profile
        // offers no key to destroy any more. That is the absence of what the rule needs, not a finding.
        if (err instanceof Violation && /not in active state|not active|destroyed/i.test(err.message))
          notApplicable(
            `params.disposableKeyUuid ${keyUuid} is no longer active (a key is destroyed once, e.g. by an earlier run): give a fresh one (${err.message})`,
          );
        throw err;
      }
    });
    const res = await served(
      t,
      'revokeCertificate',
      await revoke(t.ctx, issued.uuid, { reason: 'keyCompromise', destroyKey: true }),
    );
    checkAccepted(res, `revoke of ${issued.uuid} with destroyKey`);
    // The key goes "upon successful revocation": a revocation still queued is waited for (CZ-REV-002 judges
    // it), then the key destruction gets the operation timeout of its own.
    await t.setup(`revocation of ${issued.uuid}`, () =>
      waitRevoked(t.ctx, issued.uuid, `revoke of ${issued.uuid}`),
    );
    const deadline = Date.now() + t.ctx.operationMs;
    let items = (await getDetail(t.ctx, issued.uuid)).key?.items ?? [];
    while (
      !(items.length > 0 && items.every((i) => String(i.state).startsWith('destroyed'))) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
      items = (await getDetail(t.ctx, issued.uuid)).key?.items ?? [];
    }
    check(
      items.length > 0 && items.every((i) => String(i.state).startsWith('destroyed')),
      `key ${keyUuid} of ${issued.uuid}: expected its items destroyed after revocation, got states ${show(items.map((i) => i.state))}`,
    );
  },
});
