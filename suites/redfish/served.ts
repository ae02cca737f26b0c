import type { RuleRun } from '../../src/core/api.ts';
import { NOT_SERVED_STATUSES, requireServed } from '../../src/core/check.ts';
import { TransportError } from '../../src/core/errors.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { discover, type RedfishCtx } from './context.ts';

/**
 * One cause, one finding: an advertised action that is not served at all (404, 405 or 501 to a POST on its target)
 * is the finding of one rule; every other rule that needed the action ends `error` "not evaluated: Rekey not served
 * (405) (the finding of RF-REQ-019)". Every Rekey POST of the suite goes through `requireServed(res, 'Rekey',
 * REKEY_SERVED_RULE)` before it is judged.
 */
export const REKEY_SERVED_RULE = 'RF-REQ-019';
export const REPLACE_SERVED_RULE = 'RF-REQ-020';

/**
 * The probe body: well-formed JSON that is not an object, so a service that serves the action refuses it (400)
 * and can never perform it, while one that does not serve it answers 404/405/501 as for any body (a service that
 * parses bodies before routing still routes this one).
 */
const PROBE_BODY = '[]';

async function probe(t: RuleRun<RedfishCtx>, target: string): Promise<HttpResponse> {
  const send = () =>
    t.ctx.http.post(target, { body: PROBE_BODY, headers: { 'content-type': 'application/json' } });
  try {
    return await send();
  } catch (err) {
    // A lost answer says nothing; the probe changes nothing, so it is sent once more.
    if (err instanceof TransportError) return send();
    throw err;
  }
}

/**
 * Whether every Rekey target the suite uses (the first Rekey-capable certificate of each location) is served: one
 * POST each that the service must refuse. Throws NotServed (owner RF-REQ-019) at the first that is not served.
 */
export async function rekeyServed(t: RuleRun<RedfishCtx>): Promise<string[]> {
  const d = await discover(t);
  return t.shared('rekeyServed', async () => {
    const seen: string[] = [];
    for (const target of new Set(Object.values(d.byKind).map((c) => c.rekeyTarget))) {
      const res = requireServed(await probe(t, target), 'Rekey', REKEY_SERVED_RULE);
      seen.push(`${target}: ${res.status}`);
    }
    return seen;
  });
}

/** Whether the advertised ReplaceCertificate target is served (owner RF-REQ-020). */
export async function replaceServed(t: RuleRun<RedfishCtx>): Promise<string[]> {
  const d = await discover(t);
  const target = d.replaceTarget;
  if (!target) return [];
  return t.shared('replaceServed', async () => {
    const res = requireServed(await probe(t, target), 'ReplaceCertificate', REPLACE_SERVED_RULE);
    return [`${target}: ${res.status}`];
  });
}

/** Every Rekey POST a rule judges: not served is RF-REQ-019's finding, not the calling rule's. */
export function requireRekeyServed(res: HttpResponse): HttpResponse {
  return requireServed(res, 'Rekey', REKEY_SERVED_RULE);
}

/**
 * For rules whose requirement is a refusal status (401, 403, 404, an Allow listing POST): a 404/405/501 there is
 * their own finding only when the action is served to the main account. When the probe shows it is not served at
 * all, the rule was not evaluated (NotServed, the finding of RF-REQ-019).
 */
export async function servedOrOwnFinding(t: RuleRun<RedfishCtx>, res: HttpResponse): Promise<void> {
  if (NOT_SERVED_STATUSES.includes(res.status)) await rekeyServed(t);
}
