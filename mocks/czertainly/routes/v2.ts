import type { FastifyInstance } from 'fastify';
import { isObject } from '../checks.ts';
import { ApiError, invalid, message, unreadable } from '../errors.ts';
import type { Fault } from '../faults.ts';
import { IDS, REVOCATION_REASONS, STATE_LABELS } from '../model.ts';
import {
  recordedSpki,
  recordedSubject,
  requestFromCsr,
  requestFromKey,
  sameSubject,
  subjectFromAttributes,
} from '../requests.ts';
import { newCertificate, type CertRequest } from '../world.ts';
import type { Params, RouteContext } from './context.ts';

const V2 = '/api/v2/operations/authorities/:authorityUuid/raProfiles/:raProfileUuid';

const ISSUE_ATTRIBUTES = [
  {
    uuid: '6a1f6b07-1c3e-4a5e-9b2f-5c4d3e2f1a01',
    name: 'email',
    type: 'data',
    contentType: 'string',
    description: 'E-mail address placed in the certificate (optional)',
    version: 2,
    properties: {
      label: 'E-mail',
      visible: true,
      required: false,
      readOnly: false,
      list: false,
      multiSelect: false,
    },
  },
];
const REVOKE_ATTRIBUTES = [
  {
    uuid: '6a1f6b07-1c3e-4a5e-9b2f-5c4d3e2f1a02',
    name: 'comment',
    type: 'data',
    contentType: 'string',
    description: 'Comment recorded with the revocation (optional)',
    version: 2,
    properties: {
      label: 'Comment',
      visible: true,
      required: false,
      readOnly: false,
      list: false,
      multiSelect: false,
    },
  },
];

/** The v2 client operations: issue, issue requested, renew, rekey, revoke, and the issue/revoke attributes. */
export function registerV2Routes(app: FastifyInstance, ctx: RouteContext): void {
  const { world, behaviour, fault } = ctx;
  const { certificates, keys, substituteKey } = world;
  const { refuse, reject400, parseBody, objectBody, checkFormat, pathUuids, certificateUuid } = ctx.checks;
  const { raProfileFor, platformKey, oldCertificate } = ctx.checks;
  const { enqueue, approval, queueIssue } = ctx.ca;
  const { dataAnswer, rekeyAnswer } = ctx.answers;

  // ----- v2 issue -----
  app.post(`${V2}/certificates`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    if (!profile.enabled && !fault('disabled-ra-profile-issues')) {
      throw invalid(`Cannot issue certificate with disabled RA profile. Ra Profile: ${profile.name}`);
    }
    let request: CertRequest;
    const submitFailed = (text: string) => reject400(`Failed to submit certificate request: ${text}`);
    try {
      if (typeof body.request === 'string' && body.request !== '') {
        try {
          request = requestFromCsr(body.request);
        } catch (err) {
          if (!fault('garbage-csr-accepted')) throw err;
          request = {
            subject: 'CN=unparseable',
            publicKey: substituteKey.keys.publicKey,
            spki: Buffer.alloc(0),
            fromCsr: true,
          };
        }
      } else if (body.keyUuid && body.tokenProfileUuid) {
        if (body.format === 'crmf' && !fault('crmf-key-issue-accepted'))
          throw new Error('CRMF format is not supported for CSR generation');
        let key = platformKey(body.keyUuid);
        if (fault('key-issue-wrong-key')) key = keys.get(IDS.spareKey)!;
        request = requestFromKey(key, subjectFromAttributes(body.csrAttributes));
      } else if (fault('issue-without-csr-accepted')) {
        request = {
          subject: 'CN=nothing',
          publicKey: substituteKey.keys.publicKey,
          spki: Buffer.alloc(0),
          fromCsr: true,
        };
      } else {
        throw new Error(
          'Cannot submit certificate request without specifying key or uploaded request content',
        );
      }
      if (body.altKeyUuid && !fault('hybrid-alt-key-ignored')) {
        request.altKeyUuid = platformKey(body.altKeyUuid).uuid;
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw submitFailed((err as Error).message);
    }
    const c = newCertificate(world, profile, request);
    if (request.spki.length === 0) {
      c.state = 'failed';
    } else {
      await queueIssue(c);
    }
    return reply.code(fault('issue-status-201') ? 201 : 200).send(dataAnswer(c));
  });

  app.post(`${V2}/certificates/:certificateUuid/issue`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, true);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const c = certificates.get(params.certificateUuid!);
    if (!c)
      throw message(
        404,
        `Object of type 'Certificate' identified by ${params.certificateUuid} is not found.`,
      );
    if (c.state !== 'requested' && !(c.state === 'issued' && fault('issue-requested-reissues'))) {
      throw invalid(
        `Cannot issue requested certificate with status ${STATE_LABELS[c.state] ?? c.state}. Certificate: ${c.uuid}`,
      );
    }
    c.raProfileUuid ??= profile.uuid;
    if (c.state === 'requested') {
      if (fault('issue-requested-ignored')) c.state = 'failed';
      else await queueIssue(c);
    }
    return reply.code(200).send(dataAnswer(c));
  });

  // ----- v2 renew -----
  app.post(`${V2}/certificates/:certificateUuid/renew`, async (req, reply) => {
    // An undocumented 404 with the answer of a route that does not exist: the operation is not served.
    if (fault('renew-not-served')) throw message(404, `No endpoint POST ${req.url.split('?')[0]}.`);
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const raw = parseBody(req, false);
    if (raw === undefined && behaviour.alternateRefusals && !fault('renew-empty-body-accepted'))
      throw invalid('Request body is required');
    const body = fault('renew-empty-body-accepted')
      ? ((raw as Record<string, unknown>) ?? {})
      : objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const old = oldCertificate(params.certificateUuid!, profile, 'renew');
    let request: CertRequest;
    const withCsr = typeof body.request === 'string' && body.request !== '';
    if (withCsr && !fault('renew-csr-ignored')) {
      try {
        request = requestFromCsr(body.request as string);
      } catch (err) {
        throw message(400, (err as Error).message);
      }
      // The key the platform recorded for the certificate (what it issued it for).
      if (!request.spki.equals(recordedSpki(old)) && !fault('renew-accepts-new-key')) {
        throw invalid(
          'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR does not match',
        );
      }
      request.keyUuid = old.keyUuid;
      request.altKeyUuid = old.altKeyUuid;
    } else {
      if (withCsr) {
        // renew-csr-ignored: the CSR is validated, then the stored one is used anyway.
        const csr = requestFromCsr(body.request as string);
        if (!csr.spki.equals(recordedSpki(old))) {
          throw invalid(
            'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR does not match',
          );
        }
      }
      if (!old.request) throw invalid('CSR does not available for the existing certificate');
      request = { ...old.request };
      if (fault('renew-new-key'))
        request = { ...request, publicKey: substituteKey.keys.publicKey, fromCsr: false };
    }
    const c = newCertificate(world, profile, request, old);
    await queueIssue(c, () => {
      if (fault('renew-revokes-old')) old.state = 'revoked';
    });
    return reply.code(200).send(dataAnswer(c, fault('renew-reuses-uuid') && !withCsr ? old.uuid : c.uuid));
  });

  // ----- v2 rekey -----
  app.post(`${V2}/certificates/:certificateUuid/rekey`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const old = oldCertificate(params.certificateUuid!, profile, 'rekey');
    const oldSpki = recordedSpki(old);
    let request: CertRequest;
    if (typeof body.request === 'string' && body.request !== '') {
      try {
        request = requestFromCsr(body.request);
      } catch (err) {
        throw message(400, (err as Error).message);
      }
      if (request.spki.equals(oldSpki) && fault('rekey-same-key-500'))
        throw message(500, 'Internal server error.');
      if (request.spki.equals(oldSpki) && !fault('rekey-same-key-accepted')) {
        throw refuse(
          'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR are same',
        );
      }
      if (!sameSubject(request.subject, recordedSubject(old)) && !fault('rekey-subject-change-accepted')) {
        throw refuse(
          'Unable to validate the Subject DN of CSR and certificate. Error: Subject DN of certificate and CSR does not match',
        );
      }
      if (old.altKeyUuid) throw invalid('Missing alternative key for re-keying of hybrid certificate');
      if (fault('rekey-keeps-old-key'))
        request = { ...request, publicKey: old.cert!.publicKey, spki: oldSpki, fromCsr: false };
    } else if (!body.keyUuid && fault('rekey-without-key-accepted')) {
      request = { ...old.request! };
    } else {
      if (!body.keyUuid) {
        throw invalid(
          old.keyUuid
            ? 'Invalid key information'
            : 'Key UUID is not provided in the request and old certificate does not have key reference',
        );
      }
      if (body.keyUuid === old.keyUuid && !fault('rekey-same-keyuuid-accepted')) {
        throw refuse('Rekey operation not permitted. Cannot use same key to rekey certificate');
      }
      if (!body.tokenProfileUuid && !old.keyUuid)
        throw invalid('Token Profile cannot be empty for creating new CSR');
      let key = platformKey(body.keyUuid);
      if (fault('rekey-key-ignored') && old.keyUuid) key = keys.get(old.keyUuid)!;
      request = requestFromKey(key, recordedSubject(old));
      if (old.altKeyUuid) {
        if (!body.altKeyUuid) {
          if (!fault('hybrid-missing-alt-key-accepted'))
            throw invalid('Missing alternative key for re-keying of hybrid certificate');
          request.altKeyUuid = old.altKeyUuid;
        } else if (body.altKeyUuid === old.altKeyUuid && !fault('hybrid-same-alt-key-accepted')) {
          throw refuse('Rekey operation not permitted. Cannot use same alternative key to rekey certificate');
        } else {
          request.altKeyUuid = platformKey(body.altKeyUuid).uuid;
        }
      }
    }
    const c = newCertificate(world, profile, request, old);
    await queueIssue(c, () => {
      if (fault('rekey-revokes-old')) old.state = 'revoked';
    });
    return reply.code(200).send(rekeyAnswer(c));
  });

  // ----- v2 revoke -----
  app.post(`${V2}/certificates/:certificateUuid/revoke`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const body = objectBody(req);
    const reason = body.reason;
    if (reason === undefined || reason === null) {
      if (fault('reason-required')) throw message(400, 'Revocation reason must be specified');
    } else if (!(REVOCATION_REASONS as readonly unknown[]).includes(reason)) {
      if (!fault('unknown-reason-accepted')) throw unreadable();
    } else if (fault('reason-subset') && (reason === 'privilegeWithdrawn' || reason === 'aACompromise')) {
      throw unreadable();
    }
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const c = oldCertificate(params.certificateUuid!, profile, 'revoke');
    await enqueue(async () => {
      await approval(c);
      if (fault('revoke-not-applied') && reason === 'superseded') {
        c.state = 'failed';
        return;
      }
      // The answer says "Certificate revoked", but the revocation never reaches the CA.
      if (fault('revoke-stays-issued') && reason === 'superseded') return;
      c.state = 'revoked';
      if (body.destroyKey === true && c.keyUuid && !fault('destroy-key-ignored'))
        keys.get(c.keyUuid)!.state = 'destroyed';
    });
    if (fault('revoke-200-with-body')) return reply.code(200).send({ uuid: c.uuid, state: c.state });
    return reply.code(204).send();
  });

  // ----- v2 attributes -----
  const attributeRoutes: Array<[string, unknown[], Fault, Fault]> = [
    ['issue', ISSUE_ATTRIBUTES, 'issue-attributes-object', 'validate-issue-rejects'],
    ['revoke', REVOKE_ATTRIBUTES, 'revoke-attributes-object', 'validate-revoke-rejects'],
  ];
  for (const [kind, definitions, objectFault, rejectFault] of attributeRoutes) {
    app.get(`${V2}/attributes/${kind}`, async (req, reply) => {
      const params = req.params as Params;
      pathUuids(params);
      raProfileFor(params.raProfileUuid!, { requireEnabled: true });
      return reply.code(200).send(fault(objectFault) ? { attributes: definitions } : definitions);
    });
    app.post(`${V2}/attributes/${kind}/validate`, async (req, reply) => {
      const params = req.params as Params;
      pathUuids(params);
      const body = parseBody(req, true);
      if (!Array.isArray(body)) throw unreadable();
      raProfileFor(params.raProfileUuid!, { requireEnabled: true });
      const known = new Set((definitions as Array<{ name: string }>).map((d) => d.name));
      const problems = body
        .filter((a) => !isObject(a) || typeof a.name !== 'string' || !known.has(a.name))
        .map((a) => `Attribute ${isObject(a) ? String(a.name) : JSON.stringify(a)} is not supported`);
      if (fault(rejectFault)) problems.push('Attributes could not be validated');
      if (problems.length) throw invalid(...problems);
      return reply.code(200).send();
    });
  }
}
