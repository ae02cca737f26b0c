import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import Fastify from 'fastify';
import type { MockOptions, RunningMock } from '../../src/core/api.ts';
import { listen } from '../../src/mock/server.ts';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { repoPath } from '../../src/paths.ts';
import { errorAnswers, send, terseErrorAnswers } from './answers.ts';
import type { RedfishContext } from './context.ts';
import type { Fault } from './faults.ts';
import { RouteTable } from './router.ts';
import { registerAccounts } from './routes/accounts.ts';
import { registerCertificates } from './routes/certificates.ts';
import { registerManagers } from './routes/managers.ts';
import { registerRekey } from './routes/rekey.ts';
import { registerServiceRoot } from './routes/service-root.ts';
import { registerSessions } from './routes/sessions.ts';
import { registerSystems } from './routes/systems.ts';
import { registerTaskService } from './routes/task-service.ts';
import { createState, type MockCert } from './state.ts';
import { VARIANT_CONFIG, type Variant } from './variants.ts';

export const TEST_CA_PEM = (): string => readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');

/**
 * The rooms, in the order their routes are tried where paths overlap: a session's URL before an action's, a
 * Rekey action before a task's.
 */
const ROOMS = [
  registerServiceRoot,
  registerSessions,
  registerAccounts,
  registerManagers,
  registerSystems,
  registerCertificates,
  registerRekey,
  registerTaskService,
];

export async function startRedfishMock(opts: MockOptions<Fault, Variant>): Promise<RunningMock> {
  const cfg = VARIANT_CONFIG[opts.variant];
  const faults = new Set<Fault>(opts.faults);
  const has = (f: Fault) => faults.has(f);
  const prefix = cfg.vendor === 'ami' ? 'Base.1.5.0' : 'Base.1.22.1';
  const ca = await TestCa.load();
  const pool = new KeyPool();
  const state = await createState(cfg, has, ca, pool);
  const https = [...state.certs.values()].find((c) => c.kind === 'https')!;

  // plain-http: the HTTPS certificate resource exists, but the port speaks plain HTTP (as behind a proxy).
  const app = cfg.tls
    ? Fastify({ https: { key: https.key!.privatePem, cert: certPem(https.cert) }, logger: false })
    : Fastify({ logger: false });
  const setTls = (c: MockCert) => {
    if (c.kind !== 'https' || !c.key || !cfg.tls) return;
    (app.server as HttpsServer).setSecureContext({
      key: c.key.privatePem,
      cert: certPem(c.cert),
    });
  };

  // Bodies are parsed by the rooms, like a device: fastify's own JSON parser and error shapes are not Redfish's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const err = cfg.terseErrors
    ? terseErrorAnswers(prefix)
    : errorAnswers(prefix, has('error-body-extra-member') ? { details: 'see log' } : undefined);
  const routes = new RouteTable(err, has);
  const ctx: RedfishContext = { cfg, has, prefix, err, state, routes, ca, pool, setTls };
  for (const register of ROOMS) register(ctx);

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => send(reply, await routes.answer(req)),
  });
  app.setErrorHandler(async (error, _req, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    await send(reply, status < 500 ? err(400, 'UnrecognizedRequestBody') : err(500, 'InternalError'));
  });

  const running = await listen(app, {
    host: opts.host,
    port: opts.port,
    https: cfg.tls,
    hostile: opts.hostile,
  });
  return {
    ...running,
    // What a run left behind that the harness was responsible for undoing: the sessions it opened.
    residue: () =>
      [...state.sessions.values()].map(
        (s) => `session ${s.id} of ${s.user.username} is still open (not logged out)`,
      ),
  };
}
