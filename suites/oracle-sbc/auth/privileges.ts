import { check, confirmServerError, notApplicable, show } from '../../../src/core/check.ts';
import { expectStatus, rule } from '../rule.ts';
import { scratchRecord } from '../scratch.ts';

export const nonAdminCannotLock = rule({
  id: 'SBC-AUTH-007',
  title: 'A non-administrator cannot take the configuration lock (403).',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§3 Authentication: Non-admin credentials (lock page)',
    quote: '403 ("requires the client credentials to have administrator privileges")',
  },
  requires: ['non-admin-account'],
  judgesServerErrors: true,
  faults: ['non-admin-may-lock'],
  async check(t) {
    const nonAdmin = t.ctx.account('nonAdmin');
    t.cleanup(`configuration lock possibly taken by ${nonAdmin.username}`, () => nonAdmin.release());
    const res = await confirmServerError(() => nonAdmin.lock());
    expectStatus(res, 403, `POST configuration/lock as the non-administrator ${nonAdmin.username}`);
  },
});

export const nonAdminCannotGenerate = rule({
  id: 'SBC-AUTH-008',
  title:
    'A non-administrator cannot call generateRequest: 403 (a 423, the lock checked first, leaves the privilege check unobserved).',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 403',
    quote: 'This request requires the client credentials to have administrator privileges.',
  },
  destructive: true,
  requires: ['non-admin-account'],
  judgesServerErrors: true,
  faults: ['non-admin-may-generate'],
  async check(t) {
    // The record exists: a device may look the record up before the privileges (404 for a missing one).
    const name = scratchRecord(t.ctx.params, 'nonadmin');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const nonAdmin = t.ctx.account('nonAdmin');
    const res = await confirmServerError(() => t.ctx.generateRequest(nonAdmin, { recordName: name }));
    // The page orders none of its refusals, and a non-administrator lacks the lock too (the administrator holds
    // it): 423 is as documented a refusal as 403. What it must not do is generate.
    check(
      res.status === 403 || res.status === 423,
      `PUT generateRequest?recordName=${name} as the non-administrator ${nonAdmin.username}: expected 403 (or 423, the lock checked first), got ${res.status}${res.text ? ` (${show(res.text.trim())})` : ''}`,
    );
    // A 423 refuses for the lock, which a device without any privilege check would answer too: the privilege
    // requirement was not observed (a non-administrator can never hold the lock, SBC-AUTH-007).
    if (res.status === 423)
      notApplicable(
        'the device checks the lock before the privilege (423): whether generateRequest requires administrator privileges is not observable, since a non-administrator cannot hold the lock',
      );
  },
});

export const privilegeRules = [nonAdminCannotLock, nonAdminCannotGenerate];
