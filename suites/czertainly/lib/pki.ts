import { generateCsr } from '../../../src/pki/generate.ts';
import { seededBytes, seededP256Jwk } from '../../../src/core/random.ts';
import { SCRATCH_PREFIX } from '../../../src/core/scratch.ts';
import { Violation } from '../../../src/core/errors.ts';
import { nameParts } from '../../../src/pki/csr.ts';
import { KeyPool, RSA_SHA256 } from '../../../src/pki/keys.ts';
import type { x509 } from '../../../src/pki/x509.ts';
import { certificateFromDer, subtle, type CryptoKeyPair } from '../../../src/pki/x509.ts';
import type { Ctx } from '../context.ts';

/** A key pair the suite holds, so it can sign CSRs for issue, renew and rekey. */
export interface SuiteKey {
  keys: CryptoKeyPair;
  spki: Buffer;
  algorithm: typeof RSA_SHA256 | { name: 'ECDSA'; hash: 'SHA-256' };
}

export interface SuiteCsr {
  /** Base64 DER, as the API's `request` field wants it. */
  base64: string;
  subject: string;
  key: SuiteKey;
}

// Offset 30: far from the keys the bundled mock takes from the same pool, so suite keys never equal platform keys.
const rsaPool = new KeyPool(30);

export async function newKey(ctx: Ctx): Promise<SuiteKey> {
  if (ctx.params.csrKeyType === 'rsa-2048') {
    const pooled = await rsaPool.take(2048);
    const spki = Buffer.from(await subtle.exportKey('spki', pooled.keys.publicKey));
    return { keys: pooled.keys, spki, algorithm: RSA_SHA256 };
  }
  // Drawn from the run's seed: a replay of a recording sends the same public key.
  const { privateJwk, publicJwk } = seededP256Jwk();
  const ec = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const keys: CryptoKeyPair = {
    privateKey: await subtle.importKey('jwk', privateJwk, ec, true, ['sign']),
    publicKey: await subtle.importKey('jwk', publicJwk, ec, true, ['verify']),
  };
  const spki = Buffer.from(await subtle.exportKey('spki', keys.publicKey));
  return { keys, spki, algorithm: { name: 'ECDSA', hash: 'SHA-256' } };
}

/** A subject no earlier run used: `CN=certconform-<label>-<random>, <subjectSuffix>`. */
export function uniqueSubject(ctx: Ctx, label: string): string {
  const cn = `${SCRATCH_PREFIX}${label}-${seededBytes(4).toString('hex')}`;
  const suffix = ctx.params.subjectSuffix?.trim();
  return suffix ? `CN=${cn}, ${suffix}` : `CN=${cn}`;
}

export function commonName(subject: string): string | undefined {
  return nameParts(subject).find(([k]) => k === 'CN')?.[1];
}

export async function makeCsr(key: SuiteKey, subject: string): Promise<SuiteCsr> {
  const csr = await generateCsr({
    name: subject,
    keys: key.keys,
    signingAlgorithm: key.algorithm,
  });
  return { base64: Buffer.from(csr.rawData).toString('base64'), subject, key };
}

export async function newCsr(ctx: Ctx, label: string): Promise<SuiteCsr> {
  return makeCsr(await newKey(ctx), uniqueSubject(ctx, label));
}

/** Parses Base64 DER certificate content reported by the API; a bad value is the target's fault. */
export function parseCertificate(base64: unknown, what: string): x509.X509Certificate {
  if (typeof base64 !== 'string' || base64 === '')
    throw new Violation(`${what}: expected Base64 certificate content, got ${JSON.stringify(base64)}`);
  try {
    return certificateFromDer(Buffer.from(base64, 'base64'));
  } catch (err) {
    throw new Violation(`${what}: not a DER X.509 certificate (${(err as Error).message})`);
  }
}

export function spkiOf(cert: x509.X509Certificate): Buffer {
  return Buffer.from(cert.publicKey.rawData);
}

/** Compares distinguished names by their attributes (type and value), whatever their string formatting. */
export function sameName(a: string, b: string): boolean {
  const norm = (n: string) =>
    nameParts(n)
      .map(([k, v]) => `${k.toUpperCase()}=${v}`)
      .sort()
      .join('\n');
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

/** Serial numbers as lower-case hex without leading zeros. */
export function normSerial(serial: unknown): string {
  return String(serial ?? '')
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+/, '');
}
