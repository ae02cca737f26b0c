import { check, checkEqual, show } from '../../../../src/core/check.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import { rule, VENDOR } from '../../rule.ts';
import type { Ctx } from '../../context.ts';
import { UUID_RE, expectMessageList, expectRefused } from '../../lib/expect.ts';
import { followNew, getDetail, rekey, rekeyAnswer, refused } from '../../lib/flow.ts';
import { makeCsr, newKey, sameName, uniqueSubject } from '../../lib/pki.ts';

const REKEY_DESCRIPTION = {
  source: 'seed',
  section: 'Rekey Certificate (rekeyCertificate), description',
} as const;

/** A certificate rekeyed with a CSR of a new key and the same subject, once the new one is issued. */
function rekeyedWithCsr(t: RuleRun<Ctx>) {
  return t.shared(
    'cz:rekey:csr',
    async () => {
      const { old, csr, response } = await rekeyAnswer(t);
      const rekeyed = await followNew(t.ctx, response, `rekey of ${old.uuid} with a new CSR`);
      return { old, csr, rekeyed };
    },
    { owner: 'CZ-RKY-001' },
  );
}

/** A rekey the target should refuse (see `refused`). */
export function refusedRekey(t: RuleRun<Ctx>, uuid: string, body: Record<string, unknown>) {
  return refused(t, 'rekeyCertificate', () => rekey(t.ctx, uuid, body));
}

export const rekeyWithCsr = rule({
  id: 'CZ-RKY-001',
  title:
    'Rekeying with a CSR of a new key answers 200 with a new certificate that certifies the new key under the same subject.',
  level: 'MUST',
  cite: {
    ...REKEY_DESCRIPTION,
    quote:
      'The new certificate will be issued with the same subject and attributes as the original certificate, but with a new public key.',
  },
  destructive: true,
  faults: ['rekey-keeps-old-key', 'issue-wrong-key'],
  async check(t) {
    // rekeyCertificate not served at all (404/405/501 on the documented route) is this rule's finding.
    const { old, csr, rekeyed } = await rekeyedWithCsr(t);
    checkEqual(rekeyed.response.status, 200, 'rekeyCertificate status');
    check(
      UUID_RE.test(rekeyed.uuid) && rekeyed.uuid !== old.uuid,
      `rekeyCertificate: expected a new certificate UUID, got ${show(rekeyed.uuid)}`,
    );
    check(
      rekeyed.spki.equals(csr.key.spki),
      `rekeyed certificate ${rekeyed.uuid}: its public key is not the new CSR's key`,
    );
    check(!rekeyed.spki.equals(old.spki), `rekeyed certificate ${rekeyed.uuid}: still certifies the old key`);
    check(
      sameName(rekeyed.cert.subject, old.cert.subject),
      `rekeyed certificate subject ${show(rekeyed.cert.subject)}, expected ${show(old.cert.subject)}`,
    );
  },
});

export const rekeyRefusesSameKey = rule({
  id: 'CZ-RKY-002',
  title: 'Rekeying with a CSR of the certificate’s current key is rejected.',
  level: 'MUST',
  cite: {
    ...REKEY_DESCRIPTION,
    quote: 'When the same key pair is used, or the subject is changed, the rekey operation will be rejected.',
  },
  destructive: true,
  // The refusal's status is the finding: a 500 is sent once more, then judged.
  judgesServerErrors: true,
  faults: ['rekey-same-key-accepted', 'rekey-same-key-500'],
  async check(t) {
    const { old } = await rekeyedWithCsr(t);
    const sameKey = await makeCsr(old.csr!.key, old.csr!.subject);
    expectRefused(
      await refusedRekey(t, old.uuid, { request: sameKey.base64, format: 'pkcs10' }),
      `rekey of ${old.uuid} with its own key`,
    );
  },
});

export const rekeyRefusesSubjectChange = rule({
  id: 'CZ-RKY-003',
  title: 'Rekeying with a CSR whose subject differs from the certificate’s is rejected.',
  level: 'MUST',
  cite: {
    ...REKEY_DESCRIPTION,
    quote: 'When the same key pair is used, or the subject is changed, the rekey operation will be rejected.',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['rekey-subject-change-accepted'],
  async check(t) {
    const { old } = await rekeyedWithCsr(t);
    const changed = await makeCsr(await newKey(t.ctx), uniqueSubject(t.ctx, 'other'));
    expectRefused(
      await refusedRekey(t, old.uuid, { request: changed.base64, format: 'pkcs10' }),
      `rekey of ${old.uuid} with another subject`,
    );
  },
});

export const rekeyLeavesOldIssued = rule({
  id: 'CZ-RKY-006',
  title: 'After a rekey the old certificate stays issued.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.rekeyCertificate (research §1.6 state machine)',
    quote:
      '[behaviour, no message] the rekeyed certificate is new and linked to the old one, which is not revoked',
  },
  destructive: true,
  faults: ['rekey-revokes-old'],
  async check(t) {
    const { old } = await rekeyedWithCsr(t);
    checkEqual((await getDetail(t.ctx, old.uuid)).state, 'issued', `state of ${old.uuid} after its rekey`);
  },
});

export const rekeyNeedsKey = rule({
  id: 'CZ-RKY-007',
  title:
    'Rekeying a certificate without a platform key, with neither a CSR nor a keyUuid, is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.rekeyCertificate',
    quote: 'Key UUID is not provided in the request and old certificate does not have key reference',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['rekey-without-key-accepted'],
  async check(t) {
    const { old } = await rekeyedWithCsr(t);
    expectMessageList(await refusedRekey(t, old.uuid, {}), `rekey of ${old.uuid} without CSR and keyUuid`);
  },
});
