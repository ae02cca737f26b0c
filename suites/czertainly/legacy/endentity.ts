import { seededBytes, seededSecret } from '../../../src/core/random.ts';
import { check, checkEqual, expectHelperStatus, show } from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import { rule } from '../rule.ts';
import type { Ctx } from '../context.ts';
import { v1 } from '../lib/flow.ts';
import { sameName, uniqueSubject } from '../lib/pki.ts';

export const END_ENTITY_STATUSES = [
  'NEW',
  'FAILED',
  'INITIALIZED',
  'IN_PROCESS',
  'GENERATED',
  'REVOKED',
  'HISTORICAL',
  'KEY_RECOVERY',
  'WAITING_FOR_ADD_APPROVAL',
] as const;

export interface EndEntity {
  username: string;
  password: string;
  subjectDN: string;
}

export function legacyUrl(ctx: Ctx, suffix: string): string {
  return v1(ctx, ctx.params.legacyRaProfileName!, suffix);
}

export function raProfileRef(ctx: Ctx) {
  return { uuid: ctx.params.legacyRaProfileUuid, name: ctx.params.legacyRaProfileName, enabled: true };
}

/** Adds a fresh end entity and deletes it after the rule, whatever happens. */
export async function addEndEntity(t: RuleRun<Ctx>, label: string): Promise<EndEntity> {
  const { ctx } = t;
  const username = `certconform-${label}-${seededBytes(4).toString('hex')}`;
  const password = seededSecret((b) => b.toString('base64url'));
  t.secret(password);
  const subjectDN = uniqueSubject(ctx, label).replace(/^CN=[^,]+/, `CN=${username}`);
  // Registered first: an add whose answer is lost may still have created the end entity.
  t.cleanup(`legacy end entity ${username}`, async () => {
    const res = await ctx.http.delete(legacyUrl(ctx, `/endentity/${encodeURIComponent(username)}`));
    expectHelperStatus(res, [200, 204, 404], `delete legacy end entity ${username}`);
  });
  await t.setup(`add legacy end entity ${username}`, async () => {
    const res = await ctx.http.post(legacyUrl(ctx, '/endentity'), {
      json: { username, password, subjectDN, raProfile: raProfileRef(ctx) },
    });
    expectHelperStatus(res, [200, 201, 204], `addEndEntity ${username}`);
  });
  return { username, password, subjectDN };
}

async function getEndEntity(ctx: Ctx, username: string) {
  const res = await ctx.http.get(legacyUrl(ctx, `/endentity/${encodeURIComponent(username)}`));
  return res;
}

const LEGACY = { source: 'openapi-legacy' } as const;

export const listEndEntities = rule({
  id: 'CZ-LEG-001',
  title: 'End entities are listed (and read) with a status from the documented set.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Legacy Edit End Entity, request body: status (ClientEndEntityDto.status has the same enum)',
    quote:
      'Enum: "NEW" "FAILED" "INITIALIZED" "IN_PROCESS" "GENERATED" "REVOKED" "HISTORICAL" "KEY_RECOVERY" "WAITING_FOR_ADD_APPROVAL"',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['end-entity-status-lowercase'],
  async check(t) {
    const { ctx } = t;
    const ee = await addEndEntity(t, 'list');
    const res = await ctx.http.get(legacyUrl(ctx, '/endentity'));
    checkEqual(res.status, 200, 'listEntities status');
    const list = res.json<Array<Record<string, unknown>>>();
    check(Array.isArray(list), `listEntities: expected a JSON array, got ${show(list)}`);
    const mine = list.find((e) => e.username === ee.username);
    check(mine, `listEntities: the added end entity ${ee.username} is not listed`);
    for (const e of list) {
      check(
        (END_ENTITY_STATUSES as readonly unknown[]).includes(e.status),
        `end entity ${show(e.username)}: status ${show(e.status)} is not documented`,
      );
    }
    const one = (await getEndEntity(ctx, ee.username)).json<Record<string, unknown>>();
    check(
      (END_ENTITY_STATUSES as readonly unknown[]).includes(one.status),
      `getEndEntity ${ee.username}: status ${show(one.status)} is not documented`,
    );
  },
});

export const addAndGetEndEntity = rule({
  id: 'CZ-LEG-002',
  title: 'An added end entity can be read back with its username and subject DN.',
  level: 'MUST',
  cite: {
    ...LEGACY,
    section: 'POST /v1/operations/{raProfileName}/endentity (addEndEntity)',
    quote: 'summary: Add End Entity',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['add-end-entity-subject-dropped'],
  async check(t) {
    const ee = await addEndEntity(t, 'add');
    const res = await getEndEntity(t.ctx, ee.username);
    checkEqual(res.status, 200, `getEndEntity ${ee.username}: status`);
    const body = res.json<Record<string, unknown>>();
    checkEqual(body.username, ee.username, 'end entity username');
    check(
      sameName(String(body.subjectDN), ee.subjectDN),
      `end entity subjectDN: expected ${show(ee.subjectDN)}, got ${show(body.subjectDN)}`,
    );
  },
});

export const editEndEntity = rule({
  id: 'CZ-LEG-003',
  title: 'An end entity is edited with POST on its own path, and the change is read back.',
  level: 'MUST',
  cite: {
    ...LEGACY,
    section: 'POST /v1/operations/{raProfileName}/endentity/{username} (editEndEntity)',
    quote: 'summary: Edit End Entity',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['edit-end-entity-ignored'],
  async check(t) {
    const { ctx } = t;
    const ee = await addEndEntity(t, 'edit');
    const subjectDN = `${ee.subjectDN.split(',')[0]}, OU=edited`;
    const password = seededSecret((b) => b.toString('base64url'));
    t.secret(password);
    const res = await ctx.http.post(legacyUrl(ctx, `/endentity/${encodeURIComponent(ee.username)}`), {
      json: { password, subjectDN, status: 'NEW', raProfile: raProfileRef(ctx) },
    });
    checkEqual(res.status, 200, `editEndEntity ${ee.username}: status`);
    const body = (await getEndEntity(ctx, ee.username)).json<Record<string, unknown>>();
    check(
      sameName(String(body.subjectDN), subjectDN),
      `edited subjectDN: expected ${show(subjectDN)}, got ${show(body.subjectDN)}`,
    );
  },
});

export const resetPassword = rule({
  id: 'CZ-LEG-004',
  title: 'An end entity password is reset with PUT .../resetPassword (200).',
  level: 'MUST',
  cite: {
    ...LEGACY,
    section: 'PUT /v1/operations/{raProfileName}/endentity/{username}/resetPassword (resetPassword)',
    quote: 'description: End Entity password reset',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['reset-password-405'],
  async check(t) {
    const ee = await addEndEntity(t, 'reset');
    const res = await t.ctx.http.put(
      legacyUrl(t.ctx, `/endentity/${encodeURIComponent(ee.username)}/resetPassword`),
    );
    checkEqual(res.status, 200, `resetPassword ${ee.username}: status`);
  },
});

export const deleteEndEntity = rule({
  id: 'CZ-LEG-005',
  title: 'A deleted end entity is gone: reading it afterwards answers 404.',
  level: 'MUST',
  cite: {
    ...LEGACY,
    section: 'DELETE /v1/operations/{raProfileName}/endentity/{username} (revokeAndDeleteEndEntity)',
    quote: 'summary: Revoke all Certificates and delete End Entity',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['delete-end-entity-ignored'],
  async check(t) {
    const ee = await addEndEntity(t, 'delete');
    const res = await t.ctx.http.delete(legacyUrl(t.ctx, `/endentity/${encodeURIComponent(ee.username)}`));
    if (res.status === 404 && res.evidence.retried) {
      // The first DELETE was lost on a stale connection after it may have run; the read below decides.
      t.note(`DELETE was re-sent (${res.evidence.retried}) and answered 404`);
    } else {
      checkEqual(res.status, 200, `revokeAndDeleteEndEntity ${ee.username}: status`);
    }
    checkEqual(
      (await getEndEntity(t.ctx, ee.username)).status,
      404,
      `getEndEntity ${ee.username} after delete: status`,
    );
  },
});
