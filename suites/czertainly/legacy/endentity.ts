import { seededBytes, seededSecret } from '../../../src/core/random.ts';
import { SCRATCH_PREFIX } from '../../../src/core/scratch.ts';
import { check, checkEqual, expectHelperStatus, requireServed, show } from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import { rule } from '../rule.ts';
import type { Ctx } from '../context.ts';
import { v1 } from '../lib/flow.ts';
import { sameName, uniqueSubject } from '../lib/pki.ts';

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
  const username = `${SCRATCH_PREFIX}${label}-${seededBytes(4).toString('hex')}`;
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

/** Reads an end entity; a readable answer is kept for CZ-DTO-003. */
async function getEndEntity(ctx: Ctx, username: string) {
  const res = await ctx.http.get(legacyUrl(ctx, `/endentity/${encodeURIComponent(username)}`));
  if (res.status === 200) keepEndEntities(ctx, res);
  return res;
}

/** Keeps what an end entity read (one, or a list) answered, when it parses, for CZ-DTO-003. */
export function keepEndEntities(ctx: Ctx, res: HttpResponse): void {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return; // an unparseable answer is the reading rule's to judge
  }
  if (Array.isArray(body)) body.forEach((e, i) => ctx.seen.add('ClientEndEntityDto', res, e, i));
  else ctx.seen.add('ClientEndEntityDto', res, body);
}

const LEGACY = { source: 'openapi-legacy' } as const;

export const listEndEntities = rule({
  id: 'CZ-LEG-001',
  title: 'An added end entity is listed by listEntities (the statuses are CZ-DTO-003’s).',
  level: 'MUST',
  cite: {
    ...LEGACY,
    section: 'GET /v1/operations/{raProfileName}/endentity (listEntities), responses."200"',
    quote: 'description: List of entities retrieved',
  },
  destructive: true,
  requires: ['legacy-v1'],
  faults: ['end-entity-list-empty'],
  async check(t) {
    const { ctx } = t;
    const ee = await addEndEntity(t, 'list');
    const res = await ctx.http.get(legacyUrl(ctx, '/endentity'));
    checkEqual(res.status, 200, 'listEntities status');
    const list = res.json<Array<Record<string, unknown>>>();
    check(Array.isArray(list), `listEntities: expected a JSON array, got ${show(list)}`);
    keepEndEntities(ctx, res);
    check(
      list.some((e) => e?.username === ee.username),
      `listEntities: the added end entity ${ee.username} is not listed (${list.length} listed)`,
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
    // The documented operation not served at all (404/405/501) is this rule's finding, said as such.
    requireServed(res, 'resetPassword', 'CZ-LEG-004');
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
