/** What a Command instance (as described by its profile) offers the suite; rules that need one skip without it. */
export const CAPABILITIES = {
  'renewable-certificate':
    'params.certificateId, certificateAuthority and template: a certificate renewable with an explicit CA and template (AvailableRenewalType 1 or 2)',
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
} as const;

export type Capability = keyof typeof CAPABILITIES;
