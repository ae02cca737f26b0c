import { ECDH, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyPool, importPkcs8, publicKeyOfSpki, spkiOfPrivatePem } from './keys.ts';

const spkiOf = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });
const decoded = (spki: Buffer) => createPublicKey({ key: spki, format: 'der', type: 'spki' });

describe('publicKeyOfSpki', () => {
  const keys = {
    'RSA-1024': generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
    'RSA-1024 with exponent 3': generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 })
      .publicKey,
    'RSASSA-PSS': generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).publicKey,
    'EC P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
    'EC P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
    'EC P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
    'EC secp256k1': generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
    Ed25519: generateKeyPairSync('ed25519').publicKey,
  };

  it.each(Object.entries(keys))('%s: the key OpenSSL decodes from the same bytes', (_, key) => {
    const spki = spkiOf(key);
    const got = publicKeyOfSpki(spki);
    expect(got.asymmetricKeyType).toBe(decoded(spki).asymmetricKeyType);
    expect(got.asymmetricKeyDetails).toEqual(decoded(spki).asymmetricKeyDetails);
    expect(spkiOf(got).equals(spki)).toBe(true);
  });

  it('a compressed EC point is decoded by OpenSSL: the same key', () => {
    const spki = spkiOf(keys['EC P-256']);
    const point = ECDH.convertKey(
      spki.subarray(-65),
      'prime256v1',
      undefined,
      undefined,
      'compressed',
    ) as Buffer;
    // SEQUENCE { the same AlgorithmIdentifier, BIT STRING (no unused bits) with the 33-byte point }.
    const algorithm = spki.subarray(2, 4 + spki[3]!);
    const body = Buffer.concat([algorithm, Buffer.from([0x03, point.length + 1, 0]), point]);
    const compressed = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    expect(publicKeyOfSpki(compressed).export({ format: 'jwk' })).toEqual(
      keys['EC P-256'].export({ format: 'jwk' }),
    );
  });

  it('what OpenSSL makes of odd bytes, it makes: garbage and a point off the curve refused, trailing bytes ignored', () => {
    const spki = spkiOf(keys['EC P-256']);
    const offCurve = Buffer.from(spki);
    offCurve[offCurve.length - 1]! ^= 1;
    for (const odd of [Buffer.from('not a key'), offCurve, Buffer.concat([spki, Buffer.from([0])])]) {
      let expected: Buffer | string;
      try {
        expected = spkiOf(decoded(odd));
      } catch (err) {
        expected = (err as Error).message;
      }
      if (typeof expected === 'string') expect(() => publicKeyOfSpki(odd)).toThrow(expected);
      else expect(spkiOf(publicKeyOfSpki(odd)).equals(expected)).toBe(true);
    }
  });
});

describe('pool keys', () => {
  it('reach WebCrypto and SPKI as their PEM says', async () => {
    const pooled = await new KeyPool().take(2048);
    const { keys, signingAlgorithm } = await importPkcs8(pooled.privatePem);
    expect(signingAlgorithm.name).toBe('RSASSA-PKCS1-v1_5');
    const fromPem = spkiOf(createPublicKey(pooled.privatePem));
    expect(spkiOfPrivatePem(pooled.privatePem).equals(fromPem)).toBe(true);
    const exported = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey));
    expect(exported.equals(fromPem)).toBe(true);
    const ec = await new KeyPool().take('P-384');
    expect((await importPkcs8(ec.privatePem)).signingAlgorithm).toMatchObject({ hash: 'SHA-384' });
  });
});
