import { check, checkEqual, show } from '../../../../src/core/check.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import { rule, VENDOR } from '../../rule.ts';
import type { Ctx } from '../../context.ts';
import { UUID_RE, expectMessageList, expectRefused } from '../../lib/expect.ts';
import {
  followNew,
  getDetail,
  refused,
  renew,
  renewAnswer,
  scratchCertificate,
  served,
  v2,
} from '../../lib/flow.ts';
import { makeCsr, newKey, sameName, uniqueSubject } from '../../lib/pki.ts';

/** A certificate renewed without a CSR: the old one and the new one, once it is issued. */
export function renewedWithoutCsr(t: RuleRun<Ctx>) {
  return t.shared(
    'cz:renew:no-csr',
    async () => {
      const { old, response } = await renewAnswer(t);
      const renewed = await followNew(t.ctx, response, `renew of ${old.uuid} without a CSR`);
      return { old, renewed };
    },
    { owner: 'CZ-REN-001' },
  );
}

export const renewCreatesNewCertificate = rule({
  id: 'CZ-REN-001',
  title: 'Renewing without a CSR answers 200 with the UUID of a new certificate, which is then issued.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../certificates/{certificateUuid}/renew (renewCertificate), responses."200"',
    quote: 'description: Certificate renewed',
  },
  destructive: true,
  faults: ['renew-reuses-uuid', 'renew-not-served'],
  async check(t) {
    // renewCertificate not served at all (404/405/501 on the documented route) is this rule's finding.
    const { old, renewed } = await renewedWithoutCsr(t);
    checkEqual(renewed.response.status, 200, 'renewCertificate status');
    check(UUID_RE.test(renewed.uuid), `renewCertificate: uuid ${show(renewed.uuid)} is not a UUID`);
    check(
      renewed.uuid !== old.uuid,
      `renewCertificate answered the old certificate's UUID ${old.uuid}, expected a new certificate`,
    );
  },
});

export const renewKeepsKey = rule({
  id: 'CZ-REN-002',
  title: 'A certificate renewed without a CSR certifies the same key and subject as the old one.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Renew Certificate, request body: request',
    quote: 'If not provided, Existing CSR will be used',
  },
  destructive: true,
  faults: ['renew-new-key'],
  async check(t) {
    const { old, renewed } = await renewedWithoutCsr(t);
    check(
      renewed.spki.equals(old.spki),
      `renewed certificate ${renewed.uuid}: public key differs from ${old.uuid} (renew keeps the key)`,
    );
    check(
      sameName(renewed.cert.subject, old.cert.subject),
      `renewed certificate subject ${show(renewed.cert.subject)}, expected ${show(old.cert.subject)}`,
    );
  },
});

export const renewWithCsr = rule({
  id: 'CZ-REN-003',
  title: 'Renewing with a CSR of the same key issues a certificate for that CSR.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Renew Certificate, request body: request',
    quote:
      'request | string Certificate signing request encoded as Base64 string. If not provided, Existing CSR will be used',
  },
  destructive: true,
  faults: ['renew-csr-ignored', 'issue-wrong-subject'],
  async check(t) {
    const old = await scratchCertificate(t, 'renewcsr');
    const csr = await makeCsr(old.csr!.key, uniqueSubject(t.ctx, 'renewed'));
    const res = await renew(t.ctx, old.uuid, { request: csr.base64, format: 'pkcs10' });
    const renewed = await followNew(
      t.ctx,
      await served(t, 'renewCertificate', res),
      `renew of ${old.uuid} with a CSR`,
    );
    check(
      renewed.spki.equals(old.spki),
      `renewed certificate ${renewed.uuid}: public key differs from the CSR's`,
    );
    check(
      sameName(renewed.cert.subject, csr.subject),
      `renewed certificate subject ${show(renewed.cert.subject)}, expected the CSR's ${show(csr.subject)}`,
    );
  },
});

export const renewRefusesNewKey = rule({
  id: 'CZ-REN-004',
  title: 'Renewing with a CSR of another key is refused with 422 (renew keeps the key; rekey changes it).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.renewCertificate',
    quote: 'Public key of certificate and CSR does not match',
  },
  destructive: true,
  // The refusal's status is the finding: a 500 is sent once more (a refused renewal changes nothing), then judged.
  judgesServerErrors: true,
  faults: ['renew-accepts-new-key'],
  async check(t) {
    const { old } = await renewedWithoutCsr(t);
    const csr = await makeCsr(await newKey(t.ctx), old.csr!.subject);
    const res = await refused(t, 'renewCertificate', () =>
      renew(t.ctx, old.uuid, { request: csr.base64, format: 'pkcs10' }),
    );
    expectMessageList(res, `renew of ${old.uuid} with a CSR of another key`);
  },
});

export const renewLeavesOldIssued = rule({
  id: 'CZ-REN-005',
  title: 'After a renewal the old certificate stays issued.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.renewCertificate (research §1.5 Renew)',
    quote:
      '[behaviour, no message] the renewed certificate is new and linked to the old one, which is not revoked',
  },
  destructive: true,
  faults: ['renew-revokes-old'],
  async check(t) {
    const { old } = await renewedWithoutCsr(t);
    checkEqual((await getDetail(t.ctx, old.uuid)).state, 'issued', `state of ${old.uuid} after its renewal`);
  },
});

export const renewNeedsBody = rule({
  id: 'CZ-REN-006',
  title: 'A renew request without a body is refused (400 {message} or 422 [messages]).',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../certificates/{certificateUuid}/renew (renewCertificate), requestBody.required',
    quote: 'required: true',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['renew-empty-body-accepted'],
  async check(t) {
    const { old } = await renewedWithoutCsr(t);
    // The body is required; the documents do not say which client error refuses its absence.
    const res = await refused(t, 'renewCertificate', () => renew(t.ctx, old.uuid, undefined));
    expectRefused(res, `renew of ${old.uuid} without a request body`);
  },
});

export const renewThroughOtherProfileRefused = rule({
  id: 'CZ-REN-007',
  title:
    'Renewing a certificate through an RA profile other than its own (here: the disabled one) is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.validateOldCertificateForOperation',
    quote: 'Existing Certificate RA profile is different than RA profile of request',
  },
  destructive: true,
  requires: ['disabled-ra-profile'],
  judgesServerErrors: true,
  faults: ['ra-profile-mismatch-accepted'],
  async check(t) {
    const { ctx } = t;
    const { old } = await renewedWithoutCsr(t);
    const res = await refused(t, 'renewCertificate', () =>
      ctx.http.post(
        v2(ctx, `/certificates/${old.uuid}/renew`, { raProfileUuid: ctx.params.disabledRaProfileUuid! }),
        { json: {} },
      ),
    );
    expectMessageList(res, `renew of ${old.uuid} through RA profile ${ctx.params.disabledRaProfileUuid}`);
  },
});
