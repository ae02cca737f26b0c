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
import { CAPABILITIES, type Capability } from './capabilities.ts';
import { KfClient } from './client.ts';
import {
  authenticationRequired,
  collectionIdGrantsAccess,
  collectionScopeEnforced,
  errorBodyShape,
  requestedWithRequired,
} from './common/common.ts';
import type { KfCtx } from './context.ts';
import { NOT_TESTED } from './not-tested.ts';
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

function capability(cap: Capability, ctx: KfCtx, accounts: Record<string, unknown>): true | string {
  const p = ctx.params;
  const missing = (...keys: Array<keyof KfParams>) => {
    const absent = keys.filter((k) => p[k] === undefined);
    return absent.length ? `params ${absent.join(', ')} not set` : true;
  };
  switch (cap) {
    case 'renewable-certificate':
      return missing('certificateId', 'certificateAuthority', 'template');
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
        : 'no accounts.collectionUser in the profile';
    case 'ca-certificate':
      return ctx.caCert ? true : 'params.caCertFile not set';
  }
}

export const keyfactorApi = defineApi<KfCtx, Source, Fault, Variant, Capability>({
  id: 'keyfactor',
  title: 'Keyfactor Command enrollment renewal (POST /Enrollment/Renew and its neighbours)',
  rulePrefix: 'KF',
  sources: SOURCES,
  capabilities: CAPABILITIES,
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
  ],
  paramsSchema: PARAMS_SCHEMA,
  accountRoles: ACCOUNT_ROLES,
  notTested: NOT_TESTED,
  retired: {
    'KF-REN-009':
      'demanded that a non-ISO Timestamp be refused; the document only tells the client what to send (not tested)',
  },
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
