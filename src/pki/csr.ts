import { remember } from '../core/memo.ts';
import { type KeyObject } from 'node:crypto';
import { Violation } from '../core/errors.ts';
import { hasPrivateKey, pemBlocks } from './pem.ts';
import { x509 } from './x509.ts';
import { publicKeyOfSpki } from './keys.ts';

// The CSR rules name a key the way keys.ts does.
export { keyDescription } from './keys.ts';

export const OID_CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface ParsedCsr {
  csr: x509.Pkcs10CertificateRequest;
  der: Buffer;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo: equal keys have equal bytes. */
  spki: Buffer;
}

/**
 * Parses a PEM PKCS#10 request the way the suites need it: exactly one CERTIFICATE REQUEST block, no private
 * key, parseable DER. Every problem is a Violation whose message says what was wrong with the text.
 */
export function parseCsrPem(text: unknown, what = 'CSR'): ParsedCsr {
  if (typeof text !== 'string' || text.trim() === '')
    throw new Violation(
      `${what}: expected a PEM string, got ${typeof text === 'string' ? 'an empty string' : typeof text}`,
    );
  if (hasPrivateKey(text))
    throw new Violation(`${what}: contains a PRIVATE KEY block (the private key must not leave the device)`);
  const blocks = pemBlocks(text);
  const requests = blocks.filter(
    (b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST',
  );
  if (requests.length !== 1) {
    throw new Violation(
      `${what}: expected exactly one PEM "CERTIFICATE REQUEST" block, found ${requests.length}${blocks.length ? ` (blocks: ${blocks.map((b) => b.label).join(', ')})` : ''}`,
    );
  }
  if (blocks.length !== 1)
    throw new Violation(
      `${what}: expected only the CERTIFICATE REQUEST block, found also ${blocks
        .filter((b) => !requests.includes(b))
        .map((b) => b.label)
        .join(', ')}`,
    );
  return parseCsrDer(requests[0]!.der, what);
}

/** A CSR's DER parsed (remembered: rules and mocks parse the same CSR many times). */
export const parseCsrDer = remember<[der: Buffer, what?: string], ParsedCsr>(
  (der, what = 'CSR') => readCsrDer(der, what),
  (der) => der.toString('base64'),
);

function readCsrDer(der: Buffer, what: string): ParsedCsr {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch (err) {
    throw new Violation(
      `${what}: not a valid PKCS#10 structure (${(err as Error).message}); the base64 body may be corrupted or its lines out of order`,
    );
  }
  const spki = Buffer.from(csr.publicKey.rawData);
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyOfSpki(spki);
  } catch (err) {
    throw new Violation(`${what}: its SubjectPublicKeyInfo does not parse (${(err as Error).message})`);
  }
  return { csr, der, publicKey, spki };
}

/** Verifies the CSR's self-signature (proof of possession, RFC 2986 §3). */
export async function csrSignatureValid(parsed: ParsedCsr): Promise<boolean> {
  try {
    return await parsed.csr.verify();
  } catch {
    return false;
  }
}

/** The challengePassword attribute value(s) (RFC 2985 §5.4.1), or [] when absent. */
export function challengePasswords(parsed: ParsedCsr): string[] {
  const attrs = parsed.csr.attributes.filter((a) => a.type === OID_CHALLENGE_PASSWORD);
  return attrs.flatMap((a) => {
    if (a instanceof x509.ChallengePasswordAttribute) return [a.password];
    try {
      return [new x509.ChallengePasswordAttribute(a.rawData).password];
    } catch {
      return ['<unparseable>'];
    }
  });
}

/** Subject as an ordered list of [short name, value] pairs, for comparisons that ignore string formatting. */
export function nameParts(name: string): Array<[string, string]> {
  const parsed = new x509.Name(name).toJSON();
  return parsed.flatMap((rdn) =>
    Object.entries(rdn).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string])),
  );
}
