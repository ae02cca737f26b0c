/** The profile's `params` for a Command instance: which certificates, CA, template and stores the rules use. */
export interface KfParams {
  /** `host\logical` name of the CA renewals enroll against. */
  certificateAuthority?: string;
  /** Template short name renewals use. */
  template?: string;
  /** PEM file of that CA's certificate (chain checks). */
  caCertFile?: string;
  /** A certificate renewable with an explicit CA and template (AvailableRenewalType 1, or 2). */
  certificateId?: number;
  /** A certificate with one-click renewal (AvailableRenewalType 2). */
  oneClickCertificateId?: number;
  /** A certificate with no renewal available (AvailableRenewalType 0). */
  noRenewalCertificateId?: number;
  /** A renewable certificate that sits in at least one certificate store. */
  storeCertificateId?: number;
  /** A certificate store (UUID) the suite may deploy a renewed certificate into. */
  deployStoreId?: string;
  /** The collection the collectionUser account is scoped to, and a certificate in it. */
  collectionId?: number;
  collectionCertificateId?: number;
  /** A certificate ID that does not exist (default 2147483646). */
  unknownCertificateId?: number;
  /** Statuses accepted for refusals whose status the documents do not give (default: any 4xx). */
  refusalStatuses?: number[];
  /** Value of x-keyfactor-api-version (default "1"). */
  apiVersion?: string;
  /**
   * false: the template does not allow PFX enrollment (a template setting), so the PFX rules skip. Default: PFX
   * enrollment is offered when GET /Status/Endpoints lists POST /Enrollment/PFX for the main account.
   */
  pfxEnrollment?: boolean;
  /** After the run, DELETE /Certificates/{id} for every certificate the run made Command issue (default false). */
  deleteCreatedCertificates?: boolean;
}

export const PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    certificateAuthority: { type: 'string', minLength: 1, description: 'CA in hostname\\logical name form' },
    template: { type: 'string', minLength: 1, description: 'template short name' },
    caCertFile: { type: 'string', minLength: 1, description: 'PEM certificate of the CA' },
    certificateId: { type: 'integer', minimum: 1 },
    oneClickCertificateId: { type: 'integer', minimum: 1 },
    noRenewalCertificateId: { type: 'integer', minimum: 1 },
    storeCertificateId: { type: 'integer', minimum: 1 },
    deployStoreId: { type: 'string', format: 'uuid' },
    collectionId: { type: 'integer', minimum: 1 },
    collectionCertificateId: { type: 'integer', minimum: 1 },
    unknownCertificateId: { type: 'integer', minimum: 1 },
    refusalStatuses: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 400, maximum: 499 } },
    apiVersion: { type: 'string', minLength: 1 },
    deleteCreatedCertificates: { type: 'boolean' },
    pfxEnrollment: { type: 'boolean' },
  },
} as const;

export const DEFAULT_UNKNOWN_CERTIFICATE_ID = 2_147_483_646;
