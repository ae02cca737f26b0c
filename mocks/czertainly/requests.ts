import { nameParts } from '../../src/pki/csr.ts';
import { x509 } from '../../src/pki/x509.ts';
import { isObject } from './checks.ts';
import type { CertRequest, Certificate, PlatformKey } from './world.ts';

const CSR_ATTRIBUTE_RDN: Record<string, string> = {
  commonName: 'CN',
  organizationalUnit: 'OU',
  organization: 'O',
  locality: 'L',
  state: 'ST',
  country: 'C',
};

export function spkiOf(key: x509.PublicKey): Buffer {
  return Buffer.from(key.rawData);
}

export function sameSubject(a: string, b: string): boolean {
  return JSON.stringify(nameParts(a)) === JSON.stringify(nameParts(b));
}

function parseCsr(b64: string): x509.Pkcs10CertificateRequest {
  const text = b64.trim();
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(text)) throw new Error('Illegal base64 character');
  const der = Buffer.from(text, 'base64');
  const decoded = der.toString('latin1');
  try {
    return new x509.Pkcs10CertificateRequest(decoded.includes('-----BEGIN') ? decoded : der);
  } catch (err) {
    throw new Error(`Cannot process PKCS#10 request: ${(err as Error).message}`);
  }
}

export function requestFromCsr(b64: string): CertRequest {
  const csr = parseCsr(b64);
  return {
    subject: csr.subject,
    publicKey: csr.publicKey,
    spki: spkiOf(csr.publicKey),
    csrBase64: b64,
    fromCsr: true,
  };
}

/** The subject DN of a CSR the platform generates from the csrAttributes of a request. */
export function subjectFromAttributes(attrs: unknown): string {
  if (!Array.isArray(attrs)) throw new Error('CSR attributes are required when no CSR is uploaded');
  const rdns: string[] = [];
  for (const a of attrs) {
    if (!isObject(a) || typeof a.name !== 'string') continue;
    const rdn = CSR_ATTRIBUTE_RDN[a.name];
    const content = Array.isArray(a.content)
      ? (a.content[0] as Record<string, unknown> | undefined)
      : undefined;
    const data = content?.data;
    if (rdn && typeof data === 'string' && data) rdns.push(`${rdn}=${data}`);
  }
  if (!rdns.some((r) => r.startsWith('CN=')))
    throw new Error('Common name attribute is required to generate the CSR');
  return rdns.join(', ');
}

export function requestFromKey(key: PlatformKey, subject: string): CertRequest {
  return {
    subject,
    publicKey: key.publicKey,
    spki: key.spki,
    keyUuid: key.uuid,
    fromCsr: false,
  };
}

/** The key and subject the platform recorded for a certificate: those of its request, else of its content. */
export function recordedSpki(c: Certificate): Buffer {
  return c.request?.spki.length ? c.request.spki : spkiOf(c.cert!.publicKey);
}

export function recordedSubject(c: Certificate): string {
  return c.request?.subject ?? c.cert!.subject;
}
