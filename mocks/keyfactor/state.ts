import { createHash, randomBytes } from 'node:crypto';
import { TestCa, sha1Thumbprint } from '../../src/pki/ca.ts';
import { KeyPool, RSA_SHA256 } from '../../src/pki/keys.ts';
import { x509, type CryptoKey, type CryptoKeyPair } from '../../src/pki/x509.ts';
import type { Variant } from './variants.ts';

/** Fixed, TEST ONLY credentials of the mock's two users. */
export const USERS = {
  admin: {
    username: 'CERTCONFORM\\kfadmin',
    password: 'Kf-Admin-Test-Only-1',
    token: 'kf-admin-bearer-TEST-ONLY-7c1d',
    collections: 'all',
  },
  collectionUser: {
    username: 'CERTCONFORM\\kfscoped',
    password: 'Kf-Scoped-Test-Only-2',
    token: 'kf-scoped-bearer-TEST-ONLY-3e9a',
    collections: [7],
  },
} as const;
export type UserName = keyof typeof USERS;

export const CA_NAME = 'ca01.certconform.test\\CertConform Issuing CA';
export const TEMPLATES = ['WebServer', 'WebServer2Y'] as const;
export const COLLECTION_ID = 7;

export interface Store {
  id: string;
  machine: string;
  path: string;
  type: number;
}

export const STORES: readonly Store[] = [
  {
    id: '3b8e5a2c-1d4f-4c6a-9e21-5f0b7a9c1d01',
    machine: 'web01.certconform.test',
    path: 'IIS Personal',
    type: 104,
  },
  {
    id: '7f2c9d14-8a3b-4e5f-b6c7-2d1e0f9a8b02',
    machine: 'lb01.certconform.test',
    path: '/nsconfig/ssl',
    type: 5,
  },
  {
    id: 'c0d1e2f3-a4b5-4c6d-8e7f-9a0b1c2d3e03',
    machine: 'app01.certconform.test',
    path: '/opt/app/keystore.jks',
    type: 3,
  },
];

export interface CertRecord {
  id: number;
  requestId: number;
  cert: x509.X509Certificate;
  der: Buffer;
  /** PKCS#8 PEM of the certificate's key (Command retained it), TEST ONLY. */
  keyPem: string;
  thumbprint: string;
  serial: string;
  template: string;
  caName: string;
  renewalType: 0 | 1 | 2;
  collections: number[];
  stores: string[];
}

export interface VariantConfig {
  idField: 'KeyfactorID' | 'KeyfactorId';
  requestIdField: 'KeyfactorRequestID' | 'KeyfactorRequestId';
  auth: 'basic' | 'bearer';
  unknownCertificateStatus: 400 | 404;
  ids: { renewable: number; oneClick: number; noRenewal: number; inStores: number; inCollection: number };
}

export const VARIANT_CONFIG: Record<Variant, VariantConfig> = {
  default: {
    idField: 'KeyfactorID',
    requestIdField: 'KeyfactorRequestID',
    auth: 'basic',
    unknownCertificateStatus: 400,
    ids: { renewable: 101, oneClick: 102, noRenewal: 103, inStores: 104, inCollection: 105 },
  },
  'spec-casing': {
    idField: 'KeyfactorId',
    requestIdField: 'KeyfactorRequestId',
    auth: 'basic',
    unknownCertificateStatus: 404,
    ids: { renewable: 2301, oneClick: 2417, noRenewal: 2502, inStores: 2650, inCollection: 2711 },
  },
  bearer: {
    idField: 'KeyfactorID',
    requestIdField: 'KeyfactorRequestID',
    auth: 'bearer',
    unknownCertificateStatus: 400,
    ids: { renewable: 101, oneClick: 102, noRenewal: 103, inStores: 104, inCollection: 105 },
  },
};

export function upperHex(hex: string): string {
  return hex.replace(/^0+(?=.)/, '').toUpperCase();
}

/** Command's inventory: certificates, one CA (the repository's TEST ONLY CA), templates and stores. */
export class Inventory {
  readonly certs = new Map<number, CertRecord>();
  readonly jobs: Array<{ kind: 'replace' | 'deploy'; certificateId: number; storeId: string }> = [];
  private nextId = 5000;
  private nextRequestId = 90_000;
  // Offset 7: keep clear of the key loopbackTls() draws first.
  private readonly pool = new KeyPool(7);
  private rogue?: CryptoKeyPair;

  private constructor(readonly ca: TestCa) {}

  static async create(config: VariantConfig): Promise<Inventory> {
    const inv = new Inventory(await TestCa.load());
    const seed: Array<[number, string, 0 | 1 | 2, number[], string[]]> = [
      [config.ids.renewable, 'CN=portal.certconform.test, O=certconform', 1, [], []],
      [config.ids.oneClick, 'CN=api.certconform.test, O=certconform', 2, [], []],
      [config.ids.noRenewal, 'CN=legacy.certconform.test, O=certconform', 0, [], []],
      [
        config.ids.inStores,
        'CN=web01.certconform.test, O=certconform',
        1,
        [],
        [STORES[0]!.id, STORES[1]!.id],
      ],
      [config.ids.inCollection, 'CN=team.certconform.test, O=certconform', 1, [COLLECTION_ID], []],
    ];
    for (const [id, subject, renewalType, collections, stores] of seed) {
      const rec = await inv.issue({
        subject,
        template: TEMPLATES[0],
        caName: CA_NAME,
        renewalType,
        collections,
        stores,
      });
      inv.certs.delete(rec.id);
      inv.certs.set(id, { ...rec, id });
    }
    return inv;
  }

  /** Issues a certificate from the CA with a pooled key and records it. */
  async issue(opts: {
    subject: string;
    template: string;
    caName: string;
    renewalType: 0 | 1 | 2;
    collections: number[];
    stores: string[];
    serial?: string;
    wrongSigner?: boolean;
  }): Promise<CertRecord> {
    const key = await this.pool.take(2048);
    const cert = opts.wrongSigner
      ? await this.rogueIssue(opts.subject, key.keys.publicKey)
      : await this.ca.issue({
          subject: opts.subject,
          publicKey: key.keys.publicKey,
          ...(opts.serial ? { serialNumber: opts.serial } : {}),
          dnsNames: [/CN=([^,]+)/.exec(opts.subject)?.[1] ?? 'host.certconform.test'],
          extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
        });
    const rec: CertRecord = {
      id: this.nextId++,
      requestId: this.nextRequestId++,
      cert,
      der: Buffer.from(cert.rawData),
      keyPem: key.privatePem,
      thumbprint: sha1Thumbprint(cert),
      serial: upperHex(cert.serialNumber),
      template: opts.template,
      caName: opts.caName,
      renewalType: opts.renewalType,
      collections: opts.collections,
      stores: opts.stores,
    };
    this.certs.set(rec.id, rec);
    return rec;
  }

  /** Fault support: a certificate that names the CA as issuer but is signed by another key. */
  private async rogueIssue(subject: string, publicKey: CryptoKey): Promise<x509.X509Certificate> {
    this.rogue ??= (await new KeyPool(3).take(2048)).keys;
    return x509.X509CertificateGenerator.create({
      serialNumber: '01' + randomBytes(15).toString('hex'),
      subject,
      issuer: this.ca.cert.subject,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      signingAlgorithm: RSA_SHA256,
      publicKey,
      signingKey: this.rogue.privateKey,
    });
  }

  async otherKeyPem(): Promise<string> {
    return (await new KeyPool(11).take(2048)).privatePem;
  }

  byThumbprint(thumbprint: string): CertRecord | undefined {
    const wanted = thumbprint.replace(/[\s:]/g, '').toUpperCase();
    return [...this.certs.values()].find((c) => c.thumbprint === wanted);
  }
}

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}
