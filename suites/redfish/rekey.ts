import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../src/core/api.ts';
import { check, helperGet, notApplicable, readJson, show } from '../../src/core/check.ts';
import {
  BrokenAnswer,
  NotApplicable,
  PreconditionFailed,
  TransportError,
  Violation,
} from '../../src/core/errors.ts';
import type { HttpClient, HttpResponse, RequestOptions } from '../../src/http/client.ts';
import { retryAfterMs } from '../../src/http/client.ts';
import { parseCsrDer, type ParsedCsr } from '../../src/pki/csr.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { certificateFromDer } from '../../src/pki/x509.ts';
import {
  CERT_KINDS,
  actionInfoAllows,
  discover,
  KIND_LABEL,
  memberUris,
  rekeyAbsence,
  type CertInfo,
  type Json,
  type RedfishCtx,
} from './context.ts';
import { requireRekeyServed } from './served.ts';
import { publicKeyOfSpki } from '../../src/pki/keys.ts';

export const TERMINAL_TASK_STATES = ['Completed', 'Killed', 'Exception', 'Cancelled'];

export interface TaskSnapshot {
  status: number;
  body: Json;
}

/** What a task monitor answered, polled until it stopped answering 202. */
export interface MonitorTrace {
  monitor: string;
  /** Answers that were not 202 while the Task still ran (DSP0266: 202 as long as the operation is in process). */
  earlyAnswers: string[];
  /** The first answer that was not 202 (and not early); absent when the monitor answered 202 until the deadline. */
  final?: HttpResponse;
  finalBody?: Json;
  /** The final body was declared as another media type than JSON (a finding of the rule that reads it). */
  finalProblem?: string;
}

export interface RekeyOutcome {
  cert: CertInfo;
  request: unknown;
  /** GET of the certificate just before and just after the Rekey. */
  before: Json;
  after: Json;
  initial: HttpResponse;
  initialBody?: Json;
  /** The initial body was declared as another media type than JSON (a finding of the response rules). */
  initialProblem?: string;
  async: boolean;
  location?: string;
  monitor?: string;
  /** Monitor answers that were not 202 while the Task still ran (DSP0266: 202 as long as the operation is in process). */
  earlyAnswers: string[];
  /** The answer that carries the operation's result: the initial one when synchronous, the monitor's last one when not. */
  final?: HttpResponse;
  finalBody?: Json;
  finalProblem?: string;
  csrText?: string;
  /** Tasks this Rekey created (202 body, or new members of the Tasks collection), with every GET of each. */
  tasks: Map<string, TaskSnapshot[]>;
  /** For a Rekey that answered 200 and created Tasks: each Task's TaskMonitor, polled until it finished. */
  taskMonitors: Map<string, MonitorTrace>;
}

export interface RekeyOptions {
  client?: HttpClient;
  headers?: Record<string, string>;
  /** Read the created Tasks until they finish (the Task rules need it; other Rekeys do not wait). */
  followTasks?: boolean;
  /**
   * Send the Rekey once more when its answer was lost, a server error or unparseable (the shared sweep,
   * which many rules need: a Rekey is repeatable, the second answer is the one judged).
   */
  resend?: boolean;
}

type Sent = { res: HttpResponse; first: { body?: Json; problem?: string } };

async function sendOnce(send: () => Promise<HttpResponse>): Promise<Sent> {
  const res = await send();
  return { res, first: subjectJson(res) };
}

async function sendResending(send: () => Promise<HttpResponse>): Promise<Sent> {
  let res: HttpResponse;
  try {
    res = await send();
  } catch (err) {
    if (err instanceof TransportError) return sendOnce(send);
    throw err;
  }
  if (res.status < 500) {
    try {
      return { res, first: subjectJson(res) };
    } catch (err) {
      if (!(err instanceof BrokenAnswer)) throw err;
    }
  }
  res.evidence.superseded = true;
  return sendOnce(send);
}

/**
 * The JSON body of an answer a rule judges: garbage declared as JSON is a broken answer (thrown: nothing
 * can be said), a body declared as another media type is kept as the device's finding; 5xx bodies are not
 * read (the engine reports a 5xx as "not evaluated").
 */
export function subjectJson(res: HttpResponse): { body?: Json; problem?: string } {
  if (res.status >= 500 || !res.text.trim()) return {};
  try {
    return { body: res.json() };
  } catch (err) {
    if (err instanceof Violation) return { problem: err.message };
    throw err;
  }
}

async function taskMembers(t: RuleRun<RedfishCtx>): Promise<Set<string> | undefined> {
  const d = await discover(t);
  if (!d.tasksUri) return undefined;
  return new Set(await memberUris(t.ctx.http, d.tasksUri));
}

async function snapshotTask(
  t: RuleRun<RedfishCtx>,
  outcome: RekeyOutcome,
  uri: string,
): Promise<TaskSnapshot> {
  const res = await helperGet(t.ctx.http, uri);
  // A 2xx carries the Task (RF-TASK-001 judges the status); a 5xx is kept and makes that rule "not evaluated".
  const ok = res.status >= 200 && res.status < 300 && res.text.trim() !== '';
  const snap = { status: res.status, body: ok ? res.json() : undefined };
  const list = outcome.tasks.get(uri) ?? [];
  list.push(snap);
  outcome.tasks.set(uri, list);
  return snap;
}

const running = (snap: TaskSnapshot | undefined) =>
  !!snap?.body && !TERMINAL_TASK_STATES.includes(snap.body.TaskState);

/**
 * Polls a task monitor until it stops answering 202 (Retry-After honoured, capped by the poll interval),
 * reading the Task alongside so an answer that comes while the Task still runs is recorded as early.
 */
async function pollMonitor(
  t: RuleRun<RedfishCtx>,
  client: HttpClient,
  outcome: RekeyOutcome,
  monitor: string,
  taskUri: string | undefined,
  firstWait: number,
  deadline: number,
): Promise<MonitorTrace> {
  const trace: MonitorTrace = { monitor, earlyAnswers: [] };
  const { pollMs } = t.ctx;
  let wait = firstWait;
  while (Date.now() < deadline) {
    await sleep(wait);
    const res = await helperGet(client, monitor, { noRetry: true });
    const snap = taskUri ? await snapshotTask(t, outcome, taskUri) : undefined;
    if (res.status === 202) {
      wait = Math.min(pollMs, retryAfterMs(res.header('retry-after')) ?? pollMs);
      continue;
    }
    const { body, problem } = subjectJson(res);
    if (typeof body?.CSRString !== 'string' && running(snap)) {
      trace.earlyAnswers.push(
        `${res.status} while Task ${String(taskUri)} was ${String(snap?.body?.TaskState)}`,
      );
      continue;
    }
    trace.final = res;
    trace.finalBody = body;
    if (problem) trace.finalProblem = problem;
    break;
  }
  return trace;
}

/**
 * A Location header resolved against the request's URI (RFC 9110 allows a relative reference): an absolute path
 * on the same service, else the absolute URL; unchanged when it is no URI reference at all (RF-ASYNC-001 says so).
 */
export function uriReference(value: string | undefined, requestPath: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    const base = new URL(requestPath, 'https://service.invalid');
    const url = new URL(value, base);
    return url.origin === base.origin ? url.pathname + url.search : url.href;
  } catch {
    return value;
  }
}

/**
 * One Rekey as a client that handles both completion styles: 200 with the RekeyResponse, or 202 with a task
 * monitor polled until it stops answering 202. Records what the Task rules need along the way. Every helper
 * read (the certificate before and after, the Tasks collection) must answer 200, or the Rekey is unusable.
 */
export async function rekeyOnce(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  request: unknown,
  opts: RekeyOptions = {},
): Promise<RekeyOutcome> {
  const { http, target, pollMs } = t.ctx;
  const client = opts.client ?? http;
  // "Before" is read before the call, so a service that finishes at once cannot hide a change.
  const before = await readJson<Json>(http, cert.uri, `read ${cert.uri} before the Rekey`);
  const tasksBefore = opts.followTasks ? await taskMembers(t) : undefined;
  const send = () =>
    client.post(cert.rekeyTarget, { json: request, ...(opts.headers ? { headers: opts.headers } : {}) });
  const { res: initial, first } = opts.resend ? await sendResending(send) : await sendOnce(send);
  // Not served at all (404/405/501) is RF-REQ-019's finding; no rule that needed this Rekey was evaluated.
  requireRekeyServed(initial);
  const outcome: RekeyOutcome = {
    cert,
    request,
    before,
    after: undefined,
    initial,
    ...(first.body !== undefined ? { initialBody: first.body } : {}),
    ...(first.problem ? { initialProblem: first.problem } : {}),
    async: initial.status === 202,
    earlyAnswers: [],
    tasks: new Map(),
    taskMonitors: new Map(),
  };
  const deadline = Date.now() + target.timeouts.operationMs;
  const follow = opts.followTasks || initial.status === 202;
  // New tasks are read at once, so a running state can be seen (AMI creates one after a synchronous answer).
  const newTasks = async () => {
    if (!follow || !tasksBefore) return;
    for (const uri of (await taskMembers(t)) ?? [])
      if (!tasksBefore.has(uri) && !outcome.tasks.has(uri)) await snapshotTask(t, outcome, uri);
  };
  const firstWait = Math.min(pollMs, retryAfterMs(initial.header('retry-after')) ?? pollMs);
  if (initial.status === 202) {
    const location = uriReference(initial.header('location'), cert.rekeyTarget);
    if (location) outcome.location = location;
    const bodyTask = outcome.initialBody?.['@odata.id'];
    if (typeof bodyTask === 'string') await snapshotTask(t, outcome, bodyTask);
    await newTasks();
    const taskUri = typeof bodyTask === 'string' ? bodyTask : [...outcome.tasks.keys()][0];
    const bodyMonitor = outcome.initialBody?.TaskMonitor;
    // Use the header (DSP0266); fall back to the Task's TaskMonitor so the other rules can still be evaluated.
    const monitor = location ?? (typeof bodyMonitor === 'string' ? bodyMonitor : undefined);
    if (monitor) {
      outcome.monitor = monitor;
      const trace = await pollMonitor(t, client, outcome, monitor, taskUri, firstWait, deadline);
      outcome.earlyAnswers = trace.earlyAnswers;
      if (trace.final) outcome.final = trace.final;
      if (trace.finalBody !== undefined) outcome.finalBody = trace.finalBody;
      if (trace.finalProblem) outcome.finalProblem = trace.finalProblem;
    }
  } else if (initial.status >= 200 && initial.status < 300) {
    outcome.final = initial;
    if (outcome.initialBody !== undefined) outcome.finalBody = outcome.initialBody;
    if (outcome.initialProblem) outcome.finalProblem = outcome.initialProblem;
    await newTasks();
    // A Task created alongside a 200 (AMI): its TaskMonitor is a task monitor like any other (DSP0266).
    for (const [uri, snaps] of outcome.tasks) {
      const m = snaps.find((s) => typeof s.body?.TaskMonitor === 'string')?.body.TaskMonitor as string;
      if (m) outcome.taskMonitors.set(uri, await pollMonitor(t, http, outcome, m, uri, pollMs, deadline));
    }
  }
  if (typeof outcome.finalBody?.CSRString === 'string') outcome.csrText = outcome.finalBody.CSRString;

  await newTasks();
  // Once the result is out the Task must say it finished (RF-TASK-005). A service may record it late: it has until
  // the operation's deadline (the profile's timeouts.operationMs); the last state read is what is judged.
  for (const uri of follow ? outcome.tasks.keys() : []) {
    while (Date.now() < deadline) {
      const list = outcome.tasks.get(uri)!;
      if (!running(list[list.length - 1])) break;
      await sleep(pollMs);
      await snapshotTask(t, outcome, uri);
    }
  }
  outcome.after = await readJson<Json>(http, cert.uri, `read ${cert.uri} after the Rekey`);
  return outcome;
}

export function sweepBody(t: RuleRun<RedfishCtx>): Record<string, unknown> {
  return { KeyBitLength: t.ctx.params.keyBitLength ?? 2048 };
}

/** One Rekey of every Rekey-capable certificate found (the five documented locations), shared by many rules. */
export async function sweep(t: RuleRun<RedfishCtx>): Promise<RekeyOutcome[]> {
  const d = await discover(t);
  return t.shared('sweep', async () => {
    const out: RekeyOutcome[] = [];
    for (const cert of Object.values(d.byKind))
      out.push(await rekeyOnce(t, cert, sweepBody(t), { followTasks: true, resend: true }));
    return out;
  });
}

export async function sweepOf(t: RuleRun<RedfishCtx>): Promise<RekeyOutcome[]> {
  const all = await sweep(t);
  if (all.length === 0)
    notApplicable(`Rekey ${rekeyAbsence(await discover(t)) ?? 'was tried on no certificate'}`);
  t.note(`Rekey tried on: ${all.map((o) => KIND_LABEL[o.cert.kind]).join(', ')}`);
  const absent = CERT_KINDS.filter((k) => !all.some((o) => o.cert.kind === k));
  if (absent.length)
    t.note(
      `not present (no Rekey-capable certificate found by following links): ${absent.map((k) => KIND_LABEL[k]).join(', ')}`,
    );
  return all;
}

export type CsrOutcome = RekeyOutcome & { csrText: string };

/**
 * What a rule needs from a Rekey of the sweep: `accepted`, that the service took it (2xx: the rules about the
 * answer, the task monitor and the Tasks); `csr`, that it produced its CSR (the rules about the CSR and the result).
 */
export type SweepNeed = 'accepted' | 'csr';

/** Why a Rekey gave a rule nothing to judge, and the rule whose requirement that is (one cause, one finding). */
export interface RekeyFailure {
  /** The same for every rule that meets it: reports group the rules it left not evaluated under it. */
  name: string;
  owner: string;
  detail: string;
}

const rekeyLabel = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;

/**
 * Why a Rekey gave nothing to judge for `need`, or undefined. A refused valid Rekey or a result without a CSR is
 * RF-RESP-001's finding; a 202 that names no task monitor RF-ASYNC-001's; a task monitor that never gives the
 * result RF-ASYNC-004's.
 */
export function rekeyFailure(o: RekeyOutcome, need: SweepNeed): RekeyFailure | undefined {
  const what = `Rekey of the ${rekeyLabel(o)} with ${show(o.request)}`;
  const { status, text } = o.initial;
  if (status < 200 || status >= 300)
    return { name: 'valid Rekey', owner: 'RF-RESP-001', detail: `${what} answered ${status} ${show(text)}` };
  if (need === 'accepted' || typeof o.csrText === 'string') return undefined;
  if (!o.async)
    return {
      name: 'valid Rekey',
      owner: 'RF-RESP-001',
      detail: `${what} answered ${status} without a CSRString: ${o.initialProblem ?? show(text)}`,
    };
  if (!o.monitor)
    return {
      name: 'Rekey task monitor',
      owner: 'RF-ASYNC-001',
      detail: `${what} answered 202 with neither a Location header nor a Task naming its TaskMonitor`,
    };
  return {
    name: 'Rekey result',
    owner: 'RF-ASYNC-004',
    detail: o.final
      ? `the task monitor ${o.monitor} finally answered ${o.final.status} ${show(o.final.text)}, not the RekeyResponse`
      : `the task monitor ${o.monitor} still answered 202 when timeouts.operationMs ran out`,
  };
}

/** The rule's own finding when it owns the failure; `error` "precondition … failed (the requirement of …)" otherwise. */
function notEvaluated(t: RuleRun<RedfishCtx>, f: RekeyFailure): never {
  if (f.owner === t.ruleId) throw new Violation(f.detail);
  const what = `precondition ${f.name} failed`;
  throw new PreconditionFailed(`${what} (the requirement of ${f.owner}): ${f.detail}`, {
    what,
    owner: f.owner,
  });
}

/**
 * Judges the sweep's Rekeys that gave what the rule needs (`which` narrows them to those the rule is about); then a
 * Rekey that did not leaves the rule not evaluated, by its owner's finding. So a refused Rekey is one finding, and a
 * rule neither passes nor skips ("no Task", "no 202") on what it could not see: a violation on the Rekeys that
 * worked still fails it.
 */
export async function judgeSweep(
  t: RuleRun<RedfishCtx>,
  need: 'csr',
  judge: (outcomes: CsrOutcome[]) => void | Promise<void>,
  which?: (o: RekeyOutcome) => boolean,
): Promise<void>;
export async function judgeSweep(
  t: RuleRun<RedfishCtx>,
  need: 'accepted',
  judge: (outcomes: RekeyOutcome[]) => void | Promise<void>,
  which?: (o: RekeyOutcome) => boolean,
): Promise<void>;
export async function judgeSweep(
  t: RuleRun<RedfishCtx>,
  need: SweepNeed,
  judge: (outcomes: never[]) => void | Promise<void>,
  which: (o: RekeyOutcome) => boolean = () => true,
): Promise<void> {
  const mine = (await sweepOf(t)).filter(which);
  const failures = mine.map((o) => rekeyFailure(o, need)).filter((f): f is RekeyFailure => !!f);
  try {
    await judge(mine.filter((o) => !rekeyFailure(o, need)) as never[]);
  } catch (err) {
    // "Nothing to judge" is not known while a Rekey gave nothing: it might have.
    if (!(err instanceof NotApplicable) || failures.length === 0) throw err;
  }
  if (failures.length) notEvaluated(t, failures[0]!);
}

/**
 * The CSR of a rule's own Rekey. When it gave none and the sweep's valid Rekey of the same certificate gave none
 * either, the certificate cannot be rekeyed at all: that is the sweep's owner's finding, and this rule was not
 * evaluated. Otherwise the refusal is the rule's own finding.
 */
export async function requireCsrOf(t: RuleRun<RedfishCtx>, o: RekeyOutcome): Promise<ParsedCsr> {
  if (typeof o.csrText !== 'string') {
    const swept = (await sweep(t)).find((x) => x.cert.uri === o.cert.uri);
    const failed = swept && rekeyFailure(swept, 'csr');
    if (failed) notEvaluated(t, failed);
  }
  return requireCsr(o);
}

/** The one CERTIFICATE REQUEST in a CSRString, parsed; other blocks (e.g. a private key) are left to their own rule. */
export function csrOf(o: { cert: CertInfo; csrText?: string }): ParsedCsr {
  const what = `CSR from ${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;
  check(typeof o.csrText === 'string', `${what}: the Rekey returned no CSRString`);
  const blocks = pemBlocks(o.csrText).filter(
    (b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST',
  );
  check(
    blocks.length === 1,
    `${what}: expected exactly one PEM CERTIFICATE REQUEST block, found ${blocks.length}`,
  );
  return parseCsrDer(blocks[0]!.der, what);
}

/** A successful Rekey's CSR, or a Violation naming what the service answered instead. */
export function requireCsr(o: RekeyOutcome): ParsedCsr {
  check(
    typeof o.csrText === 'string',
    `Rekey of ${o.cert.uri} with ${show(o.request)} did not return a CSR: ${o.initial.status}${o.final && o.final !== o.initial ? `, monitor ${o.final.status}` : ''} ${show(o.finalBody ?? o.initial.text)}`,
  );
  return csrOf(o);
}

export function certificateOf(body: Json): x509.X509Certificate {
  const pem = body?.CertificateString;
  check(typeof pem === 'string', `certificate ${show(body?.['@odata.id'])} has no CertificateString`);
  const block = pemBlocks(pem).find((b) => b.label === 'CERTIFICATE');
  check(block, `certificate ${show(body?.['@odata.id'])}: CertificateString holds no PEM CERTIFICATE`);
  return certificateFromDer(block.der);
}

/** The certificate fields that change when a certificate is replaced. */
export function fingerprintOf(body: Json): Record<string, unknown> {
  return {
    CertificateString: body?.CertificateString,
    Fingerprint: body?.Fingerprint,
    SerialNumber: body?.SerialNumber,
    ValidNotAfter: body?.ValidNotAfter,
  };
}

export function rekeyBitsOf(parsed: ParsedCsr): number | undefined {
  return parsed.publicKey.asymmetricKeyDetails?.modulusLength;
}

/** The key type of a certificate resource's installed certificate ("rsa", "ec"), when it can be read. */
export function currentKeyType(body: Json): string | undefined {
  try {
    const spki = Buffer.from(certificateOf(body).publicKey.rawData);
    return publicKeyOfSpki(spki).asymmetricKeyType;
  } catch {
    return undefined;
  }
}

/**
 * A Rekey body asking for an RSA key of `bits`. KeyBitLength applies "if needed based on the KeyPairAlgorithm"
 * (Certificate schema): for a certificate whose key is not RSA, RSA is asked for by name when the RekeyActionInfo
 * allows TPM_ALG_RSA; when it does not, what KeyBitLength does is not defined, and the rule skips.
 */
export async function rsaBody(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  bits: number,
): Promise<Record<string, unknown>> {
  const type = currentKeyType(cert.body);
  if (type === undefined || type === 'rsa') return { KeyBitLength: bits };
  if ((await actionInfoAllows(t, cert, 'KeyPairAlgorithm')).includes('TPM_ALG_RSA'))
    return { KeyBitLength: bits, KeyPairAlgorithm: 'TPM_ALG_RSA' };
  notApplicable(
    `${cert.uri} has an ${type.toUpperCase()} key and its RekeyActionInfo allows no KeyPairAlgorithm TPM_ALG_RSA: KeyBitLength applies only where the key-pair algorithm needs it`,
  );
}

export type { RequestOptions };
