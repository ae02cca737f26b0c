import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { certPem, type TestCa } from '../../src/pki/ca.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { ADMIN_TOKEN, CLIENT_CERT_CN, READ_ONLY_TOKEN } from './model.ts';
import type { MockContext } from './world.ts';

/** The client certificate for mutual TLS, signed by the test CA at start (PEM). */
export async function issueClientCertificate(ca: TestCa): Promise<{ cert: string; key: string }> {
  const pooled = await new KeyPool(1).take(2048);
  const cert = await ca.issue({
    subject: `CN=${CLIENT_CERT_CN}`,
    publicKey: pooled.keys.publicKey,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
  });
  return { cert: certPem(cert), key: pooled.privatePem };
}

/** An issue body missing what ClientCertificateSignRequestDto requires (`attributes`, `request`), or undefined. */
function schemaProblem(url: string, raw: unknown): string | undefined {
  if (!/\/raProfiles\/[^/]+\/certificates\/?$/.test(url.split('?')[0]!)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(String(raw ?? ''));
  } catch {
    return 'the request body is not JSON';
  }
  const b = (body ?? {}) as Record<string, unknown>;
  if (!Array.isArray(b.attributes)) return 'attributes is required';
  if (typeof b.request !== 'string') return 'request is required';
  return undefined;
}

/**
 * Who may call: the admin or read-only bearer token, or the client certificate; read-only gets 403 on non-GET.
 * With validateBeforeAuthorize the check runs once the body is read, and a schema-invalid issue body gets 400 first.
 */
export function requireAuth(app: FastifyInstance, { behaviour, fault }: MockContext): void {
  app.addHook(behaviour.validateBeforeAuthorize ? 'preHandler' : 'onRequest', async (req, reply) => {
    const auth = req.headers.authorization;
    let readOnly = false;
    let authenticated = false;
    if (auth?.startsWith('Bearer ')) {
      const token = auth.slice(7).trim();
      authenticated = token === ADMIN_TOKEN || token === READ_ONLY_TOKEN;
      readOnly = token === READ_ONLY_TOKEN;
    } else {
      const socket = req.raw.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate?.() : undefined;
      authenticated = peer?.subject?.CN === CLIENT_CERT_CN;
    }
    if (!authenticated && !fault('no-auth-accepted')) {
      return reply.code(401).send({
        timestamp: new Date().toISOString(),
        status: 401,
        error: 'Unauthorized',
        path: req.url.split('?')[0],
      });
    }
    if (readOnly && req.method !== 'GET') {
      const problem = behaviour.validateBeforeAuthorize ? schemaProblem(req.url, req.body) : undefined;
      if (problem) return reply.code(400).send({ message: `Validation error: ${problem}` });
      const body = {
        statusCode: 403,
        code: 'ACCESS_DENIED',
        message: "Access Denied. Required 'issue' permission for 'certificates'",
      };
      return reply
        .code(403)
        .type(
          fault('forbidden-plain-json') || behaviour.alternateRefusals
            ? 'application/json'
            : 'application/problem+json',
        )
        .send(fault('forbidden-message-only') ? { message: body.message } : body);
    }
    return undefined;
  });
}
