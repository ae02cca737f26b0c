import forge from 'node-forge';

/**
 * A recording must not hold a private key, yet rules judge PKCS#12 archives a device answers (it opens with the
 * password, its key matches its certificate). So a recording keeps the archive re-packed: the same certificates
 * in the same order, each key with only its public half (the private numbers are zero), encrypted with the
 * password as the replay will know it. The rules that compare a key with a certificate see the same thing; no
 * one can use the key.
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
 * cannot be re-packed faithfully (more than one key, a key that is not RSA): then the recording masks it whole.
 */
export function sanitizePfx(der: Buffer, passwords: readonly ArchivePassword[]): Buffer | undefined {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  } catch {
    return undefined;
  }
  for (const pw of passwords) {
    let p12: forge.pkcs12.Pkcs12Pfx;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, pw.value);
    } catch {
      continue;
    }
    const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
    const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)];
    const certs = bags(forge.pki.oids.certBag!).flatMap((b) => (b.cert ? [b.cert] : []));
    if (keyBags.length > 1 || keyBags.some((b) => !b.key)) return undefined;
    const key = keyBags[0]?.key as forge.pki.rsa.PrivateKey | undefined;
    const zero = forge.jsbn.BigInteger.ZERO;
    const publicOnly = key
      ? forge.pki.setRsaPrivateKey(key.n, key.e, zero, zero, zero, zero, zero, zero)
      : null;
    const out = forge.pkcs12.toPkcs12Asn1(publicOnly, certs, pw.replayAs, { algorithm: 'aes256' });
    return Buffer.from(forge.asn1.toDer(out).getBytes(), 'binary');
  }
  return undefined;
}
