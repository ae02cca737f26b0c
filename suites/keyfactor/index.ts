import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineApi, type RuleRun } from '../../src/core/api.ts';
import { UsageError } from '../../src/core/errors.ts';
import { x509 } from '../../src/pki/x509.ts';
import {
  FAULTS,
  keyfactorMockTarget,
  startKeyfactorMock,
  VARIANTS,
  type Fault,
  type Variant,
} from '../../mocks/keyfactor/index.ts';
import {
  availableRenewalByThumbprint,
  availableRenewalType,
  oneClickAlsoSeeded,
  renewHonoursTypeNone,
} from './available-renewal/available-renewal.ts';
import { CAPABILITIES, CAPABILITY_NAMES, type Capability } from './capabilities.ts';
import { KfClient } from './client.ts';
import {
  authenticationRequired,
  collectionIdGrantsAccess,
  collectionScopeEnforced,
  errorBodyShape,
  requestedWithRequired,
} from './common/common.ts';
import type { KfCtx } from './context.ts';
import { certificateRecordsMatchModel, enrollmentAnswersMatchModels } from './models/models.ts';
import { loadModels } from './models/openapi.ts';
import { NOT_TESTED } from './not-tested.ts';
import { OPERATIONS } from './operations.ts';
import { PARAMS_SCHEMA, type KfParams } from './params.ts';
import {
  pfxHoldsAnsweredCertificate,
  pfxHoldsMatchingKey,
  pfxOpensWithPassword,
  pfxRequiresFormatHeader,
} from './pfx/pfx.ts';
import { renewDoesNotDeploy } from './renew/no-deploy.ts';
import { renewNeedsCollectionId, renewWithCollectionId } from './renew/permissions.ts';
import {
  renewedChainsToCa,
  renewedHasNewSerial,
  renewedKeepsSubject,
  renewIssuerDnMatches,
  renewSerialMatches,
  renewThumbprintIsSha1,
} from './renew/renewed-certificate.ts';
import {
  renewAcceptsExampleTimestamp,
  renewByThumbprint,
  renewOneClick,
  renewRefusesBothIds,
  renewRefusesNoId,
  renewRefusesUnknownCertificate,
  renewRequiresCa,
  renewRequiresTemplate,
  renewRequiresTimestamp,
} from './renew/request.ts';
import {
  renewAnswers200,
  renewReportsDisposition,
  renewReportsIds,
  renewReportsPassword,
} from './renew/response.ts';
import { SOURCES, type Source } from './sources.ts';
import {
  deployRequiresPassword,
  deploySchedulesStore,
  replaceAnswersStoreLists,
  replaceTargetsOldStores,
} from './stores/stores.ts';

export const ACCOUNT_ROLES = ['collectionUser'] as const;

function loadCaCert(file: string | undefined): x509.X509Certificate | undefined {
  if (!file) return undefined;
  try {
    return new x509.X509Certificate(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    throw new UsageError(
      `params.caCertFile ${file}: cannot read a PEM certificate (${(err as Error).message})`,
    );
  }
}

/** Whether the target offers a capability, or why not (the headline reads "<name>: <reason>"). */
function capability(cap: Capability, ctx: KfCtx, accounts: Record<string, unknown>): true | string {
  const p = ctx.params;
  const missing = (...keys: Array<keyof KfParams>) => {
    const absent = keys.filter((k) => p[k] === undefined);
    return absent.length
      ? `not configured in the profile (${absent.map((k) => `params.${k}`).join(', ')} not set)`
      : true;
  };
  switch (cap) {
    case 'renewable-certificate': {
      const named = missing('certificateId', 'certificateAuthority', 'template');
      return named === true ? ctx.kf.offers(OPERATIONS.renew) : named;
    }
    case 'one-click-certificate':
      return missing('oneClickCertificateId');
    case 'no-renewal-certificate':
      return missing('noRenewalCertificateId');
    case 'store-certificate':
      return missing('storeCertificateId');
    case 'deploy-store':
      return missing('deployStoreId');
    case 'collection-user':
      return accounts.collectionUser
        ? missing('collectionId', 'collectionCertificateId')
        : 'not configured in the profile (no accounts.collectionUser)';
    case 'ca-certificate':
      return ctx.caCert ? true : 'not configured in the profile (params.caCertFile not set)';
    // Optional permissions and settings of a Command install: absent is a skip, never a finding.
    case 'pfx-enrollment':
      return p.pfxEnrollment === false
        ? "not offered for the profile's template (params.pfxEnrollment: false)"
        : ctx.kf.offers(OPERATIONS.pfx);
    case 'store-jobs':
      return ctx.kf.offers(
        OPERATIONS.replace,
        OPERATIONS.deploy,
        OPERATIONS.storeAdd,
        OPERATIONS.storeRemove,
      );
    case 'available-renewal':
      return ctx.kf.offers(OPERATIONS.availableRenewalById, OPERATIONS.availableRenewalByThumbprint);
  }
}

export const keyfactorApi = defineApi<KfCtx, Source, Fault, Variant, Capability>({
  id: 'keyfactor',
  title: 'Keyfactor Command enrollment renewal (POST /Enrollment/Renew and its neighbours)',
  rulePrefix: 'KF',
  sources: SOURCES,
  capabilities: CAPABILITIES,
  capabilityNames: CAPABILITY_NAMES,
  faults: FAULTS,
  variants: VARIANTS,
  defaultVariant: 'default',
  rules: [
    renewAnswers200,
    renewReportsIds,
    renewReportsDisposition,
    renewReportsPassword,
    renewByThumbprint,
    renewRefusesBothIds,
    renewRefusesNoId,
    renewRequiresTimestamp,
    renewAcceptsExampleTimestamp,
    renewRequiresCa,
    renewRequiresTemplate,
    renewOneClick,
    renewRefusesUnknownCertificate,
    renewDoesNotDeploy,
    renewedKeepsSubject,
    renewedHasNewSerial,
    renewSerialMatches,
    renewedChainsToCa,
    renewThumbprintIsSha1,
    renewIssuerDnMatches,
    availableRenewalType,
    availableRenewalByThumbprint,
    renewHonoursTypeNone,
    oneClickAlsoSeeded,
    pfxOpensWithPassword,
    pfxHoldsMatchingKey,
    pfxHoldsAnsweredCertificate,
    pfxRequiresFormatHeader,
    replaceAnswersStoreLists,
    replaceTargetsOldStores,
    deploySchedulesStore,
    deployRequiresPassword,
    requestedWithRequired,
    authenticationRequired,
    collectionScopeEnforced,
    collectionIdGrantsAccess,
    renewNeedsCollectionId,
    renewWithCollectionId,
    errorBodyShape,
    // Last: they judge every answer of a known model the run received, so they run after every other rule.
    certificateRecordsMatchModel,
    enrollmentAnswersMatchModels,
  ],
  paramsSchema: PARAMS_SCHEMA,
  accountRoles: ACCOUNT_ROLES,
  notTested: NOT_TESTED,
  retired: {
    'KF-REN-009':
      'demanded that a non-ISO Timestamp be refused; the document only tells the client what to send (not tested)',
  },
  prepare: loadModels,
  startMock: (opts) => startKeyfactorMock(opts),
  mockTarget: (variant, mock) => keyfactorMockTarget(variant, mock),
  async connect({ target, redactor, http }) {
    const params = target.params as KfParams;
    const ctx: KfCtx = {
      kf: new KfClient(http, target, redactor, params.apiVersion ?? '1'),
      params,
      caCert: loadCaCert(params.caCertFile),
    };
    // One authenticated probe per account: rejected credentials are one line, and the rules that need them
    // end as errors instead of reading 401s as the device failing them.
    const authFailure = await ctx.kf.probe('admin');
    for (const role of ACCOUNT_ROLES) if (target.accounts[role]) await ctx.kf.probe(role);
    return {
      ctx,
      ...(authFailure ? { authFailure } : {}),
      capability: async (cap: Capability, _t: RuleRun<KfCtx>) => capability(cap, ctx, target.accounts),
      close: async () => {
        if (params.deleteCreatedCertificates) await ctx.kf.deleteCreated();
      },
    };
  },
});
