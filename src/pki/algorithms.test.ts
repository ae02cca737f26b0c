import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../paths.ts';
import { publicKeyOfCert, spkiOfCert, TestCa, type TestCaName } from './ca.ts';
import { csrSignatureValid, nameParts, parseCsrDer, parseCsrPem } from './csr.ts';
import { curveName, keyDescription, KeyPool, rsaModulusBits, sameKeyPair, type PoolCurve } from './keys.ts';
import { toPem } from './pem.ts';
import { subtle, x509, type CryptoKeyPair } from './x509.ts';

/**
 * Every PKI helper the suites judge with, fed the algorithms and encodings real devices use: ECDSA P-256 and
 * P-384, RSA 2048/3072/4096, RSA-PSS and SHA-384/512 signatures, UTF8String and BMPString subjects, multi-valued
 * RDNs. Keys come from the committed pool (RSA generation is slow).
 */

interface KeyCase {
  what: string;
  key: number | PoolCurve;
  /** How the CSR is signed. */
  signing: Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]['signingAlgorithm'];
  description: string;
}

const KEYS: KeyCase[] = [
  {
    what: 'ECDSA P-256, SHA-256',
    key: 'P-256',
    signing: { name: 'ECDSA', hash: 'SHA-256' },
    description: 'ECDSA P-256',
  },
  {
    what: 'ECDSA P-384, SHA-384',
    key: 'P-384',
    signing: { name: 'ECDSA', hash: 'SHA-384' },
    description: 'ECDSA P-384',
  },
  {
    what: 'ECDSA P-256, SHA-512',
    key: 'P-256',
    signing: { name: 'ECDSA', hash: 'SHA-512' },
    description: 'ECDSA P-256',
  },
  {
    what: 'RSA 2048, SHA-384',
    key: 2048,
    signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
    description: 'RSA 2048',
  },
  {
    what: 'RSA 3072, SHA-256',
    key: 3072,
    signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    description: 'RSA 3072',
  },
  {
    what: 'RSA 4096, SHA-512',
    key: 4096,
    signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
    description: 'RSA 4096',
  },
  {
    what: 'RSA 3072, RSA-PSS SHA-256',
    key: 3072,
    signing: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 },
    description: 'RSA 3072',
  },
  {
    what: 'RSA 2048, RSA-PSS SHA-512',
    key: 2048,
    signing: { name: 'RSA-PSS', hash: 'SHA-512', saltLength: 64 },
    description: 'RSA 2048',
  },
];

/** A pool key as a WebCrypto pair of the algorithm the case signs with (RSA-PSS keys are the same RSA numbers). */
async function keysFor(c: KeyCase): Promise<CryptoKeyPair> {
  const pooled = await new KeyPool(3).take(c.key);
  const signing = c.signing as { name: string; hash?: string };
  if (typeof c.key !== 'number') {
    const algorithm = { name: 'ECDSA', namedCurve: c.key };
    const priv = await subtle.exportKey('pkcs8', pooled.keys.privateKey);
    const pub = await subtle.exportKey('spki', pooled.keys.publicKey);
    return {
      privateKey: await subtle.importKey('pkcs8', priv, algorithm, true, ['sign']),
      publicKey: await subtle.importKey('spki', pub, algorithm, true, ['verify']),
    };
  }
  const algorithm = { name: signing.name, hash: signing.hash! };
  return {
    privateKey: await subtle.importKey(
      'pkcs8',
      await subtle.exportKey('pkcs8', pooled.keys.privateKey),
      algorithm,
      true,
      ['sign'],
    ),
    publicKey: await subtle.importKey(
      'spki',
      await subtle.exportKey('spki', pooled.keys.publicKey),
      algorithm,
      true,
      ['verify'],
    ),
  };
}

/** A Name in DER with the string types and RDN structure given (x509.Name picks its own types from a string). */
function nameDer(rdns: Array<Array<[string, asn1js.BaseBlock]>>): ArrayBuffer {
  return new asn1js.Sequence({
    value: rdns.map(
      (rdn) =>
        new asn1js.Set({
          value: rdn.map(
            ([oid, value]) =>
              new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), value] }),
          ),
        }),
    ),
  }).toBER();
}

const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const C = '2.5.4.6';

const SUBJECTS: Array<{ what: string; der: ArrayBuffer; parts: Array<[string, string]> }> = [
  {
    what: 'PrintableString',
    der: nameDer([
      [[C, new asn1js.PrintableString({ value: 'DE' })]],
      [[CN, new asn1js.PrintableString({ value: 'bmc01' })]],
    ]),
    parts: [
      ['C', 'DE'],
      ['CN', 'bmc01'],
    ],
  },
  {
    what: 'UTF8String with non-ASCII letters and special characters',
    der: nameDer([
      [[O, new asn1js.Utf8String({ value: 'Zürich Rechenzentrum, Süd' })]],
      [[CN, new asn1js.Utf8String({ value: 'bmc+01 "east"' })]],
    ]),
    parts: [
      ['O', 'Zürich Rechenzentrum, Süd'],
      ['CN', 'bmc+01 "east"'],
    ],
  },
  {
    what: 'BMPString (Windows CAs)',
    der: nameDer([
      [[O, new asn1js.BmpString({ value: 'Société Générale' })]],
      [[CN, new asn1js.BmpString({ value: '日本-bmc' })]],
    ]),
    parts: [
      ['O', 'Société Générale'],
      ['CN', '日本-bmc'],
    ],
  },
  {
    what: 'a multi-valued RDN',
    der: nameDer([
      [[O, new asn1js.Utf8String({ value: 'certconform' })]],
      [
        [OU, new asn1js.Utf8String({ value: 'Ops' })],
        [CN, new asn1js.Utf8String({ value: 'bmc01' })],
      ],
    ]),
    parts: [
      ['O', 'certconform'],
      ['OU', 'Ops'],
      ['CN', 'bmc01'],
    ],
  },
];

const CAS: TestCaName[] = ['test-ca', 'test-ca-ec'];

describe.each(KEYS)('PKI helpers with $what', (c) => {
  it('parse and verify a CSR, describe its key, and tell a broken signature', async () => {
    const keys = await keysFor(c);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=bmc01.certconform.test, O=certconform',
      keys,
      signingAlgorithm: c.signing,
    });
    const parsed = parseCsrPem(toPem('CERTIFICATE REQUEST', csr.rawData));
    expect(await csrSignatureValid(parsed)).toBe(true);
    expect(keyDescription(parsed.publicKey)).toBe(c.description);
    if (typeof c.key === 'number') {
      expect(rsaModulusBits(parsed.publicKey)).toBe(c.key);
      expect(curveName(parsed.publicKey)).toBeUndefined();
    } else expect(curveName(parsed.publicKey)).toBe(c.key);
    // The last byte of the signature flipped: proof of possession fails, parsing does not.
    const der = Buffer.from(csr.rawData);
    der[der.length - 1]! ^= 0x01;
    expect(await csrSignatureValid(parseCsrDer(der))).toBe(false);
  });

  it.each(CAS)(
    "signs the CSR's key into a certificate that chains to %s and holds the same key",
    async (name) => {
      const keys = await keysFor(c);
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: 'CN=bmc01.certconform.test',
        keys,
        signingAlgorithm: c.signing,
      });
      const parsed = parseCsrPem(toPem('CERTIFICATE REQUEST', csr.rawData));
      const ca = await TestCa.load(name);
      const cert = await ca.signCsr(parsed.csr);
      expect(await ca.issued(cert)).toBe(true);
      expect(await (await TestCa.load(name === 'test-ca' ? 'test-ca-ec' : 'test-ca')).issued(cert)).toBe(
        false,
      );
      expect(spkiOfCert(cert).equals(parsed.spki)).toBe(true);
      expect(sameKeyPair(parsed.publicKey, publicKeyOfCert(cert))).toBe(true);
      expect(keyDescription(publicKeyOfCert(cert))).toBe(c.description);
      const other = await TestCa.load(name);
      const foreign = await other.issue({
        subject: 'CN=other',
        publicKey: (await new KeyPool(4).take(c.key)).keys.publicKey,
      });
      expect(sameKeyPair(parsed.publicKey, publicKeyOfCert(foreign))).toBe(false);
    },
  );
});

describe.each(SUBJECTS)('subjects: $what', (s) => {
  it('read the same from a CSR and from the certificate a CA (RSA and EC) makes of it', async () => {
    const keys = await keysFor(KEYS[0]!);
    const name = new x509.Name(s.der);
    expect(nameParts(name.toString())).toEqual(s.parts);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name,
      keys,
      signingAlgorithm: KEYS[0]!.signing,
    });
    const parsed = parseCsrPem(toPem('CERTIFICATE REQUEST', csr.rawData));
    expect(await csrSignatureValid(parsed)).toBe(true);
    expect(nameParts(parsed.csr.subject)).toEqual(s.parts);
    for (const ca of CAS) {
      const cert = await (await TestCa.load(ca)).signCsr(parsed.csr);
      expect(nameParts(cert.subject)).toEqual(s.parts);
    }
  });
});

describe('subjects in another string type', () => {
  it('compare equal by their text: a UTF8String and a BMPString of the same value', () => {
    const utf8 = new x509.Name(nameDer([[[CN, new asn1js.Utf8String({ value: 'Zürich' })]]]));
    const bmp = new x509.Name(nameDer([[[CN, new asn1js.BmpString({ value: 'Zürich' })]]]));
    expect(nameParts(utf8.toString())).toEqual(nameParts(bmp.toString()));
  });
});

describe('CSRs OpenSSL made (fixtures/pki/openssl/make.sh)', () => {
  const csr = (name: string) => readFileSync(repoPath('fixtures/pki/openssl', name), 'utf8');
  it.each([
    ['rsa-pss-key.csr', 'RSA-PSS 2048', [['CN', 'pss-key.certconform.test']]],
    ['rsa-2048-pss-sha512.csr', 'RSA 2048', [['CN', 'pss-signature.certconform.test']]],
    [
      'ec-p384-sha384.csr',
      'ECDSA P-384',
      [
        ['O', 'Zürich Süd'],
        ['OU', 'Ops'],
        ['CN', 'ec-p384.certconform.test'],
      ],
    ],
  ])('%s: a valid signature, a %s key, its subject', async (name, description, parts) => {
    const parsed = parseCsrPem(csr(name));
    expect(await csrSignatureValid(parsed)).toBe(true);
    expect(keyDescription(parsed.publicKey)).toBe(description);
    expect(nameParts(parsed.csr.subject)).toEqual(parts);
    const cert = await (await TestCa.load('test-ca-ec')).signCsr(parsed.csr);
    expect(sameKeyPair(parsed.publicKey, publicKeyOfCert(cert))).toBe(true);
  });
});
