import forge from 'node-forge';

export interface OpenedPfx {
  keys: forge.pki.rsa.PrivateKey[];
  certs: forge.pki.Certificate[];
}

/** Why a PKCS#12 could not be opened: a wrong password, or an archive that is not PKCS#12 at all. */
export class PfxError extends Error {}

/** The archive holds what node-forge cannot read (EC keys or certificates): a harness limit, not a finding. */
export class UnsupportedPfx extends Error {}

const FORGE_UNSUPPORTED = /not RSA|Unknown OID|unsupported/i;

/** Opens a PKCS#12 archive with node-forge (RSA keys only: forge does not read EC keys). */
export function openPfx(der: Buffer, password: string): OpenedPfx {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (err) {
    const message = (err as Error).message;
    throw FORGE_UNSUPPORTED.test(message) ? new UnsupportedPfx(message) : new PfxError(message);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  return {
    keys: keyBags.map((b) => b.key).filter((k): k is forge.pki.rsa.PrivateKey => !!k),
    certs: certBags.map((b) => b.cert).filter((c): c is forge.pki.Certificate => !!c),
  };
}

/** The end-entity certificate: the one that is not a CA. */
export function leafOf(certs: forge.pki.Certificate[]): forge.pki.Certificate | undefined {
  return certs.find((c) => !(c.getExtension('basicConstraints') as { cA?: boolean } | null)?.cA) ?? certs[0];
}

/** The certificate's DER (forge keeps the parsed TBSCertificate, so re-encoding gives the original bytes). */
export function derOf(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

export function keyMatches(key: forge.pki.rsa.PrivateKey, cert: forge.pki.Certificate): boolean {
  const pub = cert.publicKey as forge.pki.rsa.PublicKey;
  return !!pub.n && pub.n.equals(key.n) && pub.e.equals(key.e);
}
