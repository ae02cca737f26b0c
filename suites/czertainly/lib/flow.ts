import { seededUuid } from '../../../src/core/random.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../../src/core/api.ts';
import {
  NOT_SERVED_STATUSES,
  broken,
  check,
  confirmServerError,
  describeAnswer,
  expectHelperStatus,
  helperGet,
  helperJson,
  requireServed,
  show,
  violation,
} from '../../../src/core/check.ts';
import { Inconclusive, NotServed } from '../../../src/core/errors.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import type { x509 } from '../../../src/pki/x509.ts';
import type { Ctx } from '../context.ts';
import { dataResponse } from './expect.ts';
import { makeCsr, newCsr, newKey, parseCertificate, spkiOf, uniqueSubject, type SuiteCsr } from './pki.ts';

type T = RuleRun<Ctx>;

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
 * An issue (renew, rekey) answered 200 "Certificate issued" before the CA signed leaves the certificate `requested`
 * until the queue acts, then pending until it is final. Still `requested` (or in a state that is not documented)
 * after the profile's timeouts.operationMs is a violation: the answer said issued, and nothing happened. Still in a
 * documented pending state is the platform saying it is working (an approver may have to act): Inconclusive.
 */
const ISSUE_PENDING = new Set(['pending_approval', 'pending_issue']);

/**
 * A revocation answered 204 "Certificate revoked" may still be queued: the implementation leaves the certificate
 * `issued` (it sets no pending state) until the CA acts. Still `issued` after timeouts.operationMs is a violation (the
 * answer said revoked); still `pending_revoke` or `pending_approval` is Inconclusive, as for an issue.
 */
const REVOKE_IN_PROGRESS = new Set(['issued', 'pending_revoke', 'pending_approval']);
const REVOKE_PENDING = new Set(['pending_revoke', 'pending_approval']);

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

// ----- operations that are not served -----

/**
 * The documented operations the rules send, and the rule that owns the finding "this operation is not served"
 * (the rule citing the operation's documented answer). Every other rule that meets the operation not served is
 * `error` "not evaluated: <operation> not served (<status>)".
 */
export const OPERATIONS = {
  issueCertificate: 'CZ-ISS-001',
  issueRequestedCertificate: 'CZ-ISS-014',
  renewCertificate: 'CZ-REN-001',
  rekeyCertificate: 'CZ-RKY-001',
  revokeCertificate: 'CZ-REV-001',
  listIssueCertificateAttributes: 'CZ-ATT-001',
} as const;

export type Operation = keyof typeof OPERATIONS;

/** The owner's own request to `op`, made once per target: NotServed (the owner's finding) when it is not served. */
const PROBES: Record<Operation, (t: T) => Promise<unknown>> = {
  issueCertificate: (t) => issueAnswer(t),
  issueRequestedCertificate: (t) => issueRequestedAnswer(t),
  renewCertificate: (t) => renewAnswer(t),
  rekeyCertificate: (t) => rekeyAnswer(t),
  revokeCertificate: (t) => revokeRequested(t),
  listIssueCertificateAttributes: (t) => issueAttributesAnswer(t),
};

/**
 * The answer `res` of a request to the documented operation `op`. An answer 404, 405 or 501 may mean the
 * operation is not served at all, or be the rule's own subject (an unknown certificate, a disabled RA profile):
 * whether the owner's request to `op` was served decides. Not served: NotServed (the owner's finding; every other
 * rule `error` with that cause). Served: `res` is returned for the rule to judge. `statuses` narrows the statuses
 * that may mean "not served" (a wrong method answered 405 proves the path is routed).
 */
export async function served(
  t: T,
  op: Operation,
  res: HttpResponse,
  statuses: readonly number[] = NOT_SERVED_STATUSES,
): Promise<HttpResponse> {
  if (!statuses.includes(res.status)) return res;
  // Only the attribute list is asked without changing anything; a read-only rule must not issue to find out.
  if (op !== 'listIssueCertificateAttributes' && !t.target.allowDestructive)
    throw new Inconclusive(
      `${describeAnswer(res)}; whether ${op} is served at all is learnt only by sending it, which the profile does not allow (allowDestructive)`,
    );
  await PROBES[op](t);
  return res;
}

/**
 * The answer to a request the target should refuse, for the rules whose requirement is that refusal's status
 * (`judgesServerErrors`): a 500 is sent once more before it is judged (a refused request changes nothing), and a
 * 404/405/501 is judged only once `op` is known to be served at all.
 */
export async function refused(
  t: T,
  op: Operation,
  send: () => Promise<HttpResponse>,
  statuses?: readonly number[],
): Promise<HttpResponse> {
  return served(t, op, await confirmServerError(send), statuses);
}

/** The owner's request was answered 404/405/501: the operation is not served (the owner's finding). */
function requireOperation(res: HttpResponse, op: Operation): HttpResponse {
  return requireServed(res, op, OPERATIONS[op]);
}

// ----- the certificate inventory -----

const inventoryProbes = new WeakMap<Ctx, Promise<string | undefined>>();

/**
 * Whether the certificate inventory is served at all (getCertificateSearchableFields, a GET that changes
 * nothing): undefined when it is, else its answer. Asked once per target, only when a detail read got 404/405/501.
 */
function inventoryNotServed(ctx: Ctx): Promise<string | undefined> {
  let probe = inventoryProbes.get(ctx);
  if (!probe) {
    probe = helperGet(ctx.http, `${ctx.api}/v1/certificates/search`).then((res) =>
      NOT_SERVED_STATUSES.includes(res.status) ? describeAnswer(res) : undefined,
    );
    inventoryProbes.set(ctx, probe);
    // A probe lost in transport says nothing: the next read asks again.
    probe.catch(() => inventoryProbes.delete(ctx));
  }
  return probe;
}

/**
 * The inventory detail of a certificate the suite knows exists (a helper read): anything but 200 with a JSON
 * body that has a state is a broken answer (`error`), never the device's answer to a rule. An inventory that is
 * not served at all is one cause for every rule (no rule owns it: the client operations do not require it).
 * Every detail read is kept for the CZ-DTO rules.
 */
export async function getDetail(ctx: Ctx, uuid: string): Promise<CertificateDetail> {
  const purpose = `read certificate ${uuid}`;
  const res = await helperGet(ctx.http, certificateUrl(ctx, uuid));
  if (NOT_SERVED_STATUSES.includes(res.status) && (await inventoryNotServed(ctx)))
    throw new NotServed(`getCertificate not served (${res.status})`, undefined, describeAnswer(res));
  expectHelperStatus(res, [200], purpose);
  const body = helperJson<CertificateDetail>(res, purpose);
  if (typeof body !== 'object' || body === null || typeof body.state !== 'string')
    broken(`${purpose}: no state in ${show(body)}`);
  ctx.seen.add('CertificateDetailDto', res, body);
  return body;
}

/**
 * Polls the certificate until `done(state)`. After the profile's timeouts.operationMs a certificate in a `pending`
 * state is Inconclusive (the platform says it is still working); in any other state the operation did not do what
 * its answer said (a violation, with the states seen).
 */
export async function waitFor(
  ctx: Ctx,
  uuid: string,
  done: (state: string) => boolean,
  what: string,
  pending: ReadonlySet<string>,
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
      if (pending.has(detail.state)) {
        throw new Inconclusive(
          `${what}: certificate ${uuid} is still "${detail.state}" after ${ctx.operationMs} ms (${seen}); raise timeouts.operationMs if the platform is slow or waits for an approver`,
        );
      }
      violation(
        `${what}: certificate ${uuid} is still "${detail.state}" after ${ctx.operationMs} ms (timeouts.operationMs; ${seen})`,
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
  const { detail, states } = await waitFor(ctx, uuid, (s) => ISSUE_FINAL.has(s), what, ISSUE_PENDING);
  check(
    detail.state === 'issued',
    `${what}: certificate ${uuid} ended in state "${detail.state}", expected "issued" (states: ${states.join(' → ')})`,
  );
  const cert = parseCertificate(detail.certificateContent, `${what}: certificateContent of ${uuid}`);
  return { detail, states, cert };
}

/** Waits until a revoked certificate leaves the in-progress states and requires it to be `revoked`. */
export async function waitRevoked(
  ctx: Ctx,
  uuid: string,
  what: string,
): Promise<{ detail: CertificateDetail; states: string[] }> {
  const done = await waitFor(ctx, uuid, (s) => !REVOKE_IN_PROGRESS.has(s), what, REVOKE_PENDING);
  check(
    done.detail.state === 'revoked',
    `${what}: certificate ${uuid} ended in state "${done.detail.state}", expected "revoked" (states: ${done.states.join(' → ')})`,
  );
  return done;
}

// ----- requests -----

function attributes(value: unknown[] | undefined): unknown[] {
  return value ?? [];
}

export function issueBody(ctx: Ctx, extra: Record<string, unknown>): Record<string, unknown> {
  return { attributes: attributes(ctx.params.issueAttributes), ...extra };
}

/** The answer of issue, issueRequested, renew or rekey, checked leniently and kept for CZ-DTO-001. */
export function operationAnswer(ctx: Ctx, res: HttpResponse, what: string): { uuid: string } {
  const answer = dataResponse(res, what);
  ctx.seen.add('ClientCertificateDataResponseDto', res, res.json());
  return answer;
}

function postIssue(ctx: Ctx, body: Record<string, unknown>): Promise<HttpResponse> {
  return ctx.http.post(v2(ctx, '/certificates'), { json: issueBody(ctx, body) });
}

/** Issues from a CSR the suite generated and waits until the certificate is issued. */
export async function issueFromCsr(t: T, label: string, csr?: SuiteCsr): Promise<Issued> {
  const { ctx } = t;
  const request = csr ?? (await newCsr(ctx, label));
  const response = await served(
    t,
    'issueCertificate',
    await postIssue(ctx, { request: request.base64, format: 'pkcs10' }),
  );
  const { uuid } = operationAnswer(ctx, response, `issue from a CSR (${label})`);
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
  const response = await served(
    t,
    'issueCertificate',
    await postIssue(ctx, {
      tokenProfileUuid: ctx.params.tokenProfileUuid,
      keyUuid,
      csrAttributes: csrAttributes(ctx, subject),
      signatureAttributes: attributes(ctx.params.signatureAttributes),
      ...(alt ?? {}),
    }),
  );
  const { uuid } = operationAnswer(ctx, response, `issue from platform key ${keyUuid} (${label})`);
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
  const { uuid } = operationAnswer(ctx, response, what);
  const done = await waitIssued(ctx, uuid, what);
  return { uuid, ...done, spki: spkiOf(done.cert), response };
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

/**
 * A certificate in state requested, submitted through the inventory (submitCertificateRequest): a setup of the
 * rules that start from one, not their subject.
 */
export function submitRequested(t: T, label: string): Promise<{ uuid: string; csr: SuiteCsr }> {
  return t.setup(`submit a certificate request (${label})`, async () => {
    const { ctx } = t;
    const csr = await newCsr(ctx, label);
    const res = await ctx.http.post(`${ctx.api}/v1/certificates/create`, {
      json: {
        raProfileUuid: ctx.params.raProfileUuid,
        request: csr.base64,
        format: 'pkcs10',
        issueAttributes: ctx.params.issueAttributes ?? [],
      },
    });
    // Not in the client operations: no rule owns it, every rule that needs it is not evaluated.
    if (NOT_SERVED_STATUSES.includes(res.status))
      throw new NotServed(
        `submitCertificateRequest not served (${res.status})`,
        undefined,
        describeAnswer(res),
      );
    expectHelperStatus(res, [200], 'submitCertificateRequest');
    const detail = helperJson<{ uuid?: unknown; state?: unknown }>(res, 'submitCertificateRequest');
    if (typeof detail?.uuid !== 'string') broken(`submitCertificateRequest: no uuid in ${show(detail)}`);
    ctx.seen.add('CertificateDetailDto', res, detail);
    if (detail.state !== 'requested')
      broken(`submitCertificateRequest: certificate ${detail.uuid} is ${show(detail.state)}, not requested`);
    return { uuid: detail.uuid, csr };
  });
}

// ----- shared operations: one request per target, owned by the rule citing the operation's answer -----

/** The answer to issuing from a CSR (CZ-ISS-001 judges it; every issuing rule learns from it that issue is served). */
export function issueAnswer(t: T): Promise<{ csr: SuiteCsr; response: HttpResponse }> {
  return t.shared(
    'cz:issue:answer',
    async () => {
      const csr = await newCsr(t.ctx, 'issue');
      const response = await postIssue(t.ctx, { request: csr.base64, format: 'pkcs10' });
      return { csr, response: requireOperation(response, 'issueCertificate') };
    },
    { owner: OPERATIONS.issueCertificate },
  );
}

/** The certificate of that issue once it is issued, shared by the read-only issue checks. */
export function issuedFromCsr(t: T): Promise<Issued> {
  return t.shared(
    'cz:issue:csr',
    async () => {
      const { csr, response } = await issueAnswer(t);
      const { uuid } = operationAnswer(t.ctx, response, 'issue from a CSR (issue)');
      const done = await waitIssued(t.ctx, uuid, 'issue from a CSR (issue)');
      return { uuid, ...done, spki: spkiOf(done.cert), csr, response };
    },
    { owner: OPERATIONS.issueCertificate },
  );
}

/** issueRequestedCertificate of a submitted request (CZ-ISS-014 judges it). */
export function issueRequestedAnswer(t: T): Promise<{ uuid: string; csr: SuiteCsr; response: HttpResponse }> {
  return t.shared(
    'cz:issue-requested:answer',
    async () => {
      const { uuid, csr } = await submitRequested(t, 'requested');
      const response = await t.ctx.http.post(v2(t.ctx, `/certificates/${uuid}/issue`));
      return { uuid, csr, response: requireOperation(response, 'issueRequestedCertificate') };
    },
    { owner: OPERATIONS.issueRequestedCertificate },
  );
}

/** A certificate and the answer to renewing it without a CSR (CZ-REN-001 judges it). */
export function renewAnswer(t: T): Promise<{ old: Issued; response: HttpResponse }> {
  return t.shared(
    'cz:renew:answer',
    async () => {
      const old = await scratchCertificate(t, 'renew');
      const response = await renew(t.ctx, old.uuid, { replaceInLocations: false });
      return { old, response: requireOperation(response, 'renewCertificate') };
    },
    { owner: OPERATIONS.renewCertificate },
  );
}

/** A certificate and the answer to rekeying it with a CSR of a new key and the same subject (CZ-RKY-001). */
export function rekeyAnswer(t: T): Promise<{ old: Issued; csr: SuiteCsr; response: HttpResponse }> {
  return t.shared(
    'cz:rekey:answer',
    async () => {
      const old = await scratchCertificate(t, 'rekey');
      const csr = await makeCsr(await newKey(t.ctx), old.csr!.subject);
      const response = await rekey(t.ctx, old.uuid, { request: csr.base64, format: 'pkcs10' });
      return { old, csr, response: requireOperation(response, 'rekeyCertificate') };
    },
    { owner: OPERATIONS.rekeyCertificate },
  );
}

/** A certificate issued from a CSR and revoked (the answer to the revoke is kept; CZ-REV-001 judges it). */
export function revokeRequested(t: T): Promise<Issued & { revokeResponse: HttpResponse }> {
  return t.shared(
    'cz:revoke',
    async () => {
      const issued = await scratchCertificate(t, 'revoked');
      const revokeResponse = requireOperation(
        await revoke(t.ctx, issued.uuid, { reason: 'unspecified' }),
        'revokeCertificate',
      );
      checkAccepted(revokeResponse, `revoke of ${issued.uuid}`);
      return { ...issued, revokeResponse };
    },
    { owner: OPERATIONS.revokeCertificate },
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

/** The issue attributes of the RA profile (CZ-ATT-001 judges the answer; a GET, asked again after a failure). */
export function issueAttributesAnswer(t: T): Promise<HttpResponse> {
  return t.shared(
    'cz:attributes:issue',
    async () =>
      requireOperation(
        await t.ctx.http.get(v2(t.ctx, '/attributes/issue')),
        'listIssueCertificateAttributes',
      ),
    { owner: OPERATIONS.listIssueCertificateAttributes, retryAfterFailure: true },
  );
}
