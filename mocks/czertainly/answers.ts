import { createHash, type KeyObject } from 'node:crypto';
import { spkiOf } from './requests.ts';
import { remember } from '../../src/core/memo.ts';
import type { Certificate, MockContext } from './world.ts';
import { publicKeyOfSpki } from '../../src/pki/keys.ts';

/** When the mock's platform keys were "created" (KeyDto.creationTime is required). */
const CREATED = new Date().toISOString();
const EC_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** The algorithm and size a key DTO states for a SubjectPublicKeyInfo (remembered: every answer lists them). */
const keyInfoOfSpki = remember(
  (spki: Buffer): { algorithm: string; size: number } => {
    let pub: KeyObject | undefined;
    try {
      pub = spki.length ? publicKeyOfSpki(spki) : undefined;
    } catch {
      pub = undefined;
    }
    if (pub?.asymmetricKeyType === 'ec')
      return { algorithm: 'ECDSA', size: EC_BITS[pub.asymmetricKeyDetails?.namedCurve ?? ''] ?? 256 };
    return { algorithm: 'RSA', size: pub?.asymmetricKeyDetails?.modulusLength ?? 0 };
  },
  (spki) => spki.toString('base64'),
);

/** The certificate bodies the platform answers: the data answer of an operation and the inventory detail. */
export function createAnswers({ world, behaviour, fault }: MockContext) {
  const { ca, keys, raProfiles, seenProcessing } = world;

  /** The 200 answer of issue, renew and rekey (ClientCertificateDataResponseDto: only uuid is required). */
  function dataAnswer(c: Certificate, uuid = c.uuid): Record<string, unknown> {
    if (behaviour.certificateData === 'omitted') return { uuid };
    if (behaviour.certificateData === 'empty' || !c.cert) return { certificateData: '', uuid };
    const cert = fault('issue-data-mismatch') ? ca.cert : c.cert;
    return { certificateData: Buffer.from(cert.rawData).toString('base64'), uuid };
  }

  /** The rekey answer: fault rekey-answer-data-object wraps certificateData in an object (not the schema's string). */
  function rekeyAnswer(c: Certificate): Record<string, unknown> {
    const answer = dataAnswer(c);
    if (!fault('rekey-answer-data-object')) return answer;
    return { ...answer, certificateData: { content: answer.certificateData ?? '', format: 'base64' } };
  }

  function serialOf(c: Certificate): string | undefined {
    const serial = c.cert?.serialNumber.toLowerCase();
    if (serial && fault('detail-serial-mismatch') && c.v2)
      return serial.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
    return serial;
  }

  /** KeyDto of the inventory, with its one private key item (KeyItemDto), every required field given. */
  function keyDto(uuid: string | undefined) {
    const k = uuid ? keys.get(uuid) : undefined;
    if (!k) return undefined;
    const common = {
      creationTime: CREATED,
      associations: 1,
      complianceStatus: 'na',
      tokenProfileUuid: k.tokenProfileUuid,
    };
    return {
      uuid: k.uuid,
      name: `certconform-key-${k.uuid.slice(-4)}`,
      ...common,
      items: [
        {
          uuid: k.uuid,
          name: 'privateKey',
          ...common,
          keyWrapperUuid: k.uuid,
          type: 'Private',
          state: k.state,
          keyAlgorithm: k.algorithm,
          format: 'PrivateKeyInfo',
          length: k.length,
          enabled: k.state === 'active',
        },
      ],
    };
  }

  function publicKeyOf(c: Certificate): { algorithm: string; size: number } {
    const spki = c.cert ? spkiOf(c.cert.publicKey) : c.request?.spki;
    return keyInfoOfSpki(spki ?? Buffer.alloc(0));
  }

  /** A date-time as Jackson writes it; fault renewed-detail-bad-date writes a renewal's notAfter without the T and zone. */
  function dateTime(d: Date, c: Certificate, field: 'notBefore' | 'notAfter'): string {
    if (field === 'notAfter' && c.sourceCertificateUuid && fault('renewed-detail-bad-date'))
      return d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '');
    return d.toISOString();
  }

  /** CertificateDto: what a search lists of each certificate (the required fields and a few more). */
  function summary(c: Certificate) {
    if (c.state === 'processing') seenProcessing.add(c.uuid);
    const subjectDn = c.cert?.subject ?? c.request?.subject ?? '';
    const profile = c.raProfileUuid ? raProfiles.get(c.raProfileUuid) : undefined;
    const der = c.cert ? Buffer.from(c.cert.rawData) : undefined;
    const key = publicKeyOf(c);
    return {
      uuid: c.uuid,
      commonName: /CN=([^,]+)/.exec(subjectDn)?.[1] ?? '',
      ...(behaviour.leanDetail ? {} : { serialNumber: serialOf(c), issuerDn: c.cert?.issuer }),
      subjectDn,
      ...(c.cert
        ? {
            notBefore: dateTime(c.cert.notBefore, c, 'notBefore'),
            notAfter: dateTime(c.cert.notAfter, c, 'notAfter'),
          }
        : {}),
      publicKeyAlgorithm: key.algorithm,
      keySize: key.size,
      hybridCertificate: Boolean(c.altKeyUuid),
      state: c.state,
      validationStatus: c.state === 'revoked' ? 'revoked' : c.cert ? 'valid' : 'not_checked',
      ...(profile ? { raProfile: { uuid: profile.uuid, name: profile.name, enabled: profile.enabled } } : {}),
      ...(der ? { fingerprint: createHash('sha256').update(der).digest('hex') } : {}),
      certificateType: 'X.509',
      complianceStatus: 'na',
      privateKeyAvailability: Boolean(c.keyUuid && keys.get(c.keyUuid)?.state === 'active'),
      archived: Boolean(c.archived),
    };
  }

  /** CertificateDetailDto. */
  function detail(c: Certificate) {
    const der = c.cert ? Buffer.from(c.cert.rawData) : undefined;
    const key = publicKeyOf(c);
    return {
      ...summary(c),
      ...(der ? { certificateContent: der.toString('base64') } : {}),
      ...(c.keyUuid ? { key: keyDto(c.keyUuid) } : {}),
      ...(c.altKeyUuid ? { altKey: keyDto(c.altKeyUuid) } : {}),
      ...(c.request?.csrBase64
        ? {
            certificateRequest: {
              uuid: c.requestUuid,
              certificateType: 'X.509',
              certificateRequestFormat: 'pkcs10',
              content: c.request.csrBase64,
              commonName: /CN=([^,]+)/.exec(c.request.subject)?.[1] ?? '',
              subjectDn: c.request.subject,
              publicKeyAlgorithm: key.algorithm,
              signatureAlgorithm: key.algorithm === 'ECDSA' ? 'SHA256withECDSA' : 'SHA256withRSA',
              complianceStatus: 'na',
            },
          }
        : {}),
      ...(c.sourceCertificateUuid ? { sourceCertificateUuid: c.sourceCertificateUuid } : {}),
    };
  }

  return { dataAnswer, rekeyAnswer, serialOf, summary, detail };
}

export type Answers = ReturnType<typeof createAnswers>;
