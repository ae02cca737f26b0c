import { createPublicKey, createHash, type KeyObject } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { nameParts } from '../../src/pki/csr.ts';
import { KeyPool, RSA_SHA256, type PooledKey } from '../../src/pki/keys.ts';
import { x509, type CryptoKey } from '../../src/pki/x509.ts';
import type { TlsCredentials } from '../../src/mock/server.ts';
import type { Fault } from './faults.ts';
import {
  ADMIN_TOKEN,
  CLIENT_CERT_CN,
  END_ENTITY_STATUSES,
  IDS,
  READ_ONLY_TOKEN,
  REVOCATION_REASONS,
  STATE_LABELS,
  UUID_RE,
  newUuid,
} from './model.ts';
import type { VariantBehaviour } from './variants.ts';

/** An error answer in the shape CZERTAINLY's ExceptionHandlingAdvice gives it. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json',
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const message = (status: number, text: string) => new ApiError(status, { message: text });
const invalid = (...messages: string[]) => new ApiError(422, messages);
const unreadable = () => message(400, 'Unable to read HTTP message');

interface RaProfile {
  uuid: string;
  name: string;
  authorityUuid: string;
  enabled: boolean;
  /** Legacy (EJBCA v1) profiles carry an end entity profile and are served by the v1 API only. */
  legacy: boolean;
}

interface PlatformKey {
  uuid: string;
  tokenProfileUuid: string;
  pooled: PooledKey;
  spki: Buffer;
  state: 'active' | 'destroyed';
}

/** What the CA is asked to certify: from an uploaded CSR or from a platform key. */
interface CertRequest {
  subject: string;
  publicKey: x509.PublicKey | CryptoKey;
  spki: Buffer;
  keyUuid?: string;
  altKeyUuid?: string;
  csrBase64?: string;
  fromCsr: boolean;
}

interface Certificate {
  uuid: string;
  raProfileUuid?: string;
  state: string;
  request?: CertRequest;
  cert?: x509.X509Certificate;
  keyUuid?: string;
  altKeyUuid?: string;
  sourceCertificateUuid?: string;
  endEntity?: string;
  /** Set by the v2 API (duplicate-serials only affects these). */
  v2: boolean;
  archived?: boolean;
}

interface EndEntity {
  username: string;
  password: string;
  subjectDN: string;
  email?: string;
  subjectAltName?: string;
  extensionData?: unknown[];
  status: string;
}

export interface MockWorld {
  app: FastifyInstance;
  /** What a run left behind that the harness undertakes to undo: its legacy end entities, archived certificates. */
  residue(): string[];
  clientCert: string;
  clientKey: string;
}

const ISSUE_ATTRIBUTES = [
  {
    uuid: '6a1f6b07-1c3e-4a5e-9b2f-5c4d3e2f1a01',
    name: 'email',
    type: 'data',
    contentType: 'string',
    description: 'E-mail address placed in the certificate (optional)',
    version: 2,
    properties: {
      label: 'E-mail',
      visible: true,
      required: false,
      readOnly: false,
      list: false,
      multiSelect: false,
    },
  },
];
const REVOKE_ATTRIBUTES = [
  {
    uuid: '6a1f6b07-1c3e-4a5e-9b2f-5c4d3e2f1a02',
    name: 'comment',
    type: 'data',
    contentType: 'string',
    description: 'Comment recorded with the revocation (optional)',
    version: 2,
    properties: {
      label: 'Comment',
      visible: true,
      required: false,
      readOnly: false,
      list: false,
      multiSelect: false,
    },
  },
];

const CSR_ATTRIBUTE_RDN: Record<string, string> = {
  commonName: 'CN',
  organizationalUnit: 'OU',
  organization: 'O',
  locality: 'L',
  state: 'ST',
  country: 'C',
};

const V2 = '/api/v2/operations/authorities/:authorityUuid/raProfiles/:raProfileUuid';
const V1 = '/api/v1/operations/:raProfileName';

/** Every route of the mock, so a wrong verb can be told from an unknown path. */
const ROUTES: Array<[string, string]> = [
  ['POST', `${V2}/certificates`],
  ['POST', `${V2}/certificates/:certificateUuid/issue`],
  ['POST', `${V2}/certificates/:certificateUuid/renew`],
  ['POST', `${V2}/certificates/:certificateUuid/rekey`],
  ['POST', `${V2}/certificates/:certificateUuid/revoke`],
  ['GET', `${V2}/attributes/issue`],
  ['POST', `${V2}/attributes/issue/validate`],
  ['GET', `${V2}/attributes/revoke`],
  ['POST', `${V2}/attributes/revoke/validate`],
  ['POST', '/api/v1/certificates'],
  ['POST', '/api/v1/certificates/create'],
  ['GET', '/api/v1/certificates/:uuid'],
  ['GET', '/api/v1/certificates/:uuid/chain'],
  ['PATCH', '/api/v1/certificates/:uuid/archive'],
  ['PATCH', '/api/v1/certificates/:uuid/unarchive'],
  ['GET', `${V1}/endentity`],
  ['POST', `${V1}/endentity`],
  ['GET', `${V1}/endentity/:username`],
  ['POST', `${V1}/endentity/:username`],
  ['DELETE', `${V1}/endentity/:username`],
  ['PUT', `${V1}/endentity/:username/resetPassword`],
  ['POST', `${V1}/certificate/issue`],
  ['POST', `${V1}/certificate/revoke`],
];

function routeRegex(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/:[A-Za-z]+/g, '[^/]+') + '/?$');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spkiOf(key: x509.PublicKey): Buffer {
  return Buffer.from(key.rawData);
}

function sameSubject(a: string, b: string): boolean {
  return JSON.stringify(nameParts(a)) === JSON.stringify(nameParts(b));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function buildMock(opts: {
  behaviour: VariantBehaviour;
  faults: readonly Fault[];
  tls: TlsCredentials;
}): Promise<MockWorld> {
  const { behaviour } = opts;
  const fault = (f: Fault) => opts.faults.includes(f);
  /** A refusal whose status the documents leave open: the implementation's 422 list, or a 400 {message}. */
  const refuse = (text: string) => (behaviour.alternateRefusals ? message(400, text) : invalid(text));
  /** A refusal the implementation answers 400 {message}; another implementation may answer a 422 list. */
  const reject400 = (text: string) => (behaviour.alternateRefusals ? invalid(text) : message(400, text));
  const ca = await TestCa.load();
  const pool = new KeyPool(10);

  // Client certificate for mutual TLS, signed by the test CA at start.
  const clientPooled = await new KeyPool(1).take(2048);
  const clientCert = await ca.issue({
    subject: `CN=${CLIENT_CERT_CN}`,
    publicKey: clientPooled.keys.publicKey,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'],
  });

  const keys = new Map<string, PlatformKey>();
  const addKey = async (uuid: string, tokenProfileUuid: string) => {
    const pooled = await pool.take(2048);
    const spki = createPublicKey(pooled.privatePem).export({ format: 'der', type: 'spki' });
    keys.set(uuid, { uuid, tokenProfileUuid, pooled, spki, state: 'active' });
  };
  for (const k of [...IDS.keys, IDS.disposableKey, IDS.spareKey]) await addKey(k, IDS.tokenProfile);
  for (const k of IDS.altKeys) await addKey(k, IDS.altTokenProfile);
  const substituteKey = await new KeyPool(25).take(2048);
  const roguePooled = await new KeyPool(20).take(2048);

  const raProfiles = new Map<string, RaProfile>(
    [
      {
        uuid: IDS.raProfile,
        name: IDS.raProfileName,
        authorityUuid: IDS.authority,
        enabled: true,
        legacy: false,
      },
      {
        uuid: IDS.disabledRaProfile,
        name: IDS.disabledRaProfileName,
        authorityUuid: IDS.authority,
        enabled: false,
        legacy: false,
      },
      {
        uuid: IDS.legacyRaProfile,
        name: IDS.legacyRaProfileName,
        authorityUuid: IDS.legacyAuthority,
        enabled: true,
        legacy: true,
      },
    ].map((p) => [p.uuid, p]),
  );
  const certificates = new Map<string, Certificate>();
  certificates.set(IDS.caCertificate, { uuid: IDS.caCertificate, state: 'issued', cert: ca.cert, v2: false });
  const endEntities = new Map<string, EndEntity>();
  const timers = new Set<NodeJS.Timeout>();
  let fixedSerial: string | undefined;

  // ---------- CA ----------
  async function sign(request: CertRequest, v2: boolean): Promise<x509.X509Certificate> {
    let subject = request.subject;
    let publicKey = request.publicKey;
    if (request.fromCsr && v2 && fault('issue-wrong-subject')) {
      const parts = subject.split(/,\s*/);
      if (parts.length > 1) subject = parts.slice(0, -1).join(', ');
    }
    if (request.fromCsr && v2 && fault('issue-wrong-key')) publicKey = substituteKey.keys.publicKey;
    let serialNumber: string | undefined;
    if (v2 && fault('duplicate-serials')) serialNumber = fixedSerial ??= '0badc0de0badc0de';
    if (fault('sign-with-rogue-ca')) {
      const notBefore = new Date(Date.now() - 60_000);
      return x509.X509CertificateGenerator.create({
        serialNumber: serialNumber ?? '01' + newUuid().replace(/-/g, '').slice(0, 30),
        subject,
        issuer: ca.cert.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + 365 * 86_400_000),
        signingAlgorithm: RSA_SHA256,
        publicKey,
        signingKey: roguePooled.keys.privateKey,
        extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
      });
    }
    return ca.issue({ subject, publicKey, ...(serialNumber ? { serialNumber } : {}) });
  }

  /** Runs an action after the variant's queue delay (immediately when the delay is 0). */
  async function enqueue(action: () => Promise<void>): Promise<void> {
    if (behaviour.queueDelayMs === 0) return action();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void action().catch(() => undefined);
    }, behaviour.queueDelayMs);
    timers.add(timer);
  }

  async function approval(c: Certificate): Promise<void> {
    if (behaviour.approvalMs === undefined) return;
    c.state = 'pending_approval';
    await sleep(behaviour.approvalMs);
  }

  /** Certificates whose undocumented "processing" state a client has seen (fault state-unknown-value). */
  const seenProcessing = new Set<string>();

  async function processIssue(c: Certificate): Promise<void> {
    if (fault('state-unknown-value')) {
      // The undocumented state lasts until a client has read it (at most 5 s), so the fault does not hinge on
      // a poll landing in a short window on a busy machine.
      c.state = 'processing';
      for (let waited = 0; waited < 5000 && !seenProcessing.has(c.uuid); waited += 20) await sleep(20);
    }
    await approval(c);
    try {
      c.cert = await sign(c.request!, c.v2);
      c.state = 'issued';
    } catch {
      c.state = 'failed';
    }
  }

  function queueIssue(c: Certificate, after?: () => void): Promise<void> {
    return enqueue(async () => {
      await processIssue(c);
      if (c.state === 'issued') after?.();
    });
  }

  // ---------- helpers ----------
  function parseBody(req: FastifyRequest, required: boolean): unknown {
    const raw = req.body as string | undefined;
    if (raw === undefined || raw.trim() === '') {
      if (required) throw unreadable();
      return undefined;
    }
    try {
      return JSON.parse(raw);
    } catch {
      throw fault('bad-json-500') ? message(500, 'Internal server error.') : unreadable();
    }
  }

  function objectBody(req: FastifyRequest): Record<string, unknown> {
    const body = parseBody(req, true);
    if (!isObject(body)) throw unreadable();
    return body;
  }

  function checkFormat(body: Record<string, unknown>): void {
    if (body.format === undefined || body.format === null) return;
    if (body.format !== 'pkcs10' && body.format !== 'crmf' && !fault('unknown-format-accepted'))
      throw unreadable();
  }

  function pathUuids(params: Record<string, string>): void {
    for (const name of ['authorityUuid', 'raProfileUuid']) {
      const v = params[name]!;
      if (!UUID_RE.test(v)) {
        if (fault('non-uuid-path-404')) throw message(404, `Object identified by ${v} is not found.`);
        throw invalid(`Invalid UUID ${v} in the request`);
      }
    }
  }

  function certificateUuid(v: string, secured: boolean): void {
    if (UUID_RE.test(v)) return;
    if (secured) {
      if (fault('non-uuid-requested-400')) throw message(400, `Invalid UUID string: ${v}`);
      throw invalid(`Invalid UUID ${v} in the request`);
    }
    if (fault('non-uuid-cert-500')) throw message(500, 'Internal server error.');
    throw message(400, `Invalid UUID string: ${v}`);
  }

  function raProfileFor(uuid: string, opts2: { requireEnabled: boolean }): RaProfile {
    const p = raProfiles.get(uuid);
    const hideDisabled = opts2.requireEnabled && !fault('attributes-on-disabled-profile');
    if (!p || (hideDisabled && !p.enabled)) {
      if (!p && fault('unknown-ra-profile-422')) throw invalid(`RA profile ${uuid} does not exist`);
      throw message(404, `Object of type 'RaProfile' identified by ${uuid} is not found.`);
    }
    if (p.legacy && !fault('v2-on-legacy-profile-served'))
      throw message(404, 'Legacy Authority. V2 Implementation not found on the connector');
    return p;
  }

  function parseCsr(b64: string): x509.Pkcs10CertificateRequest {
    const text = b64.trim();
    if (!/^[A-Za-z0-9+/=\r\n]+$/.test(text)) throw new Error('Illegal base64 character');
    const der = Buffer.from(text, 'base64');
    const decoded = der.toString('latin1');
    try {
      return new x509.Pkcs10CertificateRequest(decoded.includes('-----BEGIN') ? decoded : der);
    } catch (err) {
      throw new Error(`Cannot process PKCS#10 request: ${(err as Error).message}`);
    }
  }

  function requestFromCsr(b64: string): CertRequest {
    const csr = parseCsr(b64);
    return {
      subject: csr.subject,
      publicKey: csr.publicKey,
      spki: spkiOf(csr.publicKey),
      csrBase64: b64,
      fromCsr: true,
    };
  }

  function platformKey(uuid: unknown, what = 'CryptographicKey'): PlatformKey {
    const k = typeof uuid === 'string' ? keys.get(uuid) : undefined;
    if (!k) throw message(404, `Object of type '${what}' identified by ${String(uuid)} is not found.`);
    if (k.state !== 'active') throw invalid(`Key ${k.uuid} is not in active state`);
    return k;
  }

  function subjectFromAttributes(attrs: unknown): string {
    if (!Array.isArray(attrs)) throw new Error('CSR attributes are required when no CSR is uploaded');
    const rdns: string[] = [];
    for (const a of attrs) {
      if (!isObject(a) || typeof a.name !== 'string') continue;
      const rdn = CSR_ATTRIBUTE_RDN[a.name];
      const content = Array.isArray(a.content)
        ? (a.content[0] as Record<string, unknown> | undefined)
        : undefined;
      const data = content?.data;
      if (rdn && typeof data === 'string' && data) rdns.push(`${rdn}=${data}`);
    }
    if (!rdns.some((r) => r.startsWith('CN=')))
      throw new Error('Common name attribute is required to generate the CSR');
    return rdns.join(', ');
  }

  function requestFromKey(key: PlatformKey, subject: string): CertRequest {
    return {
      subject,
      publicKey: key.pooled.keys.publicKey,
      spki: key.spki,
      keyUuid: key.uuid,
      fromCsr: false,
    };
  }

  /** validateOldCertificateForOperation of the implementation, in its order. */
  function oldCertificate(uuid: string, profile: RaProfile, op: 'renew' | 'rekey' | 'revoke'): Certificate {
    const c = certificates.get(uuid);
    if (!c) {
      const text = `Object of type 'Certificate' identified by ${uuid} is not found.`;
      if (fault('unknown-certificate-plain-text')) throw new ApiError(404, text, 'text/plain');
      throw message(404, text);
    }
    if (c.archived && !fault('archived-operations-accepted')) {
      throw invalid(`Cannot perform operation ${op} on archived certificate. Certificate: ${uuid}`);
    }
    const tolerated =
      (c.state === 'revoked' &&
        ((op === 'renew' && fault('renew-revoked-accepted')) ||
          (op === 'rekey' && fault('rekey-revoked-accepted')) ||
          (op === 'revoke' && fault('revoke-revoked-accepted')))) ||
      (c.state === 'requested' && fault('operations-on-requested-accepted'));
    if (c.state !== 'issued' && !tolerated) {
      throw invalid(
        `Cannot perform operation ${op} on certificate in state ${STATE_LABELS[c.state] ?? c.state}. Certificate: ${uuid}`,
      );
    }
    if (fault('ra-profile-mismatch-accepted')) return c;
    if (c.raProfileUuid !== profile.uuid) {
      throw invalid(
        `Cannot perform operation ${op}. Existing Certificate RA profile is different than RA profile of request`,
      );
    }
    if (!profile.enabled)
      throw invalid(`Cannot perform operation ${op} on certificate with disabled RA profile.`);
    return c;
  }

  /** The key and subject the platform recorded for a certificate: those of its request, else of its content. */
  function recordedSpki(c: Certificate): Buffer {
    return c.request?.spki.length ? c.request.spki : spkiOf(c.cert!.publicKey);
  }

  function recordedSubject(c: Certificate): string {
    return c.request?.subject ?? c.cert!.subject;
  }

  function newCertificate(profile: RaProfile, request: CertRequest, source?: Certificate): Certificate {
    const c: Certificate = {
      uuid: newUuid(),
      raProfileUuid: profile.uuid,
      state: 'requested',
      request,
      keyUuid: request.keyUuid,
      altKeyUuid: request.altKeyUuid,
      sourceCertificateUuid: source?.uuid,
      v2: true,
    };
    certificates.set(c.uuid, c);
    return c;
  }

  /** The 200 answer of issue, renew and rekey (ClientCertificateDataResponseDto: only uuid is required). */
  function dataAnswer(c: Certificate, uuid = c.uuid): Record<string, unknown> {
    if (behaviour.certificateData === 'omitted') return { uuid };
    if (behaviour.certificateData === 'empty' || !c.cert) return { certificateData: '', uuid };
    const cert = fault('issue-data-mismatch') ? ca.cert : c.cert;
    return { certificateData: Buffer.from(cert.rawData).toString('base64'), uuid };
  }

  function serialOf(c: Certificate): string | undefined {
    const serial = c.cert?.serialNumber.toLowerCase();
    if (serial && fault('detail-serial-mismatch') && c.v2)
      return serial.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
    return serial;
  }

  function keyDto(uuid: string | undefined) {
    const k = uuid ? keys.get(uuid) : undefined;
    if (!k) return undefined;
    return {
      uuid: k.uuid,
      name: `certconform-key-${k.uuid.slice(-4)}`,
      tokenProfileUuid: k.tokenProfileUuid,
      items: [
        {
          uuid: k.uuid,
          name: 'privateKey',
          type: 'Private',
          state: k.state,
          keyAlgorithm: 'RSA',
          length: 2048,
        },
      ],
    };
  }

  function detail(c: Certificate) {
    if (c.state === 'processing') seenProcessing.add(c.uuid);
    const spki = c.cert ? spkiOf(c.cert.publicKey) : c.request?.spki;
    let pub: KeyObject | undefined;
    try {
      pub = spki ? createPublicKey({ key: spki, format: 'der', type: 'spki' }) : undefined;
    } catch {
      pub = undefined;
    }
    const subjectDn = c.cert?.subject ?? c.request?.subject ?? '';
    const profile = c.raProfileUuid ? raProfiles.get(c.raProfileUuid) : undefined;
    const der = c.cert ? Buffer.from(c.cert.rawData) : undefined;
    const hybrid = Boolean(c.altKeyUuid);
    return {
      uuid: c.uuid,
      commonName: /CN=([^,]+)/.exec(subjectDn)?.[1] ?? '',
      serialNumber: serialOf(c),
      issuerDn: c.cert?.issuer,
      subjectDn,
      ...(c.cert
        ? { notBefore: c.cert.notBefore.toISOString(), notAfter: c.cert.notAfter.toISOString() }
        : {}),
      publicKeyAlgorithm: pub?.asymmetricKeyType === 'ec' ? 'ECDSA' : 'RSA',
      keySize: pub?.asymmetricKeyDetails?.modulusLength ?? (pub?.asymmetricKeyType === 'ec' ? 256 : 0),
      hybridCertificate: hybrid,
      state: c.state,
      validationStatus: c.state === 'revoked' ? 'revoked' : c.cert ? 'valid' : 'not_checked',
      ...(profile ? { raProfile: { uuid: profile.uuid, name: profile.name, enabled: profile.enabled } } : {}),
      ...(der
        ? {
            fingerprint: createHash('sha256').update(der).digest('hex'),
            certificateContent: der.toString('base64'),
          }
        : {}),
      certificateType: 'X.509',
      complianceStatus: 'na',
      privateKeyAvailability: Boolean(c.keyUuid && keys.get(c.keyUuid)?.state === 'active'),
      archived: Boolean(c.archived),
      ...(c.keyUuid ? { key: keyDto(c.keyUuid) } : {}),
      ...(c.altKeyUuid ? { altKey: keyDto(c.altKeyUuid) } : {}),
      ...(c.request?.csrBase64
        ? {
            certificateRequest: {
              content: c.request.csrBase64,
              subjectDn: c.request.subject,
              certificateRequestFormat: 'pkcs10',
            },
          }
        : {}),
      ...(c.sourceCertificateUuid ? { sourceCertificateUuid: c.sourceCertificateUuid } : {}),
    };
  }

  // ---------- app ----------
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
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).type(err.contentType).send(err.body);
    return reply.code(500).type('application/json').send({ message: 'Internal server error.' });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const other = ROUTES.find(([, pattern]) => routeRegex(pattern).test(path));
    if (other) {
      if (fault('wrong-verb-405') || behaviour.alternateRefusals)
        return reply.code(405).send({ message: 'Method Not Allowed' });
      return reply.code(400).send({ message: `Request method '${req.method}' is not supported` });
    }
    return reply.code(404).send({ message: `No endpoint ${req.method} ${path}.` });
  });

  app.addHook('onRequest', async (req, reply) => {
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

  type Params = Record<string, string>;

  // ----- v2 issue -----
  app.post(`${V2}/certificates`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    if (!profile.enabled && !fault('disabled-ra-profile-issues')) {
      throw invalid(`Cannot issue certificate with disabled RA profile. Ra Profile: ${profile.name}`);
    }
    let request: CertRequest;
    const submitFailed = (text: string) => reject400(`Failed to submit certificate request: ${text}`);
    try {
      if (typeof body.request === 'string' && body.request !== '') {
        try {
          request = requestFromCsr(body.request);
        } catch (err) {
          if (!fault('garbage-csr-accepted')) throw err;
          request = {
            subject: 'CN=unparseable',
            publicKey: substituteKey.keys.publicKey,
            spki: Buffer.alloc(0),
            fromCsr: true,
          };
        }
      } else if (body.keyUuid && body.tokenProfileUuid) {
        if (body.format === 'crmf' && !fault('crmf-key-issue-accepted'))
          throw new Error('CRMF format is not supported for CSR generation');
        let key = platformKey(body.keyUuid);
        if (fault('key-issue-wrong-key')) key = keys.get(IDS.spareKey)!;
        request = requestFromKey(key, subjectFromAttributes(body.csrAttributes));
      } else if (fault('issue-without-csr-accepted')) {
        request = {
          subject: 'CN=nothing',
          publicKey: substituteKey.keys.publicKey,
          spki: Buffer.alloc(0),
          fromCsr: true,
        };
      } else {
        throw new Error(
          'Cannot submit certificate request without specifying key or uploaded request content',
        );
      }
      if (body.altKeyUuid && !fault('hybrid-alt-key-ignored')) {
        request.altKeyUuid = platformKey(body.altKeyUuid).uuid;
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw submitFailed((err as Error).message);
    }
    const c = newCertificate(profile, request);
    if (request.spki.length === 0) {
      c.state = 'failed';
    } else {
      await queueIssue(c);
    }
    return reply.code(fault('issue-status-201') ? 201 : 200).send(dataAnswer(c));
  });

  app.post(`${V2}/certificates/:certificateUuid/issue`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, true);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const c = certificates.get(params.certificateUuid!);
    if (!c)
      throw message(
        404,
        `Object of type 'Certificate' identified by ${params.certificateUuid} is not found.`,
      );
    if (c.state !== 'requested' && !(c.state === 'issued' && fault('issue-requested-reissues'))) {
      throw invalid(
        `Cannot issue requested certificate with status ${STATE_LABELS[c.state] ?? c.state}. Certificate: ${c.uuid}`,
      );
    }
    c.raProfileUuid ??= profile.uuid;
    if (c.state === 'requested') {
      if (fault('issue-requested-ignored')) c.state = 'failed';
      else await queueIssue(c);
    }
    return reply.code(200).send(dataAnswer(c));
  });

  // ----- v2 renew -----
  app.post(`${V2}/certificates/:certificateUuid/renew`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const raw = parseBody(req, false);
    if (raw === undefined && behaviour.alternateRefusals && !fault('renew-empty-body-accepted'))
      throw invalid('Request body is required');
    const body = fault('renew-empty-body-accepted')
      ? ((raw as Record<string, unknown>) ?? {})
      : objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const old = oldCertificate(params.certificateUuid!, profile, 'renew');
    let request: CertRequest;
    const withCsr = typeof body.request === 'string' && body.request !== '';
    if (withCsr && !fault('renew-csr-ignored')) {
      try {
        request = requestFromCsr(body.request as string);
      } catch (err) {
        throw message(400, (err as Error).message);
      }
      // The key the platform recorded for the certificate (what it issued it for).
      if (!request.spki.equals(recordedSpki(old)) && !fault('renew-accepts-new-key')) {
        throw invalid(
          'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR does not match',
        );
      }
      request.keyUuid = old.keyUuid;
      request.altKeyUuid = old.altKeyUuid;
    } else {
      if (withCsr) {
        // renew-csr-ignored: the CSR is validated, then the stored one is used anyway.
        const csr = requestFromCsr(body.request as string);
        if (!csr.spki.equals(recordedSpki(old))) {
          throw invalid(
            'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR does not match',
          );
        }
      }
      if (!old.request) throw invalid('CSR does not available for the existing certificate');
      request = { ...old.request };
      if (fault('renew-new-key'))
        request = { ...request, publicKey: substituteKey.keys.publicKey, fromCsr: false };
    }
    const c = newCertificate(profile, request, old);
    await queueIssue(c, () => {
      if (fault('renew-revokes-old')) old.state = 'revoked';
    });
    return reply.code(200).send(dataAnswer(c, fault('renew-reuses-uuid') && !withCsr ? old.uuid : c.uuid));
  });

  // ----- v2 rekey -----
  app.post(`${V2}/certificates/:certificateUuid/rekey`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const old = oldCertificate(params.certificateUuid!, profile, 'rekey');
    const oldSpki = recordedSpki(old);
    let request: CertRequest;
    if (typeof body.request === 'string' && body.request !== '') {
      try {
        request = requestFromCsr(body.request);
      } catch (err) {
        throw message(400, (err as Error).message);
      }
      if (request.spki.equals(oldSpki) && !fault('rekey-same-key-accepted')) {
        throw refuse(
          'Unable to validate the public key of CSR and certificate. Error: Public key of certificate and CSR are same',
        );
      }
      if (!sameSubject(request.subject, recordedSubject(old)) && !fault('rekey-subject-change-accepted')) {
        throw refuse(
          'Unable to validate the Subject DN of CSR and certificate. Error: Subject DN of certificate and CSR does not match',
        );
      }
      if (old.altKeyUuid) throw invalid('Missing alternative key for re-keying of hybrid certificate');
      if (fault('rekey-keeps-old-key'))
        request = { ...request, publicKey: old.cert!.publicKey, spki: oldSpki, fromCsr: false };
    } else if (!body.keyUuid && fault('rekey-without-key-accepted')) {
      request = { ...old.request! };
    } else {
      if (!body.keyUuid) {
        throw invalid(
          old.keyUuid
            ? 'Invalid key information'
            : 'Key UUID is not provided in the request and old certificate does not have key reference',
        );
      }
      if (body.keyUuid === old.keyUuid && !fault('rekey-same-keyuuid-accepted')) {
        throw refuse('Rekey operation not permitted. Cannot use same key to rekey certificate');
      }
      if (!body.tokenProfileUuid && !old.keyUuid)
        throw invalid('Token Profile cannot be empty for creating new CSR');
      let key = platformKey(body.keyUuid);
      if (fault('rekey-key-ignored') && old.keyUuid) key = keys.get(old.keyUuid)!;
      request = requestFromKey(key, recordedSubject(old));
      if (old.altKeyUuid) {
        if (!body.altKeyUuid) {
          if (!fault('hybrid-missing-alt-key-accepted'))
            throw invalid('Missing alternative key for re-keying of hybrid certificate');
          request.altKeyUuid = old.altKeyUuid;
        } else if (body.altKeyUuid === old.altKeyUuid && !fault('hybrid-same-alt-key-accepted')) {
          throw refuse('Rekey operation not permitted. Cannot use same alternative key to rekey certificate');
        } else {
          request.altKeyUuid = platformKey(body.altKeyUuid).uuid;
        }
      }
    }
    const c = newCertificate(profile, request, old);
    await queueIssue(c, () => {
      if (fault('rekey-revokes-old')) old.state = 'revoked';
    });
    return reply.code(200).send(dataAnswer(c));
  });

  // ----- v2 revoke -----
  app.post(`${V2}/certificates/:certificateUuid/revoke`, async (req, reply) => {
    const params = req.params as Params;
    pathUuids(params);
    certificateUuid(params.certificateUuid!, false);
    const body = objectBody(req);
    const reason = body.reason;
    if (reason === undefined || reason === null) {
      if (fault('reason-required')) throw message(400, 'Revocation reason must be specified');
    } else if (!(REVOCATION_REASONS as readonly unknown[]).includes(reason)) {
      if (!fault('unknown-reason-accepted')) throw unreadable();
    } else if (fault('reason-subset') && (reason === 'privilegeWithdrawn' || reason === 'aACompromise')) {
      throw unreadable();
    }
    const profile = raProfileFor(params.raProfileUuid!, { requireEnabled: false });
    const c = oldCertificate(params.certificateUuid!, profile, 'revoke');
    await enqueue(async () => {
      await approval(c);
      if (fault('revoke-not-applied') && reason === 'superseded') {
        c.state = 'issued';
        return;
      }
      c.state = 'revoked';
      if (body.destroyKey === true && c.keyUuid && !fault('destroy-key-ignored'))
        keys.get(c.keyUuid)!.state = 'destroyed';
    });
    if (fault('revoke-200-with-body')) return reply.code(200).send({ uuid: c.uuid, state: c.state });
    return reply.code(204).send();
  });

  // ----- v2 attributes -----
  const attributeRoutes: Array<[string, unknown[], Fault, Fault]> = [
    ['issue', ISSUE_ATTRIBUTES, 'issue-attributes-object', 'validate-issue-rejects'],
    ['revoke', REVOKE_ATTRIBUTES, 'revoke-attributes-object', 'validate-revoke-rejects'],
  ];
  for (const [kind, definitions, objectFault, rejectFault] of attributeRoutes) {
    app.get(`${V2}/attributes/${kind}`, async (req, reply) => {
      const params = req.params as Params;
      pathUuids(params);
      raProfileFor(params.raProfileUuid!, { requireEnabled: true });
      return reply.code(200).send(fault(objectFault) ? { attributes: definitions } : definitions);
    });
    app.post(`${V2}/attributes/${kind}/validate`, async (req, reply) => {
      const params = req.params as Params;
      pathUuids(params);
      const body = parseBody(req, true);
      if (!Array.isArray(body)) throw unreadable();
      raProfileFor(params.raProfileUuid!, { requireEnabled: true });
      const known = new Set((definitions as Array<{ name: string }>).map((d) => d.name));
      const problems = body
        .filter((a) => !isObject(a) || typeof a.name !== 'string' || !known.has(a.name))
        .map((a) => `Attribute ${isObject(a) ? String(a.name) : JSON.stringify(a)} is not supported`);
      if (fault(rejectFault)) problems.push('Attributes could not be validated');
      if (problems.length) throw invalid(...problems);
      return reply.code(200).send();
    });
  }

  // ----- certificate inventory -----
  app.get('/api/v1/certificates/:uuid', async (req, reply) => {
    const { uuid } = req.params as Params;
    if (!UUID_RE.test(uuid!)) throw message(400, `Invalid UUID string: ${uuid}`);
    const c = certificates.get(uuid!);
    if (!c) throw message(404, `Object of type 'Certificate' identified by ${uuid} is not found.`);
    return reply.send(detail(c));
  });

  for (const [action, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    app.patch(`/api/v1/certificates/:uuid/${action}`, async (req, reply) => {
      const { uuid } = req.params as Params;
      if (!UUID_RE.test(uuid!)) throw message(400, `Invalid UUID string: ${uuid}`);
      const c = certificates.get(uuid!);
      if (!c) throw message(404, `Object of type 'Certificate' identified by ${uuid} is not found.`);
      c.archived = archived;
      return reply.code(204).send();
    });
  }

  app.get('/api/v1/certificates/:uuid/chain', async (req, reply) => {
    const { uuid } = req.params as Params;
    if (!UUID_RE.test(uuid!)) throw message(400, `Invalid UUID string: ${uuid}`);
    const c = certificates.get(uuid!);
    if (!c) throw message(404, `Object of type 'Certificate' identified by ${uuid} is not found.`);
    const withEnd = (req.query as Record<string, string>).withEndCertificate === 'true';
    if (!c.cert) return reply.send({ completeChain: false, certificates: [] });
    const chain = [
      ...(withEnd ? [detail(c)] : []),
      ...(c.uuid === IDS.caCertificate ? [] : [detail(certificates.get(IDS.caCertificate)!)]),
    ];
    return reply.send({ completeChain: true, certificates: chain });
  });

  app.post('/api/v1/certificates', async (req, reply) => {
    const body = objectBody(req);
    const filters = Array.isArray(body.filters) ? body.filters : [];
    let list = [...certificates.values()];
    for (const f of filters) {
      if (
        !isObject(f) ||
        f.fieldSource !== 'property' ||
        f.fieldIdentifier !== 'SERIAL_NUMBER' ||
        f.condition !== 'EQUALS' ||
        !behaviour.serialSearch
      ) {
        throw message(400, `Unsupported filter ${JSON.stringify(f)}`);
      }
      const wanted = String(f.value).toLowerCase().replace(/^0+/, '');
      list = list.filter((c) => (serialOf(c) ?? '').replace(/^0+/, '') === wanted);
    }
    const certificatesDto = list.map((c) => {
      const d = detail(c);
      return {
        uuid: d.uuid,
        commonName: d.commonName,
        serialNumber: d.serialNumber,
        subjectDn: d.subjectDn,
        state: d.state,
      };
    });
    const itemsPerPage = typeof body.itemsPerPage === 'number' ? body.itemsPerPage : 10;
    return reply.send({
      certificates: certificatesDto.slice(0, itemsPerPage),
      itemsPerPage,
      pageNumber: 1,
      totalPages: Math.max(1, Math.ceil(certificatesDto.length / itemsPerPage)),
      totalItems: certificatesDto.length,
    });
  });

  app.post('/api/v1/certificates/create', async (req, reply) => {
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(String(body.raProfileUuid), { requireEnabled: true });
    if (typeof body.request !== 'string' || body.request === '')
      throw message(400, 'Certificate request content is required');
    let request: CertRequest;
    try {
      request = requestFromCsr(body.request);
    } catch (err) {
      throw message(400, (err as Error).message);
    }
    const c = newCertificate(profile, request);
    return reply.send(detail(c));
  });

  // ----- legacy v1 -----
  function legacyProfile(name: string): RaProfile {
    const p = [...raProfiles.values()].find((r) => r.name === name && r.enabled);
    if (!p) throw message(404, `Object of type 'RaProfile' identified by ${name} is not found.`);
    if (!p.legacy && !fault('legacy-on-v2-profile-accepted'))
      throw invalid('EndEntityProfile not found in attributes');
    return p;
  }

  function endEntityDto(e: EndEntity) {
    return {
      username: e.username,
      subjectDN: e.subjectDN,
      ...(e.email ? { email: e.email } : {}),
      ...(e.subjectAltName ? { subjectAltName: e.subjectAltName } : {}),
      ...(e.extensionData ? { extensionData: e.extensionData } : {}),
      status: fault('end-entity-status-lowercase') ? e.status.toLowerCase() : e.status,
    };
  }

  function endEntity(username: string): EndEntity {
    const e = endEntities.get(username);
    if (!e) throw message(404, `Object of type 'EndEntity' identified by ${username} is not found.`);
    return e;
  }

  function requireStrings(body: Record<string, unknown>, fields: string[]): void {
    for (const f of fields) {
      if (typeof body[f] !== 'string' || body[f] === '')
        throw message(400, `Validation error: ${f} must not be empty`);
    }
  }

  app.get(`${V1}/endentity`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    if (
      fault('legacy-unknown-profile-200') &&
      ![...raProfiles.values()].some((p) => p.name === raProfileName)
    ) {
      return reply.send([]);
    }
    legacyProfile(raProfileName!);
    return reply.send([...endEntities.values()].map(endEntityDto));
  });

  app.post(`${V1}/endentity`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    requireStrings(body, ['username', 'password', 'subjectDN']);
    if (!isObject(body.raProfile)) throw message(400, 'Validation error: raProfile must not be null');
    const username = body.username as string;
    if (endEntities.has(username)) throw message(400, `End entity ${username} already exists`);
    const subjectDN = body.subjectDN as string;
    endEntities.set(username, {
      username,
      password: body.password as string,
      subjectDN: fault('add-end-entity-subject-dropped')
        ? subjectDN.split(/,\s*/).slice(0, -1).join(', ')
        : subjectDN,
      email: typeof body.email === 'string' ? body.email : undefined,
      subjectAltName: typeof body.subjectAltName === 'string' ? body.subjectAltName : undefined,
      extensionData: Array.isArray(body.extensionData) ? body.extensionData : undefined,
      status: 'NEW',
    });
    return reply.code(200).send();
  });

  app.get(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    return reply.send(endEntityDto(endEntity(username!)));
  });

  app.post(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    if (body.status !== undefined && !(END_ENTITY_STATUSES as readonly unknown[]).includes(body.status))
      throw unreadable();
    requireStrings(body, ['password', 'subjectDN', 'status']);
    if (!isObject(body.raProfile)) throw message(400, 'Validation error: raProfile must not be null');
    const e = endEntity(username!);
    if (!fault('edit-end-entity-ignored')) {
      e.password = body.password as string;
      e.subjectDN = body.subjectDN as string;
      e.status = body.status as string;
      if (typeof body.email === 'string') e.email = body.email;
      if (typeof body.subjectAltName === 'string') e.subjectAltName = body.subjectAltName;
    }
    return reply.code(200).send();
  });

  app.delete(`${V1}/endentity/:username`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    legacyProfile(raProfileName!);
    const e = endEntity(username!);
    if (!fault('delete-end-entity-ignored')) {
      for (const c of certificates.values())
        if (c.endEntity === e.username && c.state === 'issued') c.state = 'revoked';
      endEntities.delete(e.username);
    }
    return reply.code(200).send();
  });

  app.put(`${V1}/endentity/:username/resetPassword`, async (req, reply) => {
    const { raProfileName, username } = req.params as Params;
    if (fault('reset-password-405')) throw message(404, `No endpoint PUT ${req.url}.`);
    legacyProfile(raProfileName!);
    endEntity(username!);
    return reply.code(200).send();
  });

  app.post(`${V1}/certificate/issue`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    const profile = legacyProfile(raProfileName!);
    const body = objectBody(req);
    requireStrings(body, ['pkcs10', 'username', 'password']);
    const e = endEntity(body.username as string);
    if (e.password !== body.password) throw message(400, 'Wrong username or password');
    let request: CertRequest;
    try {
      request = requestFromCsr(body.pkcs10 as string);
    } catch (err) {
      throw message(400, (err as Error).message);
    }
    if (fault('legacy-issue-wrong-key')) request = { ...request, publicKey: substituteKey.keys.publicKey };
    const cert = await sign(request, false);
    const c: Certificate = {
      uuid: newUuid(),
      raProfileUuid: profile.uuid,
      state: 'issued',
      request,
      cert,
      endEntity: e.username,
      v2: false,
    };
    certificates.set(c.uuid, c);
    e.status = 'GENERATED';
    return reply.send({ certificateData: Buffer.from(cert.rawData).toString('base64') });
  });

  app.post(`${V1}/certificate/revoke`, async (req, reply) => {
    const { raProfileName } = req.params as Params;
    legacyProfile(raProfileName!);
    const body = objectBody(req);
    if (!(REVOCATION_REASONS as readonly unknown[]).includes(body.reason)) throw unreadable();
    requireStrings(body, ['certificateSN', 'issuerDN']);
    const wanted = (body.certificateSN as string).toLowerCase().replace(/^0+/, '');
    const c = [...certificates.values()].find(
      (x) => x.cert?.serialNumber.toLowerCase().replace(/^0+/, '') === wanted,
    );
    if (fault('legacy-revoke-404')) throw message(404, `Certificate ${body.certificateSN} is not found.`);
    if (c && !fault('legacy-revoke-ignored')) c.state = 'revoked';
    return reply.code(200).send();
  });

  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });

  const residue = () => [
    ...[...endEntities.keys()]
      .filter((u) => u.startsWith('certconform-'))
      .map((u) => `legacy end entity ${u} (RA profile ${IDS.legacyRaProfileName})`),
    ...[...certificates.values()].filter((c) => c.archived).map((c) => `certificate ${c.uuid} is archived`),
  ];

  return { app, residue, clientCert: certPem(clientCert), clientKey: clientPooled.privatePem };
}
