import { createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { MockOptions, RunningMock } from '../../src/core/api.ts';
import { listen } from '../../src/mock/server.ts';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import { x509 } from '../../src/pki/x509.ts';
import { repoPath } from '../../src/paths.ts';
import {
  certificateProperties,
  corruptCsrSignature,
  heldKeyFromPem,
  issue,
  makeCsr,
  poolBits,
  takeKey,
  type HeldKey,
} from './certs.ts';
import { errorBody } from './errors.ts';
import type { Fault } from './faults.ts';
import { AMI_SCHEMAS, OEM_SCHEMA_DIR, metadataXml, odataServiceDocument } from './metadata.ts';
import { MOCK_ACCOUNTS, VARIANT_CONFIG, type CertKind, type Variant } from './variants.ts';

const U = '/redfish/v1';
/**
 * A task finishes on its third read (Task or monitor), so a client always sees it running first whatever the
 * machine load; one nobody reads finishes after TASK_MAX_MS.
 */
const TASK_READS = 3;
const TASK_MAX_MS = 2000;
const LIGHTTPD_MAX_BYTES = 10240;
/** The system's Reset action accepts these and does nothing (the mock has no power to switch). */
const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart'] as const;

type Role = 'Administrator' | 'Operator' | 'ReadOnly';
interface User {
  username: string;
  role: Role;
}

interface MockCert {
  kind: CertKind;
  id: string;
  uri: string;
  collection: string;
  name: string;
  keyUsage: string[];
  cert: x509.X509Certificate;
  key: HeldKey | undefined;
  pending?: HeldKey;
  ownerGuid?: string;
  busy?: boolean;
}

interface MockTask {
  id: string;
  uri: string;
  monitor: string;
  kind: CertKind;
  start: Date;
  endTime?: Date;
  reads: number;
  final: { status: number; body?: unknown };
  payload: Record<string, unknown>;
  monitorReads: number;
}

interface Answer {
  status: number;
  body?: unknown;
  /** A CSDL document ($metadata) instead of a JSON body. */
  xml?: string;
  headers?: Record<string, string>;
}

export const TEST_CA_PEM = (): string => readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');

export async function startRedfishMock(opts: MockOptions<Fault, Variant>): Promise<RunningMock> {
  const cfg = VARIANT_CONFIG[opts.variant];
  const faults = new Set<Fault>(opts.faults);
  const has = (f: Fault) => faults.has(f);
  const prefix = cfg.vendor === 'ami' ? 'Base.1.5.0' : 'Base.1.22.1';
  const ca = await TestCa.load();
  const pool = new KeyPool();

  // ---- resource layout (from the variant; never assumed by the suite) ----
  const managerUri = `${U}/Managers/${cfg.managerId}`;
  const systemUri = `${U}/Systems/${cfg.systemId}`;
  const accountUri = (id: string) => `${U}/AccountService/Accounts/${id}`;
  const collections: Record<CertKind, string> = {
    https: `${managerUri}/NetworkProtocol/HTTPS/Certificates`,
    boot: `${systemUri}/Boot/Certificates`,
    ldap: `${U}/AccountService/LDAP/Certificates`,
    ldapClient: `${U}/AccountService/LDAP/Certificates/Oem/${has('ami-ldap-client-other-oem') ? 'Megarac' : 'Ami'}/ClientCertificates`,
    account: `${accountUri(cfg.accountIds.admin)}/${has('certificate-uri-nonstandard') ? 'Keys' : 'Certificates'}`,
  };
  const kinds: CertKind[] = ['https', 'ldap', 'account'];
  if (cfg.bootCertificates) kinds.push('boot');
  if (cfg.amiLdapClient) kinds.push('ldapClient');

  const subjects: Record<CertKind, string> = {
    https: 'CN=bmc.example.test, O=certconform, OU=Redfish mock, C=US',
    ldap: 'CN=ldap.example.test, O=certconform, C=US',
    account: 'CN=admin, O=certconform, C=US',
    boot: 'CN=UEFI db signer, O=certconform, C=US',
    ldapClient: 'CN=ldap-client.example.test, O=certconform, C=US',
  };
  const certs = new Map<string, MockCert>();
  for (const kind of kinds) {
    const key = await takeKey(pool, 2048);
    const id = cfg.certIds[kind];
    const cert: MockCert = {
      kind,
      id,
      uri: `${collections[kind]}/${id}`,
      collection: collections[kind],
      name: `${kind} certificate`,
      keyUsage:
        kind === 'https'
          ? ['KeyEncipherment', 'ServerAuthentication']
          : kind === 'boot'
            ? ['DigitalSignature']
            : ['DigitalSignature', 'ClientAuthentication'],
      cert: await issue(ca, subjects[kind], key, { server: kind === 'https' }),
      key,
    };
    if (kind === 'boot' && cfg.vendor === 'ami') cert.ownerGuid = '77fa9abd-0359-4d32-bd60-28f4e78f784b';
    certs.set(cert.uri, cert);
  }
  const https = [...certs.values()].find((c) => c.kind === 'https')!;

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

  // Bodies are parsed here, like a device: fastify's own JSON parser and error shapes are not Redfish's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const sessions = new Map<string, { id: string; user: User }>();
  const tasks = new Map<string, MockTask>();
  let nextTask = 1;
  let nextSession = 1;

  const err = (
    status: number,
    key: string,
    args: string[] = [],
    headers?: Record<string, string>,
  ): Answer => ({
    status,
    body: errorBody(prefix, key, args, has('error-body-extra-member') ? { details: 'see log' } : undefined),
    ...(headers ? { headers } : {}),
  });
  const ref = (uri: string) => ({ '@odata.id': uri });
  const collection = (
    uri: string,
    type: string,
    name: string,
    members: string[],
    extra: Record<string, unknown> = {},
  ) => ({
    '@odata.id': uri,
    '@odata.type': type,
    Name: name,
    Members: members.map(ref),
    'Members@odata.count': members.length,
    ...extra,
  });

  // ---- authentication ----
  const accounts = Object.values(MOCK_ACCOUNTS);
  const sameText = (a: string, b: string) =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  function authenticate(req: FastifyRequest): User | undefined {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') return sessions.get(token)?.user;
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
  const unauthorized = () =>
    err(
      401,
      'NoValidSession',
      [],
      cfg.basicAuth && !has('no-www-authenticate')
        ? { 'WWW-Authenticate': 'Basic realm="Redfish"' }
        : undefined,
    );

  // ---- certificates ----
  function certJson(c: MockCert): Record<string, unknown> {
    const props = certificateProperties(c.cert);
    if (c.kind === 'https' && has('certificate-string-leaks-key') && c.key)
      props.CertificateString = `${String(props.CertificateString)}\n${c.key.privatePem}`;
    let rekey: Record<string, unknown> = { target: `${c.uri}/Actions/Certificate.Rekey` };
    if (c.kind === 'ldap' && has('rekey-target-nonstandard')) rekey = { target: `${c.uri}/Actions/Rekey` };
    if (c.kind === 'ldap' && has('rekey-action-without-target')) rekey = { title: 'Rekey' };
    if (cfg.actionInfo) rekey['@Redfish.ActionInfo'] = `${c.uri}/RekeyActionInfo`;
    if (has('rekey-action-extra-member')) rekey.Parameters = { KeyBitLength: 'integer' };
    const body: Record<string, unknown> = {
      '@odata.id': c.uri,
      '@odata.type':
        c.kind === 'ldap' && has('certificate-version-too-old')
          ? '#Certificate.v1_0_0.Certificate'
          : cfg.certificateOdataType,
      Id: c.kind === 'https' && has('certificate-id-mismatch') ? `${c.id}-cert` : c.id,
      Name: c.name,
      ...props,
      KeyUsage: c.kind === 'https' && has('certificate-schema-invalid') ? ['ServerAuth'] : c.keyUsage,
      Actions: { '#Certificate.Rekey': rekey },
    };
    if (c.ownerGuid !== undefined) {
      body.Oem = {
        Ami: {
          ...(has('oem-without-odata-type')
            ? {}
            : { '@odata.type': '#AMICertificate.v1_0_0.AMICertificate' }),
          OwnerGuid: c.ownerGuid,
        },
      };
    }
    return body;
  }

  function actionInfoJson(c: MockCert): Record<string, unknown> {
    return {
      '@odata.id': `${c.uri}/RekeyActionInfo`,
      '@odata.type': '#ActionInfo.v1_5_0.ActionInfo',
      Id: 'RekeyActionInfo',
      Name: 'Rekey Action Info',
      Parameters: [
        {
          Name: 'KeyBitLength',
          Required: false,
          DataType: has('action-info-wrong-datatype') ? 'String' : 'Number',
          MinimumValue: c.kind === 'https' ? cfg.keyBits.httpsMin : cfg.keyBits.min,
          MaximumValue: cfg.keyBits.max,
        },
        {
          Name: 'KeyPairAlgorithm',
          Required: false,
          DataType: 'String',
          AllowableValues: [...cfg.algorithms],
        },
        { Name: 'ChallengePassword', Required: false, DataType: 'String' },
      ],
    };
  }

  async function reissue(c: MockCert): Promise<void> {
    if (!c.key) return;
    c.cert = await issue(ca, c.cert.subject, c.key, { server: c.kind === 'https' });
    setTls(c);
  }

  // ---- tasks ----
  /** One read of a task: reports whether the operation is done (and counts the read). */
  function progress(t: MockTask): boolean {
    const done = t.reads >= TASK_READS || Date.now() - t.start.getTime() >= TASK_MAX_MS;
    t.reads++;
    if (done) t.endTime ??= new Date();
    return done;
  }

  function taskJson(t: MockTask, finished: boolean): Record<string, unknown> {
    const done = finished && !has('task-state-not-updated');
    const started = {
      MessageId: 'TaskEvent.1.0.3.TaskStarted',
      Message: `The task with Id '${t.id}' has started.`,
      MessageArgs: [t.id],
      MessageSeverity: 'OK',
    };
    const completed = {
      MessageId: 'TaskEvent.1.0.3.TaskCompletedOK',
      Message: `The task with Id '${t.id}' has completed.`,
      MessageArgs: [t.id],
      MessageSeverity: 'OK',
    };
    return {
      '@odata.id': t.uri,
      '@odata.type': '#Task.v1_7_4.Task',
      Id: t.id,
      Name: `Task ${t.id}`,
      TaskState: done ? 'Completed' : 'Running',
      StartTime: t.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(done || has('task-endtime-while-running')
        ? { EndTime: (t.endTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : {}),
      ...(done || has('task-status-while-running') || (has('ami-task-status-early') && !cfg.async)
        ? { TaskStatus: 'OK' }
        : {}),
      PercentComplete: done ? 100 : 50,
      TaskMonitor: t.monitor,
      Messages: done ? [started, completed] : [started],
      HidePayload: false,
      Payload: t.payload,
    };
  }

  function createTask(c: MockCert, target: string, raw: string, final: Answer): MockTask {
    const id = String(nextTask++);
    const t: MockTask = {
      id,
      uri: `${U}/TaskService/Tasks/${id}`,
      monitor: `${U}/TaskService/TaskMonitors/${id}`,
      kind: c.kind,
      start: new Date(),
      reads: 0,
      final,
      payload: {
        TargetUri: target,
        HttpOperation: 'POST',
        ...(has('task-payload-echoes-password') ? { JsonBody: raw } : {}),
      },
      monitorReads: 0,
    };
    tasks.set(id, t);
    return t;
  }

  function monitor(t: MockTask): Answer {
    if (!progress(t))
      return { status: has('monitor-200-while-running') ? 200 : 202, body: taskJson(t, false) };
    const gone =
      (has('monitor-final-204') && t.kind === 'ldap') || (has('ami-task-monitor-204') && !cfg.async);
    if (gone)
      return t.monitorReads++ === 0 ? { status: 204 } : err(404, 'ResourceNotFound', ['TaskMonitor', t.id]);
    return { status: t.final.status, body: t.final.body };
  }

  // ---- request bodies ----
  function mediaTypeOk(req: FastifyRequest): boolean {
    if (has('content-type-ignored')) return true;
    const ct = String(req.headers['content-type'] ?? '')
      .toLowerCase()
      .replace(/\s+/g, '');
    if (has('charset-content-type-rejected')) return ct === 'application/json';
    return ct === 'application/json' || ct === 'application/json;charset=utf-8';
  }

  function parseBody(
    req: FastifyRequest,
  ): { ok: true; value: Record<string, unknown>; raw: string } | { ok: false; answer: Answer } {
    if (!mediaTypeOk(req)) return { ok: false, answer: err(415, 'UnrecognizedRequestBody') };
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (raw.trim() === '') return { ok: false, answer: err(400, 'UnrecognizedRequestBody') };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return {
        ok: false,
        answer: has('malformed-json-500') ? err(500, 'InternalError') : err(400, 'MalformedJSON'),
      };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, answer: err(400, 'UnrecognizedRequestBody') };
    return { ok: true, value: value as Record<string, unknown>, raw };
  }

  // ---- Rekey ----
  function rekeyError(c: MockCert, body: Record<string, unknown>): Answer | undefined {
    const params = Object.keys(body).filter((k) => !k.includes('@'));
    if (params.length === 0 && has('empty-body-rejected')) return err(400, 'EmptyJSON');
    const supported = [
      'ChallengePassword',
      'KeyBitLength',
      ...(cfg.vendor === 'dmtf' ? ['KeyPairAlgorithm', 'KeyCurveId'] : []),
    ];
    for (const p of params) {
      if (supported.includes(p)) continue;
      if (['KeyPairAlgorithm', 'KeyCurveId'].includes(p))
        return err(400, 'ActionParameterNotSupported', [p, 'Rekey']);
      if (has('unknown-parameter-ignored')) continue;
      return err(400, 'ActionParameterUnknown', has('message-args-swapped') ? [p, 'Rekey'] : ['Rekey', p]);
    }
    if (
      'ChallengePassword' in body &&
      typeof body.ChallengePassword !== 'string' &&
      !has('challenge-password-type-unchecked')
    ) {
      // The value is not repeated: it may be a secret.
      if (has('challenge-password-echoed'))
        return err(400, 'ActionParameterValueTypeError', [
          JSON.stringify(body.ChallengePassword),
          'ChallengePassword',
          'Rekey',
        ]);
      return err(400, 'ActionParameterValueError', ['ChallengePassword', 'Rekey']);
    }
    if ('KeyBitLength' in body) {
      const v = body.KeyBitLength;
      if (!Number.isInteger(v) && !has('keybitlength-type-unchecked'))
        return err(400, 'ActionParameterValueTypeError', [JSON.stringify(v), 'KeyBitLength', 'Rekey']);
      const bits = Math.round(Number(v));
      let min = c.kind === 'https' ? cfg.keyBits.httpsMin : cfg.keyBits.min;
      let max = cfg.keyBits.max;
      if (has('ami-minimum-1024') && c.kind !== 'https') min = 1024;
      if (has('ami-accepts-511') && c.kind !== 'https') min = 511;
      if (has('ami-accepts-4096')) max = 4096;
      if (has('ami-https-accepts-512') && c.kind === 'https') min = 512;
      if (has('action-info-max-rejected')) max -= 1;
      const enforced = !has('action-info-range-not-enforced');
      if (enforced && (bits < min || bits > max))
        return err(400, 'ActionParameterValueOutOfRange', [String(v), 'KeyBitLength', 'Rekey']);
      // The mock draws keys from the pre-generated pool; other lengths would be fine on a device.
      if (enforced && poolBits(bits) !== bits && !(bits === 511 && has('ami-accepts-511')))
        return err(400, 'ActionParameterValueNotInList', [String(v), 'KeyBitLength', 'Rekey']);
    }
    if ('KeyPairAlgorithm' in body) {
      const allowed = [...cfg.algorithms, ...(has('openssl-algorithm-name-accepted') ? ['RSA'] : [])];
      if (!allowed.includes(body.KeyPairAlgorithm as string))
        return err(400, 'ActionParameterValueNotInList', [
          String(body.KeyPairAlgorithm),
          'KeyPairAlgorithm',
          'Rekey',
        ]);
    }
    if ('KeyCurveId' in body) return err(400, 'ActionParameterNotSupported', ['KeyCurveId', 'Rekey']);
    return undefined;
  }

  /** Rekeys of one certificate are serialised like a device would; the fault crashes on an overlapping one. */
  async function rekey(c: MockCert, target: string, req: FastifyRequest, user: User): Promise<Answer> {
    if (!has('concurrent-rekey-500')) return rekeyOne(c, target, req, user);
    if (c.busy) return { status: 500 };
    c.busy = true;
    try {
      await sleep(300);
      return await rekeyOne(c, target, req, user);
    } finally {
      c.busy = false;
    }
  }

  async function rekeyOne(c: MockCert, target: string, req: FastifyRequest, user: User): Promise<Answer> {
    if (user.role === 'ReadOnly' && !has('readonly-can-rekey')) return err(403, 'InsufficientPrivilege');
    if (user.role === 'Operator') {
      const allowed =
        c.kind === 'boot' ? !has('operator-refused-on-boot') : has('operator-can-rekey-manager-certs');
      if (!allowed) return err(403, 'InsufficientPrivilege');
    }
    const parsed = parseBody(req);
    const refuse = async (a: Answer) => {
      if (has('rejected-request-reissues-certificate')) await reissue(c);
      return a;
    };
    if (!parsed.ok) return refuse(parsed.answer);
    const body = parsed.value;
    const problem = rekeyError(c, body);
    if (problem) return refuse(problem);

    let bits =
      'KeyBitLength' in body
        ? Math.round(Number(body.KeyBitLength)) || 2048
        : has('ami-default-1024')
          ? 1024
          : cfg.keyBits.default;
    if (has('csr-ignores-keybitlength')) bits = 2048;
    let key: HeldKey;
    if (has('rekey-reuses-current-key') && c.kind === 'https' && c.key) key = c.key;
    else if (has('rekey-repeats-pending-key') && c.pending?.bits === poolBits(bits)) key = c.pending;
    else key = await takeKey(pool, bits);
    let challenge =
      typeof body.ChallengePassword === 'string' && !has('csr-drops-challenge-password')
        ? body.ChallengePassword
        : undefined;
    if (challenge === undefined && has('csr-adds-challenge-password') && !('ChallengePassword' in body))
      challenge = 'mock-challenge';
    const subject = has('csr-subject-differs') ? 'CN=certconform-other-subject' : c.cert.subject;
    let csr = await makeCsr({
      subject,
      key,
      ...(challenge !== undefined ? { challengePassword: challenge } : {}),
    });
    if (has('csr-bad-signature')) csr = corruptCsrSignature(csr);
    if (has('csr-includes-private-key')) csr = `${csr.trimEnd()}\n${key.privatePem}`;
    c.pending = key;
    if (c.ownerGuid !== undefined) {
      c.ownerGuid = has('ami-owner-guid-out-of-range')
        ? '11111111-2222-3333-4444-555555555555'
        : `00000000-0000-0000-0000-${randomBytes(6).toString('hex').toUpperCase()}`;
    }
    if (has('rekey-replaces-immediately') && c.kind === 'https') {
      c.cert = await issue(ca, c.cert.subject, key, { server: true });
      c.key = key;
      setTls(c);
    }
    const response: Record<string, unknown> = {
      CSRString: csr,
      Certificate: ref(has('rekey-response-wrong-link') ? c.collection : c.uri),
      ...(has('rekey-response-extra-property') ? { KeyBitLength: bits } : {}),
    };
    const headers: Record<string, string> = has('rekey-response-no-odata-version')
      ? { 'OData-Version': '' }
      : {};

    if (cfg.async) {
      const t = createTask(c, target, parsed.raw, { status: 200, body: response });
      return {
        status: 202,
        body: has('async-body-not-task') ? {} : taskJson(t, false),
        headers: { ...headers, ...(has('async-no-location') ? {} : { Location: t.monitor }) },
      };
    }
    if (cfg.amiMessages) {
      // The seed: "After successful post call, the new Task will be created ... The Messages property will contain the Task information."
      const t =
        has('ami-no-task-created') && c.kind === 'ldap'
          ? undefined
          : createTask(c, target, parsed.raw, {
              status: 200,
              body: { CSRString: csr, Certificate: ref(c.uri) },
            });
      response.Messages =
        t && !has('ami-messages-without-task')
          ? [
              {
                MessageId: 'TaskEvent.1.0.3.TaskStarted',
                Message: `The task with Id '${t.id}' has started.`,
                MessageArgs: [t.id],
                Severity: 'OK',
              },
            ]
          : [
              {
                MessageId: `${prefix}.Success`,
                Message: 'The request completed successfully.',
                Severity: 'OK',
              },
            ];
    }
    return { status: has('rekey-returns-201') && c.kind === 'ldap' ? 201 : 200, body: response, headers };
  }

  // ---- ReplaceCertificate ----
  async function replaceCertificate(req: FastifyRequest, user: User): Promise<Answer> {
    if (user.role !== 'Administrator') return err(403, 'InsufficientPrivilege');
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.answer;
    const body = parsed.value;
    for (const p of ['CertificateString', 'CertificateType', 'CertificateUri']) {
      if (!(p in body)) return err(400, 'ActionParameterMissing', ['ReplaceCertificate', p]);
    }
    const uri = (body.CertificateUri as { '@odata.id'?: unknown } | null)?.['@odata.id'];
    const c = typeof uri === 'string' ? certs.get(uri) : undefined;
    if (!c) return err(400, 'ActionParameterValueError', ['CertificateUri', 'ReplaceCertificate']);
    if (body.CertificateType !== 'PEM')
      return err(400, 'ActionParameterValueNotInList', [
        String(body.CertificateType),
        'CertificateType',
        'ReplaceCertificate',
      ]);
    const bad = () =>
      has('replace-refusal-blames-type')
        ? err(400, 'ActionParameterValueNotInList', ['PEM', 'CertificateType', 'ReplaceCertificate'])
        : err(400, 'ActionParameterValueError', ['CertificateString', 'ReplaceCertificate']);
    if (typeof body.CertificateString !== 'string') return bad();
    const blocks = pemBlocks(body.CertificateString);
    const certBlock = blocks.find((b) => b.label === 'CERTIFICATE');
    const keyBlock = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
    if (!certBlock) return bad();
    let leaf: x509.X509Certificate;
    try {
      leaf = new x509.X509Certificate(certBlock.der);
    } catch {
      return bad();
    }
    const encrypted =
      !!keyBlock &&
      (keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyBlock.text));
    let supplied: HeldKey | undefined;
    if (keyBlock && !encrypted) {
      try {
        supplied = await heldKeyFromPem(keyBlock.text);
      } catch {
        return bad();
      }
    }
    if (cfg.vendor === 'ami' && c.kind === 'https') {
      // Lighttpd limits (seed): sizes, key length, no encrypted key, not expired.
      if (certBlock.text.length > LIGHTTPD_MAX_BYTES && !has('https-accepts-oversize-certificate'))
        return bad();
      if (keyBlock && keyBlock.text.length > LIGHTTPD_MAX_BYTES && !has('https-accepts-oversize-key'))
        return bad();
      if (encrypted && !has('https-accepts-encrypted-key')) return bad();
      const leafKey = createPublicKey({
        key: Buffer.from(leaf.publicKey.rawData),
        format: 'der',
        type: 'spki',
      });
      const bits = leafKey.asymmetricKeyDetails?.modulusLength ?? 0;
      // Not documented, but seen on AMI BMCs: the HTTPS certificate takes RSA keys only.
      if (leafKey.asymmetricKeyType !== 'rsa') return bad();
      if (leafKey.asymmetricKeyType === 'rsa' && bits < 2048 && !has('https-accepts-short-key')) return bad();
      if (leaf.notAfter.getTime() < Date.now() && !has('https-accepts-expired-certificate')) return bad();
    }
    const leafSpki = Buffer.from(leaf.publicKey.rawData);
    let key: HeldKey | undefined;
    if (supplied) {
      if (!supplied.spki.equals(leafSpki)) return bad();
      key = supplied;
    } else if (c.pending?.spki.equals(leafSpki) && !has('replace-rejects-pending-key')) {
      key = c.pending;
    } else if (c.key?.spki.equals(leafSpki)) {
      key = c.key;
    } else if (!has('replace-accepts-foreign-key') && !encrypted) {
      return bad();
    }
    c.cert = leaf;
    if (key) {
      if (key === c.pending) c.pending = undefined;
      c.key = key;
      if (!has('https-port-keeps-old-certificate')) setTls(c);
    }
    return { status: 200, body: certJson(c), headers: has('replace-no-location') ? {} : { Location: c.uri } };
  }

  // ---- ComputerSystem.Reset (advertised like a real system's; changes nothing) ----
  function resetSystem(req: FastifyRequest, user: User): Answer {
    if (user.role === 'ReadOnly') return err(403, 'InsufficientPrivilege');
    const parsed = parseBody(req);
    if (!parsed.ok) return parsed.answer;
    for (const p of Object.keys(parsed.value))
      if (p !== 'ResetType') return err(400, 'ActionParameterUnknown', ['Reset', p]);
    const type = parsed.value.ResetType;
    if (type === undefined) return err(400, 'ActionParameterMissing', ['Reset', 'ResetType']);
    if (!(RESET_TYPES as readonly unknown[]).includes(type))
      return err(400, 'ActionParameterValueNotInList', [String(type), 'ResetType', 'Reset']);
    return { status: 204 };
  }

  // ---- routing ----
  function get(path: string): unknown {
    const cert = certs.get(path);
    if (cert) return certJson(cert);
    if (cfg.actionInfo && path.endsWith('/RekeyActionInfo')) {
      const c = certs.get(path.slice(0, -'/RekeyActionInfo'.length));
      if (c) return actionInfoJson(c);
    }
    for (const kind of kinds) {
      if (path !== collections[kind]) continue;
      const members = [...certs.values()].filter((c) => c.kind === kind).map((c) => c.uri);
      const extra =
        kind === 'ldap' && kinds.includes('ldapClient')
          ? {
              Oem: {
                Ami: {
                  '@odata.type': '#AMICertificateCollection.v1_0_0.AMICertificateCollection',
                  ClientCertificates: ref(collections.ldapClient),
                },
              },
            }
          : {};
      return collection(
        path,
        '#CertificateCollection.CertificateCollection',
        `${kind} certificates`,
        members,
        extra,
      );
    }
    const ids = cfg.accountIds;
    const roleOf = {
      [ids.admin]: MOCK_ACCOUNTS.admin,
      [ids.operator]: MOCK_ACCOUNTS.operator,
      [ids.readOnly]: MOCK_ACCOUNTS.readOnly,
    };
    switch (path) {
      case U:
        return {
          '@odata.id': U,
          '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
          Id: 'RootService',
          Name: 'Root Service',
          RedfishVersion: '1.17.0',
          AccountService: ref(`${U}/AccountService`),
          CertificateService: ref(`${U}/CertificateService`),
          Managers: ref(`${U}/Managers`),
          Systems: ref(`${U}/Systems`),
          SessionService: ref(`${U}/SessionService`),
          Tasks: ref(`${U}/TaskService`),
          Links: { Sessions: ref(`${U}/SessionService/Sessions`) },
        };
      case `${U}/AccountService`:
        return {
          '@odata.id': path,
          '@odata.type': '#AccountService.v1_12_0.AccountService',
          Id: 'AccountService',
          Name: 'Account Service',
          Accounts: ref(`${U}/AccountService/Accounts`),
          LDAP: { Certificates: ref(collections.ldap) },
        };
      case `${U}/AccountService/Accounts`:
        return collection(
          path,
          '#ManagerAccountCollection.ManagerAccountCollection',
          'Accounts',
          Object.keys(roleOf).map(accountUri),
        );
      case `${U}/Managers`:
        return collection(path, '#ManagerCollection.ManagerCollection', 'Managers', [managerUri]);
      case managerUri:
        return {
          '@odata.id': path,
          '@odata.type': '#Manager.v1_10_0.Manager',
          Id: cfg.managerId,
          Name: 'BMC',
          NetworkProtocol: ref(`${managerUri}/NetworkProtocol`),
        };
      case `${managerUri}/NetworkProtocol`:
        return {
          '@odata.id': path,
          '@odata.type': '#ManagerNetworkProtocol.v1_5_0.ManagerNetworkProtocol',
          Id: 'NetworkProtocol',
          Name: 'Network Protocol',
          HTTPS: { Port: 443, ProtocolEnabled: true, Certificates: ref(collections.https) },
        };
      case `${U}/Systems`:
        return collection(path, '#ComputerSystemCollection.ComputerSystemCollection', 'Systems', [systemUri]);
      case systemUri:
        return {
          '@odata.id': path,
          '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
          Id: cfg.systemId,
          Name: 'System',
          // Every system has Boot settings (sushy requires them); the certificates only where the variant has them.
          Boot: {
            BootSourceOverrideEnabled: 'Disabled',
            BootSourceOverrideTarget: 'None',
            ...(cfg.bootCertificates ? { Certificates: ref(collections.boot) } : {}),
          },
          Actions: {
            '#ComputerSystem.Reset': {
              target: `${systemUri}/Actions/ComputerSystem.Reset`,
              'ResetType@Redfish.AllowableValues': [...RESET_TYPES],
            },
          },
        };
      case `${U}/CertificateService`:
        return {
          '@odata.id': path,
          '@odata.type': '#CertificateService.v1_0_4.CertificateService',
          Id: 'CertificateService',
          Name: 'Certificate Service',
          CertificateLocations: ref(`${path}/CertificateLocations`),
          Actions: {
            '#CertificateService.ReplaceCertificate': {
              target: `${path}/Actions/CertificateService.ReplaceCertificate`,
              'CertificateType@Redfish.AllowableValues': ['PEM'],
            },
          },
        };
      case `${U}/CertificateService/CertificateLocations`: {
        const all = [...certs.values()].map((c) => ref(c.uri));
        return {
          '@odata.id': path,
          '@odata.type': '#CertificateLocations.v1_0_4.CertificateLocations',
          Id: 'CertificateLocations',
          Name: 'Certificate Locations',
          Links: { Certificates: all, 'Certificates@odata.count': all.length },
        };
      }
      case `${U}/TaskService`:
        return {
          '@odata.id': path,
          '@odata.type': '#TaskService.v1_3_0.TaskService',
          Id: 'TaskService',
          Name: 'Task Service',
          ServiceEnabled: has('service-resource-schema-invalid') ? 'yes' : true,
          Tasks: ref(`${path}/Tasks`),
        };
      case `${U}/TaskService/Tasks`:
        return collection(
          path,
          '#TaskCollection.TaskCollection',
          'Tasks',
          has('task-not-listed') ? [] : [...tasks.values()].map((t) => t.uri),
        );
      case `${U}/SessionService`:
        return {
          '@odata.id': path,
          '@odata.type': '#SessionService.v1_1_8.SessionService',
          Id: 'SessionService',
          Name: 'Session Service',
          ServiceEnabled: cfg.sessionsEnabled,
          Sessions: ref(`${path}/Sessions`),
        };
      case `${U}/SessionService/Sessions`:
        return collection(
          path,
          '#SessionCollection.SessionCollection',
          'Sessions',
          [...sessions.values()].map((s) => `${path}/${s.id}`),
        );
    }
    for (const [id, account] of Object.entries(roleOf)) {
      if (path === accountUri(id)) {
        return {
          '@odata.id': path,
          '@odata.type': '#ManagerAccount.v1_8_0.ManagerAccount',
          Id: id,
          Name: 'User Account',
          UserName: account.username,
          RoleId: account.role,
          AccountTypes: ['Redfish'],
          ...(id === ids.admin ? { Certificates: ref(collections.account) } : {}),
        };
      }
    }
    return undefined;
  }

  /** The methods a resource supports: DSP0266 wants them in Allow on every GET and HEAD, and on a 405. */
  function allowFor(path: string): string {
    const sessionsUri = `${U}/SessionService/Sessions`;
    if (path === sessionsUri) return 'GET, HEAD, POST';
    if (path.startsWith(`${sessionsUri}/`)) return 'GET, HEAD, DELETE';
    return 'GET, HEAD';
  }

  function withAllow(req: FastifyRequest, a: Answer): Answer {
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (!read || a.status < 200 || a.status > 299 || a.headers?.Allow !== undefined) return a;
    const path = req.url.split('?')[0]!.replace(/\/$/, '') || '/';
    return { ...a, headers: { ...a.headers, Allow: allowFor(path) } };
  }

  async function route(req: FastifyRequest): Promise<Answer> {
    const path = req.url.split('?')[0]!.replace(/\/$/, '') || '/';
    // HEAD is answered like GET; fastify sends no body on a HEAD.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (path === '/redfish' && method === 'GET') return { status: 200, body: { v1: `${U}/` } };
    if (path === U && method === 'GET') return { status: 200, body: get(U) };
    // DSP0266: like the service root, the OData documents are readable without authentication.
    if (path === `${U}/$metadata` || path === `${U}/%24metadata` || path === `${U}/odata`) {
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path) });
      if (path.endsWith('odata'))
        return { status: 200, body: odataServiceDocument(get(U) as Record<string, unknown>) };
      return { status: 200, xml: metadataXml(cfg.certificateOdataType, cfg.vendor === 'ami') };
    }
    const oemSchema = path.startsWith(`${OEM_SCHEMA_DIR}/`) && AMI_SCHEMAS[path.split('/').pop()!];
    if (oemSchema && cfg.vendor === 'ami') {
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path) });
      return { status: 200, xml: oemSchema };
    }

    const odataVersion = req.headers['odata-version'];
    if (odataVersion !== undefined && odataVersion !== '4.0' && !has('odata-version-ignored'))
      return err(412, 'PreconditionFailed');

    const sessionsUri = `${U}/SessionService/Sessions`;
    if (path === sessionsUri && method === 'POST') {
      if (!cfg.sessionsEnabled)
        return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path).replace(', POST', '') });
      const parsed = parseBody(req);
      if (!parsed.ok) return parsed.answer;
      const account = accounts.find((a) => a.username === parsed.value.UserName);
      if (
        !account ||
        typeof parsed.value.Password !== 'string' ||
        !sameText(account.password, parsed.value.Password)
      )
        return err(401, 'NoValidSession');
      const token = randomBytes(24).toString('hex');
      const id = String(nextSession++);
      sessions.set(token, { id, user: { username: account.username, role: account.role } });
      const uri = `${sessionsUri}/${id}`;
      return {
        status: 201,
        headers: { 'X-Auth-Token': token, Location: uri },
        body: {
          '@odata.id': uri,
          '@odata.type': '#Session.v1_3_0.Session',
          Id: id,
          Name: 'User Session',
          UserName: account.username,
        },
      };
    }

    const isRekey = /\/Actions\/(Certificate\.Rekey|Rekey)$/.test(path);
    const isMonitor = path.startsWith(`${U}/TaskService/TaskMonitors/`);
    let user = authenticate(req);
    if (!user && isRekey && has('rekey-without-auth'))
      user = { username: 'anonymous', role: 'Administrator' };
    if (!user && isMonitor && has('monitor-without-auth') && method === 'GET')
      user = { username: 'anonymous', role: 'ReadOnly' };
    if (!user) return unauthorized();

    if (path.startsWith(`${sessionsUri}/`)) {
      const id = path.slice(sessionsUri.length + 1);
      const entry = [...sessions.entries()].find(([, s]) => s.id === id);
      if (!entry) return err(404, 'ResourceNotFound', ['Session', id]);
      if (method === 'GET')
        return {
          status: 200,
          body: {
            '@odata.id': path,
            '@odata.type': '#Session.v1_3_0.Session',
            Id: id,
            Name: 'User Session',
            UserName: entry[1].user.username,
          },
        };
      if (method === 'DELETE') {
        if (!has('session-survives-logout')) sessions.delete(entry[0]);
        return { status: 204 };
      }
      return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path) });
    }

    if (isRekey) {
      const certUri = path.replace(/\/Actions\/(Certificate\.Rekey|Rekey)$/, '');
      const c = certs.get(certUri);
      const nonstandard = path.endsWith('/Actions/Rekey');
      if (!c || (nonstandard && !(c.kind === 'ldap' && has('rekey-target-nonstandard')))) {
        if (path.endsWith('/Actions/Certificate.Rekey') && has('unknown-certificate-500'))
          return err(500, 'InternalError');
        return err(404, 'ResourceNotFound', ['Certificate', certUri.split('/').pop() ?? '']);
      }
      if (method !== 'POST') {
        if (method === 'PATCH' && has('action-uri-accepts-patch')) return { status: 204 };
        return err(
          405,
          'OperationNotAllowed',
          [],
          has('method-not-allowed-without-allow') ? undefined : { Allow: 'POST' },
        );
      }
      return rekey(c, path, req, user);
    }

    if (path === `${U}/CertificateService/Actions/CertificateService.ReplaceCertificate`) {
      if (method !== 'POST') return err(405, 'OperationNotAllowed', [], { Allow: 'POST' });
      return replaceCertificate(req, user);
    }

    if (path === `${systemUri}/Actions/ComputerSystem.Reset`) {
      if (method !== 'POST') return err(405, 'OperationNotAllowed', [], { Allow: 'POST' });
      return resetSystem(req, user);
    }

    if (isMonitor || path.startsWith(`${U}/TaskService/Tasks/`)) {
      const id = path.split('/').pop()!;
      const t = tasks.get(id);
      if (!t) return err(404, 'ResourceNotFound', ['Task', id]);
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path) });
      if (isMonitor) return monitor(t);
      return { status: has('task-get-202') ? 202 : 200, body: taskJson(t, progress(t)) };
    }

    const body = get(path);
    if (body === undefined) return err(404, 'ResourceNotFound', ['Resource', path]);
    if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: allowFor(path) });
    return { status: 200, body };
  }

  async function send(reply: FastifyReply, a: Answer): Promise<void> {
    reply.code(a.status);
    reply.header('OData-Version', '4.0');
    reply.header('Cache-Control', 'no-cache');
    for (const [k, v] of Object.entries(a.headers ?? {})) {
      if (v === '') reply.removeHeader(k);
      else reply.header(k, v);
    }
    if (a.xml !== undefined) {
      reply.type('application/xml');
      await reply.send(a.xml);
      return;
    }
    if (a.body === undefined) {
      await reply.send();
      return;
    }
    reply.type('application/json');
    await reply.send(JSON.stringify(a.body));
  }

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => send(reply, withAllow(req, await route(req))),
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
      [...sessions.values()].map(
        (s) => `session ${s.id} of ${s.user.username} is still open (not logged out)`,
      ),
  };
}
