import type { Account, ConnectArgs, Connection, RuleRun, Target } from '../../src/core/api.ts';
import { notApplicable, show, violation } from '../../src/core/check.ts';
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
}

/** Logs in (DSP0266 sessions: POST Sessions {UserName, Password} → X-Auth-Token + Location). */
async function login(
  http: HttpClient,
  sessionsUri: string,
  account: Account,
  redactor: Redactor,
): Promise<{ token: string; location?: string }> {
  const res = await http.post(sessionsUri, {
    json: { UserName: account.username, Password: account.password ?? '' },
    noDefaultHeaders: true,
  });
  const token = res.header('x-auth-token');
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`session login for ${account.username} answered ${res.status}`);
  if (!token)
    throw new Error(`session login for ${account.username} answered ${res.status} without X-Auth-Token`);
  redactor.add(token);
  const location = res.header('location');
  return { token, ...(location ? { location } : {}) };
}

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

  const opened: OpenSession[] = [];
  let sessionsUri = '/redfish/v1/SessionService/Sessions';
  if (target.auth.scheme === 'session') {
    const root = await plain.get('/redfish/v1', { noDefaultHeaders: true });
    const link = (
      root.status === 200 ? (root.json() as Json)?.Links?.Sessions?.['@odata.id'] : undefined
    ) as unknown;
    if (typeof link === 'string') sessionsUri = link;
  }
  const makeClient = async (account: Account): Promise<HttpClient> => {
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
    if (target.auth.scheme === 'session') {
      const s = await login(client, sessionsUri, account, redactor);
      token = s.token;
      if (s.location) session.location = s.location;
    }
    return client;
  };

  const http = await makeClient(main);
  const roles = new Map<Role, Promise<HttpClient>>();
  const ctx: RedfishCtx = {
    target,
    http,
    redactor,
    params,
    pollMs: params.taskPollIntervalMs ?? 1000,
    as(role) {
      const account = target.accounts[role];
      if (!account) notApplicable(`the profile names no "${role}" account`);
      let c = roles.get(role);
      if (!c) {
        c = makeClient(account);
        roles.set(role, c);
      }
      return c;
    },
  };

  return {
    ctx,
    capability: (cap, t) => capability(cap, t),
    async close() {
      for (const s of opened.reverse()) {
        if (s.location) await s.client.delete(s.location).catch(() => undefined);
        s.client.close();
      }
    },
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
  /** Service resources read on the way (collections, CertificateService, TaskService), for schema validation. */
  resources: Array<{ uri: string; body: Json }>;
  notes: string[];
}

export async function getJson(http: HttpClient, uri: string): Promise<Json | undefined> {
  const res = await http.get(uri);
  if (res.status !== 200) return undefined;
  return res.json();
}

const link = (obj: Json, ...path: string[]): string | undefined => {
  let cur = obj;
  for (const p of path) cur = cur?.[p];
  const id = cur?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
};

async function members(
  http: HttpClient,
  collectionUri: string | undefined,
  seen?: Array<{ uri: string; body: Json }>,
): Promise<{ uris: string[]; body?: Json }> {
  if (!collectionUri) return { uris: [] };
  const body = await getJson(http, collectionUri);
  if (body && seen) seen.push({ uri: collectionUri, body });
  const list = Array.isArray(body?.Members) ? (body.Members as Json[]) : [];
  return { uris: list.map((m) => m?.['@odata.id']).filter((u): u is string => typeof u === 'string'), body };
}

/** Follows links from /redfish/v1 to the five documented Rekey locations; never assumes resource IDs. */
export async function discover(t: RuleRun<RedfishCtx>): Promise<Discovery> {
  return t.shared('discovery', async () => {
    const { http, params } = t.ctx;
    const root = await getJson(http, '/redfish/v1');
    if (!root) violation('GET /redfish/v1 did not answer 200 with the service root');
    const notes: string[] = [];
    const resources: Array<{ uri: string; body: Json }> = [];
    const found = new Map<CertKind, string[]>(CERT_KINDS.map((k) => [k, []]));

    const accountService = link(root, 'AccountService');
    const as = accountService ? await getJson(http, accountService) : undefined;
    if (as) {
      for (const acc of (await members(http, link(as, 'Accounts'))).uris) {
        const account = await getJson(http, acc);
        found.get('account')!.push(...(await members(http, link(account, 'Certificates'), resources)).uris);
      }
      const ldap = await members(http, link(as, 'LDAP', 'Certificates'), resources);
      found.get('ldap')!.push(...ldap.uris);
      // AMI lists its LDAP client certificates in an OEM collection linked from the LDAP collection.
      for (const oem of Object.values((ldap.body?.Oem ?? {}) as Record<string, Json>)) {
        found
          .get('ldapClient')!
          .push(...(await members(http, link(oem, 'ClientCertificates'), resources)).uris);
      }
    }
    for (const m of (await members(http, link(root, 'Managers'))).uris) {
      const manager = await getJson(http, m);
      const np = link(manager, 'NetworkProtocol');
      const protocol = np ? await getJson(http, np) : undefined;
      found
        .get('https')!
        .push(...(await members(http, link(protocol, 'HTTPS', 'Certificates'), resources)).uris);
    }
    for (const s of (await members(http, link(root, 'Systems'))).uris) {
      const system = await getJson(http, s);
      found.get('boot')!.push(...(await members(http, link(system, 'Boot', 'Certificates'), resources)).uris);
    }
    for (const [kind, uri] of Object.entries(params.certificates ?? {}) as [CertKind, string][]) {
      found.set(kind, [uri]);
      notes.push(`${KIND_LABEL[kind]} taken from params.certificates: ${uri}`);
    }

    const certs: CertInfo[] = [];
    const byKind: Partial<Record<CertKind, CertInfo>> = {};
    for (const kind of CERT_KINDS) {
      for (const uri of found.get(kind)!) {
        const body = await getJson(http, uri);
        if (!body) {
          notes.push(`${uri} is linked but did not answer 200`);
          continue;
        }
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

    const ts = link(root, 'TaskService');
    const taskService = ts ? await getJson(http, ts) : undefined;
    if (taskService) resources.push({ uri: ts!, body: taskService });
    await members(http, link(taskService, 'Tasks'), resources);
    const cs = link(root, 'CertificateService');
    const certService = cs ? await getJson(http, cs) : undefined;
    if (certService) resources.push({ uri: cs!, body: certService });
    const replace = certService?.Actions?.['#CertificateService.ReplaceCertificate']?.target;
    const sessions = root?.Links?.Sessions?.['@odata.id'];
    return {
      root,
      certs,
      byKind,
      ...(primary ? { primary } : {}),
      ...(link(taskService, 'Tasks') ? { tasksUri: link(taskService, 'Tasks') } : {}),
      ...(typeof replace === 'string' ? { replaceTarget: replace } : {}),
      ...(typeof sessions === 'string' ? { sessionsUri: sessions } : {}),
      resources,
      notes,
    };
  });
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

/** KeyBitLength limits from the RekeyActionInfo, when it gives them. */
export async function actionInfoRange(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
): Promise<{ min: number; max: number } | undefined> {
  const info = await actionInfoOf(t, cert);
  const p = (info.body?.Parameters as Json[] | undefined)?.find((x) => x?.Name === 'KeyBitLength');
  if (typeof p?.MinimumValue === 'number' && typeof p?.MaximumValue === 'number')
    return { min: p.MinimumValue, max: p.MaximumValue };
  return undefined;
}

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
      const res = await t.ctx.http.get(link(d.root, 'AccountService') ?? '/redfish/v1/AccountService', {
        noDefaultHeaders: true,
        headers: { authorization: value },
      });
      return res.status === 200
        ? true
        : `GET with Basic credentials answered ${res.status}: the service uses sessions only`;
    }
    case 'sessions':
      return d.sessionsUri ? true : 'the service root has no Links.Sessions';
    case 'read-only-account':
      return t.target.accounts.readOnly ? true : 'the profile names no accounts.readOnly';
    case 'operator-account':
      return t.target.accounts.operator ? true : 'the profile names no accounts.operator';
    case 'task-service':
      return d.tasksUri ? true : 'the service root links no TaskService with Tasks';
    case 'replace-certificate':
      return d.replaceTarget
        ? true
        : 'CertificateService does not advertise #CertificateService.ReplaceCertificate';
  }
}

export function describe(res: HttpResponse): string {
  return `${res.method} ${new URL(res.url).pathname} answered ${res.status}${res.text ? ` ${show(res.text)}` : ''}`;
}
