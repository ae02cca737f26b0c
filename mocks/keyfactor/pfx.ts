import { createPrivateKey } from 'node:crypto';
import { writePkcs12, type Pkcs12ProtectionName } from '../../src/pki/pkcs12.ts';

/**
 * A PKCS#12 archive (RFC 7292) with the key, the certificate and its chain, as Command's PFX endpoints answer it,
 * protected the way the variant's Command does (see src/pki/pkcs12.ts PROTECTIONS).
 */
export function buildPfx(
  keyPem: string,
  certs: readonly Buffer[],
  password: string,
  protection: Pkcs12ProtectionName,
): Buffer {
  const pkcs8 = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  return writePkcs12([pkcs8], certs, { password, protection, friendlyName: 'certconform' });
}
