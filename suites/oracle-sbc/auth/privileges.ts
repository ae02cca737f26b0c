import { expectStatus, rule } from '../rule.ts';

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
  faults: ['non-admin-may-lock'],
  async check(t) {
    const nonAdmin = t.ctx.account('nonAdmin');
    t.cleanup(`configuration lock possibly taken by ${nonAdmin.username}`, () => nonAdmin.release());
    const res = await nonAdmin.lock();
    expectStatus(res, 403, `POST configuration/lock as the non-administrator ${nonAdmin.username}`);
  },
});

export const nonAdminCannotGenerate = rule({
  id: 'SBC-AUTH-008',
  title: 'A non-administrator cannot call generateRequest (403).',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 403',
    quote: 'This request requires the client credentials to have administrator privileges.',
  },
  requires: ['non-admin-account'],
  faults: ['non-admin-may-generate'],
  async check(t) {
    const nonAdmin = t.ctx.account('nonAdmin');
    const res = await t.ctx.generateRequest(nonAdmin, { recordName: t.ctx.params.recordName });
    expectStatus(res, 403, `PUT generateRequest as the non-administrator ${nonAdmin.username}`);
  },
});

export const privilegeRules = [nonAdminCannotLock, nonAdminCannotGenerate];
