import { remember } from '../core/memo.ts';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hash as hashOnce,
  createPrivateKey,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { publicKeyOfSpki, sameKeyPair } from './keys.ts';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2.ts';
import { x509 } from './x509.ts';

/**
 * PKCS#12 archives (RFC 7292): reading what a device answers, writing what a mock answers and a recording keeps.
 * pkijs gives the structures; the cryptography is node:crypto's, synchronous (a recording sanitizes archives
 * while it writes them) and wider than WebCrypto's: besides PBES2 (AES-CBC or 3DES with PBKDF2-HMAC-SHA-*:
 * Windows' AES256-SHA256, OpenSSL 3) it reads the PKCS#12 PBE schemes older archives use (3DES and RC2 with
 * SHA-1: Windows' TripleDES-SHA1, OpenSSL 1.x) and RFC 9579's PBMAC1. Anything else is Pkcs12Unsupported.
 */

/** The archive is not PKCS#12, is damaged, or the password does not open it: the message says which. */
export class Pkcs12Error extends Error {}

/** The archive uses what the harness cannot read (an algorithm, public-key privacy or integrity): not a finding. */
export class Pkcs12Unsupported extends Error {}

export interface Pkcs12Key {
  /** PKCS#8 PrivateKeyInfo, DER. */
  pkcs8: Buffer;
  key: KeyObject;
}

export interface Pkcs12Contents {
  /** DER certificates, in the order the archive holds them. */
  certs: Buffer[];
  keys: Pkcs12Key[];
  /** How the archive's integrity was checked: its password MAC, or not at all (it has none). */
  integrity: 'mac' | 'none';
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** Digests by OID (MAC and PKCS#12 KDF), with the KDF's block size v in bytes. */
const DIGESTS: Record<string, { hash: string; v: number }> = {
  '1.3.14.3.2.26': { hash: 'sha1', v: 64 },
  '2.16.840.1.101.3.4.2.4': { hash: 'sha224', v: 64 },
  '2.16.840.1.101.3.4.2.1': { hash: 'sha256', v: 64 },
  '2.16.840.1.101.3.4.2.2': { hash: 'sha384', v: 128 },
  '2.16.840.1.101.3.4.2.3': { hash: 'sha512', v: 128 },
};

/** PBKDF2 pseudo-random functions by OID. */
const HMACS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** PBES2 encryption schemes by OID: node's cipher and its key length. */
const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

/** The PKCS#12 PBE schemes (RFC 7292 Appendix C), all with SHA-1. */
const PKCS12_PBE: Record<string, { name: string; keyLength: number; cipher: string | { rc2Bits: number } }> =
  {
    '1.2.840.113549.1.12.1.3': {
      name: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
      keyLength: 24,
      cipher: 'des-ede3-cbc',
    },
    '1.2.840.113549.1.12.1.4': {
      name: 'pbeWithSHAAnd2-KeyTripleDES-CBC',
      keyLength: 16,
      cipher: 'des-ede-cbc',
    },
    '1.2.840.113549.1.12.1.5': {
      name: 'pbeWithSHAAnd128BitRC2-CBC',
      keyLength: 16,
      cipher: { rc2Bits: 128 },
    },
    '1.2.840.113549.1.12.1.6': { name: 'pbewithSHAAnd40BitRC2-CBC', keyLength: 5, cipher: { rc2Bits: 40 } },
  };

/** Names for algorithms the harness cannot read, so a message names them. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC (PKCS#5 PBES1)',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC (PKCS#5 PBES1)',
  '1.3.14.3.2.7': 'DES-CBC',
  '1.2.840.113549.3.2': 'RC2-CBC under PBES2',
  '1.3.6.1.4.1.11591.4.11': 'scrypt',
};

const algorithmName = (oid: string) => KNOWN_UNSUPPORTED[oid] ?? PKCS12_PBE[oid]?.name ?? `OID ${oid}`;

function unsupported(what: string): never {
  throw new Pkcs12Unsupported(`the harness cannot read this PKCS#12 archive: ${what}`);
}

/** The BMPString password with its two-byte terminator (RFC 7292 B.1), as the PKCS#12 KDF takes it. */
function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/**
 * The PKCS#12 key derivation (RFC 7292 Appendix B.2): id 1 key, 2 IV, 3 MAC key. Thousands of hashes each, and
 * the same archive is read more than once: remembered (the key must not be changed by the caller).
 */
const pkcs12Kdf = remember(readPkcs12Kdf, (digest, password, salt, id, iterations, length) =>
  [digest.hash, password.toString('hex'), Buffer.from(salt).toString('hex'), id, iterations, length].join(
    ' ',
  ),
);

function readPkcs12Kdf(
  digest: { hash: string; v: number },
  password: Buffer,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Buffer {
  const { hash, v } = digest;
  const fill = (src: Uint8Array) => {
    const out = Buffer.alloc(src.length ? v * Math.ceil(src.length / v) : 0);
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < length;) {
    let A = Buffer.concat([D, I]);
    for (let i = 0; i < iterations; i++) A = hashOnce(hash, A, 'buffer');
    out.push(A);
    produced += A.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % A.length]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

const octets = (node: unknown): Uint8Array => {
  if (node instanceof asn1js.OctetString) return new Uint8Array(node.getValue());
  throw new Pkcs12Error('not a PKCS#12 archive: an OCTET STRING was expected');
};

function parse<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof Pkcs12Error || err instanceof Pkcs12Unsupported) throw err;
    throw new Pkcs12Error(`${what} does not parse (${(err as Error).message})`);
  }
}

function integer(node: unknown, what: string): number {
  if (node instanceof asn1js.Integer) return node.valueBlock.valueDec;
  throw new Pkcs12Error(`${what}: an INTEGER was expected`);
}

/** Derives key and IV for a password-based encryption AlgorithmIdentifier and applies the cipher. */
function crypt(
  direction: 'decrypt' | 'encrypt',
  alg: pkijs.AlgorithmIdentifier,
  password: string,
  data: Uint8Array,
): Buffer {
  const pbe = PKCS12_PBE[alg.algorithmId];
  let run: () => Buffer;
  if (pbe) {
    const params = alg.algorithmParams as asn1js.Sequence;
    const [salt, iterations] = parse('PKCS#12 PBE parameters', () => params.valueBlock.value);
    const saltBytes = octets(salt);
    const count = integer(iterations, 'PKCS#12 PBE iterations');
    const sha1 = DIGESTS['1.3.14.3.2.26']!;
    const pw = bmpPassword(password);
    const key = pkcs12Kdf(sha1, pw, saltBytes, 1, count, pbe.keyLength);
    const iv = pkcs12Kdf(sha1, pw, saltBytes, 2, count, 8);
    const cipher = pbe.cipher;
    run =
      typeof cipher === 'string'
        ? () => cbc(direction, cipher, key, iv, data)
        : () =>
            direction === 'decrypt'
              ? rc2CbcDecrypt(key, cipher.rc2Bits, iv, data)
              : rc2CbcEncrypt(key, cipher.rc2Bits, iv, data);
  } else if (alg.algorithmId === OID.pbes2) {
    const params = parse('PBES2 parameters', () => new pkijs.PBES2Params({ schema: alg.algorithmParams }));
    const kdf = params.keyDerivationFunc.algorithmId;
    if (kdf !== OID.pbkdf2) unsupported(`PBES2 with the key derivation ${algorithmName(kdf)}`);
    const pbkdf2 = parse(
      'PBKDF2 parameters',
      () => new pkijs.PBKDF2Params({ schema: params.keyDerivationFunc.algorithmParams }),
    );
    const scheme = PBES2_CIPHERS[params.encryptionScheme.algorithmId];
    if (!scheme) unsupported(`PBES2 with the cipher ${algorithmName(params.encryptionScheme.algorithmId)}`);
    const prf = pbkdf2.prf?.algorithmId;
    const hash = prf ? HMACS[prf] : 'sha1';
    if (!hash) unsupported(`PBKDF2 with the pseudo-random function ${algorithmName(prf!)}`);
    const salt = octets(pbkdf2.salt);
    const iv = octets(params.encryptionScheme.algorithmParams);
    const key = pbkdf2Sync(
      Buffer.from(password, 'utf8'),
      salt,
      pbkdf2.iterationCount,
      pbkdf2.keyLength ?? scheme.keyLength,
      hash,
    );
    run = () => cbc(direction, scheme.cipher, key, iv, data);
  } else {
    unsupported(`the encryption ${algorithmName(alg.algorithmId)}`);
  }
  try {
    return run();
  } catch (err) {
    throw new Pkcs12Error(`the password does not open it (${(err as Error).message})`);
  }
}

function cbc(
  direction: 'decrypt' | 'encrypt',
  cipher: string,
  key: Buffer,
  iv: Uint8Array,
  data: Uint8Array,
) {
  const c = direction === 'decrypt' ? createDecipheriv(cipher, key, iv) : createCipheriv(cipher, key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Checks the archive's MAC; a mismatch means a wrong password (or a damaged archive). */
function checkMac(mac: pkijs.MacData, content: Uint8Array, password: string): void {
  const alg = mac.mac.digestAlgorithm;
  const expected = Buffer.from(mac.mac.digest.valueBlock.valueHexView);
  const candidates: Buffer[] = [];
  if (alg.algorithmId === OID.pbmac1) {
    // RFC 9579: PBMAC1-params ::= SEQUENCE { keyDerivationFunc (PBKDF2), messageAuthScheme (an HMAC) }.
    const [kdfNode, schemeNode] = parse(
      'PBMAC1 parameters',
      () => (alg.algorithmParams as asn1js.Sequence).valueBlock.value,
    );
    const kdf = parse('PBMAC1 parameters', () => new pkijs.AlgorithmIdentifier({ schema: kdfNode }));
    const scheme = parse('PBMAC1 parameters', () => new pkijs.AlgorithmIdentifier({ schema: schemeNode }));
    if (kdf.algorithmId !== OID.pbkdf2)
      unsupported(`PBMAC1 with the key derivation ${algorithmName(kdf.algorithmId)}`);
    const hash = HMACS[scheme.algorithmId];
    if (!hash) unsupported(`PBMAC1 with the MAC ${algorithmName(scheme.algorithmId)}`);
    const p = parse('PBKDF2 parameters', () => new pkijs.PBKDF2Params({ schema: kdf.algorithmParams }));
    const prf = p.prf ? HMACS[p.prf.algorithmId] : 'sha1';
    if (!prf) unsupported(`PBKDF2 with the pseudo-random function ${algorithmName(p.prf!.algorithmId)}`);
    const key = pbkdf2Sync(
      Buffer.from(password, 'utf8'),
      octets(p.salt),
      p.iterationCount,
      p.keyLength ?? 32,
      prf,
    );
    candidates.push(createHmac(hash, key).update(content).digest());
  } else {
    const digest = DIGESTS[alg.algorithmId];
    if (!digest) unsupported(`the MAC digest ${algorithmName(alg.algorithmId)}`);
    const size = createHash(digest.hash).digest().length;
    const salt = mac.macSalt.valueBlock.valueHexView;
    // An empty password is two zero bytes to OpenSSL and Windows, no bytes at all to some other tools.
    const passwords = password === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password)];
    for (const pw of passwords) {
      const key = pkcs12Kdf(digest, pw, salt, 3, mac.iterations ?? 1, size);
      candidates.push(createHmac(digest.hash, key).update(content).digest());
    }
  }
  if (!candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected)))
    throw new Pkcs12Error('the password does not open it (its MAC does not verify with that password)');
}

/** A decrypted PrivateKeyInfo as a key; garbage after decryption means a wrong password (without a MAC). */
function privateKey(pkcs8: Uint8Array): Pkcs12Key {
  const info = parse('a private key (PKCS#8)', () => {
    const node = asn1js.fromBER(pkcs8);
    if (node.offset === -1) throw new Error(node.result.error);
    return new pkijs.PrivateKeyInfo({ schema: node.result });
  });
  const der = Buffer.from(pkcs8);
  try {
    return { pkcs8: der, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } catch (err) {
    unsupported(
      `a private key of algorithm ${info.privateKeyAlgorithm.algorithmId} (${(err as Error).message})`,
    );
  }
}

function collect(bags: pkijs.SafeBag[], password: string, out: Pick<Pkcs12Contents, 'certs' | 'keys'>): void {
  for (const bag of bags) {
    const value = bag.bagValue as unknown;
    switch (bag.bagId) {
      case OID.keyBag:
        out.keys.push(privateKey(new Uint8Array((value as pkijs.PrivateKeyInfo).toSchema().toBER())));
        break;
      case OID.shroudedKeyBag: {
        const shrouded = value as pkijs.PKCS8ShroudedKeyBag;
        out.keys.push(
          privateKey(
            crypt('decrypt', shrouded.encryptionAlgorithm, password, octets(shrouded.encryptedData)),
          ),
        );
        break;
      }
      case OID.certBag: {
        const cert = value as pkijs.CertBag;
        // Other certificate types (SDSI) are not X.509: nothing a rule looks at.
        if (cert.certId === OID.x509Certificate) out.certs.push(Buffer.from(octets(cert.certValue)));
        break;
      }
      case OID.safeContentsBag:
        collect((value as pkijs.SafeContents).safeBags, password, out);
        break;
      // CRL and secret bags hold nothing a rule looks at.
    }
  }
}

/** Opens a PKCS#12 archive with its password: its certificates (in order) and private keys. */
export const readPkcs12 = remember(
  (der: Buffer, password: string) => openPkcs12(der, password),
  // Several rules open the same archive: remembered (its contents must not be changed by a caller).
  (der, password) => `${password.length}:${password}:${der.toString('base64')}`,
  32,
);

function openPkcs12(der: Buffer, password: string): Pkcs12Contents {
  const pfx = parse('the archive (not PKCS#12)', () => {
    const node = asn1js.fromBER(new Uint8Array(der));
    if (node.offset === -1) throw new Error(node.result.error);
    return new pkijs.PFX({ schema: node.result });
  });
  if (pfx.version !== 3) throw new Pkcs12Error(`not a PKCS#12 v3 archive (version ${pfx.version})`);
  if (pfx.authSafe.contentType === OID.signedData)
    unsupported('its integrity is a public-key signature (SignedData), not a password MAC');
  if (pfx.authSafe.contentType !== OID.data)
    throw new Pkcs12Error(`not a PKCS#12 archive: authSafe of content type ${pfx.authSafe.contentType}`);
  const content = octets(pfx.authSafe.content);
  if (pfx.macData) checkMac(pfx.macData, content, password);
  const safe = parse('its AuthenticatedSafe', () => pkijs.AuthenticatedSafe.fromBER(content));
  const out: Pick<Pkcs12Contents, 'certs' | 'keys'> = { certs: [], keys: [] };
  for (const info of safe.safeContents) {
    let bytes: Uint8Array;
    if (info.contentType === OID.data) bytes = octets(info.content);
    else if (info.contentType === OID.encryptedData) {
      const enc = parse('an EncryptedData', () => new pkijs.EncryptedData({ schema: info.content }));
      const eci = enc.encryptedContentInfo;
      bytes = crypt(
        'decrypt',
        eci.contentEncryptionAlgorithm,
        password,
        new Uint8Array(eci.getEncryptedContent()),
      );
    } else if (info.contentType === OID.envelopedData) {
      unsupported('a part is encrypted to a public key (EnvelopedData), not with the password');
    } else continue;
    const contents = parse('its SafeContents', () => pkijs.SafeContents.fromBER(bytes));
    collect(contents.safeBags, password, out);
  }
  return { ...out, integrity: pfx.macData ? 'mac' : 'none' };
}

/** How an archive is protected: what Windows, OpenSSL and Command write. */
export interface Pkcs12Protection {
  /** The private keys' encryption: PBES2 AES-256-CBC (PBKDF2-HMAC-SHA-256), or PKCS#12 PBE 3DES (SHA-1). */
  keys: 'aes-256-cbc' | 'pbe-3des';
  /** The certificates' encryption, or none (in the clear, as many tools write them). */
  certs: 'aes-256-cbc' | 'pbe-3des' | 'pbe-rc2-40' | 'none';
  mac: 'sha256' | 'sha1';
  iterations: number;
}

export const PROTECTIONS = {
  /** Windows' AES256-SHA256 export, OpenSSL 3's default. */
  'aes256-sha256': { keys: 'aes-256-cbc', certs: 'aes-256-cbc', mac: 'sha256', iterations: 2048 },
  /** Windows' TripleDES-SHA1 export (before 2019, and still an option). */
  'tripledes-sha1': { keys: 'pbe-3des', certs: 'pbe-3des', mac: 'sha1', iterations: 2000 },
  /** OpenSSL 1.x's default: keys 3DES, certificates RC2-40. */
  'openssl-legacy': { keys: 'pbe-3des', certs: 'pbe-rc2-40', mac: 'sha1', iterations: 2048 },
  /** Keys 3DES, certificates in the clear (node-forge's habit; this mock's archives before pkijs). */
  'clear-certs-3des': { keys: 'pbe-3des', certs: 'none', mac: 'sha1', iterations: 2048 },
} as const satisfies Record<string, Pkcs12Protection>;

export type Pkcs12ProtectionName = keyof typeof PROTECTIONS;

function encryptionAlgorithm(kind: Exclude<Pkcs12Protection['certs'], 'none'>, iterations: number) {
  const salt = new asn1js.OctetString({ valueHex: randomBytes(kind === 'aes-256-cbc' ? 16 : 8) });
  if (kind === 'aes-256-cbc') {
    const pbkdf2 = new pkijs.PBKDF2Params({
      salt,
      iterationCount: iterations,
      prf: new pkijs.AlgorithmIdentifier({
        algorithmId: '1.2.840.113549.2.9',
        algorithmParams: new asn1js.Null(),
      }),
    });
    const params = new pkijs.PBES2Params({
      keyDerivationFunc: new pkijs.AlgorithmIdentifier({
        algorithmId: OID.pbkdf2,
        algorithmParams: pbkdf2.toSchema(),
      }),
      encryptionScheme: new pkijs.AlgorithmIdentifier({
        algorithmId: '2.16.840.1.101.3.4.1.42',
        algorithmParams: new asn1js.OctetString({ valueHex: randomBytes(16) }),
      }),
    });
    return new pkijs.AlgorithmIdentifier({ algorithmId: OID.pbes2, algorithmParams: params.toSchema() });
  }
  return new pkijs.AlgorithmIdentifier({
    algorithmId: kind === 'pbe-3des' ? '1.2.840.113549.1.12.1.3' : '1.2.840.113549.1.12.1.6',
    algorithmParams: new asn1js.Sequence({ value: [salt, new asn1js.Integer({ value: iterations })] }),
  });
}

function attributes(friendlyName: string | undefined, localKeyId: Buffer | undefined): pkijs.Attribute[] {
  const out: pkijs.Attribute[] = [];
  if (friendlyName)
    out.push(
      new pkijs.Attribute({
        type: OID.friendlyName,
        values: [new asn1js.BmpString({ value: friendlyName })],
      }),
    );
  if (localKeyId)
    out.push(
      new pkijs.Attribute({
        type: OID.localKeyId,
        values: [new asn1js.OctetString({ valueHex: localKeyId })],
      }),
    );
  return out;
}

export interface WritePkcs12Options {
  password: string;
  protection?: Pkcs12ProtectionName | Pkcs12Protection;
  /** friendlyName of each key and the certificate it belongs to. */
  friendlyName?: string;
}

/**
 * A PKCS#12 archive of private keys (PKCS#8 DER) and certificates (DER, kept in order). Each key and the
 * certificate with its public key share a localKeyId (the certificate's SHA-1), as Windows and OpenSSL pair them.
 */
export function writePkcs12(
  keys: readonly Buffer[],
  certs: readonly Buffer[],
  opts: WritePkcs12Options,
): Buffer {
  const protection =
    typeof opts.protection === 'object' ? opts.protection : PROTECTIONS[opts.protection ?? 'aes256-sha256'];
  const { password, friendlyName } = opts;
  const certKeys = certs.map((der) =>
    publicKeyOfSpki(Buffer.from(new x509.X509Certificate(der).publicKey.rawData)),
  );
  const idOf = (pkcs8: Buffer): Buffer | undefined => {
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const at = certKeys.findIndex((c) => {
      try {
        return sameKeyPair(key, c);
      } catch {
        return false;
      }
    });
    return at >= 0 ? createHash('sha1').update(certs[at]!).digest() : undefined;
  };
  const keyIds = keys.map(idOf);
  const certBags = certs.map((der) => {
    const id = keyIds.find((k) => k?.equals(createHash('sha1').update(der).digest()));
    return new pkijs.SafeBag({
      bagId: OID.certBag,
      bagValue: new pkijs.CertBag({
        certId: OID.x509Certificate,
        certValue: new asn1js.OctetString({ valueHex: der }),
      }),
      ...(id ? { bagAttributes: attributes(friendlyName, id) } : {}),
    });
  });
  const keyBags = keys.map((pkcs8, i) => {
    const alg = encryptionAlgorithm(protection.keys, protection.iterations);
    const bagAttributes = attributes(friendlyName, keyIds[i]);
    return new pkijs.SafeBag({
      bagId: OID.shroudedKeyBag,
      bagValue: new pkijs.PKCS8ShroudedKeyBag({
        encryptionAlgorithm: alg,
        encryptedData: new asn1js.OctetString({ valueHex: crypt('encrypt', alg, password, pkcs8) }),
      }),
      ...(bagAttributes.length ? { bagAttributes } : {}),
    });
  });
  const infos: pkijs.ContentInfo[] = [];
  const safe = (bags: pkijs.SafeBag[]) =>
    new Uint8Array(new pkijs.SafeContents({ safeBags: bags }).toSchema().toBER());
  if (certBags.length) {
    if (protection.certs === 'none') {
      infos.push(
        new pkijs.ContentInfo({
          contentType: OID.data,
          content: new asn1js.OctetString({ valueHex: safe(certBags) }),
        }),
      );
    } else {
      const alg = encryptionAlgorithm(protection.certs, protection.iterations);
      const enc = new pkijs.EncryptedData({
        version: 0,
        encryptedContentInfo: new pkijs.EncryptedContentInfo({
          contentType: OID.data,
          contentEncryptionAlgorithm: alg,
          encryptedContent: new asn1js.OctetString({
            valueHex: crypt('encrypt', alg, password, safe(certBags)),
          }),
          disableSplit: true,
        }),
      });
      infos.push(new pkijs.ContentInfo({ contentType: OID.encryptedData, content: enc.toSchema() }));
    }
  }
  if (keyBags.length)
    infos.push(
      new pkijs.ContentInfo({
        contentType: OID.data,
        content: new asn1js.OctetString({ valueHex: safe(keyBags) }),
      }),
    );
  const authSafe = new Uint8Array(new pkijs.AuthenticatedSafe({ safeContents: infos }).toSchema().toBER());
  const digestOid = protection.mac === 'sha256' ? '2.16.840.1.101.3.4.2.1' : '1.3.14.3.2.26';
  const digest = DIGESTS[digestOid]!;
  const macSalt = randomBytes(protection.mac === 'sha256' ? 32 : 8);
  const macKey = pkcs12Kdf(
    digest,
    bmpPassword(password),
    macSalt,
    3,
    protection.iterations,
    createHash(digest.hash).digest().length,
  );
  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({
      contentType: OID.data,
      content: new asn1js.OctetString({ valueHex: authSafe }),
    }),
    macData: new pkijs.MacData({
      mac: new pkijs.DigestInfo({
        digestAlgorithm: new pkijs.AlgorithmIdentifier({
          algorithmId: digestOid,
          algorithmParams: new asn1js.Null(),
        }),
        digest: new asn1js.OctetString({
          valueHex: createHmac(digest.hash, macKey).update(authSafe).digest(),
        }),
      }),
      macSalt: new asn1js.OctetString({ valueHex: macSalt }),
      iterations: protection.iterations,
    }),
  });
  return Buffer.from(pfx.toSchema().toBER());
}
