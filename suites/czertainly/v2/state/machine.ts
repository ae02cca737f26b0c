import { check, checkEqual, show } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectMessageList } from '../../lib/expect.ts';
import {
  CERTIFICATE_STATES,
  certificateUrl,
  issueFromCsr,
  rekey,
  renew,
  revoke,
  revokedCertificate,
} from '../../lib/flow.ts';
import { renewedWithoutCsr } from '../renew/renew.ts';
import { makeCsr, newCsr, newKey } from '../../lib/pki.ts';
import { issuedFromCsr } from '../issue/csr.ts';

/** Forward transitions of a certificate (research §1.6, state machine to encode). */
const NEXT: Record<string, readonly string[]> = {
  requested: ['rejected', 'pending_approval', 'pending_issue', 'issued', 'failed'],
  pending_approval: ['pending_issue', 'issued', 'failed', 'rejected', 'revoked'],
  pending_issue: ['issued', 'failed'],
  issued: ['pending_revoke', 'pending_approval', 'revoked'],
  pending_revoke: ['revoked', 'issued'],
};

export function checkSequence(states: string[], start: readonly string[], what: string): void {
  for (const s of states) {
    check(
      (CERTIFICATE_STATES as readonly string[]).includes(s),
      `${what}: state ${show(s)} is not a documented CertificateState (${CERTIFICATE_STATES.join(', ')})`,
    );
  }
  check(
    start.includes(states[0]!),
    `${what}: first state ${show(states[0])}, expected one of ${start.join(', ')}`,
  );
  for (let i = 1; i < states.length; i++) {
    const from = states[i - 1]!;
    const to = states[i]!;
    check(
      NEXT[from]?.includes(to),
      `${what}: illegal transition ${from} → ${to} (states seen: ${states.join(' → ')})`,
    );
  }
}

export const statesFollowMachine = rule({
  id: 'CZ-STA-001',
  title:
    'A new certificate only reports documented states and moves forward: requested → (pending_approval →) issued.',
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
    checkSequence(
      issued.states,
      ['requested', 'pending_approval', 'pending_issue', 'issued'],
      `issue of ${issued.uuid}`,
    );
    const { renewed } = await renewedWithoutCsr(t);
    checkSequence(
      renewed.states,
      ['requested', 'pending_approval', 'pending_issue', 'issued'],
      `renewal ${renewed.uuid}`,
    );
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
  faults: ['renew-revoked-accepted', 'revoke-not-applied'],
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
  faults: ['rekey-revoked-accepted', 'revoke-not-applied'],
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
  faults: ['revoke-revoked-accepted', 'revoke-not-applied'],
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
    const csr = await newCsr(ctx, 'requested');
    const created = await ctx.http.post(`${ctx.api}/v1/certificates/create`, {
      json: {
        raProfileUuid: ctx.params.raProfileUuid,
        request: csr.base64,
        format: 'pkcs10',
        issueAttributes: ctx.params.issueAttributes ?? [],
      },
    });
    checkEqual(created.status, 200, 'submitCertificateRequest status');
    const { uuid, state } = created.json<{ uuid: string; state: string }>();
    checkEqual(state, 'requested', `submitted certificate ${uuid} state`);
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
    const issued = await issueFromCsr(t, 'archived');
    const archived = await ctx.http.patch(certificateUrl(ctx, issued.uuid, '/archive'));
    checkEqual(archived.status, 204, `archiveCertificate ${issued.uuid}: status`);
    t.cleanup(`archived certificate ${issued.uuid} (unarchive)`, async () => {
      await ctx.http.patch(certificateUrl(ctx, issued.uuid, '/unarchive'));
    });
    expectMessageList(await renew(ctx, issued.uuid, {}), `renew of archived certificate ${issued.uuid}`);
  },
});
