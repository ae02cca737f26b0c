import type { RuleRun } from '../../src/core/api.ts';
import { check, show, violation } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { parseCsrDer, parseCsrPem, type ParsedCsr } from '../../src/pki/csr.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import type { SbcClient } from './client.ts';
import { envelope, text } from './xml.ts';

/** data/CertificateRequest/certificateSignedRequest of a 200 generateRequest answer. */
export function csrTextOf(res: HttpResponse): string {
  check(
    res.status === 200,
    `PUT generateRequest: expected 200 with a CSR, got ${res.status} (${show(res.text.trim())})`,
  );
  const pem = text(envelope(res).data, 'CertificateRequest', 'certificateSignedRequest');
  check(
    pem && pem.trim() !== '',
    `PUT generateRequest: expected data/CertificateRequest/certificateSignedRequest, got ${show(pem)}`,
  );
  return pem;
}

/**
 * The strict reading of the documented "PKCS10 PEM": exactly one CERTIFICATE REQUEST block, no private key, a
 * DER structure that parses (base64 lines in order). Throws a Violation saying what is wrong.
 */
export function parseSbcCsr(pem: string): ParsedCsr {
  return parseCsrPem(pem, 'certificateSignedRequest');
}

/** For rules about the CSR's content: the CERTIFICATE REQUEST block alone (other blocks are another rule's business). */
export function csrOfResponse(res: HttpResponse): ParsedCsr {
  const block = pemBlocks(csrTextOf(res)).find(
    (b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST',
  );
  if (!block) violation('certificateSignedRequest: no PEM "CERTIFICATE REQUEST" block');
  return parseCsrDer(block.der, 'certificateSignedRequest');
}

export interface GeneratedCsr {
  recordName: string;
  response: HttpResponse;
}

/**
 * The shared setup of the CSR rules: under the lock, create the scratch certificate-record from params.record
 * and call generateRequest for it once. The record is deleted and the lock released when the first rule ends.
 */
export function sharedCsr(t: RuleRun<SbcClient>): Promise<GeneratedCsr> {
  return t.shared('generated-csr', async () => {
    const recordName = t.ctx.params.recordName;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, recordName);
    const response = await t.ctx.generateRequest(t.ctx.admin, { recordName });
    return { recordName, response };
  });
}
