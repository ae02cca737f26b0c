import { describe, expect, it } from 'vitest';
import { generateCertificate, generateCsr, type CertificateParams } from './generate.ts';
import { KeyPool, RSA_SHA256 } from './keys.ts';
import { TestCa } from './ca.ts';
import { x509 } from './x509.ts';

/** The fast generators against @peculiar/x509's own: the same bytes where signatures are deterministic (RSA). */
describe('certificates and CSRs made as @peculiar/x509 makes them', () => {
  const extensions = () => [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]),
  ];

  it.each([
    [
      'a UTCTime validity and a serial with its top bit set',
      '8a01020304',
      new Date('2026-03-04T05:06:07.890Z'),
    ],
    ['a GeneralizedTime end (after 2049) and leading zeros', '00000102', new Date('2049-12-31T23:59:00Z')],
  ])('an RSA-signed certificate with %s is byte for byte theirs', async (_, serialNumber, notBefore) => {
    const ca = await TestCa.load('test-ca');
    const subjectKey = await new KeyPool(5).take(2048);
    const params: CertificateParams = {
      serialNumber,
      subject: 'CN=certconform generate, O=certconform, C=CZ',
      issuer: ca.cert.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 365 * 86_400_000),
      signingAlgorithm: RSA_SHA256,
      publicKey: subjectKey.keys.publicKey,
      signingKey: (await new KeyPool(6).take(2048)).keys.privateKey,
      extensions: extensions(),
    };
    const ours = await generateCertificate(params);
    const theirs = await x509.X509CertificateGenerator.create(params);
    expect(Buffer.from(ours.rawData).toString('hex')).toBe(Buffer.from(theirs.rawData).toString('hex'));
  });

  it('an ECDSA-signed certificate has their fields and verifies', async () => {
    const ca = await TestCa.load('test-ca-ec');
    const params: CertificateParams = {
      serialNumber: '01ff',
      subject: 'CN=certconform generate',
      issuer: ca.cert.subject,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
      publicKey: (await new KeyPool(1).take('P-256')).keys.publicKey,
      signingKey: (await new KeyPool(2).take('P-384')).keys.privateKey,
      extensions: extensions(),
    };
    const ours = await generateCertificate(params);
    const theirs = await x509.X509CertificateGenerator.create(params);
    for (const field of ['subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter'] as const)
      expect(ours[field]).toEqual(theirs[field]);
    expect(ours.signatureAlgorithm).toEqual(theirs.signatureAlgorithm);
    expect(ours.extensions.map((e) => e.rawData)).toEqual(theirs.extensions.map((e) => e.rawData));
    const signer = await new KeyPool(2).take('P-384');
    expect(await ours.verify({ publicKey: signer.keys.publicKey, signatureOnly: true })).toBe(true);
  });

  it('an RSA CSR with a challenge password and requested extensions is byte for byte theirs', async () => {
    const key = await new KeyPool(7).take(2048);
    const params = {
      name: 'CN=certconform csr, OU=lab',
      keys: key.keys,
      signingAlgorithm: RSA_SHA256,
      attributes: [new x509.ChallengePasswordAttribute('not-a-secret')],
      extensions: extensions(),
    };
    const ours = await generateCsr(params);
    const theirs = await x509.Pkcs10CertificateRequestGenerator.create(params);
    expect(Buffer.from(ours.rawData).toString('hex')).toBe(Buffer.from(theirs.rawData).toString('hex'));
  });

  it('an ECDSA CSR without attributes has their request info and verifies', async () => {
    const key = await new KeyPool(3).take('P-384');
    const params = {
      name: 'CN=certconform ec csr',
      keys: key.keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    };
    const ours = await generateCsr(params);
    const theirs = await x509.Pkcs10CertificateRequestGenerator.create(params);
    expect(ours.subject).toBe(theirs.subject);
    expect(ours.signatureAlgorithm).toEqual(theirs.signatureAlgorithm);
    expect(ours.publicKey.rawData).toEqual(theirs.publicKey.rawData);
    expect(await ours.verify()).toBe(true);
  });

  it('refuses an algorithm it cannot name', async () => {
    const key = await new KeyPool(3).take('P-256');
    await expect(
      generateCsr({ name: 'CN=x', keys: key.keys, signingAlgorithm: { name: 'ECDSA', hash: 'MD5' } }),
    ).rejects.toThrow(/cannot sign with/);
  });
});
