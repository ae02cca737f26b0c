import { check, checkEqual, show } from '../../../../src/core/check.ts';
import { rule } from '../../rule.ts';
import { dataResponse } from '../../lib/expect.ts';
import { v2, waitIssued } from '../../lib/flow.ts';
import { newCsr, spkiOf } from '../../lib/pki.ts';

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
    const csr = await newCsr(ctx, 'requested');
    const created = await ctx.http.post(`${ctx.api}/v1/certificates/create`, {
      json: {
        raProfileUuid: ctx.params.raProfileUuid,
        request: csr.base64,
        format: 'pkcs10',
        issueAttributes: ctx.params.issueAttributes ?? [],
      },
    });
    checkEqual(created.status, 200, 'submitCertificateRequest status');
    const detail = created.json<{ uuid?: string; state?: string }>();
    check(typeof detail.uuid === 'string', `submitCertificateRequest: no uuid in ${show(detail)}`);
    checkEqual(detail.state, 'requested', `submitted certificate ${detail.uuid} state`);
    const res = await ctx.http.post(v2(ctx, `/certificates/${detail.uuid}/issue`));
    checkEqual(res.status, 200, 'issueRequestedCertificate status');
    checkEqual(
      dataResponse(res, 'issueRequestedCertificate').uuid,
      detail.uuid,
      'issueRequestedCertificate uuid',
    );
    const { cert } = await waitIssued(ctx, detail.uuid, 'issueRequestedCertificate');
    check(
      spkiOf(cert).equals(csr.key.spki),
      `certificate ${detail.uuid}: its public key is not the submitted CSR's key`,
    );
  },
});
