import { check, checkEqual, show } from '../../../../src/core/check.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import { rule } from '../../rule.ts';
import type { Ctx } from '../../context.ts';
import { expectRefused } from '../../lib/expect.ts';
import { followNew, issueFromKey, rekey, served } from '../../lib/flow.ts';
import { sameName } from '../../lib/pki.ts';
import { refusedRekey } from './csr.ts';

function keyIssued(t: RuleRun<Ctx>) {
  return t.shared('cz:rekey:key-base', () => issueFromKey(t, 'rekeykey', t.ctx.params.keyUuids![0]!), {
    owner: 'CZ-ISS-008',
  });
}

export const rekeyWithPlatformKey = rule({
  id: 'CZ-RKY-004',
  title:
    'Rekeying with another platform key (keyUuid) issues a new certificate for that key under the same subject.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Rekey Certificate (rekeyCertificate), description',
    quote: 'or new key pair managed by the platform needs to be selected',
  },
  destructive: true,
  requires: ['platform-keys'],
  faults: ['rekey-key-ignored'],
  async check(t) {
    const { ctx } = t;
    const old = await keyIssued(t);
    const newKeyUuid = ctx.params.keyUuids![1]!;
    const response = await rekey(ctx, old.uuid, {
      keyUuid: newKeyUuid,
      tokenProfileUuid: ctx.params.tokenProfileUuid,
      ...(ctx.params.signatureAttributes ? { signatureAttributes: ctx.params.signatureAttributes } : {}),
    });
    const rekeyed = await followNew(
      ctx,
      await served(t, 'rekeyCertificate', response),
      `rekey of ${old.uuid} with key ${newKeyUuid}`,
    );
    checkEqual(rekeyed.detail.key?.uuid, newKeyUuid, `rekeyed certificate ${rekeyed.uuid}: detail.key.uuid`);
    check(!rekeyed.spki.equals(old.spki), `rekeyed certificate ${rekeyed.uuid}: still certifies the old key`);
    check(
      sameName(rekeyed.cert.subject, old.cert.subject),
      `rekeyed certificate subject ${show(rekeyed.cert.subject)}, expected ${show(old.cert.subject)}`,
    );
  },
});

export const rekeyRefusesSameKeyUuid = rule({
  id: 'CZ-RKY-005',
  title: 'Rekeying with the keyUuid the certificate already uses is rejected.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Rekey Certificate (rekeyCertificate), description',
    quote: 'When the same key pair is used, or the subject is changed, the rekey operation will be rejected.',
  },
  destructive: true,
  requires: ['platform-keys'],
  judgesServerErrors: true,
  faults: ['rekey-same-keyuuid-accepted'],
  async check(t) {
    const { ctx } = t;
    const old = await keyIssued(t);
    // The key the platform reports for the certificate (CZ-ISS-008 checks it is the requested one).
    const currentKey = old.detail.key?.uuid ?? ctx.params.keyUuids![0];
    const res = await refusedRekey(t, old.uuid, {
      keyUuid: currentKey,
      tokenProfileUuid: ctx.params.tokenProfileUuid,
    });
    expectRefused(res, `rekey of ${old.uuid} with its own keyUuid ${currentKey}`);
  },
});
