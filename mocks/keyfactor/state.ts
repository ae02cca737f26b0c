import { generateCertificate } from '../../src/pki/generate.ts';
import { createHash, randomBytes } from 'node:crypto';
import { TestCa, sha1Thumbprint, type TestCaName } from '../../src/pki/ca.ts';
import { KeyPool, RSA_SHA256, type PoolCurve } from '../../src/pki/keys.ts';
import type { Pkcs12ProtectionName } from '../../src/pki/pkcs12.ts';
import type { CryptoKey, CryptoKeyPair, x509 } from '../../src/pki/x509.ts';
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
/** The older CA that issued the profile's certificates of the `new-issuer` variant (TEST ONLY, no certificate). */
export const LEGACY_CA_NAME = 'CN=CertConform Legacy Issuing CA, O=certconform';

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
}

/** A certificate in a store, under an alias (what GET /Certificates/{id}?includeLocations=true lists). */
export interface StoreEntry {
  storeId: string;
  alias: string;
  certificateId: number;
}

/** A management job an orchestrator runs: put a certificate into a store under an alias, or take it out. */
export interface Job {
  kind: 'add' | 'remove';
  storeId: string;
  alias: string;
  certificateId?: number;
  /** When the orchestrator runs it (ms since the epoch). */
  dueAt: number;
}

export interface VariantConfig {
  idField: 'KeyfactorID' | 'KeyfactorId';
  requestIdField: 'KeyfactorRequestID' | 'KeyfactorRequestId';
  auth: 'basic' | 'bearer';
  unknownCertificateStatus: 400 | 404;
  /** When orchestrator jobs (Replace, Deploy, store add/remove) run: some time after the answer, or before it. */
  jobs: 'scheduled' | 'instant';
  /** PFX enrollment: the archive is protected by the requested Password, or by one Command generates. */
  pfxPassword: 'requested' | 'generated';
  /** PFX enrollment honours IncludeChain, or packs the end-entity certificate only. */
  pfxChain: 'as-requested' | 'leaf-only';
  /** How PFX archives are encrypted and MACed (the documents name no algorithm). */
  pfxProtection: Pkcs12ProtectionName;
  /** The issued certificates' keys (RSA bits or an EC curve) and the CA that signs them. */
  keys: 2048 | PoolCurve;
  ca: TestCaName;
  /** Renew's IssuerDN: the issuer, or null (the OpenAPI marks it nullable). */
  renewIssuerDn: 'issuer' | 'null';
  /** AvailableRenewal answers Message, or leaves it out (the schema does not require it). */
  renewalMessage: boolean;
  /** Thumbprints in upper-case hex (Command's habit) or lower-case (hex is case-insensitive). */
  thumbprintCase: 'upper' | 'lower';
  /** The digest a thumbprint is: SHA-1 (Command's) or SHA-256 (the documents name none). */
  thumbprintDigest: 'sha1' | 'sha256';
  /** Serial numbers in hex (Command's habit) or decimal (the documents fix no notation). */
  serialForm: 'hex' | 'decimal';
  /** The status of a validation refusal (the documents give none): 400, or 422. */
  validationStatus: 400 | 422;
  /** The status refusing a collection-scoped user without collectionId (undocumented): 403, or 404. */
  scopeRefusalStatus: 403 | 404;
  /** PFX/Replace and PFX/Deploy answer an empty FailedStores, or leave it out (the schema requires neither list). */
  emptyFailedStores: 'listed' | 'omitted';
  /** The profile of this variant deletes what the run issued (params.deleteCreatedCertificates). */
  deletesCreated: boolean;
  /**
   * What the main account may do: everything, or renew only (no PFX enrollment, no store schedule permission:
   * GET /Status/Endpoints lists neither, and those endpoints refuse it 403).
   */
  permissions: 'all' | 'renew-only';
  /** Who issued the certificates the profile names: the CA renewals use, or an older CA (renewal changes issuer). */
  seededBy: 'ca' | 'legacy-ca';
  ids: { renewable: number; oneClick: number; noRenewal: number; inStores: number; inCollection: number };
}

/** Command as it answers by default; each other variant differs in what it names. */
const COMMAND: VariantConfig = {
  idField: 'KeyfactorID',
  requestIdField: 'KeyfactorRequestID',
  auth: 'basic',
  unknownCertificateStatus: 400,
  jobs: 'scheduled',
  pfxPassword: 'requested',
  pfxChain: 'as-requested',
  pfxProtection: 'clear-certs-3des',
  permissions: 'all',
  seededBy: 'ca',
  keys: 2048,
  ca: 'test-ca',
  renewIssuerDn: 'issuer',
  renewalMessage: true,
  thumbprintCase: 'upper',
  thumbprintDigest: 'sha1',
  serialForm: 'hex',
  validationStatus: 400,
  scopeRefusalStatus: 403,
  emptyFailedStores: 'listed',
  deletesCreated: false,
  ids: { renewable: 101, oneClick: 102, noRenewal: 103, inStores: 104, inCollection: 105 },
};

export const VARIANT_CONFIG: Record<Variant, VariantConfig> = {
  default: COMMAND,
  'spec-casing': {
    ...COMMAND,
    idField: 'KeyfactorId',
    requestIdField: 'KeyfactorRequestId',
    unknownCertificateStatus: 404,
    deletesCreated: true,
    ids: { renewable: 2301, oneClick: 2417, noRenewal: 2502, inStores: 2650, inCollection: 2711 },
  },
  bearer: {
    ...COMMAND,
    auth: 'bearer',
  },
  'instant-jobs': {
    ...COMMAND,
    jobs: 'instant',
    renewIssuerDn: 'null',
    renewalMessage: false,
  },
  'pfx-generated': {
    ...COMMAND,
    idField: 'KeyfactorId',
    requestIdField: 'KeyfactorRequestId',
    unknownCertificateStatus: 404,
    pfxPassword: 'generated',
    pfxChain: 'leaf-only',
    pfxProtection: 'openssl-legacy',
    thumbprintCase: 'lower',
    ids: { renewable: 301, oneClick: 302, noRenewal: 303, inStores: 304, inCollection: 305 },
  },
  'open-choices': {
    ...COMMAND,
    idField: 'KeyfactorId',
    requestIdField: 'KeyfactorRequestId',
    unknownCertificateStatus: 404,
    thumbprintDigest: 'sha256',
    serialForm: 'decimal',
    validationStatus: 422,
    scopeRefusalStatus: 404,
    emptyFailedStores: 'omitted',
    pfxProtection: 'tripledes-sha1',
    ids: { renewable: 401, oneClick: 402, noRenewal: 403, inStores: 404, inCollection: 405 },
  },
  'renew-only': {
    ...COMMAND,
    permissions: 'renew-only',
    ids: { renewable: 501, oneClick: 502, noRenewal: 503, inStores: 504, inCollection: 505 },
  },
  'new-issuer': {
    ...COMMAND,
    seededBy: 'legacy-ca',
    ids: { renewable: 601, oneClick: 602, noRenewal: 603, inStores: 604, inCollection: 605 },
  },
  ecdsa: {
    ...COMMAND,
    keys: 'P-256',
    ca: 'test-ca-ec',
    pfxProtection: 'aes256-sha256',
  },
};

/** How long after its scheduling a job of a 'scheduled' variant runs (the orchestrator's next poll). */
export const JOB_LAG_MS = 300;

export function upperHex(hex: string): string {
  return hex.replace(/^0+(?=.)/, '').toUpperCase();
}

/** Command's inventory: certificates, one CA (the repository's TEST ONLY CA), templates and stores. */
export class Inventory {
  readonly certs = new Map<number, CertRecord>();
  readonly entries: StoreEntry[] = [];
  readonly jobs: Job[] = [];
  /** The store entries before the run, to tell what the run left changed. */
  private initialEntries: StoreEntry[] = [];
  /** Certificates issued after start-up (by the run). */
  readonly issued = new Set<number>();
  private nextId = 5000;
  private nextRequestId = 90_000;
  // Offset 7: keep clear of the key loopbackTls() draws first.
  private readonly pool = new KeyPool(7);
  private rogue?: CryptoKeyPair;

  private constructor(
    readonly ca: TestCa,
    private readonly config: VariantConfig,
  ) {}

  static async create(config: VariantConfig): Promise<Inventory> {
    const inv = new Inventory(await TestCa.load(config.ca), config);
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
        legacy: config.seededBy === 'legacy-ca',
      });
      inv.certs.delete(rec.id);
      inv.issued.delete(rec.id);
      inv.certs.set(id, { ...rec, id });
      for (const storeId of stores) inv.entries.push({ storeId, alias: rec.thumbprint, certificateId: id });
    }
    inv.initialEntries = inv.entries.map((e) => ({ ...e }));
    return inv;
  }

  /** Where a certificate sits now. */
  locations(certificateId: number): StoreEntry[] {
    return this.entries.filter((e) => e.certificateId === certificateId);
  }

  /** Schedules an orchestrator job; an 'instant' Command has run it before it answers. */
  schedule(job: Omit<Job, 'dueAt'>): void {
    this.jobs.push({ ...job, dueAt: Date.now() + (this.config.jobs === 'instant' ? 0 : JOB_LAG_MS) });
    if (this.config.jobs === 'instant') this.runJobs(Date.now());
  }

  /** Runs the jobs that are due, in the order they were scheduled (an orchestrator works its queue in order). */
  runJobs(now: number): void {
    while (this.jobs.length && this.jobs[0]!.dueAt <= now) {
      const job = this.jobs.shift()!;
      const at = this.entries.findIndex(
        (e) => e.storeId === job.storeId && e.alias.toLowerCase() === job.alias.toLowerCase(),
      );
      if (job.kind === 'remove') {
        if (at >= 0) this.entries.splice(at, 1);
      } else if (at >= 0) {
        this.entries[at]!.certificateId = job.certificateId!;
      } else {
        this.entries.push({ storeId: job.storeId, alias: job.alias, certificateId: job.certificateId! });
      }
    }
  }

  /**
   * What the run left changed that the harness was responsible for undoing: store contents (after every job
   * still queued has run, as it will), and, when the profile deletes what it issued, the certificates it issued.
   */
  residue(): string[] {
    this.runJobs(Number.POSITIVE_INFINITY);
    const key = (e: StoreEntry) => `${e.storeId}|${e.alias.toLowerCase()}|${e.certificateId}`;
    const before = new Set(this.initialEntries.map(key));
    const now = new Set(this.entries.map(key));
    const out: string[] = [];
    for (const e of this.entries)
      if (!before.has(key(e)))
        out.push(
          `store ${e.storeId} holds certificate ${e.certificateId} as "${e.alias}" (not before the run)`,
        );
    for (const e of this.initialEntries)
      if (!now.has(key(e)))
        out.push(`store ${e.storeId} no longer holds certificate ${e.certificateId} as "${e.alias}"`);
    if (this.config.deletesCreated)
      for (const id of this.issued)
        if (this.certs.has(id)) out.push(`certificate ${id}, issued by the run, was not deleted`);
    return out;
  }

  /** Issues a certificate from the CA with a pooled key and records it. */
  async issue(opts: {
    subject: string;
    template: string;
    caName: string;
    renewalType: 0 | 1 | 2;
    collections: number[];
    serial?: string;
    wrongSigner?: boolean;
    /** Issued by the older CA (LEGACY_CA_NAME), which no renewal uses. */
    legacy?: boolean;
  }): Promise<CertRecord> {
    const key = await this.pool.take(this.config.keys);
    const cert = opts.wrongSigner
      ? await this.rogueIssue(opts.subject, key.keys.publicKey)
      : opts.legacy
        ? await this.rogueIssue(opts.subject, key.keys.publicKey, LEGACY_CA_NAME)
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
      thumbprint: this.thumbprintOf(cert),
      serial:
        this.config.serialForm === 'decimal'
          ? BigInt(`0x${cert.serialNumber}`).toString(10)
          : upperHex(cert.serialNumber),
      template: opts.template,
      caName: opts.caName,
      renewalType: opts.renewalType,
      collections: opts.collections,
    };
    this.certs.set(rec.id, rec);
    this.issued.add(rec.id);
    return rec;
  }

  private thumbprintOf(cert: x509.X509Certificate): string {
    const hex =
      this.config.thumbprintDigest === 'sha256' ? sha256Hex(Buffer.from(cert.rawData)) : sha1Thumbprint(cert);
    return this.config.thumbprintCase === 'lower' ? hex.toLowerCase() : hex;
  }

  /**
   * A certificate signed by a key that is not the CA's: naming the CA as issuer (fault support), or naming the
   * older CA the `new-issuer` variant's certificates come from.
   */
  private async rogueIssue(
    subject: string,
    publicKey: CryptoKey,
    issuer = this.ca.cert.subject,
  ): Promise<x509.X509Certificate> {
    this.rogue ??= (await new KeyPool(3).take(2048)).keys;
    return generateCertificate({
      serialNumber: '01' + randomBytes(15).toString('hex'),
      subject,
      issuer,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
      signingAlgorithm: RSA_SHA256,
      publicKey,
      signingKey: this.rogue.privateKey,
    });
  }

  async otherKeyPem(): Promise<string> {
    return (await new KeyPool(11).take(this.config.keys)).privatePem;
  }

  byThumbprint(thumbprint: string): CertRecord | undefined {
    const wanted = thumbprint.replace(/[\s:]/g, '').toUpperCase();
    return [...this.certs.values()].find((c) => c.thumbprint.toUpperCase() === wanted);
  }
}

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}
