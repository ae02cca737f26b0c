import { check, checkEqual, notApplicable, show } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { UUID_RE, expectErrorMessage, expectMessageList } from '../../lib/expect.ts';
import {
  certificateUrl,
  issueAnswer,
  issuedFromCsr,
  refused,
  scratchCertificate,
  v2,
} from '../../lib/flow.ts';
import { newCsr, normSerial, parseCertificate, sameName } from '../../lib/pki.ts';

export const issueAnswers200 = rule({
  id: 'CZ-ISS-001',
  title: 'Issuing from a Base64 PKCS#10 CSR answers 200 with the UUID of the new certificate.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section:
      'POST /v2/operations/authorities/{authorityUuid}/raProfiles/{raProfileUuid}/certificates (issueCertificate), responses."200"',
    quote: 'description: Certificate issued',
  },
  destructive: true,
  faults: ['issue-status-201'],
  async check(t) {
    // Not served at all (404/405/501 on the documented route) is this rule's finding, and every issuing rule's cause.
    const { response } = await issueAnswer(t);
    checkEqual(response.status, 200, 'issueCertificate status');
    const body = response.json<Record<string, unknown>>();
    check(
      typeof body.uuid === 'string' && UUID_RE.test(body.uuid),
      `issueCertificate: uuid must be a certificate UUID, got ${show(body.uuid)}`,
    );
    // "Certificate issued": the certificate it names is issued (within timeouts.operationMs on a queued platform).
    // The answer's schema is CZ-DTO-001's.
    await issuedFromCsr(t);
  },
});

export const issueDataIsTheCertificate = rule({
  id: 'CZ-ISS-017',
  title:
    'When the issue answer carries certificateData, it is the Base64 certificate its uuid names in the inventory.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'components.schemas.ClientCertificateDataResponseDto.properties.certificateData',
    quote: 'description: Base64 encoded Certificate content',
  },
  destructive: true,
  faults: ['issue-data-mismatch'],
  async check(t) {
    const issued = await issuedFromCsr(t);
    const data = issued.response.json<Record<string, unknown>>().certificateData;
    // Queued platforms answer before the CA signs (empty or no certificateData); older ones answer with it.
    if (data === undefined || data === null || data === '')
      notApplicable(
        'the issue answer carries no certificate (a queued platform answers before the CA signs; ClientCertificateDataResponseDto requires only uuid): nothing to compare',
      );
    const answered = parseCertificate(data, 'issueCertificate certificateData');
    check(
      Buffer.from(answered.rawData).equals(Buffer.from(issued.cert.rawData)),
      `issueCertificate: certificateData is ${show(answered.subject)} (serial ${answered.serialNumber}), not the certificate ${issued.uuid} of the inventory (${show(issued.cert.subject)}, serial ${issued.cert.serialNumber})`,
    );
  },
});

export const detailDescribesCertificate = rule({
  id: 'CZ-ISS-003',
  title:
    'The certificate detail of an issued certificate reports its subject DN, and its serial number and issuer DN where it reports them.',
  level: 'MUST',
  cite: {
    source: 'openapi-certificate',
    section: 'components.schemas.CertificateDetailDto.properties.serialNumber',
    quote: 'description: Certificate serial number',
  },
  destructive: true,
  faults: ['detail-serial-mismatch'],
  async check(t) {
    const { detail, cert } = await issuedFromCsr(t);
    // subjectDn is required by CertificateDetailDto; serialNumber and issuerDn are optional (absent is no violation).
    check(
      sameName(String(detail.subjectDn), cert.subject),
      `detail.subjectDn ${show(detail.subjectDn)} is not the certificate subject ${show(cert.subject)}`,
    );
    if (detail.serialNumber === undefined) t.note('the detail has no serialNumber (optional); compared none');
    else
      checkEqual(
        normSerial(detail.serialNumber),
        normSerial(cert.serialNumber),
        'detail.serialNumber vs the certificate',
      );
    if (detail.issuerDn === undefined) t.note('the detail has no issuerDn (optional); compared none');
    else
      check(
        sameName(String(detail.issuerDn), cert.issuer),
        `detail.issuerDn ${show(detail.issuerDn)} is not the certificate issuer ${show(cert.issuer)}`,
      );
  },
});

export const issuedCarriesCsrKey = rule({
  id: 'CZ-ISS-004',
  title: 'A certificate issued from a CSR certifies the public key of that CSR.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: request',
    quote: 'request required | string Certificate signing request encoded as Base64 string',
  },
  destructive: true,
  faults: ['issue-wrong-key'],
  async check(t) {
    const { spki, csr, uuid } = await issuedFromCsr(t);
    check(spki.equals(csr!.key.spki), `certificate ${uuid}: its public key is not the CSR's public key`);
  },
});

export const issuedCarriesCsrSubject = rule({
  id: 'CZ-ISS-005',
  title: 'A certificate issued from a CSR carries the subject of that CSR.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: request',
    quote: 'request required | string Certificate signing request encoded as Base64 string',
  },
  destructive: true,
  faults: ['issue-wrong-subject'],
  async check(t) {
    const { cert, csr } = await issuedFromCsr(t);
    check(
      sameName(cert.subject, csr!.subject),
      `certificate subject: expected ${show(csr!.subject)}, got ${show(cert.subject)}`,
    );
  },
});

export const issuedChainsToAuthority = rule({
  id: 'CZ-ISS-006',
  title: 'An issued certificate is signed by the authority CA reported in its chain.',
  level: 'MUST',
  cite: {
    source: 'openapi-certificate',
    section: 'GET /v1/certificates/{uuid}/chain (getCertificateChain)',
    quote: 'Get certificate chain for the certificate with the given UUID.',
  },
  destructive: true,
  faults: ['sign-with-rogue-ca'],
  async check(t) {
    const { uuid, cert } = await issuedFromCsr(t);
    const res = await t.ctx.http.get(certificateUrl(t.ctx, uuid, '/chain?withEndCertificate=true'));
    checkEqual(res.status, 200, `GET certificate ${uuid} chain status`);
    const body = res.json<{
      completeChain?: unknown;
      certificates?: Array<{ certificateContent?: string }>;
    }>();
    t.ctx.seen.add('CertificateChainResponseDto', res, body);
    check(Array.isArray(body.certificates), `chain: expected a certificates array, got ${show(body)}`);
    const chain = body.certificates.map((c, i) =>
      parseCertificate(c.certificateContent, `chain certificate #${i}`),
    );
    const issuer = chain.find(
      (c) => sameName(c.subject, cert.issuer) && !Buffer.from(c.rawData).equals(Buffer.from(cert.rawData)),
    );
    // completeChain false: the platform does not hold the CA certificate, and says so; nothing to verify against.
    if (!issuer && body.completeChain === false)
      notApplicable(
        `the chain of ${uuid} is reported incomplete (completeChain false) and has no CA certificate to verify against`,
      );
    check(
      issuer,
      `chain: no certificate named ${show(cert.issuer)} (the issuer of ${uuid}) in ${show(chain.map((c) => c.subject))}`,
    );
    const ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
    check(
      ok,
      `certificate ${uuid}: its signature does not verify with the key of the chain's CA ${show(issuer.subject)}`,
    );
  },
});

export const serialUniqueInInventory = rule({
  id: 'CZ-ISS-007',
  title: 'Two certificates issued through the RA profile have different serial numbers.',
  level: 'MUST',
  cite: {
    source: 'rfc5280',
    section: '4.1.2.2. Serial Number',
    quote: 'It MUST be unique for each certificate issued by a given CA',
  },
  destructive: true,
  faults: ['duplicate-serials'],
  async check(t) {
    const first = await issuedFromCsr(t);
    const second = await scratchCertificate(t, 'serial');
    // Compared on the certificates themselves: the inventory search by serial is not in the pinned spec.
    check(
      normSerial(first.cert.serialNumber) !== normSerial(second.cert.serialNumber),
      `certificates ${first.uuid} and ${second.uuid} share the serial number ${first.cert.serialNumber}`,
    );
  },
});

export const unknownFormatRefused = rule({
  id: 'CZ-ISS-011',
  title: 'An issue request whose format is not one of the documented values is refused with 400 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: format',
    quote: 'format | string (CertificateRequestFormat) Default: "pkcs10" Enum: "pkcs10" "crmf"',
  },
  destructive: true,
  // The refusal's status is the finding: a 500 is sent once more, then judged.
  judgesServerErrors: true,
  faults: ['unknown-format-accepted'],
  async check(t) {
    const csr = await newCsr(t.ctx, 'format');
    const res = await refused(t, 'issueCertificate', () =>
      t.ctx.http.post(v2(t.ctx, '/certificates'), {
        json: { attributes: [], request: csr.base64, format: 'pkcs7' },
      }),
    );
    expectErrorMessage(res, 400, 'issue with format "pkcs7"');
  },
});

export const issueRequestedOnlyFromRequested = rule({
  id: 'CZ-ISS-015',
  title: 'Issuing a requested certificate that is already issued is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.issueRequestedCertificate',
    quote: 'Cannot issue requested certificate with status',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['issue-requested-reissues'],
  async check(t) {
    const { uuid } = await issuedFromCsr(t);
    const res = await refused(t, 'issueRequestedCertificate', () =>
      t.ctx.http.post(v2(t.ctx, `/certificates/${uuid}/issue`)),
    );
    expectMessageList(res, `issueRequestedCertificate on issued certificate ${uuid}`);
  },
});
