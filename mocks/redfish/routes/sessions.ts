import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { collection, ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { parseBody } from '../request-body.ts';
import { U, type User } from '../state.ts';
import { MOCK_ACCOUNTS } from '../variants.ts';

const SESSIONS = `${U}/SessionService/Sessions`;

/** Authentication (session token or Basic) and the SessionService: logging in and out. */
export function registerSessions(ctx: RedfishContext): void {
  const { cfg, has, err, routes, state } = ctx;
  const accounts = Object.values(MOCK_ACCOUNTS);
  const sameText = (a: string, b: string) =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  function authenticate(req: FastifyRequest): User | undefined {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') {
      const session = state.sessions.get(token);
      // A session the service ends after some requests (variant expiring-sessions): its token stops working.
      if (session && cfg.sessionRequests !== undefined) {
        session.uses = (session.uses ?? 0) + 1;
        if (session.uses > cfg.sessionRequests) {
          state.sessions.delete(token);
          return undefined;
        }
      }
      return session?.user;
    }
    const auth = req.headers.authorization;
    if (cfg.basicAuth && typeof auth === 'string' && auth.startsWith('Basic ')) {
      const [username, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      const password = rest.join(':');
      const account = accounts.find((a) => a.username === username);
      if (account && (sameText(account.password, password) || has('wrong-password-accepted')))
        return { username: account.username, role: account.role };
    }
    return undefined;
  }
  routes.authenticateWith({
    authenticate,
    unauthorized: () =>
      err(
        401,
        'NoValidSession',
        [],
        cfg.basicAuth && !has('no-www-authenticate')
          ? { 'WWW-Authenticate': 'Basic realm="Redfish"' }
          : undefined,
      ),
  });

  routes.allow((path) => {
    if (path === SESSIONS) return 'GET, HEAD, POST';
    if (path.startsWith(`${SESSIONS}/`)) return 'GET, HEAD, DELETE';
    return undefined;
  });

  const sessionJson = (uri: string, id: string, username: string) => ({
    '@odata.id': uri,
    '@odata.type': '#Session.v1_3_0.Session',
    Id: id,
    Name: 'User Session',
    UserName: username,
  });

  routes.unauthenticated({
    match: ({ path, method }) => path === SESSIONS && method === 'POST',
    answer: ({ req, path }) => {
      if (!cfg.sessionsEnabled)
        return err(405, 'OperationNotAllowed', [], { Allow: routes.allowFor(path).replace(', POST', '') });
      const parsed = parseBody(ctx, req);
      if (!parsed.ok) return parsed.answer;
      const account = accounts.find((a) => a.username === parsed.value.UserName);
      if (
        !account ||
        typeof parsed.value.Password !== 'string' ||
        !sameText(account.password, parsed.value.Password)
      )
        return err(401, 'NoValidSession');
      const token = randomBytes(24).toString('hex');
      const id = String(state.next.session++);
      state.sessions.set(token, { id, user: { username: account.username, role: account.role } });
      const uri = `${SESSIONS}/${id}`;
      return {
        status: 201,
        headers: { 'X-Auth-Token': token, Location: uri },
        body: sessionJson(uri, id, account.username),
      };
    },
  });

  routes.authenticated({
    match: ({ path }) => path.startsWith(`${SESSIONS}/`),
    answer: ({ path, method }) => {
      const id = path.slice(SESSIONS.length + 1);
      const entry = [...state.sessions.entries()].find(([, s]) => s.id === id);
      if (!entry) return err(404, 'ResourceNotFound', ['Session', id]);
      if (method === 'GET') return { status: 200, body: sessionJson(path, id, entry[1].user.username) };
      if (method === 'DELETE') {
        if (!has('session-survives-logout')) state.sessions.delete(entry[0]);
        return { status: 204 };
      }
      return err(405, 'OperationNotAllowed', [], { Allow: routes.allowFor(path) });
    },
  });

  routes.resource((path) => {
    if (path === `${U}/SessionService`)
      return {
        '@odata.id': path,
        '@odata.type': '#SessionService.v1_1_8.SessionService',
        Id: 'SessionService',
        Name: 'Session Service',
        ServiceEnabled: cfg.sessionsEnabled,
        Sessions: ref(SESSIONS),
      };
    if (path === SESSIONS)
      return collection(
        path,
        '#SessionCollection.SessionCollection',
        'Sessions',
        [...state.sessions.values()].map((s) => `${path}/${s.id}`),
      );
    return undefined;
  });
}
