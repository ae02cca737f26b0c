import { expectHelperStatus } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectMessageList } from '../../lib/expect.ts';
import {
  certificateUrl,
  refused,
  rekey,
  renew,
  revoke,
  revokedCertificate,
  scratchCertificate,
  submitRequested,
} from '../../lib/flow.ts';
import { makeCsr, newKey } from '../../lib/pki.ts';

// Every state the platform reports is judged by CZ-DTO-002 (CertificateState of CertificateDetailDto), wherever
// the suite reads it; the former CZ-STA-001 judged only the states of one issue and one renewal.

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
  // The refusal's status is the finding: a 500 is sent once more (a refused renewal changes nothing), then judged.
  judgesServerErrors: true,
  faults: ['renew-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    const res = await refused(t, 'renewCertificate', () => renew(t.ctx, revoked.uuid, {}));
    expectMessageList(res, `renew of revoked certificate ${revoked.uuid}`);
  },
});

export const revokedNotRekeyed = rule({
  id: 'CZ-STA-003',
  title: 'Rekeying a revoked certificate is refused with 422 (only issued certificates can be rekeyed).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  judgesServerErrors: true,
  faults: ['rekey-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    const csr = await makeCsr(await newKey(t.ctx), revoked.csr!.subject);
    const res = await refused(t, 'rekeyCertificate', () =>
      rekey(t.ctx, revoked.uuid, { request: csr.base64, format: 'pkcs10' }),
    );
    expectMessageList(res, `rekey of revoked certificate ${revoked.uuid}`);
  },
});

export const revokedNotRevokedAgain = rule({
  id: 'CZ-STA-004',
  title: 'Revoking a certificate that is already revoked is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: stateCite,
  destructive: true,
  judgesServerErrors: true,
  faults: ['revoke-revoked-accepted'],
  async check(t) {
    const revoked = await revokedCertificate(t);
    const res = await refused(t, 'revokeCertificate', () =>
      revoke(t.ctx, revoked.uuid, { reason: 'keyCompromise' }),
    );
    expectMessageList(res, `second revoke of ${revoked.uuid}`);
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
  judgesServerErrors: true,
  faults: ['operations-on-requested-accepted'],
  async check(t) {
    const { ctx } = t;
    const { uuid } = await submitRequested(t, 'requested');
    const renewed = await refused(t, 'renewCertificate', () => renew(ctx, uuid, {}));
    expectMessageList(renewed, `renew of requested certificate ${uuid}`);
    const revoked = await refused(t, 'revokeCertificate', () => revoke(ctx, uuid, { reason: 'unspecified' }));
    expectMessageList(revoked, `revoke of requested certificate ${uuid}`);
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
  judgesServerErrors: true,
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
    const res = await refused(t, 'renewCertificate', () => renew(ctx, issued.uuid, {}));
    expectMessageList(res, `renew of archived certificate ${issued.uuid}`);
  },
});
