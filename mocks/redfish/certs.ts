import { generateCsr } from '../../src/pki/generate.ts';
import { createHash, createPrivateKey } from 'node:crypto';
import type { TestCa } from '../../src/pki/ca.ts';
import { certPem } from '../../src/pki/ca.ts';
import type { KeyPool } from '../../src/pki/keys.ts';
import { RSA_SHA256, importPkcs8, spkiOfPrivatePem } from '../../src/pki/keys.ts';
import { toPem } from '../../src/pki/pem.ts';
import { subtle, x509, type CryptoKeyPair } from '../../src/pki/x509.ts';

export type Curve = 'P-256' | 'P-384';

/** A private key the mock holds: PEM for TLS, WebCrypto pair for signing CSRs, SPKI for comparisons. */
export interface HeldKey {
  privatePem: string;
  keys: CryptoKeyPair;
  spki: Buffer;
  /** RSA modulus bits, or the curve's size. */
  bits: number;
  /** Set for an ECDSA key. */
  curve?: Curve;
}

/** TCG_ECC_CURVE names (Rekey's KeyCurveId) of the curves the mock generates keys on. */
export const TCG_CURVES: Record<string, Curve> = { TPM_ECC_NIST_P256: 'P-256', TPM_ECC_NIST_P384: 'P-384' };

/** A fresh ECDSA key (cheap, unlike RSA, so not pooled: every Rekey gets a key no one had before). */
export async function generateEcKey(curve: Curve): Promise<HeldKey> {
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const privatePem = toPem('PRIVATE KEY', Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey)));
  return { privatePem, keys, spki: spkiOfPem(privatePem), bits: curve === 'P-256' ? 256 : 384, curve };
}

const POOL_SIZES = [512, 1024, 2048, 3072, 4096];

/** The pool size the mock uses for a requested length (only faults ask for lengths outside the pool). */
export function poolBits(bits: number): number {
  return POOL_SIZES.find((s) => s >= bits) ?? 4096;
}

export async function takeKey(pool: KeyPool, bits: number): Promise<HeldKey> {
  const k = await pool.take(poolBits(bits));
  return { privatePem: k.privatePem, keys: k.keys, spki: spkiOfPem(k.privatePem), bits: k.bits };
}

export async function heldKeyFromPem(privatePem: string): Promise<HeldKey> {
  const priv = createPrivateKey(privatePem);
  const pkcs8 = priv.export({ format: 'pem', type: 'pkcs8' }) as string;
  const curve = Object.values(TCG_CURVES).find(
    (c) => ({ 'P-256': 'prime256v1', 'P-384': 'secp384r1' })[c] === priv.asymmetricKeyDetails?.namedCurve,
  );
  return {
    privatePem: pkcs8,
    keys: (await importPkcs8(pkcs8)).keys,
    spki: spkiOfPem(pkcs8),
    bits: priv.asymmetricKeyDetails?.modulusLength ?? (curve === 'P-256' ? 256 : 384),
    ...(curve ? { curve } : {}),
  };
}

export function spkiOfPem(privatePem: string): Buffer {
  return Buffer.from(spkiOfPrivatePem(privatePem));
}

export interface CsrOptions {
  subject: string;
  key: HeldKey;
  challengePassword?: string;
}

export async function makeCsr(opts: CsrOptions): Promise<string> {
  const csr = await generateCsr({
    name: opts.subject,
    keys: opts.key.keys,
    // ECDSA with the hash of the curve's size (P-384: SHA-384), as devices sign; RSA with SHA-256.
    signingAlgorithm: opts.key.curve
      ? { name: 'ECDSA', hash: opts.key.curve === 'P-384' ? 'SHA-384' : 'SHA-256' }
      : RSA_SHA256,
    attributes:
      opts.challengePassword !== undefined
        ? [new x509.ChallengePasswordAttribute(opts.challengePassword)]
        : [],
  });
  return csr.toString('pem');
}

/** Corrupts the last signature byte: the CSR still parses but no longer verifies. */
export function corruptCsrSignature(pem: string): string {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const der = Buffer.from(csr.rawData);
  der[der.length - 1] = der[der.length - 1]! ^ 0xff;
  return toPem('CERTIFICATE REQUEST', der).trimEnd();
}

export async function issue(
  ca: TestCa,
  subject: string,
  key: HeldKey,
  opts: { server?: boolean; notBefore?: Date; notAfter?: Date } = {},
): Promise<x509.X509Certificate> {
  return ca.issue({
    subject,
    publicKey: key.keys.publicKey,
    ...(opts.server
      ? { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }
      : {}),
    ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
    ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
  });
}

const NAME_FIELDS: Record<string, string> = {
  CN: 'CommonName',
  O: 'Organization',
  OU: 'OrganizationalUnit',
  C: 'Country',
  ST: 'State',
  L: 'City',
  E: 'Email',
};

function identifier(name: x509.Name): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rdn of name.toJSON()) {
    for (const [k, vs] of Object.entries(rdn)) {
      const field = NAME_FIELDS[k];
      if (field && vs[0] !== undefined) out[field] = vs[0];
    }
  }
  return out;
}

function colonHex(buf: Buffer): string {
  return [...buf].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** The read-only Certificate properties a Redfish service derives from the X.509 certificate. */
export function certificateProperties(cert: x509.X509Certificate): Record<string, unknown> {
  return {
    CertificateString: certPem(cert).trimEnd(),
    CertificateType: 'PEM',
    Issuer: identifier(cert.issuerName),
    Subject: identifier(cert.subjectName),
    ValidNotBefore: cert.notBefore.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ValidNotAfter: cert.notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    SerialNumber: cert.serialNumber.toLowerCase().replace(/(..)(?!$)/g, '$1:'),
    Fingerprint: colonHex(createHash('sha256').update(Buffer.from(cert.rawData)).digest()),
    FingerprintHashAlgorithm: 'TPM_ALG_SHA256',
    SignatureAlgorithm: 'sha256WithRSAEncryption',
  };
}
