import { check, checkEqual } from '../../../../src/core/check.ts';
import { rule } from '../../rule.ts';
import { issueRequestedAnswer, operationAnswer, waitIssued } from '../../lib/flow.ts';
import { spkiOf } from '../../lib/pki.ts';

export const issueRequestedCertificate = rule({
  id: 'CZ-ISS-014',
  title:
    'A certificate submitted in state requested is issued by issueRequestedCertificate under the same UUID.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../certificates/{certificateUuid}/issue (issueRequestedCertificate)',
    quote: 'summary: Issue existing certificate with status Requested',
  },
  destructive: true,
  faults: ['issue-requested-ignored', 'issue-wrong-key'],
  async check(t) {
    const { ctx } = t;
    // Not served at all is this rule's finding (and the cause for every rule that needs the operation).
    const { uuid, csr, response } = await issueRequestedAnswer(t);
    checkEqual(response.status, 200, 'issueRequestedCertificate status');
    checkEqual(
      operationAnswer(ctx, response, 'issueRequestedCertificate').uuid,
      uuid,
      'issueRequestedCertificate uuid',
    );
    const { cert } = await waitIssued(ctx, uuid, 'issueRequestedCertificate');
    check(
      spkiOf(cert).equals(csr.key.spki),
      `certificate ${uuid}: its public key is not the submitted CSR's key`,
    );
  },
});
