import type { VariantSpec } from '../../src/core/api.ts';
import { CAPABILITIES, type Capability } from '../../suites/keyfactor/capabilities.ts';

/** Every variant's profile names every certificate, store, account and the CA: all capabilities. */
const ALL = Object.keys(CAPABILITIES) as Capability[];

/** Legitimately different, conforming Command behaviours. The suite must pass on each. */
export const VARIANTS = {
  default: {
    description:
      'Command as its documentation spells it: Renew answers KeyfactorID / KeyfactorRequestID, Basic auth (DOMAIN\\user), unknown certificates answer 400, orchestrator jobs run shortly after Replace/Deploy answer',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  'spec-casing': {
    description:
      'Command as the OpenAPI spells it: Renew answers KeyfactorId / KeyfactorRequestId, other certificate IDs, unknown certificates answer 404; the profile deletes the certificates the run issued',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  bearer: {
    description:
      'Command behind an identity provider: OAuth Bearer tokens instead of Basic auth, documentation casing',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  'instant-jobs': {
    description:
      'orchestrator jobs finish before PFX/Replace and PFX/Deploy answer (the old certificate has left its stores when the answer arrives); Renew answers IssuerDN null (nullable in the OpenAPI); AvailableRenewal leaves out Message',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  'pfx-generated': {
    description:
      'PFX enrollment protects the archive with a password Command generates (answered in CertificateInformation.Password) instead of the requested one, packs no chain, encrypts it as OpenSSL 1.x does (certificates RC2-40, key 3DES, SHA-1 MAC); thumbprints in lower-case hex; OpenAPI casing, unknown certificates 404',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  'open-choices': {
    description:
      'Command taking the freedoms the documents leave open: validation refusals answer 422 and collection-scope refusals 404, thumbprints are SHA-256, serial numbers decimal, PFX/Replace and PFX/Deploy leave out an empty FailedStores, PFX archives are Windows TripleDES-SHA1 exports; OpenAPI casing, unknown certificates 404',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  ecdsa: {
    description:
      'Command issuing ECDSA certificates: P-256 keys, signed by an EC CA with ECDSA and SHA-256; PFX archives hold EC keys, encrypted as Windows AES256-SHA256 exports (PBES2 AES-256-CBC, PBKDF2 and MAC with SHA-256)',
    vendor: 'keyfactor',
    capabilities: ALL,
  },
  'renew-only': {
    description:
      'a main account that may renew but holds neither the PFX enrollment nor the store schedule permission: GET /Status/Endpoints lists neither POST /Enrollment/PFX nor the store endpoints, which refuse it 403 (the PFX and store deployment rules skip)',
    vendor: 'keyfactor',
    capabilities: ALL.filter((c) => c !== 'pfx-enrollment' && c !== 'store-jobs'),
  },
  'new-issuer': {
    description:
      "the profile's certificates were issued by an older CA; renewals come from the CA the request names, so the renewed certificate has another issuer than the one it renews",
    vendor: 'keyfactor',
    capabilities: ALL,
  },
} as const satisfies Record<string, VariantSpec<Capability>>;

export type Variant = keyof typeof VARIANTS;
