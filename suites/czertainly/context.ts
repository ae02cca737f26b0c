import type { Account, ConnectArgs, Connection, RuleRun, Target } from '../../src/core/api.ts';
import { NOT_SERVED_STATUSES, describeAnswer, expectHelperStatus, helperJson } from '../../src/core/check.ts';
import { CredentialsRejected, TransportError, UsageError, describeError } from '../../src/core/errors.ts';
import { HttpClient, type HttpResponse } from '../../src/http/client.ts';
import type { Capability } from './capabilities.ts';
import { earlierEndEntities } from './lib/residue.ts';
import { Seen } from './lib/seen.ts';
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
  /**
   * The profile's readOnly account, checked at connect: throws CredentialsRejected when the target refused
   * its token (the rules that need it end as `error`, never `fail`).
   */
  readOnlyAccount(): Account & { token: string };
  /** A client that authenticates as the readOnly account (its token stopping mid-run is an error, not a 401). */
  asReadOnly(): HttpClient;
  /** Every DTO the rules read from this target, for the CZ-DTO rules. */
  seen: Seen;
}

/** The endpoint every probe reads: listing issue attributes of the profile's RA profile (a GET, changes nothing). */
function probePath(ctx: { api: string; params: Params }): string {
  const a = encodeURIComponent(ctx.params.authorityUuid);
  const r = encodeURIComponent(ctx.params.raProfileUuid);
  return `${ctx.api}/v2/operations/authorities/${a}/raProfiles/${r}/attributes/issue`;
}

/** One GET, sent once more after a transport failure; undefined when both attempts failed (the reason is kept). */
async function probe(send: () => Promise<HttpResponse>): Promise<HttpResponse | string> {
  let last = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      last = describeError(err);
    }
  }
  return last;
}

export async function connect({ target, redactor, http }: ConnectArgs): Promise<Connection<Ctx, Capability>> {
  const { auth } = target;
  const params = target.params as unknown as Params;
  // The profile loader validates params against paramsSchema; never build a URL from a missing one.
  for (const name of ['authorityUuid', 'raProfileUuid'] as const)
    if (typeof params[name] !== 'string' || params[name] === '')
      throw new UsageError(`params.${name} is required for a CZERTAINLY target`);
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
  const readOnly = target.accounts.readOnly;
  if (readOnly?.token) redactor.add(readOnly.token);
  const who =
    auth.scheme === 'client-cert'
      ? 'the client certificate (tls.clientCert)'
      : (auth.username ?? `the ${auth.scheme} token (auth.token)`);
  // The profile's credentials are static (an OAuth token, a session cookie, a client certificate): when they stop
  // working mid-run (expired, revoked) a 401 is no answer to the request, and there is nothing to log in again
  // with: the rule ends as an error (src/http/client.ts credentials). Whether they still work is read where every
  // account may read; if they do, the 401 is the platform's answer, sent once more (a 401 "has not been applied",
  // RFC 9110 §15.5.2) and judged.
  const where = probePath({ api: target.baseUrl.replace(/\/+$/, ''), params });
  const policy = { probe: where, resend: () => true };
  const authed = new HttpClient({
    ...http.options,
    defaultHeaders: () => headers,
    credentials: { who, ...policy },
  });
  const anon = new HttpClient({ ...http.options, tls: { ca: target.tls.ca, insecure: target.tls.insecure } });
  const api = target.baseUrl.replace(/\/+$/, '');

  // One authenticated probe per account: a rejected login is said once, not as a failure of every rule.
  let authFailure: string | undefined;
  // The probe judges the 401 itself: the credentials go as its own headers (a client certificate is presented
  // anyway), so the client does not take a 401 for credentials that stopped working.
  const main = await probe(() => authed.get(where, { noDefaultHeaders: true, headers }));
  if (typeof main === 'string') {
    authFailure = `the credentials of ${who} could not be checked at ${target.baseUrl}: ${main}`;
  } else if (main.status !== 401 && main.status !== 403) {
    authed.credentialsAccepted();
  } else {
    authFailure =
      auth.scheme === 'none'
        ? `${target.baseUrl} requires credentials (${main.status}) but the profile has auth.scheme none`
        : `credentials for ${who} were rejected by ${target.baseUrl}: ${main.status}`;
  }
  let readOnlyRejected: string | undefined;
  if (readOnly?.token) {
    const res = await probe(() =>
      anon.get(where, { headers: { authorization: `Bearer ${readOnly.token}` }, noDefaultHeaders: true }),
    );
    // 403 is what this account is for; only 401 says its token is not accepted at all.
    if (typeof res === 'string')
      readOnlyRejected = `the token of accounts.readOnly (${readOnly.username}) could not be checked: ${res}`;
    else if (res.status === 401)
      readOnlyRejected = `credentials for accounts.readOnly (${readOnly.username}) were rejected by ${target.baseUrl}: 401`;
  }

  let readOnlyClient: HttpClient | undefined;
  const ctx: Ctx = {
    http: authed,
    anon,
    params,
    api,
    operationMs: target.timeouts.operationMs,
    target,
    readOnlyAccount() {
      if (!readOnly?.token) throw new CredentialsRejected('accounts.readOnly with a token is not set');
      if (readOnlyRejected) throw new CredentialsRejected(readOnlyRejected);
      return { ...readOnly, token: readOnly.token };
    },
    asReadOnly() {
      const account = ctx.readOnlyAccount();
      readOnlyClient ??= new HttpClient({
        ...anon.options,
        defaultHeaders: () => ({ authorization: `Bearer ${account.token}` }),
        credentials: { who: `accounts.readOnly (${account.username})`, ...policy },
      });
      // readOnlyAccount() throws unless the probe at connect saw the token accepted.
      readOnlyClient.credentialsAccepted();
      return readOnlyClient;
    },
    seen: new Seen(),
  };
  const probed = new Map<Capability, true | string>();
  return {
    ctx,
    ...(authFailure ? { authFailure } : {}),
    capability: async (cap: Capability, _t: RuleRun<Ctx>) => {
      const known = probed.get(cap);
      if (known !== undefined) return known;
      const has = await capability(ctx, cap);
      probed.set(cap, has); // only a real answer is kept: a failed probe threw and is asked again next time
      return has;
    },
    // What an earlier run left: legacy end entities named with the harness's prefix (where the legacy API is).
    earlierResidue: async () => {
      const legacy = params.legacyRaProfileName;
      if (!legacy || (probed.get('legacy-v1') ?? (await capability(ctx, 'legacy-v1'))) !== true) return [];
      return earlierEndEntities(ctx, legacy);
    },
    close: async () => {
      authed.close();
      anon.close();
      readOnlyClient?.close();
    },
  };
}

async function capability(ctx: Ctx, cap: Capability): Promise<true | string> {
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
      if (!p.legacyRaProfileName || !p.legacyRaProfileUuid)
        return 'params.legacyRaProfileName and legacyRaProfileUuid are not set';
      return legacyApi(ctx, p.legacyRaProfileName);
    case 'ra-profile-name':
      return p.raProfileName ? true : 'params.raProfileName is not set';
    case 'authentication':
      return ctx.target.auth.scheme !== 'none' ? true : 'the profile uses auth.scheme none';
    case 'restricted-account':
      return ctx.target.accounts.readOnly?.token ? true : 'accounts.readOnly with a token is not set';
    case 'inventory-search':
      return serialSearch(ctx);
  }
}

/**
 * Whether the platform serves the legacy v1 client API for the profile's legacy RA profile. The API needs an
 * EJBCA-legacy authority and is absent from platforms without one: listing its end entities (a GET) answers 200
 * where it is offered; 404, 405 or 501 say it is not; 422 says the RA profile has no end entity profile.
 */
async function legacyApi(ctx: Ctx, name: string): Promise<true | string> {
  const res = await ctx.http.get(`${ctx.api}/v1/operations/${encodeURIComponent(name)}/endentity`);
  if (NOT_SERVED_STATUSES.includes(res.status))
    return `not offered by this platform for RA profile "${name}" (${describeAnswer(res)})`;
  if (res.status === 422)
    return `RA profile "${name}" has no end entity profile, so the legacy API refuses it (${describeAnswer(res)})`;
  expectHelperStatus(res, [200], `listEntities on RA profile "${name}"`);
  return true;
}

/**
 * Whether the inventory search filters by serial number. The filter's field identifier is not in the pinned
 * spec, so a platform may lack it: a 400/404/422 answer says so; anything else is a broken answer (error).
 */
async function serialSearch(ctx: Ctx): Promise<true | string> {
  const res = await ctx.http.post(`${ctx.api}/v1/certificates`, {
    json: {
      filters: [
        { fieldSource: 'property', fieldIdentifier: 'SERIAL_NUMBER', condition: 'EQUALS', value: '01' },
      ],
      itemsPerPage: 1,
      pageNumber: 1,
    },
  });
  if ([400, 404, 422].includes(res.status))
    return `the inventory search does not filter by SERIAL_NUMBER (${describeAnswer(res)})`;
  expectHelperStatus(res, [200], 'inventory search by serial number');
  const body = helperJson<{ certificates?: unknown }>(res, 'inventory search by serial number');
  ctx.seen.add('CertificateResponseDto', res, body);
  return Array.isArray(body?.certificates)
    ? true
    : `the inventory search answered without a certificates list (${describeAnswer(res)})`;
}
