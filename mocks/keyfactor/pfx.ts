import forge from 'node-forge';

/** A PKCS#12 archive (RFC 7292) with the key, the certificate and its chain, as Command's PFX endpoints answer it. */
export function buildPfx(keyPem: string, certs: readonly Buffer[], password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const forgeCerts = certs.map((der) =>
    forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')))),
  );
  const p12 = forge.pkcs12.toPkcs12Asn1(key, forgeCerts, password, {
    algorithm: '3des',
    friendlyName: 'certconform',
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}
