import Fastify, { type FastifyInstance } from 'fastify';
import type { TlsCredentials } from '../../src/mock/server.ts';
import { TestCa } from '../../src/pki/ca.ts';
import { createAnswers } from './answers.ts';
import { issueClientCertificate, requireAuth } from './auth.ts';
import { createCa, createEcCa } from './ca.ts';
import { createChecks } from './checks.ts';
import { ApiError } from './errors.ts';
import type { Fault } from './faults.ts';
import type { RouteContext } from './routes/context.ts';
import { registerInventoryRoutes } from './routes/inventory.ts';
import { registerLegacyRoutes } from './routes/legacy.ts';
import { registerV2Routes } from './routes/v2.ts';
import type { VariantBehaviour } from './variants.ts';
import { createWorld, residue, type MockContext } from './world.ts';

export interface MockApp {
  app: FastifyInstance;
  /** What a run left behind that the harness undertakes to undo: its legacy end entities, archived certificates. */
  residue(): string[];
  clientCert: string;
  clientKey: string;
}

function routeRegex(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/:[A-Za-z]+/g, '[^/]+') + '/?$');
}

/** The reference CZERTAINLY core: a fastify app over HTTPS (a client certificate is asked for, not required). */
export async function buildMock(opts: {
  behaviour: VariantBehaviour;
  faults: readonly Fault[];
  tls: TlsCredentials;
}): Promise<MockApp> {
  const { behaviour } = opts;
  const fault = (f: Fault) => opts.faults.includes(f);
  const ca = await TestCa.load();
  const client = await issueClientCertificate(ca);
  const signer = behaviour.ecdsa ? await createEcCa() : ca;
  const base: MockContext = { world: await createWorld(signer, behaviour.ecdsa), behaviour, fault };
  const ctx: RouteContext = {
    ...base,
    ca: createCa(base),
    checks: createChecks(base),
    answers: createAnswers(base),
  };

  const app = Fastify({
    https: {
      key: opts.tls.key,
      cert: opts.tls.cert,
      ca: opts.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
    },
    logger: false,
  });
  // The handlers read bodies raw and answer unreadable ones the implementation's way.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).type(err.contentType).send(err.body);
    return reply.code(500).type('application/json').send({ message: 'Internal server error.' });
  });

  // Every route of the mock, so a wrong verb can be told from an unknown path.
  const routes: RegExp[] = [];
  app.addHook('onRoute', (route) => void routes.push(routeRegex(route.url)));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (routes.some((r) => r.test(path))) {
      if (fault('wrong-verb-405') || behaviour.alternateRefusals)
        return reply.code(405).send({ message: 'Method Not Allowed' });
      return reply.code(400).send({ message: `Request method '${req.method}' is not supported` });
    }
    return reply.code(404).send({ message: `No endpoint ${req.method} ${path}.` });
  });

  requireAuth(app, base);
  registerV2Routes(app, ctx);
  registerInventoryRoutes(app, ctx);
  if (!behaviour.noLegacy) registerLegacyRoutes(app, ctx);
  app.addHook('onClose', async () => ctx.ca.stop());

  return { app, residue: () => residue(base.world), clientCert: client.cert, clientKey: client.key };
}
