import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { harnessNow, seededBytes } from '../core/random.ts';
import { remember } from '../core/memo.ts';
import { repoPath } from '../paths.ts';
import { importPkcs8, publicKeyOfSpki, type SigningAlgorithm } from './keys.ts';
import { generateCertificate } from './generate.ts';
import { toPem } from './pem.ts';
import { x509, type CryptoKey, type CryptoKeyPair } from './x509.ts';

export interface IssueOptions {
  subject: string;
  publicKey: x509.PublicKey | CryptoKey;
  notBefore?: Date;
  notAfter?: Date;
  serialNumber?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  extendedKeyUsages?: string[];
  keyUsages?: number;
}

/** The committed TEST ONLY CAs: test-ca (RSA 2048, signs RSA with SHA-256), test-ca-ec (P-256, ECDSA with SHA-256). */
export type TestCaName = 'test-ca' | 'test-ca-ec';

/**
 * A certificate authority backed by a committed TEST ONLY key (fixtures/pki/ca). Used by mocks that issue
 * certificates and by suites that sign a device's CSR to complete an end-to-end flow.
 */
export class TestCa {
  private constructor(
    readonly name: string,
    readonly cert: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
    /** How this CA signs: RSASSA-PKCS1-v1_5 or ECDSA, with SHA-256 (P-256) or SHA-384 (P-384). */
    readonly signingAlgorithm: SigningAlgorithm,
  ) {}

  /** The committed CA of that name (loaded once per process: every mock start asks for it). */
  static load(name: TestCaName = 'test-ca'): Promise<TestCa> {
    return loadCa(name);
  }

  static async read(name: TestCaName): Promise<TestCa> {
    const dir = repoPath('fixtures/pki/ca');
    const keyPem = readFileSync(`${dir}/${name}.key.pem`, 'utf8');
    const cert = new x509.X509Certificate(readFileSync(`${dir}/${name}.cert.pem`, 'utf8'));
    const { keys, signingAlgorithm } = await importPkcs8(keyPem);
    return new TestCa(name, cert, keys, signingAlgorithm);
  }

  get certPem(): string {
    return this.cert.toString('pem') + '\n';
  }

  async issue(opts: IssueOptions): Promise<x509.X509Certificate> {
    const extensions: x509.Extension[] = [
      NOT_A_CA,
      keyUsage(opts.keyUsages ?? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment),
      await this.authorityKeyId(),
    ];
    if (opts.dnsNames?.length || opts.ipAddresses?.length)
      extensions.push(subjectAltName(opts.dnsNames ?? [], opts.ipAddresses ?? []));
    if (opts.extendedKeyUsages?.length) extensions.push(extendedKeyUsage(opts.extendedKeyUsages));
    // The harness's values are seeded (a replay signs the same bytes); a mock's are random (no rule scope).
    const notBefore = opts.notBefore ?? new Date(harnessNow().getTime() - 60_000);
    return generateCertificate({
      serialNumber: opts.serialNumber ?? '01' + seededBytes(15).toString('hex'),
      subject: opts.subject,
      issuer: this.cert.subject,
      notBefore,
      notAfter: opts.notAfter ?? new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000),
      signingAlgorithm: this.signingAlgorithm,
      publicKey: opts.publicKey,
      signingKey: this.keys.privateKey,
      extensions,
    });
  }

  private aki?: Promise<x509.AuthorityKeyIdentifierExtension>;

  /** The same for every certificate it issues (hashing the CA's key each time cost a self-test seconds). */
  private authorityKeyId(): Promise<x509.AuthorityKeyIdentifierExtension> {
    return (this.aki ??= x509.AuthorityKeyIdentifierExtension.create(this.cert, false));
  }

  /** Signs a PKCS#10 request: the certificate carries the request's subject and public key. */
  async signCsr(
    csr: x509.Pkcs10CertificateRequest,
    opts: Partial<IssueOptions> = {},
  ): Promise<x509.X509Certificate> {
    return this.issue({ subject: csr.subject, publicKey: csr.publicKey, ...opts });
  }

  async issued(cert: x509.X509Certificate): Promise<boolean> {
    return (
      cert.issuer === this.cert.subject &&
      (await cert.verify({ publicKey: this.cert.publicKey, signatureOnly: true }))
    );
  }
}

export function certPem(cert: x509.X509Certificate): string {
  return toPem('CERTIFICATE', cert.rawData);
}

/** Upper-case hex SHA-1 of DER bytes: the usual certificate thumbprint. */
export function sha1Hex(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha1')
    .update(Buffer.from(der as Uint8Array))
    .digest('hex')
    .toUpperCase();
}

export function sha1Thumbprint(cert: x509.X509Certificate): string {
  return sha1Hex(cert.rawData);
}

export function spkiOfCert(cert: x509.X509Certificate): Buffer {
  return Buffer.from(cert.publicKey.rawData);
}

export function publicKeyOfCert(cert: x509.X509Certificate) {
  return publicKeyOfSpki(spkiOfCert(cert));
}

// The extensions a CA puts in what it issues, made once per content (each costs a trip through ASN.1).
const NOT_A_CA = new x509.BasicConstraintsExtension(false, undefined, true);
const keyUsage = remember(
  (flags: number) => new x509.KeyUsagesExtension(flags, true),
  (flags) => String(flags),
);
const subjectAltName = remember(
  (dns: string[], ips: string[]) =>
    new x509.SubjectAlternativeNameExtension([
      ...dns.map((value) => ({ type: 'dns' as const, value })),
      ...ips.map((value) => ({ type: 'ip' as const, value })),
    ]),
  (dns, ips) => JSON.stringify([dns, ips]),
);
const extendedKeyUsage = remember(
  (usages: string[]) => new x509.ExtendedKeyUsageExtension(usages),
  (usages) => usages.join(),
);

const loadCa = remember(
  (name: TestCaName) => TestCa.read(name),
  (name) => name,
);
