import { defineApi } from '../../src/core/api.ts';
import { FAULTS, type Fault } from '../../mocks/czertainly/faults.ts';
import { mockTarget, startMock } from '../../mocks/czertainly/index.ts';
import { VARIANTS, type Variant } from '../../mocks/czertainly/variants.ts';
import { CAPABILITIES, CAPABILITY_NAMES, type Capability } from './capabilities.ts';
import { connect, type Ctx } from './context.ts';
import { NOT_TESTED } from './not-tested.ts';
import { paramsSchema } from './params.ts';
import { SOURCES, type Source } from './sources.ts';
import * as issueCsr from './v2/issue/csr.ts';
import * as issueKey from './v2/issue/key.ts';
import * as issueNegative from './v2/issue/negative.ts';
import * as issueRequested from './v2/issue/requested.ts';
import * as stateMachine from './v2/state/machine.ts';
import * as renewRules from './v2/renew/renew.ts';
import * as rekeyCsr from './v2/rekey/csr.ts';
import * as rekeyKey from './v2/rekey/key.ts';
import * as revokeRules from './v2/revoke/revoke.ts';
import * as attributeRules from './v2/attributes/attributes.ts';
import * as hybridRules from './v2/hybrid/hybrid.ts';
import * as errorRules from './errors/errors.ts';
import * as legacyEndEntity from './legacy/endentity.ts';
import * as legacyCertificate from './legacy/certificate.ts';
import * as dtoRules from './dto/schemas.ts';
import type { Rule } from '../../src/core/api.ts';

type CzRule = Rule<Ctx, Source, Fault, Capability>;

function rulesOf(...modules: Record<string, unknown>[]): CzRule[] {
  const isRule = (v: unknown): v is CzRule =>
    typeof v === 'object' && v !== null && 'id' in v && 'check' in v;
  return modules
    .flatMap((m) => Object.values(m).filter(isRule))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/**
 * Order of areas in a run: issue first (its certificate is shared), then the operations that build on it; the
 * schema rules last, so they judge every answer the others read.
 */
const AREA_ORDER = ['ISS', 'STA', 'REN', 'RKY', 'REV', 'ATT', 'HYB', 'ERR', 'LEG', 'DTO'];

export const czertainlyRules: readonly CzRule[] = rulesOf(
  issueCsr,
  issueKey,
  issueNegative,
  issueRequested,
  stateMachine,
  renewRules,
  rekeyCsr,
  rekeyKey,
  revokeRules,
  attributeRules,
  hybridRules,
  errorRules,
  legacyEndEntity,
  legacyCertificate,
  dtoRules,
).sort((a, b) => AREA_ORDER.indexOf(a.id.split('-')[1]!) - AREA_ORDER.indexOf(b.id.split('-')[1]!));

export const czertainlyApi = defineApi<Ctx, Source, Fault, Variant, Capability>({
  id: 'czertainly',
  title: 'CZERTAINLY client operations (v2 and legacy v1)',
  rulePrefix: 'CZ',
  sources: SOURCES,
  capabilities: CAPABILITIES,
  capabilityNames: CAPABILITY_NAMES,
  faults: FAULTS,
  variants: VARIANTS,
  defaultVariant: 'immediate',
  rules: czertainlyRules,
  paramsSchema,
  accountRoles: ['readOnly'],
  notTested: NOT_TESTED,
  retired: {
    'CZ-ISS-002':
      'demanded an empty certificateData; a synchronous platform returns the certificate with the uuid (now CZ-ISS-017)',
    'CZ-STA-001':
      'judged the states of one issue and one renewal; CZ-DTO-002 judges every state the inventory reports, wherever the suite reads it',
  },
  startMock,
  mockTarget,
  connect,
});
