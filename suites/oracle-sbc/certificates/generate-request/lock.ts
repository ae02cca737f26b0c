import { confirmServerError } from '../../../../src/core/check.ts';
import { MESSAGES } from '../../client.ts';
import { expectLocked, rule } from '../../rule.ts';
import { scratchRecord } from '../../scratch.ts';

export const generateNeedsLock = rule({
  id: 'SBC-GEN-001',
  title: 'generateRequest without the lock answers 423 "User does not have the lock".',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 423',
    quote:
      'If no client or user owns the configuration lock, the error message is "User does not have the lock".',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['generate-without-lock', 'lock-messages-swapped'],
  async check(t) {
    const name = scratchRecord(t.ctx.params, 'gen-nolock');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    await t.ctx.unlockForRule();
    const res = await confirmServerError(() => t.ctx.generateRequest(t.ctx.admin, { recordName: name }));
    expectLocked(res, MESSAGES.noLock, `PUT generateRequest?recordName=${name} while nobody holds the lock`);
  },
});

export const generateNeedsOwnLock = rule({
  id: 'SBC-GEN-002',
  title:
    'generateRequest while another administrator holds the lock answers 423 "Resource locked by another user".',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 423',
    quote:
      'If another client or user currently owns the configuration lock, the error message is "Resource locked by another user".',
  },
  destructive: true,
  requires: ['second-admin-account'],
  judgesServerErrors: true,
  faults: ['generate-ignores-lock-owner', 'lock-messages-swapped'],
  async check(t) {
    const name = scratchRecord(t.ctx.params, 'gen-otherlock');
    const other = t.ctx.account('otherAdmin');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const res = await confirmServerError(() => t.ctx.generateRequest(other, { recordName: name }));
    await t.ctx.confirmLockHeld();
    expectLocked(
      res,
      MESSAGES.lockedByOther,
      `PUT generateRequest by ${other.username} while ${t.ctx.admin.username} holds the lock`,
    );
  },
});

export const generateLockRules = [generateNeedsLock, generateNeedsOwnLock];
