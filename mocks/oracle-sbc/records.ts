import { generateCsr } from '../../src/pki/generate.ts';
import { RSA_SHA256, type KeyPool } from '../../src/pki/keys.ts';
import { toPem } from '../../src/pki/pem.ts';
import { subtle, x509, type CryptoKeyPair } from '../../src/pki/x509.ts';
import type { Fault } from './faults.ts';

/** A certificate-record configuration element: attribute name → values (multi-valued lists have several). */
export type RecordAttributes = Record<string, string[]>;

/** The ACLI certificate-record defaults (10.1 reference); the REST template returns them. */
export const CERTIFICATE_RECORD_DEFAULTS: RecordAttributes = {
  name: [],
  country: ['US'],
  state: ['MA'],
  locality: ['Burlington'],
  organization: ['Engineering'],
  unit: [],
  'common-name': [],
  'key-size': ['2048'],
  'alternate-name': [],
  trusted: ['enabled'],
  'key-usage-list': ['digitalSignature', 'keyEncipherment'],
  'extended-key-usage-list': ['serverAuth'],
  'key-algor': ['rsa'],
  'digest-algor': ['sha256'],
  'ecdsa-key-size': ['p256'],
  'cert-status-profile-list': [],
  options: [],
};

const KEY_USAGES: Record<string, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};
const EXTENDED_KEY_USAGES: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};
const DIGESTS: Record<string, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};
const CURVES: Record<string, string> = { p256: 'P-256', p384: 'P-384' };

const one = (rec: RecordAttributes, name: string): string => rec[name]?.[0] ?? '';

/** Device-like validation of a record's attributes; returns the 400 message, or undefined when valid. */
export function invalidAttribute(rec: RecordAttributes): string | undefined {
  for (const name of Object.keys(rec)) {
    if (!(name in CERTIFICATE_RECORD_DEFAULTS)) return `unknown attribute "${name}" for certificate-record`;
  }
  const name = one(rec, 'name');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) return `invalid value "${name}" for attribute name`;
  if (!/^[A-Za-z]{2}$/.test(one(rec, 'country')))
    return `invalid value "${one(rec, 'country')}" for attribute country`;
  for (const [attr, max] of [
    ['state', 128],
    ['locality', 128],
    ['organization', 64],
    ['unit', 64],
    ['common-name', 64],
  ] as const) {
    if (one(rec, attr).length > max) return `value of attribute ${attr} is longer than ${max} characters`;
  }
  if (!['1024', '2048', '4096'].includes(one(rec, 'key-size')))
    return `invalid value "${one(rec, 'key-size')}" for attribute key-size`;
  if (!['rsa', 'ecdsa'].includes(one(rec, 'key-algor')))
    return `invalid value "${one(rec, 'key-algor')}" for attribute key-algor`;
  if (!(one(rec, 'digest-algor') in DIGESTS))
    return `invalid value "${one(rec, 'digest-algor')}" for attribute digest-algor`;
  if (!(one(rec, 'ecdsa-key-size') in CURVES))
    return `invalid value "${one(rec, 'ecdsa-key-size')}" for attribute ecdsa-key-size`;
  if (!['enabled', 'disabled'].includes(one(rec, 'trusted')))
    return `invalid value "${one(rec, 'trusted')}" for attribute trusted`;
  for (const ku of rec['key-usage-list'] ?? [])
    if (!(ku in KEY_USAGES)) return `invalid value "${ku}" for attribute key-usage-list`;
  for (const eku of rec['extended-key-usage-list'] ?? []) {
    if (!(eku in EXTENDED_KEY_USAGES)) return `invalid value "${eku}" for attribute extended-key-usage-list`;
  }
  const alt = one(rec, 'alternate-name');
  if (alt.length > 1024) return 'value of attribute alternate-name is longer than 1024 characters';
  for (const entry of splitAlternateName(alt)) {
    if (!/^(?:IP|DNS|email):\S+$/.test(entry)) return `invalid entry "${entry}" in attribute alternate-name`;
  }
  return undefined;
}

export function splitAlternateName(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface GeneratedKey {
  keys: CryptoKeyPair;
  algorithm: 'rsa' | 'ecdsa';
  /** PKCS#8 PEM (TEST ONLY), only for the csr-includes-private-key fault. */
  privatePem: string;
}

/** A new key for the record: RSA keys come from the pre-generated pool, EC keys are generated (fast). */
export async function newKey(
  rec: RecordAttributes,
  pool: KeyPool,
  faults: ReadonlySet<Fault>,
): Promise<GeneratedKey> {
  if (one(rec, 'key-algor') === 'ecdsa') {
    const keys = (await subtle.generateKey(
      { name: 'ECDSA', namedCurve: CURVES[one(rec, 'ecdsa-key-size')]! },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
    return { keys, algorithm: 'ecdsa', privatePem: toPem('PRIVATE KEY', pkcs8) };
  }
  const bits = faults.has('csr-key-size-ignored') ? 2048 : Number(one(rec, 'key-size'));
  const pooled = await pool.take(bits);
  return { keys: pooled.keys, algorithm: 'rsa', privatePem: pooled.privatePem };
}

/** Builds the PKCS#10 request from the record's fields (subject, alternate names, key usages). */
export async function buildCsr(
  rec: RecordAttributes,
  key: GeneratedKey,
  faults: ReadonlySet<Fault>,
): Promise<string> {
  const subject: Array<Record<string, string[]>> = [];
  const add = (short: string, value: string) => {
    if (value) subject.push({ [short]: [value] });
  };
  add('C', one(rec, 'country'));
  add('ST', one(rec, 'state'));
  add(
    'L',
    faults.has('csr-subject-ignores-locality')
      ? CERTIFICATE_RECORD_DEFAULTS.locality![0]!
      : one(rec, 'locality'),
  );
  add('O', one(rec, 'organization'));
  add('OU', one(rec, 'unit'));
  add('CN', one(rec, 'common-name'));

  const usages = faults.has('csr-key-usage-ignored')
    ? CERTIFICATE_RECORD_DEFAULTS['key-usage-list']!
    : (rec['key-usage-list'] ?? []);
  const ekus = faults.has('csr-eku-ignored') ? ['serverAuth'] : (rec['extended-key-usage-list'] ?? []);
  const extensions: x509.Extension[] = [];
  if (usages.length)
    extensions.push(
      new x509.KeyUsagesExtension(
        usages.reduce((acc, u) => acc | KEY_USAGES[u]!, 0),
        true,
      ),
    );
  if (ekus.length)
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus.map((e) => EXTENDED_KEY_USAGES[e]!)));
  const sans = splitAlternateName(one(rec, 'alternate-name'))
    .map((entry) => {
      const [kind, ...rest] = entry.split(':');
      const value = rest.join(':');
      return {
        type: kind === 'IP' ? ('ip' as const) : kind === 'DNS' ? ('dns' as const) : ('email' as const),
        value,
      };
    })
    .filter((san) => !(faults.has('csr-drops-ip-san') && san.type === 'ip'));
  if (sans.length) extensions.push(new x509.SubjectAlternativeNameExtension(sans));

  const hash = DIGESTS[one(rec, 'digest-algor')] ?? 'SHA-256';
  const signingAlgorithm = key.algorithm === 'ecdsa' ? { name: 'ECDSA', hash } : { ...RSA_SHA256, hash };
  const csr = await generateCsr({
    name: subject,
    keys: key.keys,
    signingAlgorithm,
    extensions,
  });
  let der = Buffer.from(csr.rawData);
  if (faults.has('csr-bad-signature')) {
    der = Buffer.from(der);
    der[der.length - 1] = der[der.length - 1]! ^ 0xff;
  }
  let pem = toPem('CERTIFICATE REQUEST', der);
  if (faults.has('csr-lines-shuffled')) pem = shuffleBase64Lines(pem);
  if (faults.has('csr-includes-private-key')) pem += key.privatePem;
  return pem;
}

/** Moves the last base64 lines to the front, as in the seed's example CSR. */
export function shuffleBase64Lines(pem: string): string {
  const lines = pem.trim().split('\n');
  const body = lines.slice(1, -1);
  const rotated = [...body.slice(-3), ...body.slice(0, -3)];
  return [lines[0], ...rotated, lines.at(-1)].join('\n') + '\n';
}

export async function spkiOf(keys: CryptoKeyPair): Promise<Buffer> {
  return Buffer.from(await subtle.exportKey('spki', keys.publicKey));
}
