import { publicOnly } from '../pki/keys.ts';
import { readPkcs12, writePkcs12, type Pkcs12Contents } from '../pki/pkcs12.ts';

/**
 * A recording must not hold a private key, yet rules judge PKCS#12 archives a device answers (it opens with the
 * password, its key matches its certificate). So a recording keeps the archive re-packed: the same certificates
 * in the same order, each key with only its public half (RSA: modulus and exponent; EC: the public point d·G;
 * every private number zero: keys.ts publicOnly), encrypted with the password as the replay will know it. The
 * rules that compare a key with a certificate see the same thing; no one can use the key.
 */

/** A password that may open an archive, and the one its sanitized copy is encrypted with. */
export interface ArchivePassword {
  value: string;
  /** What the replay will try: the same value when the harness generates it again, else the placeholder. */
  replayAs: string;
}

/** Whether the bytes look like a PFX (SEQUENCE { INTEGER 3, ContentInfo, … }) before trying passwords on them. */
export function looksLikePfx(der: Buffer): boolean {
  // SEQUENCE, a long or short length, then INTEGER 1 byte: 3.
  if (der[0] !== 0x30 || der.length < 16) return false;
  const lenBytes = der[1]! & 0x80 ? der[1]! & 0x7f : 0;
  const at = 2 + lenBytes;
  return der[at] === 0x02 && der[at + 1] === 0x01 && der[at + 2] === 0x03;
}

/**
 * The sanitized copy of a PKCS#12 archive, or undefined when none of the passwords opens it, or it holds what
 * cannot be re-packed faithfully (more than one key, a key that is neither RSA nor EC, an algorithm the harness
 * cannot read): then the recording masks it whole.
 */
export function sanitizePfx(der: Buffer, passwords: readonly ArchivePassword[]): Buffer | undefined {
  for (const pw of passwords) {
    let contents: Pkcs12Contents;
    try {
      contents = readPkcs12(der, pw.value);
    } catch {
      continue;
    }
    if (contents.keys.length > 1) return undefined;
    try {
      const keys = contents.keys.map((k) => publicOnly(k.pkcs8));
      return writePkcs12(keys, contents.certs, { password: pw.replayAs, protection: 'aes256-sha256' });
    } catch {
      return undefined;
    }
  }
  return undefined;
}
