import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../src/core/api.ts';
import { check, notApplicable, show } from '../../src/core/check.ts';
import type { HttpClient, HttpResponse, RequestOptions } from '../../src/http/client.ts';
import { retryAfterMs } from '../../src/http/client.ts';
import { parseCsrDer, type ParsedCsr } from '../../src/pki/csr.ts';
import { pemBlocks } from '../../src/pki/pem.ts';
import { x509 } from '../../src/pki/x509.ts';
import {
  CERT_KINDS,
  discover,
  getJson,
  KIND_LABEL,
  type CertInfo,
  type Json,
  type RedfishCtx,
} from './context.ts';

export const TERMINAL_TASK_STATES = ['Completed', 'Killed', 'Exception', 'Cancelled'];

export interface TaskSnapshot {
  status: number;
  body: Json;
}

export interface RekeyOutcome {
  cert: CertInfo;
  request: unknown;
  /** GET of the certificate just before and just after the Rekey. */
  before: Json;
  after: Json;
  initial: HttpResponse;
  initialBody?: Json;
  async: boolean;
  location?: string;
  monitor?: string;
  /** Monitor answers that were not 202 while the Task still ran (DSP0266: 202 as long as the operation is in process). */
  earlyAnswers: string[];
  /** The answer that carries the operation's result: the initial one when synchronous, the monitor's last one when not. */
  final?: HttpResponse;
  finalBody?: Json;
  csrText?: string;
  /** Tasks this Rekey created (202 body, or new members of TaskService/Tasks), with every GET of each. */
  tasks: Map<string, TaskSnapshot[]>;
}

export interface RekeyOptions {
  client?: HttpClient;
  headers?: Record<string, string>;
  /** Read the created Tasks until they finish (the Task rules need it; other Rekeys do not wait). */
  followTasks?: boolean;
}

async function taskMembers(t: RuleRun<RedfishCtx>): Promise<Set<string> | undefined> {
  const d = await discover(t);
  if (!d.tasksUri) return undefined;
  const body = await getJson(t.ctx.http, d.tasksUri);
  const list = Array.isArray(body?.Members) ? (body.Members as Json[]) : [];
  return new Set(list.map((m) => m?.['@odata.id']).filter((u): u is string => typeof u === 'string'));
}

async function snapshotTask(
  t: RuleRun<RedfishCtx>,
  outcome: RekeyOutcome,
  uri: string,
): Promise<TaskSnapshot> {
  const res = await t.ctx.http.get(uri);
  const snap = { status: res.status, body: res.status < 300 && res.text ? res.json() : undefined };
  const list = outcome.tasks.get(uri) ?? [];
  list.push(snap);
  outcome.tasks.set(uri, list);
  return snap;
}

const running = (snap: TaskSnapshot | undefined) =>
  !!snap?.body && !TERMINAL_TASK_STATES.includes(snap.body.TaskState);

/**
 * One Rekey as a client that handles both completion styles: 200 with the RekeyResponse, or 202 with a task
 * monitor polled until it stops answering 202. Records what the Task rules need along the way.
 */
export async function rekeyOnce(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  request: unknown,
  opts: RekeyOptions = {},
): Promise<RekeyOutcome> {
  const { http, target, pollMs } = t.ctx;
  const client = opts.client ?? http;
  const before = await getJson(http, cert.uri);
  const tasksBefore = opts.followTasks ? await taskMembers(t) : undefined;
  const initial = await client.post(cert.rekeyTarget, {
    json: request,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  const outcome: RekeyOutcome = {
    cert,
    request,
    before,
    after: undefined,
    initial,
    async: initial.status === 202,
    earlyAnswers: [],
    tasks: new Map(),
  };
  if (initial.text.trim()) {
    try {
      outcome.initialBody = JSON.parse(initial.text);
    } catch {
      // left undefined: the response rules report a non-JSON body
    }
  }
  const deadline = Date.now() + target.timeouts.operationMs;
  const follow = opts.followTasks || initial.status === 202;
  // New tasks are read at once, so a running state can be seen (AMI creates one after a synchronous answer).
  const newTasks = async () => {
    if (!follow || !tasksBefore) return;
    for (const uri of (await taskMembers(t)) ?? [])
      if (!tasksBefore.has(uri) && !outcome.tasks.has(uri)) await snapshotTask(t, outcome, uri);
  };
  if (initial.status === 202) {
    const location = initial.header('location');
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
      let wait = Math.min(pollMs, retryAfterMs(initial.header('retry-after')) ?? pollMs);
      while (Date.now() < deadline) {
        await sleep(wait);
        const res = await client.get(monitor, { noRetry: true });
        const snap = taskUri ? await snapshotTask(t, outcome, taskUri) : undefined;
        if (res.status === 202) {
          wait = Math.min(pollMs, retryAfterMs(res.header('retry-after')) ?? pollMs);
          continue;
        }
        let body: Json;
        try {
          body = res.text ? JSON.parse(res.text) : undefined;
        } catch {
          body = undefined;
        }
        if (typeof body?.CSRString !== 'string' && running(snap)) {
          outcome.earlyAnswers.push(
            `${res.status} while Task ${String(taskUri)} was ${String(snap?.body?.TaskState)}`,
          );
          continue;
        }
        outcome.final = res;
        outcome.finalBody = body;
        break;
      }
    }
  } else if (initial.status >= 200 && initial.status < 300) {
    outcome.final = initial;
    outcome.finalBody = outcome.initialBody;
    await newTasks();
  }
  if (typeof outcome.finalBody?.CSRString === 'string') outcome.csrText = outcome.finalBody.CSRString;

  await newTasks();
  // A task is expected to be finished once the result is out; allow a few polls for services that record it late.
  for (const uri of follow ? outcome.tasks.keys() : []) {
    for (let i = 0; i < 20 && Date.now() < deadline; i++) {
      const list = outcome.tasks.get(uri)!;
      if (!running(list[list.length - 1])) break;
      await sleep(pollMs);
      await snapshotTask(t, outcome, uri);
    }
  }
  outcome.after = await getJson(http, cert.uri);
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
      out.push(await rekeyOnce(t, cert, sweepBody(t), { followTasks: true }));
    return out;
  });
}

export async function sweepOf(t: RuleRun<RedfishCtx>): Promise<RekeyOutcome[]> {
  const all = await sweep(t);
  if (all.length === 0)
    notApplicable('no certificate in the documented locations advertises #Certificate.Rekey');
  t.note(`Rekey tried on: ${all.map((o) => KIND_LABEL[o.cert.kind]).join(', ')}`);
  const absent = CERT_KINDS.filter((k) => !all.some((o) => o.cert.kind === k));
  if (absent.length)
    t.note(
      `not present (no Rekey-capable certificate found by following links): ${absent.map((k) => KIND_LABEL[k]).join(', ')}`,
    );
  return all;
}

/** The sweep's outcomes that produced a CSR (the response rules report the ones that did not). */
export async function csrOutcomes(
  t: RuleRun<RedfishCtx>,
): Promise<Array<RekeyOutcome & { csrText: string }>> {
  const all = (await sweepOf(t)).filter(
    (o): o is RekeyOutcome & { csrText: string } => typeof o.csrText === 'string',
  );
  if (all.length === 0) notApplicable('no Rekey returned a CSRString (see the response rules)');
  return all;
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
  return new x509.X509Certificate(block.der);
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

export type { RequestOptions };
