import { generateCsr } from '../../../../src/pki/generate.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import {
  check,
  confirmServerError,
  expectHelperStatus,
  notApplicable,
  show,
} from '../../../../src/core/check.ts';
import { TestCa, certPem } from '../../../../src/pki/ca.ts';
import type { ParsedCsr } from '../../../../src/pki/csr.ts';
import { KeyPool, RSA_SHA256 } from '../../../../src/pki/keys.ts';
import { subtle } from '../../../../src/pki/x509.ts';
import { MESSAGES, type SbcClient } from '../../client.ts';
import { checkSameKey, csrOfResponse, recordWithGeneratedKey, recordWithKey, storedKey } from '../../csr.ts';
import { expectEnvelope, expectLocked, expectStatus, rule } from '../../rule.ts';
import { buildXml, envelope, hasTextValue } from '../../xml.ts';

const IMPORT_QUOTE = {
  source: 'sbc-notes',
  section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
  quote: 'X509 and PKCS7 supported; requires the lock; syntactically invalid → fails, nothing imported',
} as const;

/** PEM armour around bytes that are no certificate: syntactically invalid, nothing else wrong with the request. */
const MALFORMED =
  '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxsLg==\n-----END CERTIFICATE-----\n';

function importBody(recordName: string, certificate: string): string {
  return buildXml({ ImportCertificate: { recordName, format: 'x509', certificateRequest: certificate } });
}

function importCertificate(t: RuleRun<SbcClient>, recordName: string, certificate: string) {
  return t.ctx.importCertificate(importBody(recordName, certificate));
}

/** The CA-signed certificate for a CSR (what a conforming import accepts). */
async function signedCertificate(t: RuleRun<SbcClient>, csr: ParsedCsr): Promise<string> {
  const ca = await TestCa.load();
  const cert = certPem(await ca.signCsr(csr.csr));
  t.note(`certificate for ${csr.csr.subject} signed by the bundled test CA`);
  return cert;
}

/**
 * A certificate that differs from the one the record accepts in its key only: the same CA, subject, extensions,
 * key algorithm and size, but another public key (a pooled key: no RSA generation at run time).
 */
async function foreignCertificate(t: RuleRun<SbcClient>, csr: ParsedCsr): Promise<string> {
  const pool = new KeyPool(17);
  const bits = t.ctx.params.record.keySize;
  let key = await pool.take(bits);
  for (
    let i = 0;
    i < 4 && Buffer.from(await subtle.exportKey('spki', key.keys.publicKey)).equals(csr.spki);
    i++
  )
    key = await pool.take(bits);
  const forged = await generateCsr({
    name: csr.csr.subject,
    keys: key.keys,
    signingAlgorithm: RSA_SHA256,
    extensions: csr.csr.extensions,
  });
  const ca = await TestCa.load();
  return certPem(await ca.signCsr(forged));
}

/** A well-formed certificate of the test CA (for requests whose only fault is elsewhere, e.g. the record name). */
function someCertificate(t: RuleRun<SbcClient>): Promise<string> {
  return t.shared('some-certificate', async () => {
    const ca = await TestCa.load();
    const key = await new KeyPool(17).take(2048);
    return certPem(await ca.issue({ subject: 'CN=certconform import', publicKey: key.keys.publicKey }));
  });
}

export const importSigned = rule({
  id: 'SBC-IMP-001',
  title:
    "Importing the CA-signed certificate for the record's CSR under the lock answers 200 with the record name.",
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
    quote: '200 "certificate record name in request body is returned in response body"',
  },
  destructive: true,
  requires: ['certificate-import'],
  faults: ['import-echo-missing', 'csr-lines-shuffled', 'content-type-not-xml'],
  async check(t) {
    const { name, generated } = await recordWithGeneratedKey(t, 'import');
    // The CSR's format is this flow's requirement too: a CSR that cannot be parsed cannot be signed.
    const res = await importCertificate(t, name, await signedCertificate(t, csrOfResponse(generated)));
    expectStatus(res, 200, `PUT certificates/import for "${name}"`);
    expectEnvelope(res, 'import answer');
    // Documented: the name "is returned in response body"; the element carrying it is not.
    const env = envelope(res);
    check(
      hasTextValue(env.data, name) || hasTextValue(env.messages, name),
      `import answer: expected the record name "${name}" as the text of an element of the body, got ${show(res.text.trim())}`,
    );
  },
});

export const importNeedsLock = rule({
  id: 'SBC-IMP-002',
  title: 'Import without the lock answers 423 "User does not have the lock".',
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  requires: ['certificate-import'],
  judgesServerErrors: true,
  faults: ['import-without-lock', 'lock-messages-swapped'],
  async check(t) {
    // The certificate is the right one for the record's key: the missing lock is the only fault.
    const { name, csr } = await recordWithKey(t, 'import-nolock');
    const cert = await signedCertificate(t, csr);
    await t.ctx.unlockForRule();
    const res = await confirmServerError(() => importCertificate(t, name, cert));
    expectLocked(res, MESSAGES.noLock, 'PUT certificates/import while nobody holds the lock');
  },
});

export const importMalformedRefused = rule({
  id: 'SBC-IMP-004',
  title: 'A syntactically invalid certificate is refused with 400.',
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  requires: ['certificate-import'],
  judgesServerErrors: true,
  faults: ['import-malformed-accepted'],
  async check(t) {
    // The record holds a key, so "no key yet" cannot be the reason for the refusal.
    const { name } = await recordWithGeneratedKey(t, 'import-bad');
    const res = await confirmServerError(() => importCertificate(t, name, MALFORMED));
    expectStatus(res, 400, 'PUT certificates/import of a malformed certificate');
  },
});

export const importUnknownRecord = rule({
  id: 'SBC-IMP-005',
  title: 'Import for a certificate-record that does not exist answers 404.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
    quote: '404 (unsupported version or unknown instance)',
  },
  requires: ['certificate-import'],
  judgesServerErrors: true,
  faults: ['import-unknown-record-400'],
  async check(t) {
    await t.ctx.acquire(t);
    // A well-formed certificate: the unknown record is the only fault of the request.
    const cert = await someCertificate(t);
    const res = await confirmServerError(() => importCertificate(t, t.ctx.params.unknownRecordName, cert));
    expectStatus(
      res,
      404,
      `PUT certificates/import for "${t.ctx.params.unknownRecordName}" (no such record)`,
    );
  },
});

export const refusedImportKeepsKey = rule({
  id: 'SBC-IMP-006',
  title: "After an imported certificate, a refused import leaves the certificate-record's key as it was.",
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  requires: ['certificate-import'],
  faults: ['refused-import-drops-key', 'csr-fetch-regenerates'],
  async check(t) {
    const { name, csr } = await recordWithKey(t, 'import-keep');
    const first = await importCertificate(t, name, await signedCertificate(t, csr));
    await t.setup('import the CA-signed certificate', async () =>
      expectHelperStatus(first, [200], `PUT certificates/import for "${name}"`),
    );
    const foreign = await importCertificate(t, name, await foreignCertificate(t, csr));
    const malformed = await importCertificate(t, name, MALFORMED);
    // Whether a certificate for another key is refused is not documented; a malformed one must be (SBC-IMP-004).
    const refused = [foreign, malformed].filter((r) => r.status >= 400 && r.status < 500);
    if (refused.length === 0) notApplicable('neither import was refused; SBC-IMP-004 reports that');
    const key = await storedKey(t, name);
    if (!key)
      notApplicable(
        'the device hands out no CSR without reGenerate=true, so the stored key is not observable',
      );
    checkSameKey(csr.spki, key, 'after a refused import');
  },
});

export const importRules = [
  importSigned,
  importNeedsLock,
  importMalformedRefused,
  importUnknownRecord,
  refusedImportKeepsKey,
];
