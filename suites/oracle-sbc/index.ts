import { defineApi } from '../../src/core/api.ts';
import {
  FAULTS,
  VARIANTS,
  mockTarget,
  startMock,
  type Fault,
  type Variant,
} from '../../mocks/oracle-sbc/index.ts';
import { privilegeRules } from './auth/privileges.ts';
import { tokenRules } from './auth/token.ts';
import { CAPABILITIES, CAPABILITY_NAMES, type Capability } from './capabilities.ts';
import { generateLockRules } from './certificates/generate-request/lock.ts';
import { csrRules } from './certificates/generate-request/csr.ts';
import { regenerateRules } from './certificates/generate-request/regenerate.ts';
import { generateRefusalRules, generateValidationRules } from './certificates/generate-request/validation.ts';
import { importRules } from './certificates/import/import.ts';
import { SbcClient } from './client.ts';
import { recordRules } from './configuration/certificate-record.ts';
import { managementRules } from './configuration/management.ts';
import { lockRules } from './lock/lock.ts';
import { NOT_TESTED } from './not-tested.ts';
import { PARAMS_SCHEMA } from './params.ts';
import { SOURCES, type Source } from './sources.ts';
import { httpsRules } from './transport/https.ts';
import { mediaTypeRules } from './transport/media-types.ts';
import { versionRules } from './transport/versions.ts';

export const oracleSbcApi = defineApi<SbcClient, Source, Fault, Variant, Capability>({
  id: 'oracle-sbc',
  title:
    'Oracle Communications SBC REST API v1.2: generateRequest, the configuration lock and the replace-certificate flow',
  rulePrefix: 'SBC',
  sources: SOURCES,
  capabilities: CAPABILITIES,
  capabilityNames: CAPABILITY_NAMES,
  faults: FAULTS,
  variants: VARIANTS,
  defaultVariant: 'default',
  rules: [
    ...httpsRules,
    ...mediaTypeRules,
    ...versionRules,
    ...tokenRules,
    ...privilegeRules,
    ...lockRules,
    ...recordRules,
    ...generateLockRules,
    ...generateValidationRules,
    ...csrRules,
    ...regenerateRules,
    ...generateRefusalRules,
    ...importRules,
    ...managementRules,
  ],
  paramsSchema: PARAMS_SCHEMA,
  accountRoles: ['nonAdmin', 'otherAdmin'],
  notTested: NOT_TESTED,
  retired: {
    'SBC-GEN-016':
      'demanded 400 for an unknown reGenerate value; the documents do not define it, a device may read it as false (not tested)',
    'SBC-GEN-005':
      'demanded the 404 body contain "Certificate specified with recordName key attribute is not found"; the page gives that as the description of the 404, not as its message text (not tested)',
    'SBC-IMP-003':
      'demanded a 4xx for a certificate of another key; the documents promise a refusal only for syntactically invalid input (not tested)',
  },
  startMock,
  mockTarget,
  async connect({ target, redactor, http }) {
    const client = new SbcClient(http, target, redactor);
    if (target.auth.password) redactor.addBasic(target.auth.username ?? '', target.auth.password);
    for (const a of Object.values(target.accounts)) if (a.password) redactor.addBasic(a.username, a.password);
    // One login per account up front. A main login that fails is the connection's authFailure, not an
    // exception: the rules that need no token (transport, media types, discovery, the token rules) still run.
    const authFailure = await client.probeAccounts();
    return {
      ctx: client,
      ...(authFailure ? { authFailure } : {}),
      capability: async (cap) => client.capability(cap),
      earlierResidue: (opts) => client.earlierResidue(opts),
      close: () => client.close(),
    };
  },
});
