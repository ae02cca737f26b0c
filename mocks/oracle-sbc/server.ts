import type { Socket } from 'node:net';
import type { HostileOptions } from '../../src/core/api.ts';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { RunningMock } from '../../src/core/api.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import { x509 } from '../../src/pki/x509.ts';
import { listen, loopbackTls } from '../../src/mock/server.ts';
import type { Fault } from './faults.ts';
import {
  CERTIFICATE_RECORD_DEFAULTS,
  buildCsr,
  invalidAttribute,
  newKey,
  spkiOf,
  type GeneratedKey,
  type RecordAttributes,
} from './records.ts';
import { VARIANT_CONFIG, type Variant } from './variants.ts';
import { bareEnvelope, envelope, errorEnvelope, parseXml } from './xml.ts';

export const SUPPORTED_VERSIONS = ['v1.0', 'v1.1', 'v1.2'] as const;

/** What a web server in front of the REST application answers for a path it has no route for. */
const NOT_FOUND_PAGE =
  '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>';
export const LATEST_VERSION = 'v1.2';

export const MSG = {
  https: 'Client must connect with HTTPS',
  unauthorized: 'Client not authorized',
  admin: 'This request requires the client credentials to have administrator privileges',
  lockedByOther: 'Resource locked by another user',
  noLock: 'User does not have the lock',
  recordNotFound: 'Certificate specified with recordName key attribute is not found',
  unsupportedVersion: 'Unsupported versionId in URI',
  versionInDiscovery: 'This API must not contain a version number',
} as const;

interface Session {
  username: string;
  admin: boolean;
  expiresAt: number;
  /** Requests made with the token so far. */
  uses?: number;
}

interface StoredRecord {
  attributes: RecordAttributes;
  key?: GeneratedKey;
  csrPem?: string;
  certificatePem?: string;
}

interface Task {
  operation: 'save' | 'verify' | 'activate';
  pollsLeft: number;
}

/** Everything the mock SBC knows; exported for the mock's own tests (lock hygiene). */
export class SbcState {
  readonly users = new Map<string, { password: string; admin: boolean }>();
  readonly sessions = new Map<string, Session>();
  lockToken: string | undefined;
  readonly records = new Map<string, StoredRecord>();
  saved = new Map<string, RecordAttributes>();
  running = new Map<string, RecordAttributes>();
  readonly tasks = new Map<string, Task>();
  /** Test hook: awaited before each request is handled (e.g. to interrupt a run in the middle of a rule). */
  beforeRequest: ((method: string, url: URL) => Promise<void> | void) | undefined;
  /**
   * Test hook: after a request was processed (state changed), lose its answer ('reset': close the connection;
   * 'drop': never answer) or replace it; undefined sends the answer as it is.
   */
  afterRoute:
    ((method: string, url: URL, status: number) => 'reset' | 'drop' | RawAnswer | undefined) | undefined;

  constructor(readonly tokenLifetimeMs: number) {}

  session(token: string | undefined, now = Date.now()): Session | undefined {
    const s = token ? this.sessions.get(token) : undefined;
    return s && s.expiresAt > now ? s : undefined;
  }

  /** The token holding the lock, if it is still valid: the lock dies with its token. */
  lockHolder(): string | undefined {
    return this.lockToken && this.session(this.lockToken) ? this.lockToken : undefined;
  }
}

export interface SbcMock extends RunningMock {
  /** The plain-HTTP port (answers 426). */
  httpUrl: string;
  state: SbcState;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  415: 'Unsupported Media Type',
  423: 'Locked',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
};
const fail = (status: number, message: string): never => {
  throw new ApiError(status, REASONS[status] ?? 'Error', message);
};

interface Ctx {
  req: FastifyRequest;
  query: URLSearchParams;
  body: string;
  origin: string;
  token?: string;
  session?: Session;
}

export interface RawAnswer {
  status: number;
  type: string;
  body: string;
}

interface Answer {
  status: number;
  data?: unknown;
  links?: string[];
  /** A body that is not the XML envelope (faults only). */
  raw?: RawAnswer;
}

type Handler = (c: Ctx) => Promise<Answer> | Answer;

/** Starts the mock SBC: HTTPS API plus a plain-HTTP port that answers 426. */
export async function startSbcMock(opts: {
  variant: Variant;
  faults: readonly Fault[];
  host?: string;
  port?: number;
  hostile?: HostileOptions;
}): Promise<SbcMock> {
  const config = VARIANT_CONFIG[opts.variant];
  const faults = new Set(opts.faults);
  const versions: readonly string[] = config.versions ?? SUPPORTED_VERSIONS;
  const state = new SbcState(config.tokenLifetimeSeconds * 1000);
  for (const u of [config.admin, config.otherAdmin])
    state.users.set(u.username, { password: u.password, admin: true });
  state.users.set(config.nonAdmin.username, { password: config.nonAdmin.password, admin: false });
  const pool = new KeyPool();
  /** The certificate-record defaults of this device (the template and every new record). */
  const recordDefaults: RecordAttributes = {
    ...CERTIFICATE_RECORD_DEFAULTS,
    ...(config.defaultKeyAlgorithm ? { 'key-algor': [config.defaultKeyAlgorithm] } : {}),
  };

  // ---- lock helpers -------------------------------------------------------------------------------------
  const ownsLock = (token: string): boolean => {
    const holder = state.lockHolder();
    if (!holder) return false;
    if (holder === token) return true;
    return (
      faults.has('lock-bound-to-user') && state.session(holder)?.username === state.session(token)?.username
    );
  };
  const lockedMessage = (): string => {
    const byOther = state.lockHolder() !== undefined;
    const swap = faults.has('lock-messages-swapped');
    return byOther !== swap ? MSG.lockedByOther : MSG.noLock;
  };
  /** 423 unless the caller owns the lock; `bypass` carries the fault switches of one operation. */
  const requireLock = (c: Ctx, bypass: { whenFree?: boolean; whenOther?: boolean } = {}) => {
    if (ownsLock(c.token!)) return;
    const held = state.lockHolder() !== undefined;
    if (!held && bypass.whenFree) return;
    if (held && bypass.whenOther) return;
    fail(423, lockedMessage());
  };
  const requireAdmin = (c: Ctx, bypass = false) => {
    if (!c.session!.admin && !bypass) fail(403, MSG.admin);
  };

  /** csr-lines-shuffled spoils the CSRs of the CSR-content, reGenerate and signed-import records only. */
  const shuffled = new Set(['', '-regen', '-import'].map((s) => config.recordName + s));
  const csrFaults = (recordName: string): ReadonlySet<Fault> =>
    shuffled.has(recordName) ? faults : new Set([...faults].filter((f) => f !== 'csr-lines-shuffled'));

  const recordXml = (attrs: RecordAttributes) => ({
    configElement: {
      elementType: 'certificate-record',
      attribute: Object.entries(attrs).map(([n, values]) => ({
        name: n,
        value: !values.length
          ? ['']
          : n === 'key-algor' && faults.has('record-key-algor-uppercase')
            ? values.map((v) => v.toUpperCase())
            : values,
      })),
    },
  });
  const recordNameOf = (c: Ctx): string => {
    if (c.query.get('elementType') !== 'certificate-record')
      fail(400, 'elementType must be certificate-record on this mock');
    const name = c.query.get('name');
    if (!name) fail(400, 'missing key attribute name');
    return name!;
  };

  /** The record generateRequest names: 400 without recordName, 404 when there is no such record. */
  const recordFor = (name: string | null): StoredRecord => {
    if (!name) {
      if (faults.has('missing-record-name-404')) fail(404, MSG.recordNotFound);
      if (faults.has('missing-record-name-500')) fail(500, 'internal error');
      fail(400, 'missing required query parameter recordName');
    }
    const rec = state.records.get(name!);
    if (!rec) {
      if (faults.has('unknown-record-500')) fail(500, 'internal error');
      fail(404, config.recordNotFoundText ?? MSG.recordNotFound);
    }
    return rec!;
  };
  /** The <ImportCertificate> body and the record it names (400 when malformed, 404 when no such record). */
  const importRequest = (c: Ctx) => {
    let doc: Record<string, unknown> | undefined;
    try {
      doc = parseXml(c.body).ImportCertificate as Record<string, unknown> | undefined;
    } catch (err) {
      fail(400, (err as Error).message);
    }
    if (!doc || typeof doc !== 'object') fail(400, 'request body must be an ImportCertificate element');
    const name = String(doc!.recordName ?? '');
    const format = String(doc!.format ?? '');
    const text = String(doc!.certificateRequest ?? '');
    if (!name || !text) fail(400, 'recordName and certificateRequest are required');
    if (!['x509', 'pkcs7'].includes(format)) fail(400, `invalid format "${format}" (expected x509 or pkcs7)`);
    const rec = state.records.get(name);
    if (!rec) fail(faults.has('import-unknown-record-400') ? 400 : 404, MSG.recordNotFound);
    return { name, format, text, rec: rec! };
  };

  // ---- routes (path after /rest/{version}/) ------------------------------------------------------------------
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    'auth/token': {
      POST: (c) => {
        const basic = /^Basic\s+(.+)$/i.exec(c.req.headers.authorization ?? '');
        const [user, ...rest] = Buffer.from(basic?.[1] ?? '', 'base64')
          .toString('utf8')
          .split(':');
        const known = user ? state.users.get(user) : undefined;
        if (!basic || !known || (known.password !== rest.join(':') && !faults.has('bad-password-accepted'))) {
          fail(401, MSG.unauthorized);
        }
        const token = randomBytes(24).toString('hex');
        // expiryLagSeconds: expiry is enforced late (a periodic sweep), so a token outlives its lifetime a little.
        const lifetime = faults.has('expired-token-accepted')
          ? 365 * 24 * 3600_000
          : state.tokenLifetimeMs + (config.expiryLagSeconds ?? 0) * 1000;
        state.sessions.set(token, { username: user!, admin: known!.admin, expiresAt: Date.now() + lifetime });
        if (faults.has('token-answer-json'))
          return {
            status: 200,
            raw: { status: 200, type: 'application/json', body: JSON.stringify({ accessToken: token }) },
          };
        return { status: faults.has('token-status-201') ? 201 : 200, data: { accessToken: token } };
      },
    },
    'configuration/lock': {
      POST: (c) => {
        requireAdmin(c, faults.has('non-admin-may-lock'));
        if (state.lockHolder() && !ownsLock(c.token!) && !faults.has('lock-takeover'))
          fail(423, lockedMessage());
        state.lockToken = c.token;
        return faults.has('lock-answers-200') ? { status: 200, data: { locked: 'true' } } : { status: 204 };
      },
    },
    'configuration/unlock': {
      POST: (c) => {
        requireAdmin(c, faults.has('non-admin-may-lock'));
        const holder = state.lockHolder();
        if (!holder && faults.has('unlock-free-lock-accepted')) return { status: 204 };
        if (!ownsLock(c.token!) && !(holder && faults.has('unlock-by-other-user')))
          fail(423, lockedMessage());
        state.lockToken = undefined;
        return faults.has('unlock-answers-200')
          ? { status: 200, data: { unlocked: 'true' } }
          : { status: 204 };
      },
    },
    'configuration/elementTypes/template': {
      GET: (c) => {
        if (c.query.get('elementType') !== 'certificate-record')
          fail(404, `unknown elementType "${c.query.get('elementType') ?? ''}"`);
        const attrs = { ...recordDefaults };
        if (faults.has('template-missing-key-size')) delete attrs['key-size'];
        return { status: 200, data: recordXml(attrs) };
      },
    },
    'configuration/configElements': {
      GET: (c) => {
        const name = recordNameOf(c);
        const source =
          c.query.get('running') === 'true' ? state.running.get(name) : state.records.get(name)?.attributes;
        if (!source) fail(404, `certificate-record "${name}" not found`);
        return { status: 200, data: recordXml(source!) };
      },
      POST: (c) => {
        requireAdmin(c);
        requireLock(c, { whenFree: faults.has('configelements-without-lock') });
        const attrs = parseConfigElement(c.body, recordDefaults);
        const err = invalidAttribute(attrs);
        if (err) fail(400, err);
        const name = attrs.name![0]!;
        if (state.records.has(name)) fail(400, `certificate-record "${name}" already exists`);
        if (faults.has('record-ignores-trusted')) attrs.trusted = ['enabled'];
        state.records.set(name, { attributes: attrs });
        return { status: 200, data: recordXml(attrs) };
      },
      PUT: (c) => {
        requireAdmin(c);
        requireLock(c);
        const update = parseConfigElement(c.body);
        const name = update.name?.[0] ?? '';
        const rec = state.records.get(name);
        if (!rec) fail(404, `certificate-record "${name}" not found`);
        const merged = { ...rec!.attributes, ...update };
        const err = invalidAttribute(merged);
        if (err) fail(400, err);
        rec!.attributes = merged;
        return { status: 200, data: recordXml(merged) };
      },
      DELETE: (c) => {
        requireAdmin(c);
        requireLock(c);
        const name = recordNameOf(c);
        if (!state.records.delete(name)) fail(404, `certificate-record "${name}" not found`);
        return faults.has('record-delete-answers-200')
          ? { status: 200, data: { deleted: name } }
          : { status: 204 };
      },
    },
    'configuration/certificates/generateRequest': {
      PUT: async (c) => {
        const name = c.query.get('recordName');
        // The page orders none of its refusals: input-first looks up the record and the lock before privileges.
        const nonAdminMayGenerate = faults.has('non-admin-may-generate') && !c.session!.admin;
        const lock = () =>
          requireLock(c, {
            whenFree: faults.has('generate-without-lock'),
            whenOther: faults.has('generate-ignores-lock-owner') || nonAdminMayGenerate,
          });
        if (config.inputFirst) {
          recordFor(name);
          lock();
        }
        requireAdmin(c, nonAdminMayGenerate);
        const target = state.records.get(name ?? '');
        if (
          faults.has('refused-regenerate-rekeys') &&
          c.query.get('reGenerate') === 'true' &&
          target?.key &&
          !ownsLock(c.token!)
        ) {
          // The fault: the key is replaced before the missing lock is noticed.
          target.key = await newKey(target.attributes, pool, csrFaults(name!));
          target.csrPem = await buildCsr(target.attributes, target.key, csrFaults(name!));
        }
        if (!config.inputFirst) lock();
        const rec = recordFor(name);
        const regenerate = c.query.get('reGenerate');
        // Only "whether to regenerate" is documented: a strict SBC refuses other values, a lenient one reads false.
        if (regenerate !== null && !['true', 'false'].includes(regenerate) && !config.lenientRegenerate) {
          // The documented atomicity: a refused request leaves the record as it was (unless the fault says otherwise).
          if (faults.has('refused-generate-modifies-record')) {
            rec.attributes['key-size'] = [rec.attributes['key-size']?.[0] === '2048' ? '1024' : '2048'];
          }
          fail(400, `invalid value "${regenerate}" for reGenerate (expected true or false)`);
        }
        if (rec.key && regenerate === 'true' && faults.has('regenerate-refused'))
          fail(400, 'a CSR was already generated for this record');
        if (rec.key && regenerate !== 'true' && config.csrOnce)
          fail(400, 'a certificate request was already generated for this record; use reGenerate=true');
        if (!rec.key || regenerate === 'true' || faults.has('csr-fetch-regenerates')) {
          const key =
            rec.key && faults.has('regenerate-reuses-key')
              ? rec.key
              : await newKey(rec.attributes, pool, faults);
          rec.key = key;
          rec.csrPem = await buildCsr(rec.attributes, key, csrFaults(name!));
          rec.certificatePem = undefined;
        }
        const echoed = faults.has('csr-record-name-wrong') ? `${name}-0` : name;
        const data = { CertificateRequest: { recordName: echoed, certificateSignedRequest: rec.csrPem } };
        if (faults.has('csr-answer-bare'))
          return { status: 200, raw: { status: 200, type: 'application/xml', body: bareEnvelope(data) } };
        return { status: 200, data };
      },
    },
    'configuration/certificates/import': {
      PUT: async (c) => {
        if (config.inputFirst) importRequest(c);
        requireAdmin(c);
        requireLock(c, { whenFree: faults.has('import-without-lock') });
        const { name, format, text, rec } = importRequest(c);
        let cert: x509.X509Certificate | undefined;
        try {
          cert =
            format === 'x509'
              ? new x509.X509Certificate(pemBlocks(text)[0]?.der ?? Buffer.alloc(0))
              : new x509.X509Certificates(text)[0];
        } catch {
          cert = undefined;
        }
        const refuse = (message: string) => {
          if (faults.has('refused-import-drops-key')) {
            rec.key = undefined;
            rec.csrPem = undefined;
            rec.certificatePem = undefined;
          }
          fail(400, message);
        };
        if (!cert) {
          if (faults.has('import-malformed-accepted')) return { status: 200, data: { recordName: name } };
          refuse('the certificate is not a valid X.509 certificate');
        }
        // lenient-import stores any well-formed certificate, as for a record of a trusted CA.
        if (!config.lenientImport) {
          if (!rec.key) fail(400, 'no private key: generate a certificate request for this record first');
          const matches = Buffer.from(cert!.publicKey.rawData).equals(await spkiOf(rec.key!.keys));
          if (!matches) refuse('the certificate does not match the private key of the certificate-record');
        }
        rec.certificatePem = text;
        const echo = config.lenientImport ? { certificateRecord: name } : { recordName: name };
        return { status: 200, data: faults.has('import-echo-missing') ? '' : echo };
      },
    },
    'configuration/management': {
      PUT: (c) => management(c, ['save', 'verify']),
      POST: (c) => management(c, ['activate']),
    },
  };

  const management = (c: Ctx, allowed: Task['operation'][]): Answer => {
    requireAdmin(c);
    const action = c.query.get('action') as Task['operation'];
    if (!allowed.includes(action)) fail(400, `invalid action "${c.query.get('action') ?? ''}"`);
    requireLock(c, { whenFree: action === 'save' && faults.has('management-without-lock') });
    if (action === 'save') state.saved = cloneRecords(state);
    if (action === 'activate') state.running = new Map(state.saved);
    const id = randomBytes(8).toString('hex');
    state.tasks.set(id, { operation: action, pollsLeft: config.taskPolls });
    const path = `/rest/${LATEST_VERSION}/configuration/management/operations/${id}`;
    const link = config.absoluteLinks ? `${c.origin}${path}` : path;
    return { status: 202, links: action === 'save' && faults.has('save-without-poll-link') ? [] : [link] };
  };

  const pollTask = (id: string): Answer => {
    const task = state.tasks.get(id);
    if (!task) fail(404, `no operation ${id}`);
    let status = 'success';
    if (task!.pollsLeft > 0) {
      task!.pollsLeft--;
      status = config.inProgressStatus;
    } else if (task!.operation === 'activate' && faults.has('activate-reports-failure')) status = 'failure';
    const operation =
      task!.operation === 'verify' && faults.has('verify-reports-wrong-operation') ? 'save' : task!.operation;
    return { status: 200, data: { operationState: { operation, status } } };
  };

  /** Sockets of answers withheld by the afterRoute test hook ('drop'), closed with the mock. */
  const withheld = new Set<Socket>();

  // ---- the HTTPS app -----------------------------------------------------------------------------------------
  const tls = await loopbackTls('oracle-sbc-mock');
  const app = Fastify({ https: { key: tls.key, cert: tls.cert } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const send = (reply: FastifyReply, status: number, body?: string, error = false) => {
    if (body === undefined) return reply.code(status).send();
    if (error && faults.has('error-body-not-envelope')) {
      const text = /<message>([^<]*)<\/message>/.exec(body)?.[1] ?? 'error';
      return reply
        .code(status)
        .type('text/plain')
        .send(`${status} ${REASONS[status] ?? ''}: ${text}`);
    }
    const type = !error && faults.has('content-type-not-xml') ? 'text/plain' : 'application/xml';
    return reply.code(status).type(type).send(body);
  };

  const dispatch = async (req: FastifyRequest, reply: FastifyReply, plainHttp: boolean) => {
    const url = new URL(req.url, 'https://sbc.invalid');
    const origin = `https://${req.headers.host ?? '127.0.0.1'}`;
    try {
      await state.beforeRequest?.(req.method, url);
      if (plainHttp && !faults.has('plain-http-served')) {
        fail(426, faults.has('upgrade-message-missing') ? 'Upgrade Required' : MSG.https);
      }
      const answer = await route(req, url, origin);
      const spoil = state.afterRoute?.(req.method, url, answer.status);
      if (spoil === 'reset' || spoil === 'drop') {
        reply.hijack();
        if (spoil === 'reset') req.raw.socket.destroy();
        else withheld.add(req.raw.socket);
        return;
      }
      const raw = spoil ?? answer.raw;
      if (raw) return reply.code(raw.status).type(raw.type).send(raw.body);
      if (answer.status === 204 || (answer.data === undefined && !answer.links))
        return send(reply, answer.status);
      return send(reply, answer.status, envelope(answer.data ?? '', { links: answer.links }));
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 401 && faults.has('unauthorized-message-missing'))
          return send(reply, 401, errorEnvelope(err.reason, 'Unauthorized', config.errorShape), true);
        return send(reply, err.status, errorEnvelope(err.reason, err.message, config.errorShape), true);
      }
      req.log.error(err);
      return send(
        reply,
        500,
        errorEnvelope('Internal Server Error', 'internal error', config.errorShape),
        true,
      );
    }
  };

  const route = async (req: FastifyRequest, url: URL, origin: string): Promise<Answer> => {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method.toUpperCase();
    // No route at all: the web server in front of the REST application answers, not the SBC.
    if (faults.has('generate-not-served') && path.endsWith('/configuration/certificates/generateRequest'))
      return { status: 404, raw: { status: 404, type: 'text/html', body: NOT_FOUND_PAGE } };
    if (path === '/rest/api/supportedversions') {
      if (method !== 'GET')
        fail(faults.has('wrong-verb-404') ? 404 : 405, `${method} is not supported on ${path}`);
      if (config.versionsNeedToken) {
        const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!state.session(bearer)) fail(401, MSG.unauthorized);
      }
      checkMedia(req, false);
      return { status: 200, data: { supportedVersions: versionsData() } };
    }
    const m = /^\/rest\/([^/]+)\/(.+)$/.exec(path);
    if (!m) fail(404, `no resource at ${path}`);
    const [, version, rest] = m!;
    if (rest === 'api/supportedversions') {
      if (faults.has('versioned-discovery-served'))
        return { status: 200, data: { supportedVersions: versionsData() } };
      fail(404, MSG.versionInDiscovery);
    }
    const known = versions.includes(version!) || (faults.has('unknown-version-served') && version === 'v9.9');
    if (!known) fail(404, MSG.unsupportedVersion);
    if (rest!.startsWith('configuration/certificates/') && version !== 'v1.2' && version !== 'v9.9')
      fail(404, MSG.unsupportedVersion);

    const ops = /^configuration\/management\/operations\/([0-9a-f]+)$/.exec(rest!);
    const handlers: Partial<Record<string, Handler>> | undefined = ops
      ? { GET: () => pollTask(ops[1]!) }
      : config.withoutImport && rest === 'configuration/certificates/import'
        ? undefined
        : routes[rest!];
    if (!handlers) fail(404, `no resource at ${path}`);
    const handler = handlers![method];
    if (!handler) fail(faults.has('wrong-verb-404') ? 404 : 405, `${method} is not supported on ${path}`);
    if (faults.has('lock-not-served') && rest === 'configuration/lock')
      fail(405, `${method} is not supported on ${path}`);

    const body = typeof req.body === 'string' ? req.body : '';
    checkMedia(req, body.length > 0, rest === 'auth/token');
    const c: Ctx = { req, query: url.searchParams, body, origin };
    if (rest !== 'auth/token') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const session = state.session(bearer);
      if (!session) {
        const anyToken = faults.has('unknown-token-accepted') && bearer !== undefined;
        const noToken = faults.has('missing-bearer-accepted') && bearer === undefined;
        if (!anyToken && !noToken) fail(401, MSG.unauthorized);
        c.token = bearer ?? 'anonymous';
        c.session = { username: 'anonymous', admin: true, expiresAt: Infinity };
      } else {
        // Variant expiring-tokens: a token stops working after some requests, though not while it holds the lock.
        session.uses = (session.uses ?? 0) + 1;
        if (
          config.tokenUses !== undefined &&
          session.uses > config.tokenUses &&
          state.lockHolder() !== bearer
        ) {
          state.sessions.delete(bearer!);
          fail(401, MSG.unauthorized);
        }
        c.token = bearer;
        c.session = session;
      }
    }
    return handler!(c);
  };

  const checkMedia = (req: FastifyRequest, hasBody: boolean, formAllowed = false) => {
    const accept = String(req.headers.accept ?? '*/*').toLowerCase();
    const acceptable = accept
      .split(',')
      .some((a) => /^\s*(application\/xml|application\/\*|\*\/\*)\s*(;|$)/.test(a));
    if (!acceptable && !faults.has('accept-ignored'))
      fail(406, `cannot produce ${accept}; this API answers application/xml`);
    if (hasBody) {
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      const allowed = ['application/xml', ...(formAllowed ? ['application/x-www-form-urlencoded'] : [])];
      // No Content-Type at all: read as XML, as the SBC does for p4irin/sbc_rest_client's configElements writes
      // (RFC 9110 §8.3 lets a recipient examine the data); a body declared as something else is refused.
      const declared = req.headers['content-type'] !== undefined;
      if (declared && !allowed.includes(type) && !faults.has('content-type-ignored'))
        fail(415, `unsupported Content-Type "${type}"; send application/xml`);
    }
  };

  const versionsData = () => {
    const listed: string[] = versions.filter((v) => v !== 'v1.2' || !faults.has('versions-omit-v1.2'));
    const latest = listed.at(-1)!;
    if (faults.has('versions-latest-missing')) return { otherVersions: { version: listed } };
    return { latestVersion: latest, otherVersions: { version: listed.filter((v) => v !== latest) } };
  };

  app.all('/*', (req, reply) => dispatch(req, reply, false));
  app.all('/', (req, reply) => dispatch(req, reply, false));
  const https = await listen(app, { host: opts.host, port: opts.port, https: true, hostile: opts.hostile });

  // The plain-HTTP port: 426 for everything (or the API itself under the plain-http-served fault).
  const plain = Fastify();
  plain.removeAllContentTypeParsers();
  plain.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  plain.all('/*', (req, reply) => dispatch(req, reply, true));
  plain.all('/', (req, reply) => dispatch(req, reply, true));
  let http: RunningMock;
  try {
    // Standalone (a fixed port): plain HTTP on the next port, so a profile can name it.
    http = await listen(plain, { host: opts.host, port: opts.port ? opts.port + 1 : 0, https: false });
  } catch (err) {
    await https.close();
    throw err;
  }

  return {
    url: https.url,
    httpUrl: http.url,
    state,
    // What a run left behind that the harness was responsible for: the lock held by one of its accounts (every
    // user of the mock is one), and certificate-records (the mock starts with none: all are scratch records).
    residue: () => {
      const left: string[] = [];
      const holder = state.lockHolder();
      if (holder) left.push(`configuration lock held by ${state.session(holder)?.username ?? 'a token'}`);
      for (const name of state.records.keys()) left.push(`certificate-record "${name}"`);
      return left;
    },
    ...(https.hostileHits ? { hostileHits: https.hostileHits } : {}),
    close: async () => {
      for (const socket of withheld) socket.destroy();
      await Promise.all([https.close(), http.close()]);
    },
  };
}

/** Parses <configElement> into attributes, merged over `defaults` when given (a create). */
function parseConfigElement(body: string, defaults?: RecordAttributes): RecordAttributes {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body);
  } catch (err) {
    return fail(400, (err as Error).message);
  }
  const el = doc.configElement as
    { elementType?: unknown; attribute?: Array<{ name?: unknown; value?: unknown[] }> } | undefined;
  if (!el || el.elementType !== 'certificate-record')
    return fail(400, 'body must be a configElement of elementType certificate-record');
  const attrs: RecordAttributes = defaults ? structuredClone(defaults) : {};
  for (const a of el.attribute ?? []) {
    if (typeof a.name !== 'string') fail(400, 'attribute without name');
    attrs[a.name as string] = (a.value ?? []).map(String).filter((v) => v !== '');
  }
  return attrs;
}

function cloneRecords(state: SbcState): Map<string, RecordAttributes> {
  return new Map([...state.records].map(([name, rec]) => [name, structuredClone(rec.attributes)]));
}
