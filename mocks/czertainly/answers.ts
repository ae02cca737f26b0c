import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { spkiOf } from './requests.ts';
import type { Certificate, MockContext } from './world.ts';

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

  function serialOf(c: Certificate): string | undefined {
    const serial = c.cert?.serialNumber.toLowerCase();
    if (serial && fault('detail-serial-mismatch') && c.v2)
      return serial.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
    return serial;
  }

  function keyDto(uuid: string | undefined) {
    const k = uuid ? keys.get(uuid) : undefined;
    if (!k) return undefined;
    return {
      uuid: k.uuid,
      name: `certconform-key-${k.uuid.slice(-4)}`,
      tokenProfileUuid: k.tokenProfileUuid,
      items: [
        {
          uuid: k.uuid,
          name: 'privateKey',
          type: 'Private',
          state: k.state,
          keyAlgorithm: 'RSA',
          length: 2048,
        },
      ],
    };
  }

  function detail(c: Certificate) {
    if (c.state === 'processing') seenProcessing.add(c.uuid);
    const spki = c.cert ? spkiOf(c.cert.publicKey) : c.request?.spki;
    let pub: KeyObject | undefined;
    try {
      pub = spki ? createPublicKey({ key: spki, format: 'der', type: 'spki' }) : undefined;
    } catch {
      pub = undefined;
    }
    const subjectDn = c.cert?.subject ?? c.request?.subject ?? '';
    const profile = c.raProfileUuid ? raProfiles.get(c.raProfileUuid) : undefined;
    const der = c.cert ? Buffer.from(c.cert.rawData) : undefined;
    const hybrid = Boolean(c.altKeyUuid);
    return {
      uuid: c.uuid,
      commonName: /CN=([^,]+)/.exec(subjectDn)?.[1] ?? '',
      ...(behaviour.leanDetail ? {} : { serialNumber: serialOf(c), issuerDn: c.cert?.issuer }),
      subjectDn,
      ...(c.cert
        ? { notBefore: c.cert.notBefore.toISOString(), notAfter: c.cert.notAfter.toISOString() }
        : {}),
      publicKeyAlgorithm: pub?.asymmetricKeyType === 'ec' ? 'ECDSA' : 'RSA',
      keySize: pub?.asymmetricKeyDetails?.modulusLength ?? (pub?.asymmetricKeyType === 'ec' ? 256 : 0),
      hybridCertificate: hybrid,
      state: c.state,
      validationStatus: c.state === 'revoked' ? 'revoked' : c.cert ? 'valid' : 'not_checked',
      ...(profile ? { raProfile: { uuid: profile.uuid, name: profile.name, enabled: profile.enabled } } : {}),
      ...(der
        ? {
            fingerprint: createHash('sha256').update(der).digest('hex'),
            certificateContent: der.toString('base64'),
          }
        : {}),
      certificateType: 'X.509',
      complianceStatus: 'na',
      privateKeyAvailability: Boolean(c.keyUuid && keys.get(c.keyUuid)?.state === 'active'),
      archived: Boolean(c.archived),
      ...(c.keyUuid ? { key: keyDto(c.keyUuid) } : {}),
      ...(c.altKeyUuid ? { altKey: keyDto(c.altKeyUuid) } : {}),
      ...(c.request?.csrBase64
        ? {
            certificateRequest: {
              content: c.request.csrBase64,
              subjectDn: c.request.subject,
              certificateRequestFormat: 'pkcs10',
            },
          }
        : {}),
      ...(c.sourceCertificateUuid ? { sourceCertificateUuid: c.sourceCertificateUuid } : {}),
    };
  }

  return { dataAnswer, serialOf, detail };
}

export type Answers = ReturnType<typeof createAnswers>;
