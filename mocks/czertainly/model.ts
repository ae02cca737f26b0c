import { randomUUID } from 'node:crypto';

/** Fixed identities of the mock CZERTAINLY core, so the profile of a started mock is known without asking it. */
export const IDS = {
  authority: '4a3b6a1e-6c77-4f0b-9d44-2f7c9f1d0a01',
  legacyAuthority: '4a3b6a1e-6c77-4f0b-9d44-2f7c9f1d0a02',
  raProfile: 'b5c1d2e3-0a1b-4c2d-8e3f-000000000001',
  raProfileName: 'certconform-ra',
  disabledRaProfile: 'b5c1d2e3-0a1b-4c2d-8e3f-000000000002',
  disabledRaProfileName: 'certconform-ra-disabled',
  legacyRaProfile: 'b5c1d2e3-0a1b-4c2d-8e3f-000000000003',
  legacyRaProfileName: 'certconform-legacy',
  tokenProfile: 'c7a0e9f1-5d2b-4e3c-9f4a-000000000001',
  altTokenProfile: 'c7a0e9f1-5d2b-4e3c-9f4a-000000000002',
  keys: ['d8b1f0a2-6e3c-4f4d-8a5b-000000000001', 'd8b1f0a2-6e3c-4f4d-8a5b-000000000002'],
  disposableKey: 'd8b1f0a2-6e3c-4f4d-8a5b-000000000003',
  spareKey: 'd8b1f0a2-6e3c-4f4d-8a5b-000000000004',
  altKeys: ['e9c2a1b3-7f4d-405e-9b6c-000000000001', 'e9c2a1b3-7f4d-405e-9b6c-000000000002'],
  caCertificate: 'f0d3b2c4-8a5e-416f-8c7d-000000000001',
} as const;

export const ADMIN_TOKEN = 'certconform-mock-admin-token';
export const READ_ONLY_TOKEN = 'certconform-mock-auditor-token';
export const CLIENT_CERT_CN = 'certconform-admin';

export const CERTIFICATE_STATES = [
  'requested',
  'rejected',
  'pending_approval',
  'pending_issue',
  'pending_revoke',
  'failed',
  'issued',
  'revoked',
] as const;

export const STATE_LABELS: Record<string, string> = {
  requested: 'Requested',
  rejected: 'Rejected',
  pending_approval: 'Pending approval',
  pending_issue: 'Pending issue',
  pending_revoke: 'Pending revoke',
  failed: 'Failed',
  issued: 'Issued',
  revoked: 'Revoked',
  processing: 'Processing',
};

export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export const END_ENTITY_STATUSES = [
  'NEW',
  'FAILED',
  'INITIALIZED',
  'IN_PROCESS',
  'GENERATED',
  'REVOKED',
  'HISTORICAL',
  'KEY_RECOVERY',
  'WAITING_FOR_ADD_APPROVAL',
] as const;

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newUuid(): string {
  return randomUUID();
}
