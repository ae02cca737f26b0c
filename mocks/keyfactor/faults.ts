import type { FaultSpec } from '../../src/core/api.ts';
import type { Variant } from './variants.ts';

/** Named deviations from documented Command behaviour; each breaks the rule(s) that list it. */
export const FAULTS = {
  'renew-status-201': { description: 'a successful Renew answers 201 Created instead of 200 OK' },
  'renew-keyfactor-id-string': {
    description: 'Renew answers the new certificate ID as a string ("123") instead of an integer',
  },
  'renew-omits-disposition': {
    description: 'Renew answers without RequestDisposition and DispositionMessage',
  },
  'renew-omits-password': { description: 'Renew answers without the generated Password' },
  'renew-by-thumbprint-unsupported': {
    description: 'Renew refuses a request that names the certificate by Thumbprint only',
  },
  'renew-accepts-both-ids': {
    description: 'Renew accepts a request carrying both CertificateId and Thumbprint',
  },
  'renew-accepts-no-id': {
    description: 'Renew answers 200 to a request carrying neither CertificateId nor Thumbprint',
  },
  'renew-timestamp-optional': { description: 'Renew accepts a request without Timestamp' },
  'renew-requires-milliseconds': {
    description: 'Renew refuses the documented example Timestamp form without milliseconds',
  },
  'renew-defaults-ca': {
    description:
      'Renew of a certificate without one-click renewal silently uses a default CA when CertificateAuthority is missing',
  },
  'renew-defaults-template': {
    description:
      'Renew of a certificate without one-click renewal silently uses the old template when Template is missing',
  },
  'renew-one-click-requires-ca': {
    description: 'Renew of a one-click certificate still demands CertificateAuthority and Template',
  },
  'renew-unknown-id-500': { description: 'Renew of a CertificateId that does not exist answers 500' },
  'renew-auto-deploys': { description: "Renew puts the new certificate into the old certificate's stores" },
  'renew-changes-subject': {
    description: 'the renewed certificate carries a different subject than the old one',
  },
  'renew-reuses-serial': {
    description: "the renewed certificate reuses the old certificate's serial number",
  },
  'renew-serial-mismatch': {
    description: "Renew answers the old certificate's SerialNumber instead of the new certificate's",
  },
  'renew-wrong-ca': {
    description:
      'the renewed certificate is not signed by the named CA (its issuer name is, its signature is not)',
  },
  'renew-thumbprint-of-old': {
    description: "Renew answers the old certificate's Thumbprint instead of the new certificate's",
  },
  'renew-issuer-dn-subject': { description: "Renew answers the certificate's subject as IssuerDN" },
  'pfx-password-mismatch': {
    description:
      'PFX enrollment answers a Password that does not open the PFX (it was encrypted with the requested one)',
  },
  'pfx-holds-old-certificate': {
    description:
      "a seeded PFX renewal answers the new certificate's details but packs the old certificate (and its key)",
  },
  'pfx-wrong-key': { description: 'the PFX holds a private key that does not match its certificate' },
  'available-renewal-type-string': {
    description: 'AvailableRenewal answers AvailableRenewalType as a string ("2") instead of an integer',
  },
  'available-renewal-thumbprint-none': {
    description: 'AvailableRenewal by thumbprint always answers 0 (none)',
  },
  'renew-ignores-type-none': {
    description: 'Renew renews a certificate whose AvailableRenewalType is 0 (none)',
  },
  'one-click-refuses-seeded': {
    description: 'a one-click certificate (type 2) cannot be renewed as a seeded PFX',
  },
  'replace-failed-stores-not-array': {
    description: 'PFX/Replace answers FailedStores as a count (0) instead of an array of store UUIDs',
  },
  'replace-wrong-stores': {
    description: "PFX/Replace schedules jobs for every store, not just the old certificate's",
  },
  'deploy-ignores-store': { description: 'PFX/Deploy answers 200 without scheduling the requested store' },
  'deploy-password-optional': { description: 'PFX/Deploy accepts a request without Password' },
  'requested-with-optional': {
    description: 'requests without the x-keyfactor-requested-with header are served',
  },
  'certificate-format-optional': {
    description: 'PFX enrollment without the x-certificateformat header is served',
  },
  'anonymous-allowed': { description: 'requests without credentials are served' },
  'renew-collection-scope-ignored': {
    description: 'Renew lets a collection-scoped user renew a certificate without passing collectionId',
  },
  'renew-collection-id-ignored': {
    description: 'Renew refuses a collection-scoped user 403 even when it passes its collectionId',
  },
  'collection-scope-ignored': {
    description:
      'a collection-scoped user reads a certificate (AvailableRenewal, Certificates) without passing collectionId',
  },
  'collection-id-ignored': {
    description:
      'a collection-scoped user reading a certificate is refused 403 even when passing its collectionId',
  },
  'error-body-plain': {
    description: 'errors answer a plain-text body instead of { "ErrorCode", "Message" }',
  },
  'renew-not-served': {
    description: "POST /Enrollment/Renew answers 405 (Web API: the resource does not support 'POST')",
  },
  'pfx-not-routed': {
    description:
      'POST /Enrollment/PFX has no route: 404 "No HTTP resource was found that matches the request URI"',
  },
  'certificates-not-served': { description: 'GET /Certificates/{id} answers 501 Not Implemented' },
  'issued-certificate-bad-date': {
    description:
      'the certificate records of certificates the run issued answer NotAfter as "5/19/2022 4:23:01 PM", not an RFC 3339 date-time',
  },
  'renew-by-thumbprint-id-string': {
    description: 'Renew by Thumbprint (only) answers KeyfactorId as a string ("5001") instead of an integer',
  },
} as const satisfies Record<string, FaultSpec<Variant>>;

export type Fault = keyof typeof FAULTS;
