import { createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../paths.ts';
import { publicKeyOfCert } from './ca.ts';
import { keyDescription, publicOnly, sameKeyPair } from './keys.ts';
import { pemBlocks } from './pem.ts';
import { Pkcs12Error, Pkcs12Unsupported, PROTECTIONS, readPkcs12, writePkcs12 } from './pkcs12.ts';
import { x509 } from './x509.ts';

const fixture = (name: string) => readFileSync(repoPath('fixtures/pki/openssl', name));
const pem = (path: string) => readFileSync(repoPath('fixtures/pki', path), 'utf8');
const certDer = (name: string) => pemBlocks(fixture(name).toString('utf8'))[0]!.der;
const pkcs8 = (path: string) => createPrivateKey(pem(path)).export({ format: 'der', type: 'pkcs8' });
const PASSWORD = 'certconform-test';

/**
 * Archives OpenSSL wrote (fixtures/pki/openssl/make.sh): the protections devices and Windows/OpenSSL exports use,
 * with the keys real devices hold. Each must open, hold its certificate first and the key that matches it.
 */
const OPENSSL: Array<{
  file: string;
  password?: string;
  leaf: string;
  key: string;
  description: string;
  certs: number;
  integrity: 'mac' | 'none';
}> = [
  {
    file: 'openssl3-aes256-ec-p256.p12',
    leaf: 'ec-p256.crt',
    key: 'keys/ec-p256-00.pem',
    description: 'ECDSA P-256',
    certs: 2,
    integrity: 'mac',
  },
  {
    file: 'openssl-legacy-rc2-rsa-3072.p12',
    leaf: 'rsa-3072.crt',
    key: 'keys/rsa-3072-00.pem',
    description: 'RSA 3072',
    certs: 2,
    integrity: 'mac',
  },
  {
    file: 'openssl-3des-ec-p384.p12',
    leaf: 'ec-p384.crt',
    key: 'keys/ec-p384-00.pem',
    description: 'ECDSA P-384',
    certs: 1,
    integrity: 'mac',
  },
  {
    file: 'openssl-nomac-rsa-4096.p12',
    leaf: 'rsa-4096.crt',
    key: 'keys/rsa-4096-00.pem',
    description: 'RSA 4096',
    certs: 1,
    integrity: 'none',
  },
  {
    file: 'openssl-mixed-ec-p256.p12',
    leaf: 'ec-p256.crt',
    key: 'keys/ec-p256-00.pem',
    description: 'ECDSA P-256',
    certs: 1,
    integrity: 'mac',
  },
  {
    file: 'openssl-unencrypted-ec-p256.p12',
    leaf: 'ec-p256.crt',
    key: 'keys/ec-p256-00.pem',
    description: 'ECDSA P-256',
    certs: 1,
    integrity: 'mac',
  },
  {
    file: 'openssl-empty-password-ec-p256.p12',
    password: '',
    leaf: 'ec-p256.crt',
    key: 'keys/ec-p256-00.pem',
    description: 'ECDSA P-256',
    certs: 1,
    integrity: 'mac',
  },
];

describe('readPkcs12 (archives OpenSSL wrote)', () => {
  it.each(OPENSSL)('opens $file: $description, $certs certificate(s)', (c) => {
    const opened = readPkcs12(fixture(c.file), c.password ?? PASSWORD);
    expect(opened.integrity).toBe(c.integrity);
    expect(opened.certs).toHaveLength(c.certs);
    expect(opened.certs[0]!.equals(certDer(c.leaf))).toBe(true);
    expect(opened.keys).toHaveLength(1);
    const key = opened.keys[0]!.key;
    expect(keyDescription(key)).toBe(c.description);
    expect(sameKeyPair(key, createPublicKey(pem(c.key)))).toBe(true);
    expect(sameKeyPair(key, publicKeyOfCert(new x509.X509Certificate(opened.certs[0]!)))).toBe(true);
  });

  it.each(OPENSSL)('refuses $file with a wrong password, saying so', (c) => {
    expect(() => readPkcs12(fixture(c.file), 'not-the-password')).toThrow(Pkcs12Error);
    expect(() => readPkcs12(fixture(c.file), 'not-the-password')).toThrow(/password does not open it/);
  });

  it('says what it cannot read, apart from a wrong password', () => {
    // The no-MAC archive with its AES-256-CBC OID (…1.42) turned into AES-256-GCM (…1.46).
    const der = fixture('openssl-nomac-rsa-4096.p12');
    const aes = Buffer.from('6086480165030401', 'hex');
    const patched = Buffer.from(der);
    for (let at = patched.indexOf(aes); at >= 0; at = patched.indexOf(aes, at + 1))
      if (patched[at + 8] === 0x2a) patched[at + 8] = 0x2e;
    expect(() => readPkcs12(patched, PASSWORD)).toThrow(Pkcs12Unsupported);
    expect(() => readPkcs12(patched, PASSWORD)).toThrow(
      /harness cannot read this PKCS#12 archive: PBES2 with the cipher OID 2\.16\.840\.1\.101\.3\.4\.1\.46/,
    );
  });

  it('checks an RFC 9579 PBMAC1 MAC (PBKDF2 with HMAC-SHA-256)', () => {
    const pfx = pkijs.PFX.fromBER(
      writePkcs12([pkcs8('keys/ec-p256-00.pem')], [certDer('ec-p256.crt')], { password: PASSWORD }),
    );
    const content = new Uint8Array((pfx.authSafe.content as asn1js.OctetString).getValue());
    const salt = randomBytes(16);
    const hmacSha256 = () =>
      new pkijs.AlgorithmIdentifier({
        algorithmId: '1.2.840.113549.2.9',
        algorithmParams: new asn1js.Null(),
      });
    const params = new asn1js.Sequence({
      value: [
        new pkijs.AlgorithmIdentifier({
          algorithmId: '1.2.840.113549.1.5.12',
          algorithmParams: new pkijs.PBKDF2Params({
            salt: new asn1js.OctetString({ valueHex: salt }),
            iterationCount: 1000,
            keyLength: 32,
            prf: hmacSha256(),
          }).toSchema(),
        }).toSchema(),
        hmacSha256().toSchema(),
      ],
    });
    const mac = (password: string) =>
      createHmac('sha256', pbkdf2Sync(password, salt, 1000, 32, 'sha256'))
        .update(content)
        .digest();
    const withMac = (digest: Buffer) => {
      pfx.macData = new pkijs.MacData({
        mac: new pkijs.DigestInfo({
          digestAlgorithm: new pkijs.AlgorithmIdentifier({
            algorithmId: '1.2.840.113549.1.5.14',
            algorithmParams: params,
          }),
          digest: new asn1js.OctetString({ valueHex: digest }),
        }),
        macSalt: new asn1js.OctetString({ valueHex: randomBytes(8) }),
        iterations: 1,
      });
      return Buffer.from(pfx.toSchema().toBER());
    };
    expect(readPkcs12(withMac(mac(PASSWORD)), PASSWORD).integrity).toBe('mac');
    expect(() => readPkcs12(withMac(mac('other')), PASSWORD)).toThrow(/MAC does not verify/);
  });

  it('refuses what is not PKCS#12', () => {
    expect(() => readPkcs12(Buffer.from('not an archive at all'), PASSWORD)).toThrow(Pkcs12Error);
    expect(() => readPkcs12(certDer('ec-p256.crt'), PASSWORD)).toThrow(/not PKCS#12/);
  });
});

describe('writePkcs12', () => {
  const ecCert = certDer('ec-p256.crt');
  const rsaCert = certDer('rsa-3072.crt');
  const cases = [
    { key: 'keys/ec-p256-00.pem', cert: ecCert },
    { key: 'keys/rsa-3072-00.pem', cert: rsaCert },
  ];
  for (const protection of Object.keys(PROTECTIONS) as Array<keyof typeof PROTECTIONS>) {
    it.each(cases)(`writes ${protection} archives that open again: $key`, ({ key, cert }) => {
      const chain = [cert, certDer('ec-p384.crt')];
      const der = writePkcs12([pkcs8(key)], chain, { password: 'pässwörd', protection, friendlyName: 'x' });
      const opened = readPkcs12(der, 'pässwörd');
      expect(opened.certs.map((c) => c.toString('hex'))).toEqual(chain.map((c) => c.toString('hex')));
      expect(opened.keys[0]!.pkcs8.equals(pkcs8(key))).toBe(true);
      expect(() => readPkcs12(der, 'passwörd')).toThrow(/password does not open it/);
    });
  }
});

describe('the public half of a key', () => {
  it('of an EC key is d·G, not a public point the key carries beside it', () => {
    // A P-256 key whose ECPrivateKey carries the public point of another key.
    const own = pkcs8('keys/ec-p256-00.pem');
    const other = createPublicKey(pem('keys/ec-p256-01.pem')).export({ format: 'der', type: 'spki' });
    const ownPoint = createPublicKey(pem('keys/ec-p256-00.pem'))
      .export({ format: 'der', type: 'spki' })
      .subarray(-65);
    const forged = Buffer.from(own);
    forged.set(other.subarray(-65), own.indexOf(ownPoint));
    const key = createPrivateKey({ key: forged, format: 'der', type: 'pkcs8' });
    expect(sameKeyPair(key, createPublicKey(pem('keys/ec-p256-00.pem')))).toBe(true);
    expect(sameKeyPair(key, createPublicKey({ key: other, format: 'der', type: 'spki' }))).toBe(false);
  });

  it.each(['keys/ec-p256-00.pem', 'keys/ec-p384-00.pem', 'keys/rsa-3072-00.pem', 'keys/rsa-2048-00.pem'])(
    'survives in the public-only stand-in of %s (private numbers zero)',
    (path) => {
      const stand = createPrivateKey({ key: publicOnly(pkcs8(path)), format: 'der', type: 'pkcs8' });
      expect(sameKeyPair(stand, createPublicKey(pem(path)))).toBe(true);
      expect(sameKeyPair(stand, createPublicKey(pem('keys/ec-p256-01.pem')))).toBe(false);
      const jwk = stand.export({ format: 'jwk' });
      expect(Buffer.from(jwk.d!, 'base64url').every((b) => b === 0)).toBe(true);
      if (jwk.kty === 'RSA')
        for (const n of [jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi])
          expect(Buffer.from(n!, 'base64url').every((b) => b === 0)).toBe(true);
    },
  );

  it('of an RSA key restricted to RSASSA-PSS is that of the rsaEncryption key with its numbers', () => {
    // The same RSAPrivateKey under id-RSASSA-PSS (1.2.840.113549.1.1.10) instead of rsaEncryption (…1.1.1).
    const der = pkcs8('keys/rsa-2048-00.pem');
    const rsaEncryption = Buffer.from('2a864886f70d0101010500', 'hex');
    const at = der.indexOf(rsaEncryption);
    const pss = Buffer.concat([
      Buffer.from([0x30, 0x82]),
      Buffer.alloc(2),
      der.subarray(4, at - 4),
      Buffer.from('300b06092a864886f70d01010a', 'hex'),
      der.subarray(at + rsaEncryption.length),
    ]);
    pss.writeUInt16BE(pss.length - 4, 2);
    const key = createPrivateKey({ key: pss, format: 'der', type: 'pkcs8' });
    expect(key.asymmetricKeyType).toBe('rsa-pss');
    expect(keyDescription(key)).toBe('RSA-PSS 2048');
    expect(sameKeyPair(key, createPublicKey(pem('keys/rsa-2048-00.pem')))).toBe(true);
    expect(sameKeyPair(key, createPublicKey(pem('keys/rsa-2048-01.pem')))).toBe(false);
  });
});
