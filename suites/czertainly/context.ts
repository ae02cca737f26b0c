import type { ConnectArgs, Connection, RuleRun, Target } from '../../src/core/api.ts';
import { UsageError } from '../../src/core/errors.ts';
import { HttpClient } from '../../src/http/client.ts';
import type { Capability } from './capabilities.ts';
import type { Params } from './params.ts';

/** What every CZERTAINLY rule works with. */
export interface Ctx {
  /** Authenticated client (bearer token, session cookie or client certificate). */
  http: HttpClient;
  /** A client that presents no credentials at all (no header, no client certificate). */
  anon: HttpClient;
  params: Params;
  /** The base URL including the servlet context path, without a trailing slash (e.g. https://host/api). */
  api: string;
  operationMs: number;
  target: Target;
}

export async function connect({ target, redactor, http }: ConnectArgs): Promise<Connection<Ctx, Capability>> {
  const { auth } = target;
  let headers: Record<string, string> = {};
  if (auth.scheme === 'bearer') {
    if (!auth.token) throw new UsageError('auth.token is required for the bearer scheme');
    redactor.add(auth.token);
    headers = { authorization: `Bearer ${auth.token}` };
  } else if (auth.scheme === 'session') {
    if (!auth.token)
      throw new UsageError(
        'auth.token (the czertainly-session cookie value) is required for the session scheme',
      );
    redactor.add(auth.token);
    headers = { cookie: `czertainly-session=${auth.token}` };
  } else if (auth.scheme === 'client-cert') {
    if (!target.tls.cert || !target.tls.key)
      throw new UsageError('tls.clientCert is required for the client-cert scheme');
  } else if (auth.scheme === 'basic') {
    throw new UsageError('CZERTAINLY does not accept Basic auth: use bearer, session or client-cert');
  }
  const authed = new HttpClient({ ...http.options, defaultHeaders: () => headers });
  const anon = new HttpClient({ ...http.options, tls: { ca: target.tls.ca, insecure: target.tls.insecure } });
  const ctx: Ctx = {
    http: authed,
    anon,
    params: target.params as unknown as Params,
    api: target.baseUrl.replace(/\/+$/, ''),
    operationMs: target.timeouts.operationMs,
    target,
  };
  return {
    ctx,
    capability: async (cap: Capability, _t: RuleRun<Ctx>) => capability(ctx, cap),
    close: async () => {
      authed.close();
      anon.close();
    },
  };
}

function capability(ctx: Ctx, cap: Capability): true | string {
  const p = ctx.params;
  switch (cap) {
    case 'platform-keys':
      return p.tokenProfileUuid && (p.keyUuids?.length ?? 0) >= 2
        ? true
        : 'params.tokenProfileUuid and two params.keyUuids are not set';
    case 'disposable-key':
      return p.tokenProfileUuid && p.disposableKeyUuid
        ? true
        : 'params.disposableKeyUuid (or tokenProfileUuid) is not set';
    case 'hybrid':
      return p.altTokenProfileUuid &&
        (p.altKeyUuids?.length ?? 0) >= 2 &&
        p.tokenProfileUuid &&
        (p.keyUuids?.length ?? 0) >= 2
        ? true
        : 'params.altTokenProfileUuid, two params.altKeyUuids and the platform keys are not all set';
    case 'disabled-ra-profile':
      return p.disabledRaProfileUuid ? true : 'params.disabledRaProfileUuid is not set';
    case 'legacy-v1':
      return p.legacyRaProfileName && p.legacyRaProfileUuid
        ? true
        : 'params.legacyRaProfileName and legacyRaProfileUuid are not set';
    case 'ra-profile-name':
      return p.raProfileName ? true : 'params.raProfileName is not set';
    case 'authentication':
      return ctx.target.auth.scheme !== 'none' ? true : 'the profile uses auth.scheme none';
    case 'restricted-account':
      return ctx.target.accounts.readOnly?.token ? true : 'accounts.readOnly with a token is not set';
  }
}
