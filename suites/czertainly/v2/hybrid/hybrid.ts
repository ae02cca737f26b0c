import { check, checkEqual, show } from '../../../../src/core/check.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import { rule, VENDOR } from '../../rule.ts';
import type { Ctx } from '../../context.ts';
import { expectMessageList, expectRefused } from '../../lib/expect.ts';
import { issueFromKey } from '../../lib/flow.ts';
import { refusedRekey } from '../rekey/csr.ts';

function hybridIssued(t: RuleRun<Ctx>) {
  const p = t.ctx.params;
  return t.shared(
    'cz:hybrid',
    () =>
      issueFromKey(t, 'hybrid', p.keyUuids![0]!, {
        altTokenProfileUuid: p.altTokenProfileUuid!,
        altKeyUuid: p.altKeyUuids![0]!,
      }),
    { owner: 'CZ-HYB-001' },
  );
}

/** The later hybrid rules start from a hybrid certificate; say so when the target did not make one. */
async function hybridBase(t: RuleRun<Ctx>) {
  const base = await hybridIssued(t);
  check(
    base.detail.hybridCertificate === true,
    `certificate ${base.uuid} issued with altKeyUuid is not hybrid (hybridCertificate ${show(base.detail.hybridCertificate)})`,
  );
  return base;
}

export const hybridIssue = rule({
  id: 'CZ-HYB-001',
  title:
    'Issuing with altTokenProfileUuid and altKeyUuid produces a hybrid certificate bound to that alternative key.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: altKeyUuid',
    quote: 'altKeyUuid | string <uuid> Alternative Key UUID.',
  },
  destructive: true,
  requires: ['hybrid'],
  faults: ['hybrid-alt-key-ignored'],
  async check(t) {
    const base = await hybridBase(t);
    checkEqual(
      base.detail.altKey?.uuid,
      t.ctx.params.altKeyUuids![0],
      `certificate ${base.uuid}: detail.altKey.uuid`,
    );
  },
});

export const hybridRekeyNeedsNewAltKey = rule({
  id: 'CZ-HYB-002',
  title: 'Rekeying a hybrid certificate with its current alternative key is rejected.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Rekey Certificate (rekeyCertificate), description',
    quote: 'When the same key pair is used, or the subject is changed, the rekey operation will be rejected.',
  },
  destructive: true,
  requires: ['hybrid'],
  judgesServerErrors: true,
  faults: ['hybrid-same-alt-key-accepted', 'hybrid-alt-key-ignored'],
  async check(t) {
    const p = t.ctx.params;
    const base = await hybridBase(t);
    const res = await refusedRekey(t, base.uuid, {
      keyUuid: p.keyUuids![1],
      tokenProfileUuid: p.tokenProfileUuid,
      altKeyUuid: p.altKeyUuids![0],
      altTokenProfileUuid: p.altTokenProfileUuid,
    });
    expectRefused(res, `rekey of hybrid ${base.uuid} with its current alternative key`);
  },
});

export const hybridRekeyNeedsAltKey = rule({
  id: 'CZ-HYB-003',
  title: 'Rekeying a hybrid certificate without an alternative key is refused with 422.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.rekeyCertificate',
    quote: 'Missing alternative key for re-keying of hybrid certificate',
  },
  destructive: true,
  requires: ['hybrid'],
  judgesServerErrors: true,
  faults: ['hybrid-missing-alt-key-accepted', 'hybrid-alt-key-ignored'],
  async check(t) {
    const p = t.ctx.params;
    const base = await hybridBase(t);
    const res = await refusedRekey(t, base.uuid, {
      keyUuid: p.keyUuids![1],
      tokenProfileUuid: p.tokenProfileUuid,
    });
    expectMessageList(res, `rekey of hybrid ${base.uuid} without altKeyUuid`);
  },
});
