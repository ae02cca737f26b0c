import type { FastifyInstance } from 'fastify';
import { isObject } from '../checks.ts';
import { invalid, message, unreadable } from '../errors.ts';
import { END_ENTITY_STATUSES, REVOCATION_REASONS, newUuid } from '../model.ts';
import { requestFromCsr } from '../requests.ts';
import type { CertRequest, Certificate, EndEntity, RaProfile } from '../world.ts';
import type { Params, RouteContext } from './context.ts';

const V1 = '/api/v1/operations/:raProfileName';

/** The legacy v1 client operations on an EJBCA RA profile: end entities, certificate issue and revoke. */
export function registerLegacyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world, fault } = ctx;
  const { certificates, endEntities, raProfiles, substituteKey } = world;
  const { objectBody } = ctx.checks;
  const { sign } = ctx.ca;

  function legacyProfile(name: string): RaProfile {
    const p = [...raProfiles.values()].find((r) => r.name === name && r.enabled);
    if (!p) throw message(404, `Object of type 'RaProfile' identified by ${name} is not found.`);
    if (!p.legacy && !fault('legacy-on-v2-profile-accepted'))
      throw invalid('EndEntityProfile not found in attributes');
    return p;
  }

  function endEntityDto(e: EndEntity) {
    return {
      username: e.username,
      subjectDN: e.subjectDN,
      ...(e.email ? { email: e.email } : {}),
      ...(e.subjectAltName ? { subjectAltName: e.subjectAltName } : {}),
      ...(e.extensionData ? { extensionData: e.extensionData } : {}),
      status: fault('end-entity-status-lowercase') ? e.status.toLowerCase() : e.status,
    };
  }

  function endEntity(username: string): EndEntity {
    const e = endEntities.get(username);
    if (!e) throw message(404, `Object of type 'EndEntity' identified by ${username} is not found.`);
    return e;
  }

  function requireStrings(body: Record<string, unknown>, fields: string[]): void {
    for (const f of fields) {
      if (typeof body[f] !== 'string' || body[f] === '')
        throw message(400, `Validation error: ${f} must not be empty`);
    }
  }

  app.get(`${V1}/endentity`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    if (
      fault('legacy-unknown-profile-200') &&
      ![...raProfiles.values()].some((p) => p.name === raProfileName)
    ) {
      return reply.send([]);
    }
    legacyProfile(raProfileName!);
    if (fault('end-entity-list-empty')) return reply.send([]);
    return reply.send([...endEntities.values()].map(endEntityDto));
  });

  app.post(`${V1}/endentity`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    requireStrings(body, ['username', 'password', 'subjectDN']);
    if (!isObject(body.raProfile)) throw message(400, 'Validation error: raProfile must not be null');
    const username = body.username as string;
    if (endEntities.has(username)) throw message(400, `End entity ${username} already exists`);
    const subjectDN = body.subjectDN as string;
    endEntities.set(username, {
      username,
      password: body.password as string,
      subjectDN: fault('add-end-entity-subject-dropped')
        ? subjectDN.split(/,\s*/).slice(0, -1).join(', ')
        : subjectDN,
      email: typeof body.email === 'string' ? body.email : undefined,
      subjectAltName: typeof body.subjectAltName === 'string' ? body.subjectAltName : undefined,
      extensionData: Array.isArray(body.extensionData) ? body.extensionData : undefined,
      status: 'NEW',
    });
    return reply.code(200).send();
  });

  app.get(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    return reply.send(endEntityDto(endEntity(username!)));
  });

  app.post(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    if (body.status !== undefined && !(END_ENTITY_STATUSES as readonly unknown[]).includes(body.status))
      throw unreadable();
    requireStrings(body, ['password', 'subjectDN', 'status']);
    if (!isObject(body.raProfile)) throw message(400, 'Validation error: raProfile must not be null');
    const e = endEntity(username!);
    if (!fault('edit-end-entity-ignored')) {
      e.password = body.password as string;
      e.subjectDN = body.subjectDN as string;
      e.status = body.status as string;
      if (typeof body.email === 'string') e.email = body.email;
      if (typeof body.subjectAltName === 'string') e.subjectAltName = body.subjectAltName;
    }
    return reply.code(200).send();
  });

  app.delete(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    const e = endEntity(username!);
    if (!fault('delete-end-entity-ignored')) {
      for (const c of certificates.values())
        if (c.endEntity === e.username && c.state === 'issued') c.state = 'revoked';
      endEntities.delete(e.username);
    }
    return reply.code(200).send();
  });

  app.put(`${V1}/endentity/:username/resetPassword`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    if (fault('reset-password-405')) throw message(404, `No endpoint PUT ${req.url}.`);
    legacyProfile(raProfileName!);
    endEntity(username!);
    return reply.code(200).send();
  });

  app.post(`${V1}/certificate/issue`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    const profile = legacyProfile(raProfileName!);
    const body = objectBody(req);
    requireStrings(body, ['pkcs10', 'username', 'password']);
    const e = endEntity(body.username as string);
    if (e.password !== body.password) throw message(400, 'Wrong username or password');
    let request: CertRequest;
    try {
      request = requestFromCsr(body.pkcs10 as string);
    } catch (err) {
      throw message(400, (err as Error).message);
    }
    if (fault('legacy-issue-wrong-key')) request = { ...request, publicKey: substituteKey.keys.publicKey };
    const cert = await sign(request, false);
    const c: Certificate = {
      uuid: newUuid(),
      requestUuid: newUuid(),
      raProfileUuid: profile.uuid,
      state: 'issued',
      request,
      cert,
      endEntity: e.username,
      v2: false,
    };
    certificates.set(c.uuid, c);
    e.status = 'GENERATED';
    return reply.send({ certificateData: Buffer.from(cert.rawData).toString('base64') });
  });

  app.post(`${V1}/certificate/revoke`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    if (!(REVOCATION_REASONS as readonly unknown[]).includes(body.reason)) throw unreadable();
    requireStrings(body, ['certificateSN', 'issuerDN']);
    const wanted = (body.certificateSN as string).toLowerCase().replace(/^0+/, '');
    const c = [...certificates.values()].find(
      (x) => x.cert?.serialNumber.toLowerCase().replace(/^0+/, '') === wanted,
    );
    if (fault('legacy-revoke-404')) throw message(404, `No endpoint POST ${req.url.split('?')[0]}.`);
    if (c && !fault('legacy-revoke-ignored')) c.state = 'revoked';
    return reply.code(200).send();
  });
}
