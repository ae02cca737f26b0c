import { check, expectHelperStatus, show } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectMessageList } from '../../lib/expect.ts';
import {
  CERTIFICATE_STATES,
  certificateUrl,
  scratchCertificate,
  rekey,
  renew,
  revoke,
  revokedCertificate,
} from '../../lib/flow.ts';
import { renewedWithoutCsr } from '../renew/renew.ts';
import { makeCsr, newKey } from '../../lib/pki.ts';
import { submitRequested } from '../issue/requested.ts';
import { issuedFromCsr } from '../issue/csr.ts';

/** Every state reported must be a documented CertificateState (the documents give no transitions). */
export function checkDocumentedStates(states: string[], what: string): void {
  for (const s of states) {
    check(
      (CERTIFICATE_STATES as readonly string[]).includes(s),
      `${what}: state ${show(s)} is not a documented CertificateState (${CERTIFICATE_STATES.join(', ')})`,
    );
  }
}

export const statesFollowMachine = rule({
  id: 'CZ-STA-001',
  title: 'A certificate being issued or renewed only reports documented CertificateState values.',
  level: 'MUST',
  cite: {
    source: 'openapi-certificate',
    section: 'components.schemas.CertificateDetailDto.properties.state, components.schemas.CertificateState',
    quote: 'description: State of the Certificate',
  },
  destructive: true,
  faults: ['state-unknown-value'],
  async check(t) {
    const issued = await issuedFromCsr(t);
    checkDocumentedStates(issued.states, `issue of ${issued.uuid}`);
    const { renewed } = await renewedWithoutCsr(t);
    checkDocumentedStates(renewed.states, `renewal ${renewed.uuid}`);
  },
});

const stateCite = {
  source: 'core-impl',
  section: 'service/v2/impl/ClientOperationServiceImpl.validateOldCertificateForOperation',
  quote: 'Cannot perform operation',
} as const;

export const revokedNotRenewed = rule({
  id: 'CZ-STA-002',
  title: 'Renewing a revoked certificate is refused with 422 (only issued certificates can be renewed).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  faults: ['renew-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    expectMessageList(await renew(t.ctx, revoked.uuid, {}), `renew of revoked certificate ${revoked.uuid}`);
  },
});

export const revokedNotRekeyed = rule({
  id: 'CZ-STA-003',
  title: 'Rekeying a revoked certificate is refused with 422 (only issued certificates can be rekeyed).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  faults: ['rekey-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    const csr = await makeCsr(await newKey(t.ctx), revoked.csr!.subject);
    expectMessageList(
      await rekey(t.ctx, revoked.uuid, { request: csr.base64, format: 'pkcs10' }),
      `rekey of revoked certificate ${revoked.uuid}`,
    );
  },
});

export const revokedNotRevokedAgain = rule({
  id: 'CZ-STA-004',
  title: 'Revoking a certificate that is already revoked is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  faults: ['revoke-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    expectMessageList(
      await revoke(t.ctx, revoked.uuid, { reason: 'keyCompromise' }),
      `second revoke of ${revoked.uuid}`,
    );
  },
});

export const requestedNotOperated = rule({
  id: 'CZ-STA-005',
  title:
    'A certificate that is still requested (not issued) cannot be renewed or revoked: both are refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  faults: ['operations-on-requested-accepted'],
  async check(t) {
    const { ctx } = t;
    const { uuid } = await submitRequested(t, 'requested');
    expectMessageList(await renew(ctx, uuid, {}), `renew of requested certificate ${uuid}`);
    expectMessageList(
      await revoke(ctx, uuid, { reason: 'unspecified' }),
      `revoke of requested certificate ${uuid}`,
    );
  },
});

export const archivedNotRenewed = rule({
  id: 'CZ-STA-006',
  title: 'Renewing an archived certificate is refused with 422 (restored by unarchiving afterwards).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.validateOldCertificateForOperation',
    quote: 'on archived certificate',
  },
  destructive: true,
  faults: ['archived-operations-accepted'],
  async check(t) {
    const { ctx } = t;
    const issued = await scratchCertificate(t, 'archived');
    // Registered first: an archive whose answer is lost may still have been applied.
    t.cleanup(`archived certificate ${issued.uuid} (unarchive)`, async () => {
      const res = await ctx.http.patch(certificateUrl(ctx, issued.uuid, '/unarchive'));
      expectHelperStatus(res, [200, 204], `unarchive certificate ${issued.uuid}`);
    });
    await t.setup(`archive certificate ${issued.uuid}`, async () => {
      const res = await ctx.http.patch(certificateUrl(ctx, issued.uuid, '/archive'));
      expectHelperStatus(res, [200, 204], `archive certificate ${issued.uuid}`);
    });
    expectMessageList(await renew(ctx, issued.uuid, {}), `renew of archived certificate ${issued.uuid}`);
  },
});
