import type { RuleRun } from '../../src/core/api.ts';
import { broken, check, expectHelperStatus, show, violation } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { parseCsrDer, parseCsrPem, type ParsedCsr } from '../../src/pki/csr.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import type { SbcClient } from './client.ts';
import { envelope, text } from './xml.ts';
import { scratchRecord, type ScratchSuffix } from './scratch.ts';

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
  /** The record's attributes as stored (with the device's defaults for what the suite does not send). */
  stored: Map<string, string[]>;
  response: HttpResponse;
}

/**
 * The shared setup of the CSR rules: under the lock, create the scratch certificate-record from params.record
 * and call generateRequest for it once. The record is deleted and the lock released when the first rule ends.
 */
export function sharedCsr(t: RuleRun<SbcClient>): Promise<GeneratedCsr> {
  return t.shared('generated-csr', async () => {
    const recordName = scratchRecord(t.ctx.params, '');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, recordName);
    const { attributes } = await t.ctx.getRecord(recordName);
    if (!attributes) broken(`certificate-record "${recordName}" not found after it was created`);
    const response = await t.ctx.generateRequest(t.ctx.admin, { recordName });
    return { recordName, stored: attributes, response };
  });
}

/**
 * A scratch record that holds a key and a CSR: lock, create, generateRequest (all setup). The caller keeps
 * the lock; the record is deleted and the lock released when the rule ends. Returns the first CSR's key.
 */
export async function recordWithKey(t: RuleRun<SbcClient>, suffix: ScratchSuffix) {
  const { name, generated } = await recordWithGeneratedKey(t, suffix);
  const csr = await t.setup(`first CSR of certificate-record "${name}"`, async () =>
    csrOfResponse(generated),
  );
  return { name, generated, csr };
}

/** As recordWithKey, without reading the CSR (for rules that need a key in the record, not the CSR's content). */
export async function recordWithGeneratedKey(t: RuleRun<SbcClient>, suffix: ScratchSuffix) {
  const name = scratchRecord(t.ctx.params, suffix);
  await t.ctx.acquire(t);
  await t.ctx.createRecord(t, name);
  const generated = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
  await t.setup(`first CSR of certificate-record "${name}"`, async () =>
    expectHelperStatus(generated, [200], `PUT generateRequest?recordName=${name}`),
  );
  return { name, generated };
}

/**
 * A generateRequest without reGenerate=true on a record with a CSR, refused (4xx) by a device that does not hand
 * out the CSR again. 401/403/404/423 say the token, the account, the record or the lock went wrong instead.
 */
export function refusesReissue(res: HttpResponse): boolean {
  return res.status >= 400 && res.status < 500 && ![401, 403, 404, 423].includes(res.status);
}

/**
 * The public key the record holds now, read as documented without changing it: generateRequest with
 * reGenerate absent (default false) answers the CSR of the stored key (SBC-GEN-019). A device may refuse that
 * instead (undocumented; variant csr-once): then the key is not observable and the answer is undefined. The
 * caller holds the lock.
 */
export async function storedKey(t: RuleRun<SbcClient>, name: string): Promise<Buffer | undefined> {
  const res = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
  if (refusesReissue(res)) return undefined;
  return t.setup(`read the key of certificate-record "${name}"`, async () => {
    expectHelperStatus(res, [200], `PUT generateRequest?recordName=${name} (reGenerate absent)`);
    return csrOfResponse(res).spki;
  });
}

/** The record's key must be the one it had: compared by SPKI. */
export function checkSameKey(before: Buffer, after: Buffer, what: string): void {
  check(
    before.equals(after),
    `${what}: the certificate-record's key changed (the CSR fetched without reGenerate carries another public key)`,
  );
}
