import { seededBytes } from '../../../src/core/random.ts';
import {
  check,
  checkEqual,
  confirmServerError,
  expectHelperStatus,
  helperJson,
  requireServed,
  show,
} from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import { rule, VENDOR } from '../rule.ts';
import type { Ctx } from '../context.ts';
import { expectErrorMessage, expectMessageList } from '../lib/expect.ts';
import { v1 } from '../lib/flow.ts';
import { makeCsr, newKey, normSerial, parseCertificate, sameName, spkiOf } from '../lib/pki.ts';
import { addEndEntity, legacyUrl } from './endentity.ts';

/** A certificate issued through the legacy API for a fresh end entity. */
async function legacyIssue(t: RuleRun<Ctx>) {
  const ee = await addEndEntity(t, 'issue');
  const key = await newKey(t.ctx);
  const csr = await makeCsr(key, ee.subjectDN);
  const res = await t.ctx.http.post(legacyUrl(t.ctx, '/certificate/issue'), {
    json: { pkcs10: csr.base64, username: ee.username, password: ee.password },
  });
  if (res.status === 200) {
    try {
      t.ctx.seen.add('ClientCertificateSignResponseDto', res, res.json());
    } catch {
      // an unparseable answer is CZ-LEG-006's to judge
    }
  }
  return { ee, csr, res };
}

export const legacyIssueSynchronous = rule({
  id: 'CZ-LEG-006',
  title:
    'Legacy issue answers 200 with the signed certificate in certificateData, for the CSR’s key and subject.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Legacy Issue Certificate, request body',
    quote: 'pkcs10 required | string Certificate sign request (PKCS#10) encoded as Base64 string',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['legacy-issue-wrong-key'],
  async check(t) {
    const { csr, res } = await legacyIssue(t);
    checkEqual(res.status, 200, 'legacy issueCertificate status');
    const body = res.json<Record<string, unknown>>();
    const cert = parseCertificate(body.certificateData, 'legacy issueCertificate certificateData');
    check(spkiOf(cert).equals(csr.key.spki), 'legacy certificate: its public key is not the CSR key');
    check(
      sameName(cert.subject, csr.subject),
      `legacy certificate subject ${show(cert.subject)}, expected ${show(csr.subject)}`,
    );
  },
});

function legacyRevoked(t: RuleRun<Ctx>) {
  return t.shared(
    'cz:legacy:revoked',
    async () => {
      const { res } = await legacyIssue(t);
      expectHelperStatus(res, [200], 'legacy issueCertificate');
      const cert = parseCertificate(
        helperJson<Record<string, unknown>>(res, 'legacy issueCertificate').certificateData,
        'legacy issueCertificate certificateData',
      );
      const revokeRes = await t.ctx.http.post(legacyUrl(t.ctx, '/certificate/revoke'), {
        json: { certificateSN: cert.serialNumber, issuerDN: cert.issuer, reason: 'unspecified' },
      });
      // Not served (404/405/501 for a certificate this API just issued) is CZ-LEG-007's finding only.
      requireServed(revokeRes, 'legacy revokeCertificate', 'CZ-LEG-007');
      // Looked up now: deleting the end entity afterwards (cleanup) revokes its certificates anyway.
      const inventory = await t.ctx.http.post(`${t.ctx.api}/v1/certificates`, {
        json: {
          filters: [
            {
              fieldSource: 'property',
              fieldIdentifier: 'SERIAL_NUMBER',
              condition: 'EQUALS',
              value: normSerial(cert.serialNumber),
            },
          ],
          itemsPerPage: 10,
          pageNumber: 1,
        },
      });
      return { cert, revokeRes, inventory };
    },
    // The certificate comes from the legacy issue, whose requirement is CZ-LEG-006's.
    { owner: 'CZ-LEG-006' },
  );
}

export const legacyRevoke = rule({
  id: 'CZ-LEG-007',
  title: 'Legacy revoke by certificateSN, issuerDN and reason answers 200.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Legacy Revoke Certificate, request body',
    quote: 'certificateSN required | string Certificate serial number',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['legacy-revoke-404'],
  async check(t) {
    const { revokeRes } = await legacyRevoked(t);
    checkEqual(revokeRes.status, 200, 'legacy revokeCertificate status');
  },
});

export const legacyRevokeInInventory = rule({
  id: 'CZ-LEG-008',
  title: 'A certificate revoked through the legacy API is revoked in the certificate inventory.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/impl/ClientOperationServiceImpl.revokeCertificate (v1)',
    quote: '[behaviour, no message] the inventory certificate found by serial number is set to state revoked',
  },
  destructive: true,
  // The search by serial is not in the pinned spec: without it the rule skips (capability).
  requires: ['legacy-v1', 'inventory-search'],
  faults: ['legacy-revoke-ignored'],
  async check(t) {
    const { cert, inventory: res } = await legacyRevoked(t);
    expectHelperStatus(res, [200], 'inventory search by serial number');
    const body = helperJson<{ certificates?: Array<{ state?: string }> }>(
      res,
      'inventory search by serial number',
    );
    t.ctx.seen.add('CertificateResponseDto', res, body);
    const found = body.certificates ?? [];
    check(found.length > 0, `the legacy certificate ${cert.serialNumber} is not in the inventory`);
    check(
      found.every((c) => c.state === 'revoked'),
      `legacy certificate ${cert.serialNumber}: inventory states ${show(found.map((c) => c.state))}, expected revoked`,
    );
  },
});

export const legacyUnknownProfile404 = rule({
  id: 'CZ-LEG-009',
  title: 'Legacy operations on an RA profile name that does not exist answer 404 {message}.',
  level: 'MUST',
  cite: {
    source: 'openapi-legacy',
    section: 'GET /v1/operations/{raProfileName}/endentity (listEntities), responses."404"',
    quote: 'description: Not Found',
  },
  // The capability proves the legacy API is served (its listEntities answered 200): a 404 here is the rule's.
  requires: ['legacy-v1'],
  parallelSafe: true,
  // The refusal's status is the finding: a 500 is read once more, then judged.
  judgesServerErrors: true,
  faults: ['legacy-unknown-profile-200'],
  async check(t) {
    const name = `certconform-missing-${seededBytes(4).toString('hex')}`;
    expectErrorMessage(
      await confirmServerError(() => t.ctx.http.get(v1(t.ctx, name, '/endentity'))),
      404,
      `listEntities on RA profile "${name}"`,
    );
  },
});

export const legacyNeedsEndEntityProfile = rule({
  id: 'CZ-LEG-010',
  title: 'Legacy operations on an RA profile without an end entity profile are refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/impl/ClientOperationServiceImpl (v1)',
    quote: 'EndEntityProfile not found in attributes',
  },
  // legacy-v1: the legacy API must be shown served before a 404 on the v2 profile says anything.
  requires: ['ra-profile-name', 'legacy-v1'],
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['legacy-on-v2-profile-accepted'],
  async check(t) {
    const res = await confirmServerError(() =>
      t.ctx.http.get(v1(t.ctx, t.ctx.params.raProfileName!, '/endentity')),
    );
    expectMessageList(res, `listEntities on the v2 RA profile "${t.ctx.params.raProfileName}"`);
  },
});
