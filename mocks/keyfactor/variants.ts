import type { VariantSpec } from '../../src/core/api.ts';

/** Legitimately different, conforming Command behaviours. The suite must pass on each. */
export const VARIANTS = {
  default: {
    description:
      'Command as its documentation spells it: Renew answers KeyfactorID / KeyfactorRequestID, Basic auth (DOMAIN\\user), unknown certificates answer 400',
    vendor: 'keyfactor',
  },
  'spec-casing': {
    description:
      'Command as the OpenAPI spells it: Renew answers KeyfactorId / KeyfactorRequestId, other certificate IDs, unknown certificates answer 404',
    vendor: 'keyfactor',
  },
  bearer: {
    description:
      'Command behind an identity provider: OAuth Bearer tokens instead of Basic auth, documentation casing',
    vendor: 'keyfactor',
  },
} as const satisfies Record<string, VariantSpec>;

export type Variant = keyof typeof VARIANTS;
