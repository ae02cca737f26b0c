import type { FastifyRequest } from 'fastify';
import { ApiError, invalid, message, unreadable } from './errors.ts';
import { STATE_LABELS, UUID_RE } from './model.ts';
import type { Certificate, MockContext, PlatformKey, RaProfile } from './world.ts';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the routes check before they act, in the implementation's order, and the faults that skip a check. */
export function createChecks({ world, behaviour, fault }: MockContext) {
  const { certificates, keys, raProfiles } = world;

  /** A refusal whose status the documents leave open: the implementation's 422 list, or a 400 {message}. */
  const refuse = (text: string) => (behaviour.alternateRefusals ? message(400, text) : invalid(text));
  /** A refusal the implementation answers 400 {message}; another implementation may answer a 422 list. */
  const reject400 = (text: string) => (behaviour.alternateRefusals ? invalid(text) : message(400, text));

  function parseBody(req: FastifyRequest, required: boolean): unknown {
    const raw = req.body as string | undefined;
    if (raw === undefined || raw.trim() === '') {
      if (required) throw unreadable();
      return undefined;
    }
    try {
      return JSON.parse(raw);
    } catch {
      throw fault('bad-json-500') ? message(500, 'Internal server error.') : unreadable();
    }
  }

  function objectBody(req: FastifyRequest): Record<string, unknown> {
    const body = parseBody(req, true);
    if (!isObject(body)) throw unreadable();
    return body;
  }

  function checkFormat(body: Record<string, unknown>): void {
    if (body.format === undefined || body.format === null) return;
    if (body.format !== 'pkcs10' && body.format !== 'crmf' && !fault('unknown-format-accepted'))
      throw unreadable();
  }

  function pathUuids(params: Record<string, string>): void {
    for (const name of ['authorityUuid', 'raProfileUuid']) {
      const v = params[name]!;
      if (!UUID_RE.test(v)) {
        if (fault('non-uuid-path-404')) throw message(404, `Object identified by ${v} is not found.`);
        throw invalid(`Invalid UUID ${v} in the request`);
      }
    }
  }

  function certificateUuid(v: string, secured: boolean): void {
    if (UUID_RE.test(v)) return;
    if (secured) {
      if (fault('non-uuid-requested-400')) throw message(400, `Invalid UUID string: ${v}`);
      throw invalid(`Invalid UUID ${v} in the request`);
    }
    if (fault('non-uuid-cert-500')) throw message(500, 'Internal server error.');
    throw message(400, `Invalid UUID string: ${v}`);
  }

  function raProfileFor(uuid: string, opts: { requireEnabled: boolean }): RaProfile {
    const p = raProfiles.get(uuid);
    const hideDisabled = opts.requireEnabled && !fault('attributes-on-disabled-profile');
    if (!p || (hideDisabled && !p.enabled)) {
      if (!p && fault('unknown-ra-profile-422')) throw invalid(`RA profile ${uuid} does not exist`);
      throw message(404, `Object of type 'RaProfile' identified by ${uuid} is not found.`);
    }
    if (p.legacy && !fault('v2-on-legacy-profile-served'))
      throw message(404, 'Legacy Authority. V2 Implementation not found on the connector');
    return p;
  }

  function platformKey(uuid: unknown, what = 'CryptographicKey'): PlatformKey {
    const k = typeof uuid === 'string' ? keys.get(uuid) : undefined;
    if (!k) throw message(404, `Object of type '${what}' identified by ${String(uuid)} is not found.`);
    if (k.state !== 'active') throw invalid(`Key ${k.uuid} is not in active state`);
    return k;
  }

  /** validateOldCertificateForOperation of the implementation, in its order. */
  function oldCertificate(uuid: string, profile: RaProfile, op: 'renew' | 'rekey' | 'revoke'): Certificate {
    const c = certificates.get(uuid);
    if (!c) {
      const text = `Object of type 'Certificate' identified by ${uuid} is not found.`;
      if (fault('unknown-certificate-plain-text')) throw new ApiError(404, text, 'text/plain');
      throw message(404, text);
    }
    if (c.archived && !fault('archived-operations-accepted')) {
      throw invalid(`Cannot perform operation ${op} on archived certificate. Certificate: ${uuid}`);
    }
    const tolerated =
      (c.state === 'revoked' &&
        ((op === 'renew' && fault('renew-revoked-accepted')) ||
          (op === 'rekey' && fault('rekey-revoked-accepted')) ||
          (op === 'revoke' && fault('revoke-revoked-accepted')))) ||
      (c.state === 'requested' && fault('operations-on-requested-accepted'));
    if (c.state !== 'issued' && !tolerated) {
      throw invalid(
        `Cannot perform operation ${op} on certificate in state ${STATE_LABELS[c.state] ?? c.state}. Certificate: ${uuid}`,
      );
    }
    if (fault('ra-profile-mismatch-accepted')) return c;
    if (c.raProfileUuid !== profile.uuid) {
      throw invalid(
        `Cannot perform operation ${op}. Existing Certificate RA profile is different than RA profile of request`,
      );
    }
    if (!profile.enabled)
      throw invalid(`Cannot perform operation ${op} on certificate with disabled RA profile.`);
    return c;
  }

  return {
    refuse,
    reject400,
    parseBody,
    objectBody,
    checkFormat,
    pathUuids,
    certificateUuid,
    raProfileFor,
    platformKey,
    oldCertificate,
  };
}

export type Checks = ReturnType<typeof createChecks>;
