import { seededUuid } from '../../../src/core/random.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../../src/core/api.ts';
import { broken, check, readJson, show, violation } from '../../../src/core/check.ts';
import { Inconclusive } from '../../../src/core/errors.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import type { x509 } from '../../../src/pki/x509.ts';
import type { Ctx } from '../context.ts';
import { dataResponse } from './expect.ts';
import { newCsr, parseCertificate, spkiOf, uniqueSubject, type SuiteCsr } from './pki.ts';

type T = RuleRun<Ctx>;

/** CertificateState of the core certificate API. */
export const CERTIFICATE_STATES = [
  'requested',
  'rejected',
  'pending_approval',
  'pending_issue',
  'pending_revoke',
  'failed',
  'issued',
  'revoked',
] as const;

export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

/**
 * States in which a new certificate may still be waiting for its issue action: `requested` (queued, the
 * platform's 200 arrives before the CA signs) and the pending states. Still there after the operation timeout is
 * no proof of a violation: the platform may just be slow (Inconclusive).
 */
const ISSUE_WAITING = new Set(['requested', 'pending_approval', 'pending_issue']);

/**
 * States in which a revocation may still be in progress. `issued` is one: a queued revocation leaves the
 * certificate issued until the CA acts (the implementation sets no pending_revoke), so still issued after the
 * timeout is Inconclusive, like a slow issue.
 */
const REVOKE_WAITING = new Set(['issued', 'pending_revoke', 'pending_approval']);

/** States after which an issue (or renew, rekey) makes no further progress on its own. */
const ISSUE_FINAL = new Set(['issued', 'failed', 'rejected', 'revoked']);

export interface CertificateDetail {
  uuid: string;
  state: string;
  serialNumber?: string;
  subjectDn?: string;
  issuerDn?: string;
  certificateContent?: string;
  hybridCertificate?: boolean;
  key?: { uuid?: string; items?: Array<{ state?: string }> };
  altKey?: { uuid?: string };
  [k: string]: unknown;
}

export interface Issued {
  uuid: string;
  detail: CertificateDetail;
  cert: x509.X509Certificate;
  spki: Buffer;
  /** Present when the suite uploaded the CSR (it holds the private key). */
  csr?: SuiteCsr;
  /** The states seen while waiting, in order. */
  states: string[];
  /** The operation's answer. */
  response: HttpResponse;
}

export interface Scope {
  authorityUuid?: string;
  raProfileUuid?: string;
}

export function v2(ctx: Ctx, suffix: string, scope: Scope = {}): string {
  const a = scope.authorityUuid ?? ctx.params.authorityUuid;
  const r = scope.raProfileUuid ?? ctx.params.raProfileUuid;
  return `${ctx.api}/v2/operations/authorities/${encodeURIComponent(a)}/raProfiles/${encodeURIComponent(r)}${suffix}`;
}

export function v1(ctx: Ctx, raProfileName: string, suffix: string): string {
  return `${ctx.api}/v1/operations/${encodeURIComponent(raProfileName)}${suffix}`;
}

export function certificateUrl(ctx: Ctx, uuid: string, suffix = ''): string {
  return `${ctx.api}/v1/certificates/${encodeURIComponent(uuid)}${suffix}`;
}

export function randomUuid(): string {
  return seededUuid();
}

/**
 * The inventory detail of a certificate the suite knows exists (a helper read): anything but 200 with a JSON
 * body that has a state is a broken answer (`error`), never the device's answer to a rule.
 */
export async function getDetail(ctx: Ctx, uuid: string): Promise<CertificateDetail> {
  const purpose = `read certificate ${uuid}`;
  const body = await readJson<CertificateDetail>(ctx.http, certificateUrl(ctx, uuid), purpose);
  if (typeof body !== 'object' || body === null || typeof body.state !== 'string')
    broken(`${purpose}: no state in ${show(body)}`);
  return body;
}

/**
 * Polls the certificate until `done(state)`. After the profile's timeouts.operationMs a certificate still in a
 * `waiting` state is Inconclusive (the platform may be slow); in any other state the operation did not do
 * what its answer said (a violation, with the states seen).
 */
export async function waitFor(
  ctx: Ctx,
  uuid: string,
  done: (state: string) => boolean,
  what: string,
  waiting: ReadonlySet<string>,
): Promise<{ detail: CertificateDetail; states: string[] }> {
  const deadline = Date.now() + ctx.operationMs;
  const states: string[] = [];
  let interval = 20;
  for (;;) {
    const detail = await getDetail(ctx, uuid);
    if (states.at(-1) !== detail.state) states.push(detail.state);
    if (done(detail.state)) return { detail, states };
    if (Date.now() >= deadline) {
      const seen = `states seen: ${states.join(' → ')}`;
      if (waiting.has(detail.state)) {
        throw new Inconclusive(
          `${what}: certificate ${uuid} is still "${detail.state}" after ${ctx.operationMs} ms (${seen}); raise timeouts.operationMs if the platform is slow`,
        );
      }
      violation(
        `${what}: certificate ${uuid} is still "${detail.state}" after ${ctx.operationMs} ms (${seen})`,
      );
    }
    await sleep(Math.min(interval, Math.max(1, deadline - Date.now())));
    interval = Math.min(interval * 1.5, 1000);
  }
}

/** Waits until a new certificate is final and requires it to be `issued` with parseable content. */
export async function waitIssued(
  ctx: Ctx,
  uuid: string,
  what: string,
): Promise<{ detail: CertificateDetail; states: string[]; cert: x509.X509Certificate }> {
  const { detail, states } = await waitFor(ctx, uuid, (s) => ISSUE_FINAL.has(s), what, ISSUE_WAITING);
  check(
    detail.state === 'issued',
    `${what}: certificate ${uuid} ended in state "${detail.state}", expected "issued" (states: ${states.join(' → ')})`,
  );
  const cert = parseCertificate(detail.certificateContent, `${what}: certificateContent of ${uuid}`);
  return { detail, states, cert };
}

function attributes(value: unknown[] | undefined): unknown[] {
  return value ?? [];
}

export function issueBody(ctx: Ctx, extra: Record<string, unknown>): Record<string, unknown> {
  return { attributes: attributes(ctx.params.issueAttributes), ...extra };
}

/** Issues from a CSR the suite generated and waits until the certificate is issued. */
export async function issueFromCsr(t: T, label: string, csr?: SuiteCsr): Promise<Issued> {
  const { ctx } = t;
  const request = csr ?? (await newCsr(ctx, label));
  const response = await ctx.http.post(v2(ctx, '/certificates'), {
    json: issueBody(ctx, { request: request.base64, format: 'pkcs10' }),
  });
  const { uuid } = dataResponse(response, `issue from a CSR (${label})`);
  const done = await waitIssued(ctx, uuid, `issue from a CSR (${label})`);
  return { uuid, ...done, spki: spkiOf(done.cert), csr: request, response };
}

/** CSR attributes for key-based issue: the profile's, with {{commonName}} filled in, or a bare commonName. */
export function csrAttributes(ctx: Ctx, subject: string): unknown[] {
  const cn = /CN=([^,]+)/.exec(subject)?.[1] ?? subject;
  if (ctx.params.csrAttributes)
    return JSON.parse(JSON.stringify(ctx.params.csrAttributes).replaceAll('{{commonName}}', cn)) as unknown[];
  return [
    { uuid: randomUuid(), name: 'commonName', contentType: 'string', content: [{ data: cn }], version: 'v2' },
  ];
}

/** Issues from a platform key (tokenProfileUuid + keyUuid + csrAttributes) and waits until it is issued. */
export async function issueFromKey(
  t: T,
  label: string,
  keyUuid: string,
  alt?: { altTokenProfileUuid: string; altKeyUuid: string },
): Promise<Issued & { subject: string }> {
  const { ctx } = t;
  const subject = uniqueSubject(ctx, label);
  const response = await ctx.http.post(v2(ctx, '/certificates'), {
    json: issueBody(ctx, {
      tokenProfileUuid: ctx.params.tokenProfileUuid,
      keyUuid,
      csrAttributes: csrAttributes(ctx, subject),
      signatureAttributes: attributes(ctx.params.signatureAttributes),
      ...(alt ?? {}),
    }),
  });
  const { uuid } = dataResponse(response, `issue from platform key ${keyUuid} (${label})`);
  const done = await waitIssued(ctx, uuid, `issue from platform key (${label})`);
  return { uuid, ...done, spki: spkiOf(done.cert), subject, response };
}

export async function renew(
  ctx: Ctx,
  uuid: string,
  body: Record<string, unknown> | undefined,
): Promise<HttpResponse> {
  return ctx.http.post(v2(ctx, `/certificates/${uuid}/renew`), body === undefined ? {} : { json: body });
}

export async function rekey(ctx: Ctx, uuid: string, body: Record<string, unknown>): Promise<HttpResponse> {
  return ctx.http.post(v2(ctx, `/certificates/${uuid}/rekey`), { json: body });
}

export async function revoke(ctx: Ctx, uuid: string, body: Record<string, unknown>): Promise<HttpResponse> {
  return ctx.http.post(v2(ctx, `/certificates/${uuid}/revoke`), {
    json: { attributes: attributes(ctx.params.revokeAttributes), ...body },
  });
}

/** Follows an operation that answered with a new certificate (renew, rekey) until that certificate is issued. */
export async function followNew(
  ctx: Ctx,
  response: HttpResponse,
  what: string,
): Promise<Omit<Issued, 'csr'>> {
  const { uuid } = dataResponse(response, what);
  const done = await waitIssued(ctx, uuid, what);
  return { uuid, ...done, spki: spkiOf(done.cert), response };
}

/** Waits until a revoked certificate leaves the waiting states and requires it to be `revoked`. */
export async function waitRevoked(
  ctx: Ctx,
  uuid: string,
  what: string,
): Promise<{ detail: CertificateDetail; states: string[] }> {
  const done = await waitFor(ctx, uuid, (s) => !REVOKE_WAITING.has(s), what, REVOKE_WAITING);
  check(
    done.detail.state === 'revoked',
    `${what}: certificate ${uuid} ended in state "${done.detail.state}", expected "revoked" (states: ${done.states.join(' → ')})`,
  );
  return done;
}

/** The operation accepted the request (any 2xx; CZ-REV-001 holds revoke to its documented 204). */
export function checkAccepted(res: HttpResponse, what: string): void {
  check(
    res.status >= 200 && res.status < 300,
    `${what}: expected success, got ${res.status} (${show(res.text)})`,
  );
}

/** A certificate the rule needs but does not judge: its issuance is a precondition of the rule. */
export function scratchCertificate(t: T, label: string, csr?: SuiteCsr): Promise<Issued> {
  return t.setup(`issue a certificate from a CSR (${label})`, () => issueFromCsr(t, label, csr));
}

/** A certificate issued from a CSR and revoked (the answer to the revoke is kept; CZ-REV-001 judges it). */
export function revokeRequested(t: T): Promise<Issued & { revokeResponse: HttpResponse }> {
  return t.shared(
    'cz:revoke',
    async () => {
      const issued = await issueFromCsr(t, 'revoked');
      const revokeResponse = await revoke(t.ctx, issued.uuid, { reason: 'unspecified' });
      checkAccepted(revokeResponse, `revoke of ${issued.uuid}`);
      return { ...issued, revokeResponse };
    },
    { owner: 'CZ-REV-001' },
  );
}

/** The same certificate once it is reported revoked: the state-machine rules start from it. */
export function revokedCertificate(
  t: T,
): Promise<Issued & { revokeResponse: HttpResponse; revokeStates: string[] }> {
  return t.shared(
    'cz:revoked',
    async () => {
      const requested = await revokeRequested(t);
      const { states } = await waitRevoked(t.ctx, requested.uuid, `revoke of ${requested.uuid}`);
      return { ...requested, revokeStates: states };
    },
    { owner: 'CZ-REV-002' },
  );
}
