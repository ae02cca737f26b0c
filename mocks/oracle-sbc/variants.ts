import type { VariantSpec } from '../../src/core/api.ts';
import type { Capability } from '../../suites/oracle-sbc/capabilities.ts';

/** What the bundled variants of older releases offer: both extra accounts and the plain-HTTP port. */
const ACCOUNTS_AND_HTTP: Capability[] = ['non-admin-account', 'second-admin-account', 'plain-http-listener'];
/** A release with REST v1.2 and certificate import, as the pages describe. */
const FULL: Capability[] = [...ACCOUNTS_AND_HTTP, 'api-version', 'certificate-import'];

/** Legitimately different, conforming SBCs. The suite must pass on every one. */
export const VARIANTS = {
  default: {
    description:
      'SBC with documented 10-minute tokens, RSA 4096 scratch record, management tasks that report inProgress once before success',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'short-token': {
    description:
      'SBC configured with 5-second tokens (expiry observable within a rule), other user and record names, RSA 1024 record, management tasks that finish at once',
    vendor: 'oracle',
    capabilities: [...FULL, 'token-expiry-observable'],
  },
  'terse-errors': {
    description:
      'SBC whose error messages are a flat <messages><message> list, whose poll links are relative paths, and whose tasks report "running" twice before success (all undocumented details)',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'token-discovery': {
    description:
      'SBC that also requires the Bearer token on GET /rest/api/supportedversions (401 without it; the documents do not say either way)',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'lenient-regenerate': {
    description:
      'SBC that reads a reGenerate value other than true as false (documented only as "Flag to indicate whether to regenerate CSR or not")',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'input-first': {
    description:
      'SBC whose generateRequest and import check the record (400, 404) before the administrator privilege and the lock, and whose unknown-record 404 has its own text (the documents fix neither the order nor that text)',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'lenient-import': {
    description:
      'SBC whose import stores any well-formed certificate without matching it against the record\'s key, and returns the record name in a <certificateRecord> element (documented: "syntactically invalid → fails" and "record name ... returned in response body")',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'csr-once': {
    description:
      'SBC that refuses (400) generateRequest without reGenerate=true on a record that already has a CSR (documented only as "probably returns the existing CSR or fails")',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'ecdsa-default': {
    description:
      'SBC whose certificate-record default key-algor is ecdsa (P-256), so a record that names no key-algor gets an EC key (the default is unverified [?] in the documents)',
    vendor: 'oracle',
    capabilities: FULL,
  },
  'lazy-expiry': {
    description:
      'SBC with 5-second tokens whose expiry is enforced by a sweep, so a token still works up to 3 s after its lifetime',
    vendor: 'oracle',
    capabilities: [...FULL, 'token-expiry-observable'],
  },
  'release-without-import': {
    description:
      'an SBC release whose REST API v1.2 has generateRequest but no certificate import (404 like any unknown resource): import is documented for some releases only',
    vendor: 'oracle',
    capabilities: [...ACCOUNTS_AND_HTTP, 'api-version'],
  },
  'release-v1.1': {
    description:
      'an older SBC release offering REST v1.0 and v1.1 only (no certificate endpoints, which are v1.2): supportedversions lists v1.0 and v1.1, and /rest/v1.2/… answers 404 "Unsupported versionId in URI"',
    vendor: 'oracle',
    capabilities: ACCOUNTS_AND_HTTP,
  },
  'expiring-tokens': {
    description:
      'SBC whose tokens stop working after 12 requests each while the profile says they live 600 s (an SBC configured with a shorter lifetime, or tokens revoked), though not while they hold the configuration lock (a token renewed before locking outlives a rule): the suite logs in again',
    vendor: 'oracle',
    capabilities: FULL,
  },
} as const satisfies Record<string, VariantSpec<Capability>>;

export type Variant = keyof typeof VARIANTS;

export interface Credentials {
  username: string;
  password: string;
}

export interface VariantConfig {
  admin: Credentials;
  /** A second administrator: the lock-owner rules need somebody else who can hold the lock. */
  otherAdmin: Credentials;
  /** A user without administrator privileges (403 rules). */
  nonAdmin: Credentials;
  /** Scratch certificate-record name the suite creates (and deletes). */
  recordName: string;
  keySize: 1024 | 2048 | 4096;
  tokenLifetimeSeconds: number;
  /** How many polls of a management task answer `inProgressStatus` before success. */
  taskPolls: number;
  inProgressStatus: string;
  /** Shape of error messages: <messages><error><reasonPhrase/><message/></error></messages> or <messages><message/></messages>. */
  errorShape: 'error-element' | 'message-list';
  /** Poll links as absolute URLs or as paths. */
  absoluteLinks: boolean;
  /** GET /rest/api/supportedversions needs a Bearer token too. */
  versionsNeedToken?: boolean;
  /** A reGenerate value other than true/false reads as false (instead of 400). */
  lenientRegenerate?: boolean;
  /** generateRequest and import look up the record (400, 404) before checking privileges and the lock; generateRequest checks the lock before privileges. */
  inputFirst?: boolean;
  /** The unknown-record 404 of generateRequest with this text instead of the page's description. */
  recordNotFoundText?: string;
  /** Import stores any well-formed certificate (no key match) and echoes the name as <certificateRecord>. */
  lenientImport?: boolean;
  /** generateRequest without reGenerate=true on a record that has a CSR answers 400 instead of that CSR. */
  csrOnce?: boolean;
  /** Seconds a token keeps working after its lifetime (expiry enforced late). */
  expiryLagSeconds?: number;
  /** A token stops working after this many requests made with it (and the lock it holds is freed). */
  tokenUses?: number;
  /** The certificate-record default key-algor (otherwise rsa). */
  defaultKeyAlgorithm?: 'rsa' | 'ecdsa';
  /** The REST versions this release offers (otherwise v1.0, v1.1, v1.2). */
  versions?: readonly string[];
  /** The release has no certificate import: its URI is an unknown resource (404). */
  withoutImport?: boolean;
}

/** What the variants that differ in one behaviour share: an SBC answering as the pages describe. */
const PLAIN = {
  keySize: 2048,
  tokenLifetimeSeconds: 600,
  taskPolls: 0,
  inProgressStatus: 'inProgress',
  errorShape: 'error-element',
  absoluteLinks: true,
} as const;

// TEST ONLY credentials of the bundled mock.
export const VARIANT_CONFIG: Record<Variant, VariantConfig> = {
  default: {
    admin: { username: 'admin', password: 'mock-admin-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-admin2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-operator-secret' },
    recordName: 'certconform-test',
    keySize: 4096,
    tokenLifetimeSeconds: 600,
    taskPolls: 1,
    inProgressStatus: 'inProgress',
    errorShape: 'error-element',
    absoluteLinks: true,
  },
  'short-token': {
    admin: { username: 'sbcadmin', password: 'mock-sbcadmin-secret' },
    otherAdmin: { username: 'secadmin', password: 'mock-secadmin-secret' },
    nonAdmin: { username: 'monitor', password: 'mock-monitor-secret' },
    recordName: 'cc-rest-server',
    keySize: 1024,
    tokenLifetimeSeconds: 5,
    taskPolls: 0,
    inProgressStatus: 'inProgress',
    errorShape: 'error-element',
    absoluteLinks: true,
  },
  'terse-errors': {
    admin: { username: 'rest-admin', password: 'mock-rest-admin-secret' },
    otherAdmin: { username: 'rest-admin-b', password: 'mock-rest-admin-b-secret' },
    nonAdmin: { username: 'readonly', password: 'mock-readonly-secret' },
    recordName: 'cc_sbc.tls',
    keySize: 2048,
    tokenLifetimeSeconds: 600,
    taskPolls: 2,
    inProgressStatus: 'running',
    errorShape: 'message-list',
    absoluteLinks: false,
  },
  'token-discovery': {
    admin: { username: 'apiadmin', password: 'mock-apiadmin-secret' },
    otherAdmin: { username: 'apiadmin2', password: 'mock-apiadmin2-secret' },
    nonAdmin: { username: 'viewer', password: 'mock-viewer-secret' },
    recordName: 'cc-discovery',
    keySize: 2048,
    tokenLifetimeSeconds: 600,
    taskPolls: 1,
    inProgressStatus: 'inProgress',
    errorShape: 'error-element',
    absoluteLinks: true,
    versionsNeedToken: true,
  },
  'lenient-regenerate': {
    admin: { username: 'admin', password: 'mock-lenient-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-lenient2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-lenient-operator-secret' },
    recordName: 'cc-lenient',
    ...PLAIN,
    lenientRegenerate: true,
  },
  'input-first': {
    admin: { username: 'sysadmin', password: 'mock-sysadmin-secret' },
    otherAdmin: { username: 'sysadmin2', password: 'mock-sysadmin2-secret' },
    nonAdmin: { username: 'user', password: 'mock-user-secret' },
    recordName: 'cc-input-first',
    ...PLAIN,
    inputFirst: true,
    recordNotFoundText: 'certificate-record does not exist',
  },
  'lenient-import': {
    admin: { username: 'admin', password: 'mock-import-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-import2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-import-operator-secret' },
    recordName: 'cc-lenient-import',
    ...PLAIN,
    lenientImport: true,
  },
  'csr-once': {
    admin: { username: 'admin', password: 'mock-once-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-once2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-once-operator-secret' },
    recordName: 'cc-csr-once',
    ...PLAIN,
    csrOnce: true,
  },
  'ecdsa-default': {
    admin: { username: 'admin', password: 'mock-ecdsa-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-ecdsa2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-ecdsa-operator-secret' },
    recordName: 'cc-ecdsa',
    ...PLAIN,
    defaultKeyAlgorithm: 'ecdsa',
  },
  'lazy-expiry': {
    admin: { username: 'admin', password: 'mock-lazy-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-lazy2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-lazy-operator-secret' },
    recordName: 'cc-lazy-expiry',
    ...PLAIN,
    tokenLifetimeSeconds: 5,
    expiryLagSeconds: 3,
  },
  'expiring-tokens': {
    admin: { username: 'admin', password: 'mock-expiring-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-expiring2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-expiring-operator-secret' },
    recordName: 'cc-expiring',
    ...PLAIN,
    tokenUses: 12,
  },
  'release-without-import': {
    admin: { username: 'admin', password: 'mock-noimport-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-noimport2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-noimport-operator-secret' },
    recordName: 'cc-no-import',
    ...PLAIN,
    withoutImport: true,
  },
  'release-v1.1': {
    admin: { username: 'admin', password: 'mock-v11-secret' },
    otherAdmin: { username: 'admin2', password: 'mock-v11-2-secret' },
    nonAdmin: { username: 'operator', password: 'mock-v11-operator-secret' },
    recordName: 'cc-v11',
    ...PLAIN,
    versions: ['v1.0', 'v1.1'],
  },
};
