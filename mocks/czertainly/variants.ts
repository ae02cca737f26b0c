import type { VariantSpec } from '../../src/core/api.ts';
import type { Capability } from '../../suites/czertainly/capabilities.ts';

/** Every capability of the suite: the bundled mock's profile sets every optional parameter. */
const ALL: readonly Capability[] = [
  'platform-keys',
  'disposable-key',
  'hybrid',
  'disabled-ra-profile',
  'legacy-v1',
  'ra-profile-name',
  'authentication',
  'restricted-account',
  'inventory-search',
];

/** Conforming CZERTAINLY behaviours the suite must accept unchanged. */
export const VARIANTS = {
  immediate: {
    description:
      'Bearer-token auth; the CA connector answers at once, so a new certificate is already `issued` when the 200 arrives (the answer still carries an empty certificateData).',
    vendor: 'czertainly',
    capabilities: ALL,
  },
  delayed: {
    description:
      'Bearer-token auth; issue, renew, rekey and revoke are queued and finish after a short delay (the certificate is `requested` first). The 200 answers carry only the required `uuid`, no certificateData.',
    vendor: 'czertainly',
    capabilities: ALL,
  },
  approval: {
    description:
      'The RA profile has an approval profile: certificates (and revocations) wait in `pending_approval` before the CA acts; the mock approves them after a short delay.',
    vendor: 'czertainly',
    capabilities: ALL,
  },
  'client-cert': {
    description:
      'Mutual TLS: the harness authenticates with a client certificate signed by the test CA instead of a bearer token.',
    vendor: 'czertainly',
    capabilities: ALL,
  },
  synchronous: {
    description:
      'An older, synchronous platform: issue, renew and rekey sign before answering and return the certificate in certificateData together with its uuid; the inventory search has no SERIAL_NUMBER filter (400).',
    vendor: 'czertainly',
    capabilities: ALL.filter((c) => c !== 'inventory-search'),
  },
  'other-implementation': {
    description:
      'Another implementation of the documented API (vendor "other": the VENDOR rules of CZERTAINLY-Core skip): where the documents leave the status of a refusal open it answers the other documented one (rekey refusals 400 {message}; issue without key or with a garbage CSR, and renew without a body, 422 [messages]), 403 as application/json, 405 for a wrong method.',
    vendor: 'other',
    capabilities: ALL,
  },
  'no-legacy': {
    description:
      'A platform without the legacy v1 client API (no EJBCA-legacy authority): every /v1/operations/… route answers 404 {"message": "No endpoint …"}, although the profile names a legacy RA profile. The legacy rules skip ("legacy v1 client API: not offered by this platform …").',
    vendor: 'czertainly',
    capabilities: ALL.filter((c) => c !== 'legacy-v1'),
  },
  ecdsa: {
    description:
      'An EC RA profile: the CA behind it is an ECDSA P-384 CA that signs with SHA-384 (made at start), the platform keys are EC P-256 and P-384, and the certificate detail reports ECDSA keys of 256 or 384 bits.',
    vendor: 'czertainly',
    capabilities: ALL,
  },
  lean: {
    description:
      'Another implementation (vendor "other") that gives only what the documents promise: it validates an issue body against the schema before it checks the permission, its certificate detail leaves out the optional serialNumber and issuerDn, and it does not hold the CA certificate, so a chain is only the certificate itself with completeChain false.',
    vendor: 'other',
    capabilities: ALL,
  },
} as const satisfies Record<string, VariantSpec<Capability>>;

export type Variant = keyof typeof VARIANTS;

export interface VariantBehaviour {
  /** Delay before a queued action (issue, renew, rekey, revoke) is processed; 0 = processed before answering. */
  queueDelayMs: number;
  /** Time spent in pending_approval, or undefined when the RA profile has no approval profile. */
  approvalMs?: number;
  clientCertAuth: boolean;
  /** What 200 answers of issue, renew and rekey carry in certificateData. */
  certificateData: 'empty' | 'omitted' | 'certificate';
  /** The inventory search knows the SERIAL_NUMBER filter. */
  serialSearch: boolean;
  /** Refusals whose status the documents leave open get the other documented answer (400 vs 422). */
  alternateRefusals?: boolean;
  /** An issue body that is not schema-valid is refused (400) before the permission is checked (403). */
  validateBeforeAuthorize?: boolean;
  /** The certificate detail carries only what CertificateDetailDto requires of serial and issuer: neither. */
  leanDetail?: boolean;
  /** The CA certificate is not in the inventory: chains are incomplete (completeChain false). */
  caOutsideInventory?: boolean;
  /** The legacy v1 client API is not served (its routes answer 404). */
  noLegacy?: boolean;
  /** The RA profile's CA is ECDSA P-384 (SHA-384 signatures) and the platform keys are EC. */
  ecdsa?: boolean;
}

export const BEHAVIOUR: Record<Variant, VariantBehaviour> = {
  immediate: { queueDelayMs: 0, clientCertAuth: false, certificateData: 'empty', serialSearch: true },
  delayed: { queueDelayMs: 40, clientCertAuth: false, certificateData: 'omitted', serialSearch: true },
  approval: {
    queueDelayMs: 15,
    approvalMs: 40,
    clientCertAuth: false,
    certificateData: 'empty',
    serialSearch: true,
  },
  'client-cert': { queueDelayMs: 0, clientCertAuth: true, certificateData: 'empty', serialSearch: true },
  synchronous: {
    queueDelayMs: 0,
    clientCertAuth: false,
    certificateData: 'certificate',
    serialSearch: false,
  },
  'other-implementation': {
    queueDelayMs: 0,
    clientCertAuth: false,
    certificateData: 'empty',
    serialSearch: true,
    alternateRefusals: true,
  },
  'no-legacy': {
    queueDelayMs: 0,
    clientCertAuth: false,
    certificateData: 'empty',
    serialSearch: true,
    noLegacy: true,
  },
  ecdsa: {
    queueDelayMs: 0,
    clientCertAuth: false,
    certificateData: 'empty',
    serialSearch: true,
    ecdsa: true,
  },
  lean: {
    queueDelayMs: 0,
    clientCertAuth: false,
    certificateData: 'omitted',
    serialSearch: true,
    validateBeforeAuthorize: true,
    leanDetail: true,
    caOutsideInventory: true,
  },
};
