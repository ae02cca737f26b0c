import { check, checkEqual, show } from '../../../../src/core/check.ts';
import { csrSignatureValid, keyDescription, nameParts } from '../../../../src/pki/csr.ts';
import { hasPrivateKey } from '../../../../src/pki/pem.ts';
import { x509 } from '../../../../src/pki/x509.ts';
import { csrOfResponse, csrTextOf, parseSbcCsr, sharedCsr } from '../../csr.ts';
import { expectEnvelope, expectStatus, rule } from '../../rule.ts';
import { envelope, text, xmlAt } from '../../xml.ts';

const FOR_RECORD = {
  source: 'oracle-generate-request',
  section: 'Title; certificate-record attributes in sbc-notes §6',
  quote: 'Generates certificate signing request (CSR) for a certificate-record',
} as const;

const KEY_USAGE_FLAGS: Record<string, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};
const EKU_OIDS: Record<string, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

const sorted = (xs: string[]) => [...xs].sort();

/** The CSR's requested extension of one kind (from its extensionRequest attribute). */
function extension<T extends x509.Extension>(
  csr: x509.Pkcs10CertificateRequest,
  kind: new (raw: ArrayBuffer) => T,
): T | undefined {
  return csr.extensions.find((e): e is T => e instanceof kind);
}

export const csrReturned = rule({
  id: 'SBC-GEN-006',
  title:
    'generateRequest under the lock answers 200 with CertificateRequest/recordName equal to the recordName queried.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 200',
    quote: 'OK - Certificate signing request is returned in data section of the response body.',
  },
  destructive: true,
  faults: ['csr-record-name-wrong', 'csr-answer-bare', 'content-type-not-xml'],
  async check(t) {
    const { recordName, response } = await sharedCsr(t);
    expectStatus(response, 200, `PUT generateRequest?recordName=${recordName}`);
    // The data section is that of the documented envelope (the page's example response body).
    expectEnvelope(response, 'generateRequest answer');
    const echoed = text(envelope(response).data, 'CertificateRequest', 'recordName');
    checkEqual(
      echoed,
      recordName,
      'data/CertificateRequest/recordName',
      xmlAt(response, '/response/data/CertificateRequest/recordName'),
    );
  },
});

export const csrIsSignedPkcs10 = rule({
  id: 'SBC-GEN-007',
  title: 'certificateSignedRequest is one PEM PKCS#10 request whose signature verifies.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Description',
    quote: 'This API allows the client to generate a certificate signing request in PKCS10 PEM format.',
  },
  destructive: true,
  faults: ['csr-bad-signature', 'csr-lines-shuffled', 'csr-includes-private-key'],
  async check(t) {
    const parsed = parseSbcCsr(csrTextOf((await sharedCsr(t)).response));
    check(
      await csrSignatureValid(parsed),
      "certificateSignedRequest: the PKCS#10 signature does not verify with the request's own public key",
    );
  },
});

export const csrSubject = rule({
  id: 'SBC-GEN-008',
  title: "The CSR subject carries the record's country, state, locality, organization, unit and common-name.",
  level: 'MUST',
  cite: FOR_RECORD,
  destructive: true,
  faults: ['csr-subject-ignores-locality', 'csr-lines-shuffled'],
  async check(t) {
    const csr = csrOfResponse((await sharedCsr(t)).response);
    const r = t.ctx.params.record;
    const expected: Array<[string, string]> = [
      ['C', r.country],
      ['ST', r.state],
      ['L', r.locality],
      ['O', r.organization],
      ['OU', r.unit],
      ['CN', r.commonName],
    ];
    const actual = nameParts(csr.csr.subject);
    const key = ([k, v]: [string, string]) => `${k}=${v}`;
    checkEqual(sorted(actual.map(key)), sorted(expected.map(key)), 'CSR subject attributes');
  },
});

export const csrAlternateNames = rule({
  id: 'SBC-GEN-009',
  title: "The CSR subjectAltName carries exactly the record's alternate-name entries.",
  level: 'MUST',
  cite: FOR_RECORD,
  destructive: true,
  faults: ['csr-drops-ip-san', 'csr-lines-shuffled'],
  async check(t) {
    const csr = csrOfResponse((await sharedCsr(t)).response);
    const expected = t.ctx.params.record.alternateName
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => s.replace(/^(IP|DNS|email):/i, (_m, kind: string) => `${kind.toLowerCase()}:`));
    const san = extension(csr.csr, x509.SubjectAlternativeNameExtension);
    const actual = (san?.names.items ?? []).map((n) => `${n.type}:${n.value}`);
    checkEqual(sorted(actual), sorted(expected), 'CSR subjectAltName entries');
  },
});

/** The curves (as keyDescription names them) of the ecdsa-key-size values the notes give as examples. */
const CURVES: Record<string, string> = { p256: 'P-256', p384: 'P-384' };

export const csrKey = rule({
  id: 'SBC-GEN-010',
  title: "The CSR public key has the record's key-algor and key-size (or ecdsa-key-size).",
  level: 'MUST',
  cite: FOR_RECORD,
  destructive: true,
  faults: ['csr-key-size-ignored', 'csr-lines-shuffled'],
  async check(t) {
    const { stored, response } = await sharedCsr(t);
    const csr = csrOfResponse(response);
    const actual = keyDescription(csr.publicKey);
    // The suite sends no key-algor: the record has the device's default, whose value is not documented [?].
    const algorithm = stored.get('key-algor')?.[0] ?? 'rsa';
    if (algorithm === 'ecdsa') {
      const size = stored.get('ecdsa-key-size')?.[0] ?? '';
      const curve = CURVES[size];
      check(
        curve ? actual === `ECDSA ${curve}` : actual.startsWith('ECDSA '),
        `CSR public key (key-algor ecdsa, ecdsa-key-size ${show(size)}): expected ${curve ? `ECDSA ${curve}` : 'an EC key'}, got ${actual}`,
      );
      return;
    }
    checkEqual(
      actual,
      `RSA ${t.ctx.params.record.keySize}`,
      `CSR public key (key-algor ${algorithm}, key-size)`,
    );
  },
});

export const csrKeyUsage = rule({
  id: 'SBC-GEN-011',
  title: "The CSR requests exactly the key usages of the record's key-usage-list.",
  level: 'MUST',
  cite: FOR_RECORD,
  destructive: true,
  faults: ['csr-key-usage-ignored', 'csr-lines-shuffled'],
  async check(t) {
    const csr = csrOfResponse((await sharedCsr(t)).response);
    const ku = extension(csr.csr, x509.KeyUsagesExtension);
    check(ku, 'CSR: no keyUsage extension in the extensionRequest');
    const actual = Object.entries(KEY_USAGE_FLAGS)
      .filter(([, flag]) => (ku.usages & flag) !== 0)
      .map(([name]) => name);
    checkEqual(sorted(actual), sorted(t.ctx.params.record.keyUsages), 'CSR keyUsage');
  },
});

export const csrExtendedKeyUsage = rule({
  id: 'SBC-GEN-012',
  title: "The CSR requests exactly the extended key usages of the record's extended-key-usage-list.",
  level: 'MUST',
  cite: FOR_RECORD,
  destructive: true,
  faults: ['csr-eku-ignored', 'csr-lines-shuffled'],
  async check(t) {
    const csr = csrOfResponse((await sharedCsr(t)).response);
    const eku = extension(csr.csr, x509.ExtendedKeyUsageExtension);
    check(eku, 'CSR: no extendedKeyUsage extension in the extensionRequest');
    const names = Object.fromEntries(Object.entries(EKU_OIDS).map(([k, v]) => [v, k]));
    const actual = eku.usages.map((u) => names[String(u)] ?? String(u));
    checkEqual(sorted(actual), sorted(t.ctx.params.record.extendedKeyUsages), 'CSR extendedKeyUsage');
  },
});

export const privateKeyStaysOnDevice = rule({
  id: 'SBC-GEN-013',
  title: 'The generateRequest answer does not contain the private key.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Description',
    quote: 'The generated private key is stored in the certificate-record configuration element.',
  },
  destructive: true,
  faults: ['csr-includes-private-key'],
  async check(t) {
    const { response } = await sharedCsr(t);
    expectStatus(response, 200, 'PUT generateRequest');
    check(
      !hasPrivateKey(response.text),
      `PUT generateRequest: the answer contains a PRIVATE KEY block; the key must stay in the certificate-record`,
    );
  },
});

export const csrRules = [
  csrReturned,
  csrIsSignedPkcs10,
  csrSubject,
  csrAlternateNames,
  csrKey,
  csrKeyUsage,
  csrExtendedKeyUsage,
  privateKeyStaysOnDevice,
];
