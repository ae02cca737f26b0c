import type { KeyObject } from 'node:crypto';
import { PreconditionFailed, Violation } from '../../../src/core/errors.ts';
import { publicKeyOfCert } from '../../../src/pki/ca.ts';
import { keyDescription, sameKeyPair } from '../../../src/pki/keys.ts';
import { Pkcs12Error, Pkcs12Unsupported, readPkcs12 } from '../../../src/pki/pkcs12.ts';
import { certificateFromDer, x509 } from '../../../src/pki/x509.ts';

export interface OpenedPfx {
  /** The private keys (RSA, RSA-PSS or EC). */
  keys: KeyObject[];
  /** DER certificates, in the archive's order. */
  certs: Buffer[];
}

/** Why a PKCS#12 could not be opened: a wrong password, or an archive that is not PKCS#12 at all. */
export { Pkcs12Error as PfxError } from '../../../src/pki/pkcs12.ts';

/**
 * Opens a PKCS#12 archive (src/pki/pkcs12.ts: RSA and EC keys; PBES2 AES/3DES, PKCS#12 PBE 3DES/RC2).
 * Throws PfxError when the password does not open it or it is not PKCS#12 (the rule judges that), and
 * PreconditionFailed "the harness cannot read …" when it uses what the harness does not implement (an error,
 * never a finding).
 */
export function openPfx(der: Buffer, password: string): OpenedPfx {
  try {
    const { keys, certs } = readPkcs12(der, password);
    return { keys: keys.map((k) => k.key), certs };
  } catch (err) {
    if (err instanceof Pkcs12Unsupported) throw new PreconditionFailed(`Pkcs12Blob: ${err.message}`);
    if (err instanceof Pkcs12Error) throw err;
    throw new Pkcs12Error((err as Error).message);
  }
}

/** The archive's certificates, parsed; one that is not X.509 DER is the device's fault. */
export function certificatesOf(opened: OpenedPfx): x509.X509Certificate[] {
  return opened.certs.map((der, i) => {
    try {
      return certificateFromDer(der);
    } catch (err) {
      throw new Violation(
        `Pkcs12Blob: its certificate #${i + 1} is not an X.509 certificate (${(err as Error).message})`,
      );
    }
  });
}

/** The end-entity certificate: the first that is not a CA (basicConstraints cA), else the first. */
export function leafOf(certs: x509.X509Certificate[]): x509.X509Certificate | undefined {
  return certs.find((c) => !c.getExtension(x509.BasicConstraintsExtension)?.ca) ?? certs[0];
}

/** The certificate's DER, as the archive holds it. */
export function derOf(cert: x509.X509Certificate): Buffer {
  return Buffer.from(cert.rawData);
}

/**
 * Whether the private key belongs to the certificate's public key (RSA modulus and exponent; EC d·G). A
 * recording's public-only stand-in (src/record/pkcs12.ts) gives the same answer as the key it replaced.
 */
export function keyMatches(key: KeyObject, cert: x509.X509Certificate): boolean {
  try {
    return sameKeyPair(key, publicKeyOfCert(cert));
  } catch {
    return false;
  }
}

/** "ECDSA P-256", "RSA 2048": of a private key or a certificate's public key, for messages. */
export function keyDescriptionOf(keyOrCert: KeyObject | x509.X509Certificate): string {
  try {
    return keyDescription(keyOrCert instanceof x509.X509Certificate ? publicKeyOfCert(keyOrCert) : keyOrCert);
  } catch {
    return 'a key the harness cannot read';
  }
}
