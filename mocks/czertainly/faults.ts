import type { FaultSpec } from '../../src/core/api.ts';
import type { Variant } from './variants.ts';

/** Named deviations from documented CZERTAINLY behaviour; each is tied to the rule(s) that must catch it. */
export const FAULTS = {
  // v2 issue
  'issue-status-201': { description: 'issueCertificate answers 201 instead of the documented 200.' },
  'issue-data-mismatch': {
    description:
      'A synchronous issue answer carries another certificate (the CA certificate) in certificateData than the one its uuid names.',
    variant: 'synchronous',
  },
  'detail-serial-mismatch': {
    description: 'The certificate detail reports a serial number the certificate does not have.',
  },
  'issue-wrong-key': {
    description: 'Certificates issued from a CSR carry a different public key than the CSR.',
  },
  'issue-wrong-subject': {
    description: 'Certificates issued from a CSR drop the last RDN of the CSR subject.',
  },
  'sign-with-rogue-ca': {
    description:
      'Certificates are signed by a different key that uses the authority CA name (they do not chain).',
  },
  'duplicate-serials': { description: 'Every certificate issued by the v2 API gets the same serial number.' },
  'key-issue-wrong-key': {
    description: 'Issue from a platform key (keyUuid) signs another key of the token profile.',
  },
  'issue-without-csr-accepted': { description: 'An issue request with neither a CSR nor a key is accepted.' },
  'garbage-csr-accepted': {
    description: 'An issue request whose `request` is not a PKCS#10 CSR is accepted (200).',
  },
  'unknown-format-accepted': {
    description: 'An unknown `format` enum value is accepted instead of refused with 400.',
  },
  'unknown-ra-profile-422': { description: 'An unknown RA profile UUID gets 422 instead of 404.' },
  'disabled-ra-profile-issues': { description: 'A disabled RA profile issues certificates.' },
  'issue-requested-ignored': {
    description:
      'issueRequestedCertificate answers 200 but the requested certificate ends in state failed, never signed.',
  },
  'issue-requested-reissues': {
    description: 'issueRequestedCertificate accepts a certificate that is already issued.',
  },
  'crmf-key-issue-accepted': {
    description:
      'Issue from a platform key with format "crmf" is accepted although CRMF cannot be generated.',
  },
  // state machine
  'operations-on-requested-accepted': {
    description: 'Renew and revoke accept a certificate that is still in state requested.',
  },
  'state-unknown-value': {
    description: 'A queued certificate reports the undocumented state "processing" before it is issued.',
    variant: 'delayed',
  },
  'renewed-detail-bad-date': {
    description:
      'The inventory detail of a renewed or rekeyed certificate reports notAfter as "2026-05-01 10:00:00" (not an RFC 3339 date-time).',
  },
  'rekey-answer-data-object': {
    description:
      'The rekey answer carries certificateData as an object {"content": …, "format": "base64"} instead of the documented string.',
  },
  'archived-operations-accepted': { description: 'Renew, rekey and revoke accept an archived certificate.' },
  'renew-revoked-accepted': { description: 'A revoked certificate can be renewed.' },
  'rekey-revoked-accepted': { description: 'A revoked certificate can be rekeyed.' },
  'revoke-revoked-accepted': { description: 'A revoked certificate can be revoked again (204).' },
  // renew
  'renew-not-served': {
    description:
      'The documented renew route answers every request 404 {"message": "No endpoint POST …"}, as a platform without the route does.',
  },
  'renew-reuses-uuid': {
    description: 'Renew answers with the UUID of the old certificate instead of a new one.',
  },
  'renew-new-key': {
    description: 'Renew without a CSR certifies a different key instead of the existing one.',
  },
  'renew-csr-ignored': { description: 'Renew with a CSR ignores it and reuses the stored CSR.' },
  'renew-accepts-new-key': {
    description: 'Renew accepts a CSR whose public key differs from the certificate key.',
  },
  'renew-revokes-old': { description: 'Renew revokes the old certificate.' },
  'renew-empty-body-accepted': { description: 'Renew without a request body is accepted.' },
  'ra-profile-mismatch-accepted': {
    description:
      'Renew, rekey and revoke ignore which RA profile the certificate belongs to (and whether it is enabled).',
  },
  // rekey
  'rekey-keeps-old-key': { description: 'Rekey with a new CSR certifies the old key.' },
  'rekey-same-key-accepted': { description: 'Rekey accepts a CSR that uses the certificate’s key.' },
  'rekey-same-key-500': {
    description:
      'Rekey with a CSR of the certificate’s own key answers 500 {"message": "Internal server error."} (every time) instead of refusing it.',
  },
  'rekey-subject-change-accepted': { description: 'Rekey accepts a CSR with a different subject.' },
  'rekey-key-ignored': { description: 'Rekey with keyUuid certifies the old key again.' },
  'rekey-same-keyuuid-accepted': { description: 'Rekey accepts the keyUuid the certificate already uses.' },
  'rekey-without-key-accepted': {
    description: 'Rekey with neither a CSR nor a keyUuid is accepted and certifies the old key again.',
  },
  'rekey-revokes-old': { description: 'Rekey revokes the old certificate.' },
  // revoke
  'revoke-200-with-body': { description: 'Revoke answers 200 with a JSON body instead of 204.' },
  'revoke-not-applied': {
    description:
      'Revoke with reason superseded answers 204, but the CA call is dropped and the certificate ends in state failed, never revoked.',
  },
  'revoke-stays-issued': {
    description:
      'Revoke with reason superseded answers 204 "Certificate revoked", but the revocation never reaches the CA: the certificate stays issued.',
  },
  'reason-subset': { description: 'Revoke refuses the reasons privilegeWithdrawn and aACompromise.' },
  'unknown-reason-accepted': { description: 'Revoke accepts an undocumented reason value.' },
  'reason-required': {
    description: 'Revoke without a reason is refused instead of defaulting to unspecified.',
  },
  'destroy-key-ignored': { description: 'Revoke with destroyKey=true leaves the key active.' },
  // attributes
  'issue-attributes-object': {
    description: 'listIssueCertificateAttributes answers an object instead of an array.',
  },
  'revoke-attributes-object': {
    description: 'listRevokeCertificateAttributes answers an object instead of an array.',
  },
  'validate-issue-rejects': {
    description: 'validateIssueCertificateAttributes refuses valid attributes (422).',
  },
  'validate-revoke-rejects': {
    description: 'validateRevokeCertificateAttributes refuses valid attributes (422).',
  },
  'attributes-on-disabled-profile': {
    description: 'Attribute endpoints answer 200 for a disabled RA profile.',
  },
  'v2-on-legacy-profile-served': {
    description: 'v2 operations are served for a legacy (v1-only) RA profile.',
  },
  // errors and auth
  'non-uuid-path-404': { description: 'A non-UUID raProfileUuid gets 404 instead of the 422 list.' },
  'non-uuid-requested-400': {
    description:
      'A non-UUID certificateUuid on issueRequestedCertificate gets 400 {message} instead of the 422 list.',
  },
  'non-uuid-cert-500': { description: 'A non-UUID certificateUuid on renew gets 500 instead of 400.' },
  'unknown-certificate-plain-text': { description: 'An unknown certificate gets a text/plain 404 body.' },
  'bad-json-500': { description: 'A malformed JSON body gets 500 instead of 400.' },
  'wrong-verb-405': {
    description: 'A wrong HTTP method gets 405 instead of the 400 {message} of the implementation.',
  },
  'no-auth-accepted': { description: 'Requests without credentials are served.' },
  'forbidden-message-only': { description: '403 bodies carry only {message}, without statusCode and code.' },
  'forbidden-plain-json': {
    description: '403 bodies are sent as application/json instead of application/problem+json.',
  },
  // legacy v1
  'end-entity-status-lowercase': { description: 'End entities report their status in lower case ("new").' },
  'end-entity-list-empty': {
    description: 'listEntities answers [] although end entities exist (reading one by name still works).',
  },
  'add-end-entity-subject-dropped': {
    description: 'Add stores the end entity without the last RDN of its subjectDN.',
  },
  'edit-end-entity-ignored': { description: 'Edit answers 200 but changes nothing.' },
  'reset-password-405': { description: 'resetPassword (PUT) is not routed.' },
  'delete-end-entity-ignored': { description: 'DELETE answers 200 but the end entity remains.' },
  'legacy-issue-wrong-key': {
    description: 'Legacy issue certifies another public key than the CSR’s.',
  },
  'legacy-revoke-404': {
    description:
      'The legacy revoke route answers 404 {"message": "No endpoint POST …"} (not served): the finding of CZ-LEG-007 alone, CZ-LEG-008 is not evaluated.',
  },
  'legacy-revoke-ignored': {
    description: 'Legacy revoke answers 200 but the inventory certificate stays issued.',
  },
  'legacy-unknown-profile-200': {
    description: 'Legacy operations on an unknown RA profile name answer 200 [].',
  },
  'legacy-on-v2-profile-accepted': {
    description: 'Legacy operations work on an RA profile without an end entity profile.',
  },
  // hybrid
  'hybrid-alt-key-ignored': { description: 'Issue with altKeyUuid produces a non-hybrid certificate.' },
  'hybrid-same-alt-key-accepted': {
    description: 'Rekey of a hybrid certificate accepts its current alternative key.',
  },
  'hybrid-missing-alt-key-accepted': {
    description: 'Rekey of a hybrid certificate without altKeyUuid is accepted.',
  },
} as const satisfies Record<string, FaultSpec<Variant>>;

export type Fault = keyof typeof FAULTS;
