import { broken, check, confirmServerError, describeAnswer, show } from '../../../src/core/check.ts';
import { MESSAGES, lockedByOther } from '../client.ts';
import { expectEnvelope, expectLocked, expectStatus, isSuccess, rule } from '../rule.ts';

export const lockTaken = rule({
  id: 'SBC-LOCK-001',
  title: 'POST configuration/lock on a free lock answers 204 No Content.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: POST /rest/{version}/configuration/lock',
    quote: '204 No Content',
  },
  faults: ['lock-answers-200', 'lock-not-served'],
  async check(t) {
    // The lock answer is this rule's subject: judged here, not by acquire() (which treats refusals as setup).
    t.cleanup('configuration lock (possibly taken)', () => t.ctx.admin.release());
    // Owner of "the lock is served": lock() reports a 404, 405 or 501 as this rule's finding.
    const res = await t.ctx.admin.lock();
    if (res.status === 423) lockedByOther(res, t.ctx.params);
    expectStatus(res, 204, 'POST configuration/lock');
    check(res.body.length === 0, `POST configuration/lock: 204 must have no body, got ${show(res.text)}`);
  },
});

export const lockReleased = rule({
  id: 'SBC-LOCK-002',
  title: 'POST configuration/unlock by the lock owner answers 204 No Content.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: POST /rest/{version}/configuration/unlock',
    quote: '204 No Content',
  },
  faults: ['unlock-answers-200'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await t.ctx.admin.unlock();
    expectStatus(res, 204, 'POST configuration/unlock by the owner');
    check(res.body.length === 0, `POST configuration/unlock: 204 must have no body, got ${show(res.text)}`);
  },
});

export const unlockWithoutLock = rule({
  id: 'SBC-LOCK-003',
  title: 'Unlock when nobody holds the lock answers 423 "User does not have the lock".',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: POST /rest/{version}/configuration/unlock',
    quote: '"User does not have the lock" when nobody does',
  },
  judgesServerErrors: true,
  faults: ['unlock-free-lock-accepted', 'lock-messages-swapped', 'error-body-not-envelope'],
  async check(t) {
    await t.ctx.ensureLockFree(t);
    const res = await confirmServerError(() => t.ctx.admin.unlock());
    const what = 'POST configuration/unlock while nobody holds the lock';
    expectLocked(res, MESSAGES.noLock, what);
    // The message the rule reads is in the error envelope the documents define.
    expectEnvelope(res, `${what}: 423 answer`);
  },
});

export const lockHeldByOther = rule({
  id: 'SBC-LOCK-004',
  title:
    'A second administrator cannot take a lock the first one holds: 423 "Resource locked by another user".',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 423',
    quote:
      'If another client or user currently owns the configuration lock, the error message is "Resource locked by another user".',
  },
  requires: ['second-admin-account'],
  judgesServerErrors: true,
  faults: ['lock-takeover', 'lock-messages-swapped'],
  async check(t) {
    const other = t.ctx.account('otherAdmin');
    t.cleanup(`configuration lock possibly taken by ${other.username}`, () => other.release());
    await t.ctx.acquire(t);
    const res = await confirmServerError(() => other.lock());
    await t.ctx.confirmLockHeld();
    expectLocked(
      res,
      MESSAGES.lockedByOther,
      `POST configuration/lock by ${other.username} while ${t.ctx.admin.username} holds it`,
    );
  },
});

export const unlockByOtherRefused = rule({
  id: 'SBC-LOCK-005',
  title:
    'Another administrator cannot release the lock (423 "Resource locked by another user"); it stays with its owner.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: POST /rest/{version}/configuration/unlock',
    quote: '423 if caller does not own the lock ("Resource locked by another user" when someone else owns it',
  },
  requires: ['second-admin-account'],
  judgesServerErrors: true,
  faults: ['unlock-by-other-user', 'lock-messages-swapped'],
  async check(t) {
    const other = t.ctx.account('otherAdmin');
    await t.ctx.acquire(t);
    await other.bearer();
    const res = await confirmServerError(() => other.unlock());
    await t.ctx.confirmLockHeld();
    expectLocked(
      res,
      MESSAGES.lockedByOther,
      `POST configuration/unlock by ${other.username} while ${t.ctx.admin.username} holds the lock`,
    );
    const owner = await t.ctx.admin.unlock();
    // A server error there says nothing about who holds the lock.
    if (owner.status >= 500) broken(`the owner's own unlock: ${describeAnswer(owner)}`);
    check(
      isSuccess(owner),
      `after the refused unlock the lock must still be ${t.ctx.admin.username}'s: its own unlock answered ${owner.status}`,
    );
  },
});

export const lockBelongsToToken = rule({
  id: 'SBC-LOCK-006',
  title:
    'The lock belongs to the token that took it: another token of the same user gets 423 "Resource locked by another user".',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: Lock ownership',
    quote: 'tied to the access token',
  },
  judgesServerErrors: true,
  faults: ['lock-bound-to-user', 'lock-messages-swapped', 'lock-takeover', 'unlock-by-other-user'],
  async check(t) {
    const second = t.ctx.session(
      'admin (second token)',
      t.target.auth.username ?? '',
      t.target.auth.password ?? '',
    );
    t.cleanup('configuration lock possibly taken by the second admin token', () => second.release());
    await t.ctx.acquire(t);
    await second.bearer();
    const unlock = await confirmServerError(() => second.unlock());
    const lock = await confirmServerError(() => second.lock());
    await t.ctx.confirmLockHeld();
    expectLocked(
      unlock,
      MESSAGES.lockedByOther,
      'POST configuration/unlock with a second token of the lock owner',
    );
    expectLocked(
      lock,
      MESSAGES.lockedByOther,
      'POST configuration/lock with a second token of the lock owner',
    );
  },
});

export const lockRules = [
  lockTaken,
  lockReleased,
  unlockWithoutLock,
  lockHeldByOther,
  unlockByOtherRefused,
  lockBelongsToToken,
];
