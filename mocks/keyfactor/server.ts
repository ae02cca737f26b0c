import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TlsCredentials } from '../../src/mock/server.ts';
import type { Fault } from './faults.ts';
import { buildPfx } from './pfx.ts';
import {
  CA_NAME,
  Inventory,
  STORES,
  TEMPLATES,
  USERS,
  VARIANT_CONFIG,
  type CertRecord,
  type UserName,
} from './state.ts';
import type { Variant } from './variants.ts';

export const BASE_PATH = '/KeyfactorAPI';

/** ISO 8601 date-time with a zone (Z or offset); the documented form is YYYY-MM-DDTHH:mm:ss.000Z. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
const ISO_TIMESTAMP_WITH_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;

const RENEWAL_MESSAGES = [
  'No renewal is available for this certificate.',
  'Seeded PFX renewal is available.',
  'One-click renewal is available.',
];

type Json = Record<string, unknown>;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Command reference mock: HTTPS, Basic (DOMAIN\user) or Bearer auth, inventory-backed enrollment. */
export async function buildApp(
  variant: Variant,
  faults: ReadonlySet<Fault>,
  tls: TlsCredentials,
): Promise<{ app: FastifyInstance; inventory: Inventory }> {
  const cfg = VARIANT_CONFIG[variant];
  const inv = await Inventory.create(cfg);
  const has = (f: Fault) => faults.has(f);
  const users = new WeakMap<FastifyRequest, UserName>();

  const app = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: false,
  }) as unknown as FastifyInstance;

  // Command's own parsing and error shape, not fastify's: bodies are read raw and parsed by the handlers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const sendError = (reply: FastifyReply, given: number, code: string, message: string) => {
    const status = given === 400 ? cfg.validationStatus : given;
    if (has('error-body-plain')) return reply.code(status).type('text/plain; charset=utf-8').send(message);
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send({ ErrorCode: code, Message: message });
  };
  /** Web API's answer when no route matches (also a fault's answer for a route it takes away). */
  const noRoute = (req: FastifyRequest, reply: FastifyReply) =>
    sendError(
      reply,
      404,
      '0xA0110404',
      `No HTTP resource was found that matches the request URI '${req.method} ${req.url}'.`,
    );
  app.setNotFoundHandler(noRoute);
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err.status, err.code, err.message);
    return sendError(reply, 500, '0xA0000000', `Unexpected error: ${(err as Error).message}`);
  });

  app.addHook('onRequest', async (req, reply) => {
    // The orchestrators have run whatever jobs are due by now.
    inv.runJobs(Date.now());
    const user = authenticate(req.headers.authorization);
    if (!user && !has('anonymous-allowed')) {
      reply.header('www-authenticate', cfg.auth === 'basic' ? 'Basic realm="Keyfactor"' : 'Bearer');
      return sendError(reply, 401, '0xA0110401', 'Authorization has been denied for this request.');
    }
    users.set(req, user ?? 'admin');
    if (!req.headers['x-keyfactor-requested-with'] && !has('requested-with-optional')) {
      return sendError(
        reply,
        400,
        '0xA0110002',
        "The request is missing the required 'X-Keyfactor-Requested-With' header.",
      );
    }
    return undefined;
  });

  function authenticate(header: string | undefined): UserName | undefined {
    if (!header) return undefined;
    const [scheme, value = ''] = header.split(' ', 2);
    for (const [name, u] of Object.entries(USERS) as Array<[UserName, (typeof USERS)[UserName]]>) {
      if (cfg.auth === 'bearer' && scheme?.toLowerCase() === 'bearer' && value === u.token) return name;
      if (cfg.auth === 'basic' && scheme?.toLowerCase() === 'basic') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        if (decoded === `${u.username}:${u.password}`) return name;
      }
    }
    return undefined;
  }

  function body(req: FastifyRequest): Json {
    const raw = typeof req.body === 'string' ? req.body : '';
    if (!raw.trim()) throw new ApiError(400, '0xA0110003', 'The request body is required.');
    if (!/json/i.test(req.headers['content-type'] ?? '')) {
      throw new ApiError(
        415,
        '0xA0110004',
        `The request content type '${req.headers['content-type'] ?? ''}' is not supported.`,
      );
    }
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    } catch {
      // fall through
    }
    throw new ApiError(400, '0xA0110005', 'The request body is not a valid JSON object.');
  }

  function intParam(value: unknown, what: string): number {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isInteger(n))
      throw new ApiError(400, '0xA0110006', `The value '${String(value)}' is not valid for ${what}.`);
    return n;
  }

  function certificate(id: number): CertRecord {
    const rec = inv.certs.get(id);
    if (!rec)
      throw new ApiError(
        cfg.unknownCertificateStatus,
        '0xA0110016',
        `Certificate with ID ${id} could not be found.`,
      );
    return rec;
  }

  /** Collection-scoped users reach a certificate only through a collection they hold that contains it. */
  function authorize(req: FastifyRequest, rec: CertRecord, op: 'read' | 'renew' = 'read'): void {
    const user = USERS[users.get(req) ?? 'admin'];
    if (user.collections === 'all') return;
    const held: readonly number[] = user.collections;
    const raw = (req.query as Record<string, string | undefined>).collectionId;
    const denied = new ApiError(
      cfg.scopeRefusalStatus,
      '0xA0110021',
      `User ${user.username} does not have the required permission to access certificate ${rec.id}${raw === undefined ? '; no collectionId was given' : ` through collection ${raw}`}.`,
    );
    if (raw === undefined) {
      const scopeIgnored =
        op === 'renew' ? has('renew-collection-scope-ignored') : has('collection-scope-ignored');
      if (scopeIgnored && rec.collections.some((c) => held.includes(c))) return;
      throw denied;
    }
    const collectionId = intParam(raw, 'collectionId');
    if (
      (op === 'renew' ? has('renew-collection-id-ignored') : has('collection-id-ignored')) ||
      !held.includes(collectionId) ||
      !rec.collections.includes(collectionId)
    )
      throw denied;
  }

  function requireCa(value: unknown): string {
    if (typeof value !== 'string' || value.toLowerCase() !== CA_NAME.toLowerCase()) {
      throw new ApiError(
        400,
        '0xA0110031',
        `The certificate authority '${String(value)}' could not be found.`,
      );
    }
    return CA_NAME;
  }

  function requireTemplate(value: unknown): string {
    const t = TEMPLATES.find((n) => typeof value === 'string' && n.toLowerCase() === value.toLowerCase());
    if (!t) throw new ApiError(400, '0xA0110032', `The template '${String(value)}' could not be found.`);
    return t;
  }

  /** A permission the variant's main account lacks (renew-only: no PFX enrollment, no store schedule). */
  function requirePermission(req: FastifyRequest, what: string): void {
    if (cfg.permissions === 'all') return;
    const user = USERS[users.get(req) ?? 'admin'];
    throw new ApiError(403, '0xA0110022', `User ${user.username} does not have the permission to ${what}.`);
  }

  const present = (v: unknown) => v !== undefined && v !== null && v !== '';
  const newPassword = () => randomBytes(12).toString('base64url');

  // "Returns all endpoints to which the requesting identity has access".
  const PFX_AND_STORES = [
    'POST /Enrollment/PFX',
    'POST /Enrollment/PFX/Deploy',
    'POST /Enrollment/PFX/Replace',
    'POST /CertificateStores/Certificates/Add',
    'POST /CertificateStores/Certificates/Remove',
  ];
  app.get(`${BASE_PATH}/Status/Endpoints`, async () => [
    'GET /Certificates/#',
    'DELETE /Certificates/#',
    'GET /Enrollment/AvailableRenewal/Id/#',
    'GET /Enrollment/AvailableRenewal/Thumbprint/#',
    'POST /Enrollment/Renew',
    ...(cfg.permissions === 'all' ? PFX_AND_STORES : []),
    'GET /Status/Endpoints',
  ]);

  // --- certificates (read side the suite uses to look at what Renew produced) ---
  app.get(`${BASE_PATH}/Certificates/:id`, async (req, reply) => {
    if (has('certificates-not-served'))
      return reply.code(501).send({ Message: 'The method or operation is not implemented.' });
    const rec = certificate(intParam((req.params as Json).id, 'id'));
    authorize(req, rec);
    const withLocations = (req.query as Record<string, string | undefined>).includeLocations === 'true';
    const locations = inv.locations(rec.id);
    return {
      Id: rec.id,
      Thumbprint: rec.thumbprint,
      SerialNumber: rec.serial,
      IssuedDN: rec.cert.subject,
      IssuedCN: /CN=([^,]+)/.exec(rec.cert.subject)?.[1] ?? null,
      IssuerDN: rec.cert.issuer,
      NotBefore: rec.cert.notBefore.toISOString(),
      NotAfter:
        has('issued-certificate-bad-date') && inv.issued.has(rec.id)
          ? rec.cert.notAfter.toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '')
          : rec.cert.notAfter.toISOString(),
      TemplateName: rec.template,
      CertificateAuthorityName: rec.caName,
      CertRequestId: rec.requestId,
      HasPrivateKey: true,
      ContentBytes: rec.der.toString('base64'),
      LocationsCount: [{ Type: 'stores', Count: locations.length }],
      Locations: withLocations
        ? locations.map((entry) => {
            const s = STORES.find((x) => x.id === entry.storeId)!;
            return {
              StoreMachine: s.machine,
              StorePath: s.path,
              StoreType: s.type,
              Alias: entry.alias,
              ChainLevel: 0,
              CertStoreId: s.id,
            };
          })
        : [],
    };
  });

  app.delete(`${BASE_PATH}/Certificates/:id`, async (req, reply) => {
    const rec = certificate(intParam((req.params as Json).id, 'id'));
    authorize(req, rec);
    inv.certs.delete(rec.id);
    return reply.code(204).send();
  });

  // --- available renewal ---
  const availableRenewal = (rec: CertRecord, type: number) => ({
    AvailableRenewalType: has('available-renewal-type-string') ? String(type) : type,
    ...(cfg.renewalMessage ? { Message: RENEWAL_MESSAGES[type] } : {}),
  });
  app.get(`${BASE_PATH}/Enrollment/AvailableRenewal/Id/:id`, async (req) => {
    const rec = certificate(intParam((req.params as Json).id, 'id'));
    authorize(req, rec);
    return availableRenewal(rec, rec.renewalType);
  });
  app.get(`${BASE_PATH}/Enrollment/AvailableRenewal/Thumbprint/:thumbprint`, async (req) => {
    const rec = inv.byThumbprint(String((req.params as Json).thumbprint));
    if (!rec)
      throw new ApiError(
        cfg.unknownCertificateStatus,
        '0xA0110016',
        'No certificate with that thumbprint could be found.',
      );
    authorize(req, rec);
    return availableRenewal(rec, has('available-renewal-thumbprint-none') ? 0 : rec.renewalType);
  });

  // --- renew ---
  app.post(`${BASE_PATH}/Enrollment/Renew`, async (req, reply) => {
    if (has('renew-not-served'))
      return reply
        .code(405)
        .header('allow', 'GET')
        .send({ Message: "The requested resource does not support http method 'POST'." });
    const b = body(req);
    const byId = present(b.CertificateId);
    const byThumbprint = present(b.Thumbprint);
    const idRule = 'Either the CertificateId or the Thumbprint is required, but not both.';
    if (byId && byThumbprint && !has('renew-accepts-both-ids')) throw new ApiError(400, '0xA0110040', idRule);
    if (!byId && !byThumbprint) {
      if (!has('renew-accepts-no-id')) throw new ApiError(400, '0xA0110040', idRule);
      return reply.code(200).send({
        [cfg.idField]: 0,
        [cfg.requestIdField]: 0,
        Thumbprint: null,
        SerialNumber: null,
        IssuerDN: null,
        RequestDisposition: 'Unknown',
        DispositionMessage: '',
        Password: null,
      });
    }
    if (!present(b.Timestamp)) {
      if (!has('renew-timestamp-optional')) throw new ApiError(400, '0xA0110041', 'Timestamp is required.');
    } else {
      const form = has('renew-requires-milliseconds') ? ISO_TIMESTAMP_WITH_MS : ISO_TIMESTAMP;
      if (typeof b.Timestamp !== 'string' || !form.test(b.Timestamp)) {
        throw new ApiError(
          400,
          '0xA0110042',
          `The Timestamp '${String(b.Timestamp)}' is not a valid ISO 8601 UTC date and time.`,
        );
      }
    }
    if (!byId && has('renew-by-thumbprint-unsupported'))
      throw new ApiError(400, '0xA0110043', 'CertificateId is required.');
    let old: CertRecord;
    if (byId) {
      const id = intParam(b.CertificateId, 'CertificateId');
      if (!inv.certs.has(id) && has('renew-unknown-id-500'))
        throw new Error('Object reference not set to an instance of an object.');
      old = certificate(id);
    } else {
      const found = inv.byThumbprint(String(b.Thumbprint));
      if (!found)
        throw new ApiError(
          cfg.unknownCertificateStatus,
          '0xA0110016',
          `No certificate with thumbprint ${String(b.Thumbprint)} could be found.`,
        );
      old = found;
    }
    authorize(req, old, 'renew');
    if (old.renewalType === 0 && !has('renew-ignores-type-none')) {
      throw new ApiError(400, '0xA0110044', `Renewal is not available for certificate ${old.id}.`);
    }
    const oneClick = old.renewalType === 2 && !has('renew-one-click-requires-ca');
    let caName: string;
    if (present(b.CertificateAuthority)) caName = requireCa(b.CertificateAuthority);
    else if (oneClick || (old.renewalType !== 2 && has('renew-defaults-ca'))) caName = old.caName;
    else
      throw new ApiError(
        400,
        '0xA0110045',
        'CertificateAuthority is required: one-click renewal is not available for this certificate.',
      );
    let template: string;
    if (present(b.Template)) template = requireTemplate(b.Template);
    else if (oneClick || (old.renewalType !== 2 && has('renew-defaults-template'))) template = old.template;
    else
      throw new ApiError(
        400,
        '0xA0110046',
        'Template is required: one-click renewal is not available for this certificate.',
      );

    const rec = await inv.issue({
      subject: has('renew-changes-subject') ? `${old.cert.subject}, OU=Renewed` : old.cert.subject,
      template,
      caName,
      renewalType: old.renewalType,
      collections: [...old.collections],
      ...(has('renew-reuses-serial') ? { serial: old.cert.serialNumber } : {}),
      wrongSigner: has('renew-wrong-ca'),
    });
    if (has('renew-auto-deploys'))
      for (const e of inv.locations(old.id))
        inv.entries.push({ storeId: e.storeId, alias: rec.thumbprint, certificateId: rec.id });
    const response: Json = {
      [cfg.idField]:
        has('renew-keyfactor-id-string') || (!byId && has('renew-by-thumbprint-id-string'))
          ? String(rec.id)
          : rec.id,
      [cfg.requestIdField]: rec.requestId,
      Thumbprint: has('renew-thumbprint-of-old') ? old.thumbprint : rec.thumbprint,
      SerialNumber: has('renew-serial-mismatch') ? old.serial : rec.serial,
      IssuerDN: has('renew-issuer-dn-subject')
        ? rec.cert.subject
        : cfg.renewIssuerDn === 'null'
          ? null
          : rec.cert.issuer,
      RequestDisposition: 'Issued',
      DispositionMessage: 'The private key was successfully retained.',
      Password: newPassword(),
    };
    if (has('renew-omits-disposition')) {
      delete response.RequestDisposition;
      delete response.DispositionMessage;
    }
    if (has('renew-omits-password')) delete response.Password;
    return reply.code(has('renew-status-201') ? 201 : 200).send(response);
  });

  // --- PFX enrollment (seeded renewal when RenewalCertificateId is set) ---
  app.post(`${BASE_PATH}/Enrollment/PFX`, async (req, reply) => {
    if (has('pfx-not-routed')) return noRoute(req, reply);
    requirePermission(req, 'enroll for PFX certificates');
    const format = req.headers['x-certificateformat'];
    if (!format && !has('certificate-format-optional')) {
      throw new ApiError(
        400,
        '0xA0110007',
        "You must supply a certificate format in the 'X-CertificateFormat' header of the request.",
      );
    }
    if (format && !['pfx', 'zip', 'store'].includes(String(format).toLowerCase())) {
      throw new ApiError(400, '0xA0110008', `The certificate format '${String(format)}' is not supported.`);
    }
    const b = body(req);
    if (typeof b.Timestamp !== 'string' || !ISO_TIMESTAMP.test(b.Timestamp))
      throw new ApiError(400, '0xA0110041', 'Timestamp is required.');
    const caName = requireCa(b.CertificateAuthority);
    const template = requireTemplate(b.Template);
    let seed: CertRecord | undefined;
    if (b.RenewalCertificateId !== undefined && b.RenewalCertificateId !== null) {
      const id = intParam(b.RenewalCertificateId, 'RenewalCertificateId');
      if (id === 0)
        throw new ApiError(
          400,
          '0xA0110047',
          'RenewalCertificateId must be null when the certificate is not being renewed.',
        );
      seed = certificate(id);
      authorize(req, seed);
      if (seed.renewalType === 0 || (seed.renewalType === 2 && has('one-click-refuses-seeded'))) {
        throw new ApiError(
          400,
          '0xA0110048',
          `Seeded PFX renewal is not available for certificate ${seed.id}.`,
        );
      }
    }
    const subject = typeof b.Subject === 'string' && b.Subject ? b.Subject : seed?.cert.subject;
    if (!subject) throw new ApiError(400, '0xA0110049', 'Subject is required.');
    const requested = typeof b.Password === 'string' && b.Password ? b.Password : undefined;
    const password = cfg.pfxPassword === 'generated' || !requested ? newPassword() : requested;
    const rec = await inv.issue({
      subject,
      template,
      caName,
      renewalType: 1,
      collections: seed ? [...seed.collections] : [],
    });
    // Fault: the archive carries the certificate being renewed (with its own key) instead of the new one.
    const packed = has('pfx-holds-old-certificate') && seed ? seed : rec;
    const keyPem = has('pfx-wrong-key') ? await inv.otherKeyPem() : packed.keyPem;
    const chain =
      b.IncludeChain === false || cfg.pfxChain === 'leaf-only'
        ? [packed.der]
        : [packed.der, Buffer.from(inv.ca.cert.rawData)];
    const pfx = buildPfx(keyPem, chain, password, cfg.pfxProtection);
    return {
      CertificateInformation: {
        SerialNumber: rec.serial,
        IssuerDN: rec.cert.issuer,
        Thumbprint: rec.thumbprint,
        KeyfactorId: rec.id,
        Pkcs12Blob: pfx.toString('base64'),
        Password: has('pfx-password-mismatch') ? `${password}-other` : password,
        KeyfactorRequestId: rec.requestId,
        RequestDisposition: 'Issued',
        DispositionMessage: 'The private key was successfully retained.',
        EnrollmentContext: null,
      },
      Metadata: {},
    };
  });

  /** FailedStores of a Replace/Deploy answer; a variant leaves an empty one out. */
  const failedStores = (failed: string[]) =>
    failed.length === 0 && cfg.emptyFailedStores === 'omitted' ? {} : { FailedStores: failed };

  function enrolled(b: Json): CertRecord {
    if (present(b.CertificateId)) return certificate(intParam(b.CertificateId, 'CertificateId'));
    if (present(b.RequestId)) {
      const id = intParam(b.RequestId, 'RequestId');
      const rec = [...inv.certs.values()].find((c) => c.requestId === id);
      if (rec) return rec;
      throw new ApiError(400, '0xA0110050', `Request ${id} could not be found.`);
    }
    throw new ApiError(
      400,
      '0xA0110051',
      'Either CertificateId or RequestId of the new certificate is required.',
    );
  }

  // --- store deployment ---
  app.post(`${BASE_PATH}/Enrollment/PFX/Replace`, async (req) => {
    requirePermission(req, 'schedule certificate store jobs');
    const b = body(req);
    const existing = certificate(intParam(b.ExistingCertificateId, 'ExistingCertificateId'));
    authorize(req, existing);
    const rec = enrolled(b);
    // The new certificate takes the old one's place (same alias) in every store that holds the old one.
    const targets = inv.locations(existing.id).map((e) => ({ storeId: e.storeId, alias: e.alias }));
    if (has('replace-wrong-stores'))
      for (const s of STORES)
        if (!targets.some((x) => x.storeId === s.id)) targets.push({ storeId: s.id, alias: rec.thumbprint });
    const stores = [...new Set(targets.map((x) => x.storeId))];
    for (const x of targets) inv.schedule({ kind: 'add', ...x, certificateId: rec.id });
    if (has('replace-failed-stores-not-array')) return { SuccessfulStores: stores, FailedStores: 0 };
    return { SuccessfulStores: stores, ...failedStores([]) };
  });

  app.post(`${BASE_PATH}/Enrollment/PFX/Deploy`, async (req) => {
    requirePermission(req, 'schedule certificate store jobs');
    const b = body(req);
    if (!present(b.Password) && !has('deploy-password-optional'))
      throw new ApiError(400, '0xA0110052', 'Password is required.');
    const rec = enrolled(b);
    const requests = [
      ...(Array.isArray(b.Stores)
        ? b.Stores.map((s) => ({
            storeId: String((s as Json | null)?.StoreId ?? ''),
            alias: String((s as Json | null)?.Alias || rec.thumbprint),
          }))
        : []),
      ...(Array.isArray(b.StoreIds)
        ? b.StoreIds.map((id) => ({ storeId: String(id), alias: rec.thumbprint }))
        : []),
    ];
    const wanted = requests.map((r) => r.storeId);
    if (wanted.length === 0)
      throw new ApiError(400, '0xA0110053', 'At least one certificate store is required.');
    const known = wanted.filter((id) => STORES.some((s) => s.id.toLowerCase() === id.toLowerCase()));
    for (const r of requests)
      if (known.includes(r.storeId)) inv.schedule({ kind: 'add', ...r, certificateId: rec.id });
    return {
      SuccessfulStores: has('deploy-ignores-store') ? [] : known,
      ...failedStores(wanted.filter((id) => !known.includes(id))),
    };
  });

  // --- store inventory management (what the suite uses to undo Replace and Deploy) ---
  const storeId = (v: unknown): string => {
    const s = STORES.find((x) => typeof v === 'string' && x.id.toLowerCase() === v.toLowerCase());
    if (!s) throw new ApiError(400, '0xA0110060', `Certificate store '${String(v)}' could not be found.`);
    return s.id;
  };
  const storeEntries = (b: Json): Json[] => {
    if (!Array.isArray(b.CertificateStores) || b.CertificateStores.length === 0)
      throw new ApiError(400, '0xA0110061', 'CertificateStores is required.');
    if (!b.Schedule || typeof b.Schedule !== 'object')
      throw new ApiError(400, '0xA0110062', 'Schedule is required.');
    return b.CertificateStores.map((e) => (e && typeof e === 'object' ? (e as Json) : {}));
  };
  app.post(`${BASE_PATH}/CertificateStores/Certificates/Add`, async (req) => {
    requirePermission(req, 'schedule certificate store jobs');
    const b = body(req);
    const rec = certificate(intParam(b.CertificateId, 'CertificateId'));
    const entries = storeEntries(b);
    const jobs = entries.map((e) => ({
      storeId: storeId(e.CertificateStoreId),
      alias: typeof e.Alias === 'string' && e.Alias ? e.Alias : rec.thumbprint,
    }));
    for (const j of jobs) inv.schedule({ kind: 'add', ...j, certificateId: rec.id });
    return jobs.map(() => randomUUID());
  });
  app.post(`${BASE_PATH}/CertificateStores/Certificates/Remove`, async (req) => {
    requirePermission(req, 'schedule certificate store jobs');
    const b = body(req);
    const jobs = storeEntries(b).map((e) => {
      if (typeof e.Alias !== 'string' || !e.Alias)
        throw new ApiError(400, '0xA0110063', 'Alias is required to remove a certificate from a store.');
      return { storeId: storeId(e.CertificateStoreId), alias: e.Alias };
    });
    for (const j of jobs) inv.schedule({ kind: 'remove', ...j });
    return jobs.map(() => randomUUID());
  });

  return { app, inventory: inv };
}
