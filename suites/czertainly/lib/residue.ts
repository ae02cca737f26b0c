import type { FoundResidue } from '../../../src/core/api.ts';
import { expectHelperStatus, helperJson } from '../../../src/core/check.ts';
import { SCRATCH_PREFIX } from '../../../src/core/scratch.ts';
import type { Ctx } from '../context.ts';
import { v1 } from './flow.ts';

/**
 * What an earlier run left on the platform: legacy end entities the suite names `certconform-<label>-<hex>`
 * (legacy/endentity.ts) on the profile's legacy RA profile, listed with listEntities (a GET) and removed with
 * removeEndEntity. Certificates are not residue: the client API cannot delete one, and issuing is what the rules
 * test (their subjects carry the prefix too, so they can be found in the inventory).
 */
export async function earlierEndEntities(ctx: Ctx, raProfileName: string): Promise<FoundResidue[]> {
  const list = v1(ctx, raProfileName, '/endentity');
  const res = await ctx.http.get(list);
  expectHelperStatus(res, [200], `listEntities on RA profile "${raProfileName}"`);
  const body = helperJson<unknown>(res, `listEntities on RA profile "${raProfileName}"`);
  const names = (Array.isArray(body) ? body : [])
    .map((e) => (e && typeof e === 'object' ? (e as { username?: unknown }).username : undefined))
    .filter((u): u is string => typeof u === 'string' && u.startsWith(SCRATCH_PREFIX));
  return names.map((username) => ({
    what: `legacy end entity "${username}" (RA profile ${raProfileName})`,
    remove: async () => {
      const res = await ctx.http.delete(v1(ctx, raProfileName, `/endentity/${encodeURIComponent(username)}`));
      expectHelperStatus(res, [200, 204, 404], `removeEndEntity ${username}`);
    },
  }));
}
