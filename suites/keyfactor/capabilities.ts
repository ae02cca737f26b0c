/** What a Command instance (as described by its profile) offers the suite; rules that need one skip without it. */
export const CAPABILITIES = {
  'renewable-certificate':
    'params.certificateId, certificateAuthority and template: a certificate renewable with an explicit CA and template (AvailableRenewalType 1 or 2), and POST /Enrollment/Renew for the main account (absent when GET /Status/Endpoints does not list it)',
  'one-click-certificate':
    'params.oneClickCertificateId: a certificate whose AvailableRenewalType is 2 (one-click)',
  'no-renewal-certificate':
    'params.noRenewalCertificateId: a certificate whose AvailableRenewalType is 0 (none)',
  'store-certificate':
    'params.storeCertificateId: a renewable certificate that sits in at least one certificate store',
  'deploy-store':
    'params.deployStoreId: a certificate store (UUID) the suite may deploy a renewed certificate into',
  'collection-user':
    'accounts.collectionUser with params.collectionId and params.collectionCertificateId: a user whose only permission is on one certificate collection',
  'ca-certificate': 'params.caCertFile: the PEM certificate of the CA named by params.certificateAuthority',
  'pfx-enrollment':
    'POST /Enrollment/PFX for the main account and the template: an optional permission ("PFX enrollment") and template setting; absent when GET /Status/Endpoints does not list it, or params.pfxEnrollment is false',
  'store-jobs':
    'POST /Enrollment/PFX/Replace, /Enrollment/PFX/Deploy and /CertificateStores/Certificates/Add and /Remove (the undo) for the main account: store schedule permission; absent when GET /Status/Endpoints does not list them',
  'available-renewal':
    'GET /Enrollment/AvailableRenewal/Id/{id} and /Thumbprint/{thumbprint} for the main account; absent when GET /Status/Endpoints does not list them',
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** How a target's headline names a capability it lacks: "<name>: <the probe's reason>". */
export const CAPABILITY_NAMES: Record<Capability, string> = {
  'renewable-certificate': 'Renewal',
  'one-click-certificate': 'One-click renewal',
  'no-renewal-certificate': 'Renewal type 0',
  'store-certificate': 'Certificate in a store',
  'deploy-store': 'Deployment store',
  'collection-user': 'Collection-scoped user',
  'ca-certificate': 'Issuing CA certificate',
  'pfx-enrollment': 'PFX enrollment',
  'store-jobs': 'Store deployment',
  'available-renewal': 'AvailableRenewal lookups',
};
