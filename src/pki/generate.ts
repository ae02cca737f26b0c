import { KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { remember } from '../core/memo.ts';
import { OID_EXTENSION_REQUEST, parseCsrDer } from './csr.ts';
import { certificateFromDer, subtle, x509, type CryptoKey, type CryptoKeyPair } from './x509.ts';

/**
 * Certificates and PKCS#10 requests made the way @peculiar/x509's generators make them, byte for byte (its
 * test proves it), at a fraction of the cost: the generators build every field through a reflective ASN.1
 * object model and parse their own output back, which was a quarter of the self-test's CPU. Here each field
 * is still encoded by the libraries (names and extensions by @peculiar/x509, the rest by asn1js), the
 * constant ones once per process, and the result is parsed once, into the same cache the suites read from.
 */

/** What a mock or suite signs with: RSASSA-PKCS1-v1_5 or ECDSA, and a hash. */
export interface Signing {
  name: string;
  hash?: string | { name: string };
}

export interface CertificateParams {
  /** Hexadecimal, made positive as @peculiar/x509 does. */
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  signingAlgorithm: Signing;
  publicKey: x509.PublicKey | CryptoKey;
  signingKey: CryptoKey;
  extensions?: x509.Extension[];
}

export async function generateCertificate(p: CertificateParams): Promise<x509.X509Certificate> {
  const algorithm = signatureAlgorithm(p.signingAlgorithm, p.signingKey);
  const tbs = sequence(
    tagged(0, ber(new asn1js.Integer({ value: 2 }))),
    ber(new asn1js.Integer({ valueHex: positiveOctets(Buffer.from(p.serialNumber, 'hex')) })),
    algorithmIdentifier(algorithm),
    encodedName(p.issuer),
    sequence(time(p.notBefore), time(p.notAfter)),
    encodedName(p.subject),
    await spkiOf(p.publicKey),
    ...(p.extensions?.length ? [tagged(3, sequence(...p.extensions.map((e) => e.rawData)))] : []),
  );
  return certificateFromDer(signed(tbs, algorithm, p.signingKey));
}

export interface CsrParams {
  name: string | x509.JsonName;
  keys: CryptoKeyPair;
  signingAlgorithm: Signing;
  attributes?: x509.Attribute[];
  extensions?: x509.Extension[];
}

export async function generateCsr(p: CsrParams): Promise<x509.Pkcs10CertificateRequest> {
  const algorithm = signatureAlgorithm(p.signingAlgorithm, p.keys.privateKey);
  const attributes: Bytes[] = (p.attributes ?? []).map((a) => a.rawData);
  if (p.extensions?.length)
    attributes.push(
      sequence(
        ber(new asn1js.ObjectIdentifier({ value: OID_EXTENSION_REQUEST })),
        der(SET, sequence(...p.extensions.map((e) => e.rawData))),
      ),
    );
  const info = sequence(
    ber(new asn1js.Integer({ value: 0 })),
    encodedName(p.name),
    await spkiOf(p.keys.publicKey),
    tagged(0, ...attributes),
  );
  return parseCsrDer(signed(info, algorithm, p.keys.privateKey)).csr;
}

/** The hash a signature uses: the key's own (a WebCrypto RSA key carries one) over the one asked for. */
function signatureAlgorithm(asked: Signing, key: CryptoKey): { name: string; hash: string } {
  const merged = { hash: 'SHA-256', ...asked, ...(key.algorithm as Signing) } as Signing;
  const hash = typeof merged.hash === 'string' ? merged.hash : (merged.hash?.name ?? 'SHA-256');
  return { name: merged.name, hash };
}

const SIGNATURE_OIDS: Record<string, Record<string, string>> = {
  'RSASSA-PKCS1-v1_5': {
    'SHA-1': '1.2.840.113549.1.1.5',
    'SHA-256': '1.2.840.113549.1.1.11',
    'SHA-384': '1.2.840.113549.1.1.12',
    'SHA-512': '1.2.840.113549.1.1.13',
  },
  ECDSA: {
    'SHA-1': '1.2.840.10045.4.1',
    'SHA-256': '1.2.840.10045.4.3.2',
    'SHA-384': '1.2.840.10045.4.3.3',
    'SHA-512': '1.2.840.10045.4.3.4',
  },
};

/** AlgorithmIdentifier: RSA's carries NULL parameters, ECDSA's none (RFC 4055 §5, RFC 5758 §3.2). */
const algorithmIdentifier = remember(
  (a: { name: string; hash: string }): Buffer => {
    const oid = SIGNATURE_OIDS[a.name]?.[a.hash];
    if (!oid) throw new Error(`cannot sign with ${a.name} and ${a.hash}`);
    const id = ber(new asn1js.ObjectIdentifier({ value: oid }));
    return sequence(id, ...(a.name === 'ECDSA' ? [] : [ber(new asn1js.Null())]));
  },
  (a) => `${a.name}/${a.hash}`,
);

const encodedName = remember(
  (name: string | x509.JsonName) => new x509.Name(name).toArrayBuffer(),
  (name) => JSON.stringify(name),
);

/** A public key's SubjectPublicKeyInfo (a WebCrypto key's export remembered per key object). */
async function spkiOf(key: x509.PublicKey | CryptoKey): Promise<ArrayBuffer> {
  if (key instanceof x509.PublicKey) return key.rawData;
  let spki = exported.get(key);
  if (!spki) exported.set(key, (spki = subtle.exportKey('spki', key)));
  return spki;
}
const exported = new WeakMap<CryptoKey, Promise<ArrayBuffer>>();

/** SEQUENCE { tbs, algorithm, BIT STRING signature }: ECDSA's signature DER-encoded (RFC 5480 §2.2.3). */
function signed(tbs: Buffer, algorithm: { name: string; hash: string }, key: CryptoKey): Buffer {
  const signature = signerOf(key, algorithm)(tbs);
  return sequence(tbs, algorithmIdentifier(algorithm), ber(new asn1js.BitString({ valueHex: signature })));
}

/**
 * How a key signs with a hash. RSASSA-PKCS1-v1_5 signatures are a function of key and bytes (RFC 8017 §8.2),
 * so they are remembered: a self-test's passes sign the same requests with the same pooled keys again and again.
 */
function signerOf(key: CryptoKey, algorithm: { name: string; hash: string }): (tbs: Buffer) => Buffer {
  const id = `${algorithm.name}/${algorithm.hash}`;
  let byAlgorithm = signers.get(key);
  if (!byAlgorithm) signers.set(key, (byAlgorithm = new Map()));
  let signer = byAlgorithm.get(id);
  if (!signer) {
    const digest = algorithm.hash.replace('-', '').toLowerCase();
    const keyObject = KeyObject.from(key);
    const signOnce = (tbs: Buffer) => sign(digest, tbs, { key: keyObject, dsaEncoding: 'der' });
    signer =
      algorithm.name === 'RSASSA-PKCS1-v1_5' ? remember(signOnce, (tbs) => tbs.toString('base64')) : signOnce;
    byAlgorithm.set(id, signer);
  }
  return signer;
}
const signers = new WeakMap<CryptoKey, Map<string, (tbs: Buffer) => Buffer>>();

/** X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), whole seconds. */
function time(date: Date): Bytes {
  const valueDate = new Date(date);
  valueDate.setUTCMilliseconds(0);
  return ber(
    valueDate.getUTCFullYear() > 2049
      ? new asn1js.GeneralizedTime({ valueDate })
      : new asn1js.UTCTime({ valueDate }),
  );
}

/** An INTEGER's octets: leading zeros dropped, a zero put back when the top bit would make it negative. */
function positiveOctets(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const octets = bytes.length ? bytes.subarray(start) : new Uint8Array([0]);
  return octets[0]! > 0x7f ? Buffer.concat([Buffer.from([0]), octets]) : octets;
}

type Bytes = ArrayBuffer | Uint8Array;

const SEQUENCE = 0x30;
const SET = 0x31;

/** One DER element around parts already encoded: its tag, its definite length (X.690 §8.1.3), the parts. */
function der(tag: number, ...parts: Bytes[]): Buffer {
  const content = Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p))));
  const long: number[] = [];
  for (let n = content.length; n > 0; n = Math.floor(n / 256)) long.unshift(n % 256);
  const length = content.length < 0x80 ? [content.length] : [0x80 | long.length, ...long];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

const sequence = (...parts: Bytes[]) => der(SEQUENCE, ...parts);

/** A context-specific constructed tag, [n] EXPLICIT (or the IMPLICIT SET of a CSR's attributes). */
const tagged = (n: number, ...parts: Bytes[]) => der(0xa0 | n, ...parts);

function ber(block: { toBER(): ArrayBuffer }): ArrayBuffer {
  return block.toBER();
}
