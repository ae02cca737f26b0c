import type { Account, ConnectArgs, Connection, RuleRun, Target } from '../../src/core/api.ts';
import {
  broken,
  describeAnswer,
  expectHelperStatus,
  helperGet,
  helperJson,
  lookup,
  notApplicable,
  readJson,
  show,
} from '../../src/core/check.ts';
import { BrokenAnswer, CredentialsRejected, TransportError, describeError } from '../../src/core/errors.ts';
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
  /** The session's own token: a renewal replaces the client's token, each session is logged out with its own. */
  token?: string;
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
    const headers = authHeaders(target, account, () => token);
    /** POST Sessions: the answer, and the session it opened kept for logging out (its own token). */
    const login = async (): Promise<HttpResponse> => {
      const res = await client.post(sessionsUri, {
        json: { UserName: account.username, Password: account.password ?? '' },
        noDefaultHeaders: true,
      });
      const opens = res.header('x-auth-token');
      if ((res.status === 200 || res.status === 201) && opens) {
        redactor.add(opens);
        token = opens;
        const location = res.header('location');
        opened.push({ client, token: opens, ...(location ? { location } : {}) });
      }
      return res;
    };
    const client: HttpClient = new HttpClient({
      ...plain.options,
      defaultHeaders: headers,
      // A session can end mid-run (SessionTimeout, another administrator deleting it) and a password can change:
      // a 401 to credentials that worked is not the service's answer to the request. Sessions log in again; a
      // request answered 401 "has not been applied" (RFC 9110 §15.5.2), and DSP0266 authenticates every request
      // before serving it, so any request is sent once more.
      credentials: {
        who: account.username,
        // Every role may read it (Login): a 401 there too means the credentials stopped working.
        probe: probeUri,
        resend: () => true,
        ...(target.auth.scheme === 'session'
          ? {
              renew: async () => {
                const res = await login();
                if (res.status === 401 || res.status === 403)
                  throw new CredentialsRejected(
                    `credentials for ${account.username} were rejected by ${where}${sessionsUri}: ${res.status}`,
                  );
                if ((res.status !== 200 && res.status !== 201) || !res.header('x-auth-token'))
                  broken(`the session login for ${account.username}: ${describeAnswer(res)}`);
              },
            }
          : {}),
      },
    });
    opened.push({ client });
    try {
      if (target.auth.scheme === 'session') {
        const res = await login();
        if (res.status === 401 || res.status === 403)
          return rejectedBy(account, `${where}${sessionsUri}`, res.status, client);
        if ((res.status !== 200 && res.status !== 201) || !token)
          return {
            ok: false,
            rejected: false,
            why: `the session login for ${account.username} could not be completed: ${describeAnswer(res)}${token ? '' : ' (no X-Auth-Token)'}`,
            client,
          };
        client.credentialsAccepted();
        return { ok: true, client };
      }
      if (target.auth.scheme === 'none') return { ok: true, client };
      // The probe judges the 401 itself: sent with the credentials as its own headers, not renewed.
      const res = await client.get(probeUri, { noDefaultHeaders: true, headers: headers() });
      if (res.status === 401 || res.status === 403)
        return rejectedBy(account, `${where}${probeUri}`, res.status, client);
      // Any other answer says nothing against the credentials: the rules meet it themselves.
      client.credentialsAccepted();
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
        if (!s.done && s.location && s.token) {
          // With the session's own token (never renewed: a logout must not open another session).
          const res = await s.client.delete(s.location, {
            noDefaultHeaders: true,
            headers: { 'x-auth-token': s.token },
          });
          // 401: the token no longer authenticates, so its session is gone (ended by the service, or a lost
          // answer to an earlier try).
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

/** A Certificate resource discovery reached, wherever it was linked, and whether or not it advertises Rekey. */
export interface CertResource {
  uri: string;
  body: Json;
  /** Where discovery found it ("HTTPS certificate", "CertificateService CertificateLocations"). */
  via: string;
}

export interface Discovery {
  root: Json;
  /** Every certificate found in the documented locations. */
  certs: CertInfo[];
  /**
   * Every Certificate resource discovery reached, each read once: the documented locations, then the entries of
   * CertificateService.CertificateLocations. The schema rules judge all of them, Rekey or not.
   */
  allCerts: CertResource[];
  /** Certificates linked from CertificateLocations that could not be read (a broken answer), with the reason. */
  unreadable: string[];
  /** First Rekey-capable certificate of each kind. */
  byKind: Partial<Record<CertKind, CertInfo>>;
  primary?: CertInfo;
  tasksUri?: string;
  /** The CertificateService resource, when linked and readable. */
  certService?: Json;
  replaceTarget?: string;
  sessionsUri?: string;
  /** The SessionService resource, when linked (its ServiceEnabled says whether sessions can be made). */
  sessionService?: Json;
  /** Service resources read on the way (collections, CertificateService, TaskService), for schema validation. */
  resources: Array<{ uri: string; body: Json }>;
  notes: string[];
}

/** How many certificates listed only in CertificateLocations discovery reads (a large system may list hundreds). */
const MAX_LOCATION_CERTS = 256;

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
      const allCerts: CertResource[] = [];
      const read = new Set<string>();
      const byKind: Partial<Record<CertKind, CertInfo>> = {};
      for (const kind of CERT_KINDS) {
        for (const uri of found.get(kind)!) {
          if (read.has(uri)) continue;
          read.add(uri);
          const body = await follow(uri, KIND_LABEL[kind]);
          if (!body) continue;
          allCerts.push({ uri, body, via: KIND_LABEL[kind] });
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
      // Every certificate the service lists in CertificateLocations is judged by the schema rules too, Rekey or
      // not. Read once each and bounded; one that cannot be read is the schema rules' error, not discovery's.
      const unreadable: string[] = [];
      const locations = await follow(link(certService, 'CertificateLocations'), 'CertificateLocations', true);
      const listed = ((locations?.Links?.Certificates ?? []) as Json[])
        .map((m) => m?.['@odata.id'])
        .filter((u): u is string => typeof u === 'string' && !read.has(u));
      if (listed.length > MAX_LOCATION_CERTS)
        notes.push(
          `CertificateLocations lists ${listed.length} further certificates; the first ${MAX_LOCATION_CERTS} are read`,
        );
      for (const uri of [...new Set(listed)].slice(0, MAX_LOCATION_CERTS)) {
        try {
          const body = await follow(uri, 'certificate listed in CertificateLocations');
          if (body) allCerts.push({ uri, body, via: 'CertificateService CertificateLocations' });
        } catch (err) {
          if (!(err instanceof BrokenAnswer || err instanceof TransportError)) throw err;
          unreadable.push(`${uri}: ${err.message}`);
        }
      }
      const sessionService = await follow(link(root, 'SessionService'), 'SessionService');
      const sessions = link(root?.Links, 'Sessions');
      return {
        root,
        certs,
        allCerts,
        unreadable,
        byKind,
        ...(primary ? { primary } : {}),
        ...(tasksUri ? { tasksUri } : {}),
        ...(certService ? { certService } : {}),
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

/**
 * Why the service offers no Rekey the suite can use (the `rekey` capability's reason, a target's headline after
 * "Rekey: "), or undefined when it does. Nothing obliges a service to offer Rekey: absent is a skip, not a finding.
 */
export function rekeyAbsence(d: Discovery): string | undefined {
  if (d.primary) return undefined;
  const elsewhere = d.allCerts.filter(
    (c) => c.body?.Actions?.['#Certificate.Rekey'] && !d.certs.some((k) => k.uri === c.uri),
  );
  if (elsewhere.length)
    return `offered only on certificates outside the documented locations this suite rekeys (${elsewhere.map((c) => c.uri).join(', ')})`;
  if (d.allCerts.length === 0)
    return 'not offered by this service (no certificate found in the documented locations or CertificateLocations)';
  return `not offered by this service (none of the ${d.allCerts.length} certificate(s) found advertises #Certificate.Rekey)`;
}

/** The certificate the request-handling rules use; skips when the service has none with Rekey. */
export async function primaryCert(t: RuleRun<RedfishCtx>): Promise<CertInfo> {
  const d = await discover(t);
  if (!d.primary) notApplicable(`Rekey ${rekeyAbsence(d)}`);
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

/** A resource that needs authentication to read, for rules about authentication itself (no Rekey needed). */
export function protectedResource(d: Discovery): string {
  return d.allCerts[0]?.uri ?? link(d.root, 'AccountService') ?? '/redfish/v1/AccountService';
}

export async function actionInfoOf(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
): Promise<{ uri: string; res: HttpResponse; body: Json }> {
  const uri = cert.action?.['@Redfish.ActionInfo'];
  if (typeof uri !== 'string') notApplicable(`${cert.uri} names no @Redfish.ActionInfo for Rekey`);
  // A lost or garbled answer is sent once more and then is unusable (error), never the ActionInfo's fault.
  const res = await helperGet(t.ctx.http, uri);
  return {
    uri,
    res,
    body: res.status === 200 ? helperJson(res, `read the RekeyActionInfo ${uri}`) : undefined,
  };
}

/** A parameter of the RekeyActionInfo, when the action names one (a helper read: it must answer 200). */
async function actionInfoParameter(t: RuleRun<RedfishCtx>, cert: CertInfo, name: string): Promise<Json> {
  const uri = cert.action?.['@Redfish.ActionInfo'];
  if (typeof uri !== 'string') return undefined;
  const info = await readJson<Json>(t.ctx.http, uri, `read the RekeyActionInfo ${uri}`);
  return (info?.Parameters as Json[] | undefined)?.find((x) => x?.Name === name);
}

/** KeyBitLength limits from the RekeyActionInfo, when it gives them. */
export async function actionInfoRange(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
): Promise<{ min: number; max: number } | undefined> {
  const p = await actionInfoParameter(t, cert, 'KeyBitLength');
  if (typeof p?.MinimumValue === 'number' && typeof p?.MaximumValue === 'number')
    return { min: p.MinimumValue, max: p.MaximumValue };
  return undefined;
}

/** The values the RekeyActionInfo allows for a parameter (AllowableValues), or [] when it names none. */
export async function actionInfoAllows(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  name: string,
): Promise<string[]> {
  const values = (await actionInfoParameter(t, cert, name))?.AllowableValues;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/** TCG_ECC_CURVE names (Rekey's KeyCurveId) of the curves the harness knows, with the names keys.ts gives them. */
export const TCG_CURVES: Record<string, string> = {
  TPM_ECC_NIST_P256: 'P-256',
  TPM_ECC_NIST_P384: 'P-384',
  TPM_ECC_NIST_P521: 'P-521',
};

/** The KeyCurveId values of known curves the RekeyActionInfo allows with KeyPairAlgorithm TPM_ALG_ECDSA. */
export async function ecdsaCurves(t: RuleRun<RedfishCtx>, cert: CertInfo): Promise<string[]> {
  if (!(await actionInfoAllows(t, cert, 'KeyPairAlgorithm')).includes('TPM_ALG_ECDSA')) return [];
  return (await actionInfoAllows(t, cert, 'KeyCurveId')).filter((c) => c in TCG_CURVES);
}

/** Whether the suite reaches the service over TLS (rules that read the served certificate need it). */
export const overTls = (target: Target): boolean => new URL(target.baseUrl).protocol === 'https:';

/**
 * A capability is absent only when the service (or the profile) says so; a probe that cannot be answered
 * throws (the engine reports `error`), so a broken answer never becomes a skip.
 */
async function capability(cap: Capability, t: RuleRun<RedfishCtx>): Promise<true | string> {
  const d = await discover(t);
  const notAdvertised = (where: string) =>
    `not offered (no certificate under ${where} advertises #Certificate.Rekey)`;
  switch (cap) {
    case 'rekey':
      return rekeyAbsence(d) ?? true;
    case 'https-certificate':
      return d.certs.some((c) => c.kind === 'https')
        ? true
        : 'not linked (no certificate under Managers/{id}/NetworkProtocol HTTPS.Certificates)';
    case 'https-rekey':
      return d.byKind.https ? true : notAdvertised('Managers/{id}/NetworkProtocol HTTPS.Certificates');
    case 'boot-certificate':
      return d.byKind.boot ? true : notAdvertised('Systems/{id} Boot.Certificates');
    case 'non-https-certificate':
      return d.byKind.ldap || d.byKind.account || d.byKind.boot || d.byKind.ldapClient
        ? true
        : 'not offered (only the HTTPS certificate advertises #Certificate.Rekey)';
    case 'action-info':
      return d.primary?.action?.['@Redfish.ActionInfo']
        ? true
        : 'not offered (the Rekey action names no @Redfish.ActionInfo)';
    case 'action-info-range': {
      if (!d.primary?.action?.['@Redfish.ActionInfo'])
        return 'not offered (the Rekey action names no @Redfish.ActionInfo)';
      return (await actionInfoRange(t, d.primary))
        ? true
        : 'not given (the RekeyActionInfo has no KeyBitLength MinimumValue/MaximumValue)';
    }
    case 'ecdsa-rekey':
      if (!d.primary?.action?.['@Redfish.ActionInfo'])
        return 'not known (the Rekey action names no @Redfish.ActionInfo to list KeyPairAlgorithm values)';
      return (await ecdsaCurves(t, d.primary)).length
        ? true
        : 'not offered (the RekeyActionInfo allows no KeyPairAlgorithm TPM_ALG_ECDSA with a NIST KeyCurveId)';
    case 'basic-auth': {
      if (t.target.auth.scheme === 'basic') return true;
      if (!t.target.auth.password) return 'not tried (the profile gives no password to try it with)';
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
        return 'not accepted (a GET with Basic credentials answered 401: the service uses sessions only)';
      expectHelperStatus(res, [200], 'try Basic authentication');
      return true;
    }
    case 'sessions':
      if (!d.sessionsUri) return 'not offered (the service root has no Links.Sessions)';
      // A linked SessionService may be switched off (ServiceEnabled false): then no session can be made.
      if (d.sessionService?.ServiceEnabled === false)
        return 'switched off (the SessionService says ServiceEnabled: false)';
      return true;
    case 'read-only-account':
      return t.target.accounts.readOnly ? true : 'not given (the profile names no accounts.readOnly)';
    case 'operator-account':
      return t.target.accounts.operator ? true : 'not given (the profile names no accounts.operator)';
    case 'task-service':
      return d.tasksUri
        ? true
        : 'not offered (the service root links no task service ("Tasks") with a Tasks collection)';
    case 'replace-certificate':
      return d.replaceTarget
        ? true
        : d.certService
          ? 'not offered (CertificateService does not advertise #CertificateService.ReplaceCertificate)'
          : link(d.root, 'CertificateService')
            ? 'not offered (the CertificateService the service root links answered 404)'
            : 'not offered (the service root links no CertificateService)';
    case 'https-transport':
      return overTls(t.target)
        ? true
        : `not used (the service is reached over plain HTTP, ${t.target.baseUrl}: there is no served TLS certificate to read)`;
  }
}
