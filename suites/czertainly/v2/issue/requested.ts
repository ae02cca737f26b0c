import { check, checkEqual, expectHelperStatus, helperJson, show } from '../../../../src/core/check.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import { broken } from '../../../../src/core/check.ts';
import { rule } from '../../rule.ts';
import type { Ctx } from '../../context.ts';
import { dataResponse } from '../../lib/expect.ts';
import { v2, waitIssued } from '../../lib/flow.ts';
import { newCsr, spkiOf, type SuiteCsr } from '../../lib/pki.ts';

/**
 * A certificate in state requested, submitted through the inventory (submitCertificateRequest): a setup of the
 * rules that start from one, not their subject.
 */
export function submitRequested(t: RuleRun<Ctx>, label: string): Promise<{ uuid: string; csr: SuiteCsr }> {
  return t.setup(`submit a certificate request (${label})`, async () => {
    const { ctx } = t;
    const csr = await newCsr(ctx, label);
    const res = await ctx.http.post(`${ctx.api}/v1/certificates/create`, {
      json: {
        raProfileUuid: ctx.params.raProfileUuid,
        request: csr.base64,
        format: 'pkcs10',
        issueAttributes: ctx.params.issueAttributes ?? [],
      },
    });
    expectHelperStatus(res, [200], 'submitCertificateRequest');
    const detail = helperJson<{ uuid?: unknown; state?: unknown }>(res, 'submitCertificateRequest');
    if (typeof detail?.uuid !== 'string') broken(`submitCertificateRequest: no uuid in ${show(detail)}`);
    if (detail.state !== 'requested')
      broken(`submitCertificateRequest: certificate ${detail.uuid} is ${show(detail.state)}, not requested`);
    return { uuid: detail.uuid, csr };
  });
}

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
    const { uuid, csr } = await submitRequested(t, 'requested');
    const res = await ctx.http.post(v2(ctx, `/certificates/${uuid}/issue`));
    checkEqual(res.status, 200, 'issueRequestedCertificate status');
    checkEqual(dataResponse(res, 'issueRequestedCertificate').uuid, uuid, 'issueRequestedCertificate uuid');
    const { cert } = await waitIssued(ctx, uuid, 'issueRequestedCertificate');
    check(
      spkiOf(cert).equals(csr.key.spki),
      `certificate ${uuid}: its public key is not the submitted CSR's key`,
    );
  },
});
