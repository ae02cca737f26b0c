import type { Account, ConnectArgs, Connection, RuleRun, Target } from '../../src/core/api.ts';
import {
  broken,
  describeAnswer,
  expectHelperStatus,
  helperGet,
  lookup,
  notApplicable,
  readJson,
  show,
} from '../../src/core/check.ts';
import { CredentialsRejected, describeError } from '../../src/core/errors.ts';
import { HttpClient, type HttpResponse } from '../../src/http/client.ts';
import type { Redactor } from '../../src/http/redact.ts';
import type { Capability } from './capabilities.ts';

export type CertKind = 'https' | 'ldap' | 'account' | 'boot' | 'ldapClient';
export const CERT_KINDS: readonly CertKind[] = ['https', 'ldap', 'account', 'boot', 'ldapClient'];
export const KIND_LABEL: Record<CertKind, string> = {
  https: 'HTTPS certificate',
  ldap: 'LDAP certificate',
  account: 'account certificate',
  boot: 'Boot certificate',
  ldapClient: 'AMI OEM LDAP client certificate',
};
export type Role = 'operator' | 'readOnly';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface RedfishCtx {
  target: Target;
  /** Authenticated as the profile's main account (an Administrator). */
  http: HttpClient;
  redactor: Redactor;
  /** A client authenticated as one of the profile's extra accounts (same scheme as the main account). */
  as(role: Role): Promise<HttpClient>;
  /** Interval between task monitor polls. */
  pollMs: number;
  params: RedfishParams;
}

export interface RedfishParams {
  certificates?: Partial<Record<CertKind, string>>;
  primaryCertificate?: CertKind;
  keyBitLength?: number;
  alternateKeyBitLength?: number;
  taskPollIntervalMs?: number;
  tlsSwitchTimeoutMs?: number;
}

export const PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    certificates: {
      type: 'object',
      additionalProperties: false,
      description:
        'Certificate URIs to use when the service does not link them (normally discovered from /redfish/v1)',
      properties: Object.fromEntries(
        CERT_KINDS.map((k) => [k, { type: 'string', pattern: '^/redfish/v1/' }]),
      ),
    },
    primaryCertificate: {
      enum: [...CERT_KINDS],
      description:
        'certificate used by the request-handling rules (default: https, then ldap, account, boot, ldapClient)',
    },
    keyBitLength: {
      type: 'integer',
      minimum: 512,
      description: 'KeyBitLength sent by the ordinary Rekey calls (default 2048)',
    },
    alternateKeyBitLength: {
      type: 'integer',
      minimum: 512,
      description: 'a second supported KeyBitLength, to prove the parameter is honoured',
    },
    taskPollIntervalMs: {
      type: 'integer',
      minimum: 10,
      description: 'task monitor poll interval when the service sends no Retry-After (default 1000)',
    },
    tlsSwitchTimeoutMs: {
      type: 'integer',
      minimum: 0,
      description:
        'how long to wait for the HTTPS port to present a newly installed certificate (default: timeouts.operationMs)',
    },
  },
} as const;

function authHeaders(
  target: Target,
  account: Account,
  token: () => string | undefined,
): () => Record<string, string> {
  if (target.auth.scheme === 'session') {
    return (): Record<string, string> => {
      const t = token();
      return t ? { 'x-auth-token': t } : {};
    };
  }
  if (target.auth.scheme === 'bearer') return () => ({ authorization: `Bearer ${account.token ?? ''}` });
  if (target.auth.scheme === 'basic') {
    const value = `Basic ${Buffer.from(`${account.username}:${account.password ?? ''}`).toString('base64')}`;
    return () => ({ authorization: value });
  }
  return () => ({});
}

interface OpenSession {
  client: HttpClient;
  location?: string;
  /** Logged out (or nothing to log out): close() has nothing left to undo for it. */
  done?: boolean;
}

/** How an account fared in connect(): usable, refused by the service (401/403), or not checkable. */
type AccountState =
  { ok: true; client: HttpClient } | { ok: false; rejected: boolean; why: string; client?: HttpClient };

/**
 * connect(): one authenticated probe per account of the profile. With sessions the probe is the login itself
 * (DSP0266: POST Sessions {UserName, Password} → X-Auth-Token + Location); otherwise a GET of a resource
 * that needs authentication (the AccountService, which every role may read with Login).
 */
export async function connectRedfish(args: ConnectArgs): Promise<Connection<RedfishCtx, Capability>> {
  const { target, redactor, http: plain } = args;
  const params = (target.params ?? {}) as RedfishParams;
  const main: Account = {
    username: target.auth.username ?? '',
    password: target.auth.password,
    token: target.auth.token,
  };
  if (main.password) redactor.addBasic(main.username, main.password);
  for (const a of Object.values(target.accounts)) if (a.password) redactor.addBasic(a.username, a.password);

  // The service root needs no credentials: it names the Sessions collection and a resource to probe with.
  let sessionsUri = '/redfish/v1/SessionService/Sessions';
  let probeUri = '/redfish/v1/AccountService';
  try {
    const root = await readJson<Json>(plain, '/redfish/v1', 'read the service root');
    sessionsUri = link(root?.Links, 'Sessions') ?? sessionsUri;
    probeUri = link(root, 'AccountService') ?? link(root, 'Managers') ?? probeUri;
  } catch {
    // The rules read the root themselves and report what is wrong with it; connect uses the DSP0266 URIs.
  }
  const where = `${target.baseUrl.replace(/\/$/, '')}`;

  const opened: OpenSession[] = [];
  const probe = async (account: Account): Promise<AccountState> => {
    let token: string | undefined;
    const client = new HttpClient({
      baseUrl: target.baseUrl,
      tls: target.tls,
      timeoutMs: target.timeouts.requestMs,
      redactor,
      defaultHeaders: authHeaders(target, account, () => token),
    });
    const session: OpenSession = { client };
    opened.push(session);
    try {
      if (target.auth.scheme === 'session') {
        const res = await client.post(sessionsUri, {
          json: { UserName: account.username, Password: account.password ?? '' },
          noDefaultHeaders: true,
        });
        if (res.status === 401 || res.status === 403)
          return rejectedBy(account, `${where}${sessionsUri}`, res.status, client);
        token = res.header('x-auth-token');
        if ((res.status !== 200 && res.status !== 201) || !token)
          return {
            ok: false,
            rejected: false,
            why: `the session login for ${account.username} could not be completed: ${describeAnswer(res)}${token ? '' : ' (no X-Auth-Token)'}`,
            client,
          };
        redactor.add(token);
        const location = res.header('location');
        if (location) session.location = location;
        return { ok: true, client };
      }
      if (target.auth.scheme === 'none') return { ok: true, client };
      const res = await client.get(probeUri);
      if (res.status === 401 || res.status === 403)
        return rejectedBy(account, `${where}${probeUri}`, res.status, client);
      // Any other answer says nothing against the credentials: the rules meet it themselves.
      return { ok: true, client };
    } catch (err) {
      return {
        ok: false,
        rejected: false,
        why: `could not check the credentials for ${account.username}: ${describeError(err)}`,
        client,
      };
    }
  };

  const mainState = await probe(main);
  const roles = new Map<Role, AccountState>();
  for (const role of ['operator', 'readOnly'] as const) {
    const account = target.accounts[role];
    if (account) roles.set(role, await probe(account));
  }

  const ctx: RedfishCtx = {
    target,
    http: mainState.client ?? plain,
    redactor,
    params,
    pollMs: params.taskPollIntervalMs ?? 1000,
    async as(role) {
      const account = target.accounts[role];
      if (!account) notApplicable(`the profile names no "${role}" account`);
      let state = roles.get(role)!;
      // A login that failed for another reason than the credentials is tried once more when a rule needs it.
      if (!state.ok && !state.rejected) {
        state = await probe(account);
        roles.set(role, state);
      }
      if (!state.ok) throw new CredentialsRejected(`accounts.${role}: ${state.why}`);
      return state.client;
    },
  };

  return {
    ctx,
    ...(mainState.ok ? {} : { authFailure: mainState.why }),
    capability: (cap, t) => capability(cap, t),
    async close() {
      // Retried by the engine until it succeeds: sessions already logged out are not touched again.
      for (const s of [...opened].reverse()) {
        if (!s.done && s.location) {
          const res = await s.client.delete(s.location);
          // 401: the token no longer authenticates, so its session is gone (e.g. a lost answer to an earlier try).
          if (![200, 202, 204, 401, 404].includes(res.status))
            throw new Error(`logging out: ${describeAnswer(res)}`);
        }
        s.done = true;
        s.client.close();
      }
    },
  };
}

function rejectedBy(account: Account, url: string, status: number, client: HttpClient): AccountState {
  return {
    ok: false,
    rejected: true,
    why: `credentials for ${account.username} were rejected by ${url}: ${status}`,
    client,
  };
}

// ---------------------------------------------------------------- discovery

export interface CertInfo {
  kind: CertKind;
  uri: string;
  body: Json;
  /** The `#Certificate.Rekey` action object, when advertised. */
  action?: Json;
  /** Where to POST: the advertised target, or the DSP0266 form `<uri>/Actions/Certificate.Rekey` when it has none. */
  rekeyTarget: string;
}

export interface Discovery {
  root: Json;
  /** Every certificate found in the documented locations. */
  certs: CertInfo[];
  /** First Rekey-capable certificate of each kind. */
  byKind: Partial<Record<CertKind, CertInfo>>;
  primary?: CertInfo;
  tasksUri?: string;
  replaceTarget?: string;
  sessionsUri?: string;
  /** The SessionService resource, when linked (its ServiceEnabled says whether sessions can be made). */
  sessionService?: Json;
  /** Service resources read on the way (collections, CertificateService, TaskService), for schema validation. */
  resources: Array<{ uri: string; body: Json }>;
  notes: string[];
}

const link = (obj: Json, ...path: string[]): string | undefined => {
  let cur = obj;
  for (const p of path) cur = cur?.[p];
  const id = cur?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
};

/** Members of a collection (a helper read: anything but 200 with a Members array is a broken answer). */
export async function memberUris(http: HttpClient, collectionUri: string): Promise<string[]> {
  const body = await readJson<Json>(http, collectionUri, `read the collection ${collectionUri}`);
  if (!Array.isArray(body?.Members)) broken(`${collectionUri} has no Members array: ${show(body)}`);
  return (body.Members as Json[])
    .map((m) => m?.['@odata.id'])
    .filter((u): u is string => typeof u === 'string');
}

/** Follows links from /redfish/v1 to the five documented Rekey locations; never assumes resource IDs. */
export async function discover(t: RuleRun<RedfishCtx>): Promise<Discovery> {
  return t.shared(
    'discovery',
    async () => {
      const { http, params } = t.ctx;
      const notes: string[] = [];
      const resources: Array<{ uri: string; body: Json }> = [];
      const found = new Map<CertKind, string[]>(CERT_KINDS.map((k) => [k, []]));
      /**
       * A linked resource: absent only when the service says so (404, noted); any other failure is a broken
       * answer (error), never "not there". 401/403 here mean the credentials stopped working mid-run.
       */
      const follow = async (uri: string | undefined, what: string, keep = false): Promise<Json> => {
        if (!uri) return undefined;
        const r = await lookup<Json>(http, uri, { purpose: `discovery: read the ${what} ${uri}` });
        if (!r.present) {
          notes.push(`${uri} (${what}) is linked but answered 404`);
          return undefined;
        }
        if (keep) resources.push({ uri, body: r.body });
        return r.body;
      };
      const members = async (uri: string | undefined, what: string, keep = false) => {
        const body = await follow(uri, what, keep);
        const list = Array.isArray(body?.Members) ? (body.Members as Json[]) : [];
        if (body && !Array.isArray(body.Members)) notes.push(`${uri} (${what}) has no Members array`);
        return {
          uris: list.map((m) => m?.['@odata.id']).filter((u): u is string => typeof u === 'string'),
          body,
        };
      };

      const root = await readJson<Json>(http, '/redfish/v1', 'discovery: read the service root');
      const as = await follow(link(root, 'AccountService'), 'AccountService');
      for (const acc of (await members(link(as, 'Accounts'), 'account collection')).uris) {
        const account = await follow(acc, 'account');
        found
          .get('account')!
          .push(...(await members(link(account, 'Certificates'), 'certificate collection', true)).uris);
      }
      const ldap = await members(link(as, 'LDAP', 'Certificates'), 'certificate collection', true);
      found.get('ldap')!.push(...ldap.uris);
      // AMI lists its LDAP client certificates in an OEM collection linked from the LDAP collection.
      for (const oem of Object.values((ldap.body?.Oem ?? {}) as Record<string, Json>)) {
        const uri = link(oem, 'ClientCertificates');
        found.get('ldapClient')!.push(...(await members(uri, 'certificate collection', true)).uris);
      }
      for (const m of (await members(link(root, 'Managers'), 'manager collection')).uris) {
        const manager = await follow(m, 'manager');
        const protocol = await follow(link(manager, 'NetworkProtocol'), 'network protocol');
        const https = link(protocol, 'HTTPS', 'Certificates');
        found.get('https')!.push(...(await members(https, 'certificate collection', true)).uris);
      }
      for (const s of (await members(link(root, 'Systems'), 'system collection')).uris) {
        const system = await follow(s, 'system');
        const boot = link(system, 'Boot', 'Certificates');
        found.get('boot')!.push(...(await members(boot, 'certificate collection', true)).uris);
      }
      for (const [kind, uri] of Object.entries(params.certificates ?? {}) as [CertKind, string][]) {
        found.set(kind, [uri]);
        notes.push(`${KIND_LABEL[kind]} taken from params.certificates: ${uri}`);
      }

      const certs: CertInfo[] = [];
      const byKind: Partial<Record<CertKind, CertInfo>> = {};
      for (const kind of CERT_KINDS) {
        for (const uri of found.get(kind)!) {
          const body = await follow(uri, KIND_LABEL[kind]);
          if (!body) continue;
          const action = body?.Actions?.['#Certificate.Rekey'];
          const target =
            typeof action?.target === 'string' ? action.target : `${uri}/Actions/Certificate.Rekey`;
          const info: CertInfo = { kind, uri, body, ...(action ? { action } : {}), rekeyTarget: target };
          certs.push(info);
          if (action && !byKind[kind]) byKind[kind] = info;
        }
      }
      const order: CertKind[] = params.primaryCertificate
        ? [params.primaryCertificate, ...CERT_KINDS]
        : [...CERT_KINDS];
      const primary = order.map((k) => byKind[k]).find(Boolean);

      // DMTF ServiceRoot names the task service "Tasks" (not "TaskService").
      const taskService = await follow(link(root, 'Tasks'), 'TaskService', true);
      const tasksUri = link(taskService, 'Tasks');
      await members(tasksUri, 'task collection', true);
      const certService = await follow(link(root, 'CertificateService'), 'CertificateService', true);
      const replace = certService?.Actions?.['#CertificateService.ReplaceCertificate']?.target;
      const sessionService = await follow(link(root, 'SessionService'), 'SessionService');
      const sessions = link(root?.Links, 'Sessions');
      return {
        root,
        certs,
        byKind,
        ...(primary ? { primary } : {}),
        ...(tasksUri ? { tasksUri } : {}),
        ...(typeof replace === 'string' ? { replaceTarget: replace } : {}),
        ...(sessions ? { sessionsUri: sessions } : {}),
        ...(sessionService ? { sessionService } : {}),
        resources,
        notes,
      };
    },
    { retryAfterFailure: true },
  );
}

/** The certificate the request-handling rules use; skips when the service has none with Rekey. */
export async function primaryCert(t: RuleRun<RedfishCtx>): Promise<CertInfo> {
  const d = await discover(t);
  if (!d.primary) notApplicable('no certificate in the documented locations advertises #Certificate.Rekey');
  return d.primary;
}

export async function certOf(t: RuleRun<RedfishCtx>, kind: CertKind): Promise<CertInfo> {
  const d = await discover(t);
  const c = d.byKind[kind];
  if (!c) notApplicable(`no Rekey-capable ${KIND_LABEL[kind]} found`);
  return c;
}

/** A Rekey-capable certificate other than HTTPS (AMI's general KeyBitLength range applies to these). */
export async function nonHttpsCert(t: RuleRun<RedfishCtx>): Promise<CertInfo> {
  const d = await discover(t);
  const c = (['ldap', 'account', 'boot', 'ldapClient'] as CertKind[]).map((k) => d.byKind[k]).find(Boolean);
  if (!c) notApplicable('no Rekey-capable certificate other than the HTTPS one');
  return c;
}

export async function actionInfoOf(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
): Promise<{ uri: string; res: HttpResponse; body: Json }> {
  const uri = cert.action?.['@Redfish.ActionInfo'];
  if (typeof uri !== 'string') notApplicable(`${cert.uri} names no @Redfish.ActionInfo for Rekey`);
  const res = await t.ctx.http.get(uri);
  return { uri, res, body: res.status === 200 ? res.json() : undefined };
}

/** KeyBitLength limits from the RekeyActionInfo, when it gives them (a helper read: it must answer 200). */
export async function actionInfoRange(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
): Promise<{ min: number; max: number } | undefined> {
  const uri = cert.action?.['@Redfish.ActionInfo'];
  if (typeof uri !== 'string') return undefined;
  const info = await readJson<Json>(t.ctx.http, uri, `read the RekeyActionInfo ${uri}`);
  const p = (info?.Parameters as Json[] | undefined)?.find((x) => x?.Name === 'KeyBitLength');
  if (typeof p?.MinimumValue === 'number' && typeof p?.MaximumValue === 'number')
    return { min: p.MinimumValue, max: p.MaximumValue };
  return undefined;
}

/** Whether the suite reaches the service over TLS (rules that read the served certificate need it). */
export const overTls = (target: Target): boolean => new URL(target.baseUrl).protocol === 'https:';

/**
 * A capability is absent only when the service (or the profile) says so; a probe that cannot be answered
 * throws (the engine reports `error`), so a broken answer never becomes a skip.
 */
async function capability(cap: Capability, t: RuleRun<RedfishCtx>): Promise<true | string> {
  const d = await discover(t);
  switch (cap) {
    case 'https-certificate':
      return d.byKind.https
        ? true
        : 'no Rekey-capable certificate under Managers/{id}/NetworkProtocol HTTPS.Certificates';
    case 'boot-certificate':
      return d.byKind.boot ? true : 'no Rekey-capable certificate under Systems/{id} Boot.Certificates';
    case 'non-https-certificate':
      return d.byKind.ldap || d.byKind.account || d.byKind.boot || d.byKind.ldapClient
        ? true
        : 'only the HTTPS certificate supports Rekey';
    case 'action-info':
      return d.primary?.action?.['@Redfish.ActionInfo']
        ? true
        : 'the Rekey action names no @Redfish.ActionInfo';
    case 'action-info-range': {
      if (!d.primary?.action?.['@Redfish.ActionInfo']) return 'the Rekey action names no @Redfish.ActionInfo';
      return (await actionInfoRange(t, d.primary))
        ? true
        : 'the RekeyActionInfo gives no KeyBitLength MinimumValue/MaximumValue';
    }
    case 'basic-auth': {
      if (t.target.auth.scheme === 'basic') return true;
      if (!t.target.auth.password) return 'the profile gives no password to try Basic auth with';
      const value = `Basic ${Buffer.from(`${t.target.auth.username}:${t.target.auth.password}`).toString('base64')}`;
      const res = await helperGet(
        t.ctx.http,
        link(d.root, 'AccountService') ?? '/redfish/v1/AccountService',
        {
          noDefaultHeaders: true,
          headers: { authorization: value },
        },
      );
      if (res.status === 401)
        return 'a GET with Basic credentials answered 401: the service uses sessions only';
      expectHelperStatus(res, [200], 'try Basic authentication');
      return true;
    }
    case 'sessions':
      if (!d.sessionsUri) return 'the service root has no Links.Sessions';
      // A linked SessionService may be switched off (ServiceEnabled false): then no session can be made.
      if (d.sessionService?.ServiceEnabled === false) return 'the SessionService says ServiceEnabled: false';
      return true;
    case 'read-only-account':
      return t.target.accounts.readOnly ? true : 'the profile names no accounts.readOnly';
    case 'operator-account':
      return t.target.accounts.operator ? true : 'the profile names no accounts.operator';
    case 'task-service':
      return d.tasksUri ? true : 'the service root links no task service ("Tasks") with a Tasks collection';
    case 'replace-certificate':
      return d.replaceTarget
        ? true
        : 'CertificateService does not advertise #CertificateService.ReplaceCertificate';
    case 'https-transport':
      return overTls(t.target)
        ? true
        : `the service is reached over plain HTTP (${t.target.baseUrl}): there is no served TLS certificate to read`;
  }
}
