import type { VariantSpec } from '../../src/core/api.ts';

/** Conforming CZERTAINLY behaviours the suite must accept unchanged. */
export const VARIANTS = {
  immediate: {
    description:
      'Bearer-token auth; the CA connector answers at once, so a new certificate is already `issued` when the 200 arrives (the answer still carries an empty certificateData).',
    vendor: 'czertainly',
  },
  delayed: {
    description:
      'Bearer-token auth; issue, renew, rekey and revoke are queued and finish after a short delay (the certificate is `requested` first).',
    vendor: 'czertainly',
  },
  approval: {
    description:
      'The RA profile has an approval profile: certificates (and revocations) wait in `pending_approval` before the CA acts; the mock approves them after a short delay.',
    vendor: 'czertainly',
  },
  'client-cert': {
    description:
      'Mutual TLS: the harness authenticates with a client certificate signed by the test CA instead of a bearer token.',
    vendor: 'czertainly',
  },
} as const satisfies Record<string, VariantSpec>;

export type Variant = keyof typeof VARIANTS;

export interface VariantBehaviour {
  /** Delay before a queued action (issue, renew, rekey, revoke) is processed; 0 = processed before answering. */
  queueDelayMs: number;
  /** Time spent in pending_approval, or undefined when the RA profile has no approval profile. */
  approvalMs?: number;
  clientCertAuth: boolean;
}

export const BEHAVIOUR: Record<Variant, VariantBehaviour> = {
  immediate: { queueDelayMs: 0, clientCertAuth: false },
  delayed: { queueDelayMs: 40, clientCertAuth: false },
  approval: { queueDelayMs: 15, approvalMs: 40, clientCertAuth: false },
  'client-cert': { queueDelayMs: 0, clientCertAuth: true },
};
