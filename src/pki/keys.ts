import { remember } from '../core/memo.ts';
import { createECDH, createPublicKey, createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { subtle, type CryptoKeyPair } from './x509.ts';
import { drawSequence } from '../core/random.ts';
import { repoPath } from '../paths.ts';
import { cachedJson } from '../core/schema-cache.ts';

/** RSASSA-PKCS1-v1_5 with SHA-256: deterministic signatures, accepted everywhere. */
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** ECDSA with the hash of the curve's size: what a CA with an EC key signs with. */
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const ECDSA_SHA384 = { name: 'ECDSA', hash: 'SHA-384' } as const;
export type SigningAlgorithm = typeof RSA_SHA256 | typeof ECDSA_SHA256 | typeof ECDSA_SHA384;

/** The curves the pool holds keys of, by their JWK/WebCrypto names. */
export type PoolCurve = 'P-256' | 'P-384';

export interface PooledKey {
  /** RSA modulus bits, or the curve's size (256, 384). */
  bits: number;
  /** Set for an EC key. */
  curve?: PoolCurve;
  /** PKCS#8 PEM (TEST ONLY key material). */
  privatePem: string;
  keys: CryptoKeyPair;
}

const POOL_DIR = repoPath('fixtures/pki/keys');
const cache = new Map<string, Promise<PooledKey>>();

/** The pool's file prefix of a key size or curve: rsa-2048-NN.pem, ec-p256-NN.pem. */
const prefix = (spec: number | PoolCurve) =>
  typeof spec === 'number' ? `rsa-${spec}-` : `ec-${spec.replace('-', '').toLowerCase()}-`;

function poolFiles(spec: number | PoolCurve): string[] {
  return readdirSync(POOL_DIR)
    .filter((f) => f.startsWith(prefix(spec)) && f.endsWith('.pem'))
    .sort();
}

/** An RSA PKCS#8 PEM as a WebCrypto key pair (remembered per PEM: the pool's keys are imported again and again). */
export const importRsaPkcs8 = remember(
  (pem: string) => webCryptoPair(privateKeyOfPem(pem), RSA_SHA256),
  (pem) => pem,
);

/**
 * A private key as a WebCrypto key pair, imported as JWK: OpenSSL 3 decodes PKCS#8 and SPKI twenty times slower
 * than it takes a key's numbers (0.8 ms against 0.04 ms for an RSA-2048 key here).
 */
async function webCryptoPair(
  priv: KeyObject,
  algorithm: typeof RSA_SHA256 | { name: 'ECDSA'; namedCurve: string },
): Promise<CryptoKeyPair> {
  const jwk = priv.export({ format: 'jwk' });
  const publicJwk = createPublicKey(priv).export({ format: 'jwk' });
  return {
    privateKey: await subtle.importKey('jwk', jwk, algorithm, true, ['sign']),
    publicKey: await subtle.importKey('jwk', publicJwk, algorithm, true, ['verify']),
  };
}

/** A PKCS#8 RSA or EC (P-256, P-384, P-521) key as a WebCrypto key pair for signing, and how it signs. */
export const importPkcs8 = remember(
  (pem: string) => signingPair(privateKeyOfPem(pem)),
  (pem) => pem,
);

async function signingPair(priv: KeyObject): Promise<{
  keys: CryptoKeyPair;
  signingAlgorithm: typeof RSA_SHA256 | typeof ECDSA_SHA256 | typeof ECDSA_SHA384;
}> {
  if (priv.asymmetricKeyType === 'rsa')
    return { keys: await webCryptoPair(priv, RSA_SHA256), signingAlgorithm: RSA_SHA256 };
  const crv = JWK_CURVES[priv.asymmetricKeyDetails?.namedCurve ?? ''];
  if (priv.asymmetricKeyType !== 'ec' || !crv)
    throw new Error(`cannot sign with a ${keyDescription(priv)} key`);
  const keys = await webCryptoPair(priv, { name: 'ECDSA', namedCurve: crv });
  return { keys, signingAlgorithm: crv === 'P-256' ? ECDSA_SHA256 : ECDSA_SHA384 };
}

/**
 * The pool's keys as JWK, by PEM, kept between processes (src/core/schema-cache.ts): a process then never decodes
 * a pool key's PKCS#8. Keyed by every pool file, so `npm run fixtures` makes a new entry.
 */
const poolJwks = (() => {
  let jwks: Map<string, JsonWebKey> | undefined;
  return (): Map<string, JsonWebKey> => {
    if (jwks) return jwks;
    const files = readdirSync(POOL_DIR)
      .filter((f) => f.endsWith('.pem'))
      .sort();
    const pems = files.map((f) => readFileSync(join(POOL_DIR, f), 'utf8'));
    const byFile = cachedJson(
      'key-pool',
      [Buffer.from(files.join('\0')), ...pems.map((p) => Buffer.from(p))],
      () =>
        Object.fromEntries(files.map((f, i) => [f, createPrivateKey(pems[i]!).export({ format: 'jwk' })])),
    );
    jwks = new Map(files.flatMap((f, i) => (byFile[f] ? [[pems[i]!, byFile[f]]] : [])));
    return jwks;
  };
})();

/** A PKCS#8 PEM as a key: a pool key through its JWK, any other decoded. */
function privateKeyOfPem(pem: string): KeyObject {
  const jwk = poolJwks().get(pem);
  return jwk ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPrivateKey(pem);
}

function load(file: string, spec: number | PoolCurve): Promise<PooledKey> {
  let p = cache.get(file);
  if (!p) {
    const privatePem = readFileSync(join(POOL_DIR, file), 'utf8');
    p = signingPair(privateKeyOfPem(privatePem)).then(({ keys }) => ({
      bits: typeof spec === 'number' ? spec : Number(spec.slice(2)),
      ...(typeof spec === 'number' ? {} : { curve: spec }),
      privatePem,
      keys,
    }));
    cache.set(file, p);
  }
  return p;
}

/**
 * An RSA key that no pool hands out (fixtures/pki/foreign), so no mock can hold it: for rules that need "a
 * key the device never held" and must still replay (a freshly generated key would differ every run).
 */
export function foreignKey(bits = 2048): Promise<PooledKey> {
  return load(`../foreign/rsa-${bits}.pem`, bits);
}

/**
 * Pre-generated keys (fixtures/pki/keys, made by `npm run fixtures`): RSA generation is slow on small
 * machines, so mocks and tests draw keys from this pool (RSA by size, EC by curve: replays and tests see the
 * same keys). Each pool hands out its keys in turn, so consecutive draws are always different keys.
 */
export class KeyPool {
  /** The next index per key size, counted per target of the run (see drawSequence) and for mocks. */
  private next = new Map<string, number>();

  constructor(private readonly offset = 0) {}

  /** The RSA key sizes the pool holds. */
  sizes(): number[] {
    return [...new Set(readdirSync(POOL_DIR).map((f) => Number(/^rsa-(\d+)-/.exec(f)?.[1])))]
      .filter(Boolean)
      .sort((a, b) => a - b);
  }

  /** An RSA key of that many bits, or an EC key on that curve. */
  async take(spec: number | PoolCurve): Promise<PooledKey> {
    const files = poolFiles(spec);
    if (files.length === 0)
      throw new Error(
        `no pre-generated ${typeof spec === 'number' ? `RSA-${spec}` : spec} keys in ${POOL_DIR}; run npm run fixtures`,
      );
    const key = `${spec}\u0000${drawSequence() ?? ''}`;
    const i = this.next.get(key) ?? this.offset;
    this.next.set(key, i + 1);
    return load(files[i % files.length]!, spec);
  }
}

export function rsaModulusBits(key: KeyObject): number | undefined {
  return key.asymmetricKeyDetails?.modulusLength;
}

/** Curve names as people and the documents write them (NIST's), by node's (OpenSSL's) names. */
const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** The curve of an EC key as documents name it ("P-384"), or undefined for another kind of key. */
export function curveName(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? (CURVE_NAMES[curve] ?? curve) : 'explicit curve parameters';
}

/** What a key is, for messages and comparisons: "RSA 3072", "RSA-PSS 2048", "ECDSA P-384", "Ed25519". */
export function keyDescription(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${d.modulusLength}`;
    case 'rsa-pss':
      return `RSA-PSS ${d.modulusLength}`;
    case 'ec':
      return `ECDSA ${curveName(key)}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return String(key.asymmetricKeyType);
  }
}

/** JWK names of the curves whose public point the harness derives from the private scalar (node's names first). */
const JWK_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * The public key a private key belongs to: RSA's modulus and exponent; an EC key's d·G, computed from its
 * private scalar, not the public point the key may carry beside it (which can disagree). A key whose private
 * numbers are zero is the public-only stand-in a recording keeps (see publicOnly): its public half is the one it
 * carries, which publicOnly set to the original key's d·G, so a replay compares what the recorded run compared.
 */
export function publicHalf(key: KeyObject): KeyObject {
  if (key.type !== 'private') return key;
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const crv = curve ? JWK_CURVES[curve] : undefined;
  if (curve && crv) {
    const d = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
    const ecdh = createECDH(curve);
    try {
      ecdh.setPrivateKey(d);
    } catch {
      // Not a scalar of the curve (zero: the recording's stand-in): the point the key carries.
      return createPublicKey(key);
    }
    const point = ecdh.getPublicKey();
    const n = (point.length - 1) / 2;
    return createPublicKey({
      key: {
        kty: 'EC',
        crv,
        x: point.subarray(1, 1 + n).toString('base64url'),
        y: point.subarray(1 + n).toString('base64url'),
      },
      format: 'jwk',
    });
  }
  return createPublicKey(key);
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const JWK_CURVE_OIDS: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

/**
 * A SubjectPublicKeyInfo (DER) as a key. An RSA key, or an EC key on a named curve, is taken by its numbers
 * (JWK), and only when that key's own encoding is these very bytes: OpenSSL 3 decodes an SPKI thirty times slower
 * (0.28 ms here), and a run reads hundreds. Anything else is decoded as DER, with OpenSSL's verdict on it.
 */
export function publicKeyOfSpki(spki: Buffer): KeyObject {
  try {
    const jwk = spkiJwk(spki);
    const key = jwk && createPublicKey({ key: jwk, format: 'jwk' });
    if (key?.export({ format: 'der', type: 'spki' }).equals(spki)) return key;
  } catch {
    // Not numbers a key can be made of: OpenSSL says what is wrong below.
  }
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** The JWK an SPKI's fields spell, for RSA and for EC on the named curves; undefined for anything else. */
function spkiJwk(spki: Buffer): JsonWebKey | undefined {
  const parsed = asn1js.fromBER(spki);
  const [algorithm, bits] = parsed.result instanceof asn1js.Sequence ? parsed.result.valueBlock.value : [];
  if (!(algorithm instanceof asn1js.Sequence) || !(bits instanceof asn1js.BitString)) return undefined;
  const [oid, params] = algorithm.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier)) return undefined;
  const key = Buffer.from(bits.valueBlock.valueHexView);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  if (oid.valueBlock.toString() === RSA_ENCRYPTION) {
    const [n, e] = (asn1js.fromBER(key).result as asn1js.Sequence).valueBlock?.value ?? [];
    if (!(n instanceof asn1js.Integer) || !(e instanceof asn1js.Integer)) return undefined;
    const unsigned = (i: asn1js.Integer) => {
      const v = i.valueBlock.valueHexView;
      return v[0] === 0 ? v.subarray(1) : v;
    };
    return { kty: 'RSA', n: b64(unsigned(n)), e: b64(unsigned(e)) };
  }
  const crv =
    oid.valueBlock.toString() === EC_PUBLIC_KEY && params instanceof asn1js.ObjectIdentifier
      ? JWK_CURVE_OIDS[params.valueBlock.toString()]
      : undefined;
  // An uncompressed point: 04 || x || y.
  if (!crv || key[0] !== 4 || key.length % 2 === 0) return undefined;
  const size = (key.length - 1) / 2;
  return { kty: 'EC', crv, x: b64(key.subarray(1, 1 + size)), y: b64(key.subarray(1 + size)) };
}

/** The SPKI (DER) of a private key's public half, from its PEM (remembered: mocks ask for it per answer). */
export const spkiOfPrivatePem = remember(
  (privatePem: string): Buffer =>
    createPublicKey(privateKeyOfPem(privatePem)).export({ format: 'der', type: 'spki' }),
  (privatePem) => privatePem,
);

/** The SubjectPublicKey bits of a public key: RSAPublicKey for RSA and RSASSA-PSS keys alike. */
function publicKeyBits(key: KeyObject): Buffer {
  const spki = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(pkijs.PublicKeyInfo.fromBER(spki).subjectPublicKey.valueBlock.valueHexView);
}

const RSA_FAMILY = new Set(['rsa', 'rsa-pss']);

/**
 * Whether two keys (private or public) have the same public half. An RSA key restricted to RSASSA-PSS
 * (id-RSASSA-PSS) is the same key pair as the rsaEncryption key with its modulus and exponent.
 */
export function sameKeyPair(a: KeyObject, b: KeyObject): boolean {
  const pa = publicHalf(a);
  const pb = publicHalf(b);
  if (RSA_FAMILY.has(pa.asymmetricKeyType!) && RSA_FAMILY.has(pb.asymmetricKeyType!))
    return publicKeyBits(pa).equals(publicKeyBits(pb));
  return pa.asymmetricKeyType === pb.asymmetricKeyType && pa.equals(pb);
}

/**
 * The recording's stand-in for a private key (PKCS#8 DER): the same algorithm and public half, every private
 * number zero. RSA keeps its modulus and exponent; EC carries d·G of the original as its public point, with a
 * zero scalar. No one can sign with it; publicHalf gives what it gave for the original.
 */
export function publicOnly(pkcs8: Buffer): Buffer {
  const info = pkijs.PrivateKeyInfo.fromBER(pkcs8);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const inner = info.privateKey.valueBlock.valueHexView;
  let stand: asn1js.Sequence;
  if (RSA_FAMILY.has(key.asymmetricKeyType!)) {
    const rsa = pkijs.RSAPrivateKey.fromBER(inner);
    const zero = () => new asn1js.Integer({ value: 0 });
    stand = new pkijs.RSAPrivateKey({
      modulus: rsa.modulus,
      publicExponent: rsa.publicExponent,
      privateExponent: zero(),
      prime1: zero(),
      prime2: zero(),
      exponent1: zero(),
      exponent2: zero(),
      coefficient: zero(),
    }).toSchema();
  } else if (key.asymmetricKeyType === 'ec') {
    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
    const ec = asn1js.fromBER(inner).result as asn1js.Sequence;
    const [, scalar, ...rest] = ec.valueBlock.value as [
      asn1js.Integer,
      asn1js.OctetString,
      ...asn1js.AsnType[],
    ];
    const params = rest.filter((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0);
    const point = publicKeyBits(publicHalf(key));
    stand = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 1 }),
        new asn1js.OctetString({ valueHex: new Uint8Array(scalar.valueBlock.valueHexView.length) }),
        ...params,
        new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 1 },
          value: [new asn1js.BitString({ valueHex: point })],
        }),
      ],
    });
  } else {
    throw new Error(`no public-only form for a ${key.asymmetricKeyType} key`);
  }
  const out = new pkijs.PrivateKeyInfo({
    version: info.version,
    privateKeyAlgorithm: info.privateKeyAlgorithm,
    privateKey: new asn1js.OctetString({ valueHex: stand.toBER() }),
  });
  return Buffer.from(out.toSchema().toBER());
}
