import type { Account, Target } from '../../src/core/api.ts';
import { describeAnswer, readTwiceOnHiccup } from '../../src/core/check.ts';
import {
  CredentialsExpired,
  CredentialsRejected,
  NotServed,
  UndoImpossible,
  describeError,
} from '../../src/core/errors.ts';
import type { HttpClient, HttpResponse } from '../../src/http/client.ts';
import { harnessNow } from '../../src/core/random.ts';
import { currentRule, type Evidence } from '../../src/http/evidence.ts';
import type { Redactor } from '../../src/http/redact.ts';
import type { ModelName } from './models/openapi.ts';
import {
  isRouteMissing,
  lists,
  operationOf,
  parseEndpoints,
  requireOperationServed,
  type Operation,
} from './operations.ts';

export type Caller = 'admin' | 'collectionUser' | 'anonymous';

export interface KfRequest {
  json?: unknown;
  /** Who calls: the profile's auth (admin), the collection-scoped account, or nobody. */
  as?: Caller;
  /** Leave out the required x-keyfactor-requested-with header. */
  omitRequestedWith?: boolean;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /**
   * The request must be refused (a required field left out, a user without permission): an answer that accepts
   * it is that rule's finding, and its shape is not judged against the model (KF-MODEL-001/002).
   */
  refusalExpected?: boolean;
}

/** A 2xx answer of a documented operation with an OpenAPI model, kept for the model rules (KF-MODEL-001/002). */
export interface SeenAnswer {
  model: ModelName;
  /** `POST /Enrollment/Renew`, the request as sent (path and query). */
  request: string;
  /** The rule whose request it was ("(connection)" or undefined outside rules). */
  rule?: string;
  body: unknown;
  evidence: Evidence;
}

/** The documented read every identity may make: the authenticated probe of each account. */
export const PROBE_PATH = '/Status/Endpoints';

/** Talks to Command the way its documented clients do: auth, x-keyfactor-* headers, base path kept. */
export class KfClient {
  private readonly base: string;
  /** Certificates the run made Command issue (Renew and PFX answers), for params.deleteCreatedCertificates. */
  readonly created = new Set<number>();
  /** Enrollments whose answer was lost or unreadable: Command may have issued a certificate the run cannot name. */
  readonly unidentified: string[] = [];
  /** Accounts whose credentials Command rejected at connect (the one-line reason). */
  private readonly rejected = new Map<Exclude<Caller, 'anonymous'>, string>();
  /** Every answer of a known model the run received, in order (what KF-MODEL-001/002 judge). */
  readonly seen: SeenAnswer[] = [];
  /** The main account's `GET /Status/Endpoints` answer at connect (what it may call), when it read as a list. */
  private endpoints?: Set<string>;

  constructor(
    private readonly http: HttpClient,
    private readonly target: Target,
    redactor: Redactor,
    private readonly apiVersion: string,
  ) {
    this.base = target.baseUrl.replace(/\/+$/, '');
    const { auth } = target;
    if (auth.username && auth.password) redactor.addBasic(auth.username, auth.password);
    redactor.add(auth.token);
    for (const a of Object.values(target.accounts)) {
      if (a.password) redactor.addBasic(a.username, a.password);
      redactor.add(a.token);
    }
  }

  /** Who an account is, for messages: its user name, or "the bearer token". */
  accountName(as: Exclude<Caller, 'anonymous'>): string {
    if (as === 'admin') return this.target.auth.username ?? `the ${this.target.auth.scheme} credentials`;
    return this.target.accounts[as]?.username ?? as;
  }

  private authHeader(as: Caller): Record<string, string> {
    if (as === 'anonymous') return {};
    const rejected = this.rejected.get(as);
    if (rejected) throw new CredentialsRejected(rejected);
    if (as === 'admin') {
      const { auth } = this.target;
      if (auth.scheme === 'basic') return basic(auth.username ?? '', auth.password ?? '');
      if (auth.scheme === 'bearer') return { authorization: `Bearer ${auth.token ?? ''}` };
      return {};
    }
    const account: Account | undefined = this.target.accounts[as];
    if (!account) throw new CredentialsRejected(`the profile has no accounts.${as}`);
    if (account.token) return { authorization: `Bearer ${account.token}` };
    return basic(account.username, account.password ?? '');
  }

  /**
   * One authenticated read per account (connect): a 401 (or, for the main account, a 403) means Command
   * refused the credentials. Returns the one-line reason, or undefined when they were accepted or the probe
   * could not tell (a broken answer is left to the rules, which meet it as an error of their own).
   */
  async probe(as: Exclude<Caller, 'anonymous'>): Promise<string | undefined> {
    let res: HttpResponse;
    try {
      res = await this.request('GET', PROBE_PATH, { as });
    } catch (err) {
      // Unreachable or garbled: the probe cannot tell, so the rules run and meet the trouble as errors.
      if (err instanceof CredentialsRejected) return err.message;
      return undefined;
    }
    const refused = as === 'admin' ? [401, 403] : [401];
    if (as === 'admin' && res.status === 200) this.endpoints = parseEndpoints(safeJson(res.text));
    if (!refused.includes(res.status)) return undefined;
    const reason = `credentials for ${this.accountName(as)} were rejected by ${this.base}: ${res.status}`;
    this.rejected.set(as, reason);
    return reason;
  }

  /**
   * Whether the main account may call a documented operation, by `GET /Status/Endpoints` ("Returns all endpoints
   * to which the requesting identity has access"): true, or why not. When that answer did not read as a list of
   * endpoints the suite cannot tell, and assumes the operation is offered (its rules run and meet what it is).
   */
  offers(...ops: Operation[]): true | string {
    if (!this.endpoints) return true;
    const missing = ops.filter((op) => !lists(this.endpoints!, op)).map((op) => op.entry);
    if (!missing.length) return true;
    return `not offered to ${this.accountName('admin')} (GET /Status/Endpoints does not list ${missing.join(', ')})`;
  }

  url(path: string, query: KfRequest['query'] = {}): string {
    const q = Object.entries(query).filter(([, v]) => v !== undefined);
    const search = q.length
      ? `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`
      : '';
    return `${this.base}${path}${search}`;
  }

  async request(method: string, path: string, opts: KfRequest = {}): Promise<HttpResponse> {
    const as = opts.as ?? 'admin';
    const headers: Record<string, string> = {
      'x-keyfactor-api-version': this.apiVersion,
      ...(opts.omitRequestedWith ? {} : { 'x-keyfactor-requested-with': 'APIClient' }),
      ...this.authHeader(as),
      ...opts.headers,
    };
    const send = () =>
      this.http.request(method, this.url(path, opts.query), {
        headers,
        ...(opts.json !== undefined ? { json: opts.json } : {}),
      });
    let res = await send();
    // A 401 to credentials the probe accepted says nothing about the requirement under test when they stopped
    // working (a token expired, a password changed, an account locked out). Whether they still work is read where
    // every identity may read; if they do, the 401 is Command's answer to this request: sent once more (a 401 "has
    // not been applied", RFC 9110 §15.5.2) and judged. If not, the profile's static credentials cannot be renewed:
    // the request goes once more in case the refusal was passing, then the rule ends as an error. A request with
    // credentials of its own (opts.headers) is the rule's subject, and the probe judges its own 401.
    if (
      as !== 'anonymous' &&
      res.status === 401 &&
      path !== PROBE_PATH &&
      opts.headers?.authorization === undefined
    ) {
      const what = `${describeAnswer(res)} to the credentials of ${this.accountName(as)}, which Command accepted before`;
      const check = await this.http.request('GET', this.url(PROBE_PATH), { headers: { ...headers } });
      res.evidence.superseded = true;
      res = await send();
      if (res.status === 401 && check.status === 401)
        throw new CredentialsExpired(`${what}, and again when sent once more`);
    }
    const op = operationOf(method, path);
    if (!op) return res;
    // A documented operation that is not served at all is one finding (its owner's), not every rule's.
    requireOperationServed(res, op);
    if (op.model && !opts.refusalExpected && res.status >= 200 && res.status < 300) {
      const body = safeJson(res.text);
      if (body !== undefined)
        this.seen.push({
          model: op.model,
          request: `${method} ${path}${this.url('', opts.query).slice(this.base.length)}`,
          rule: currentRule()?.rule,
          body,
          evidence: res.evidence,
        });
    }
    return res;
  }

  get(path: string, opts?: KfRequest): Promise<HttpResponse> {
    return this.request('GET', path, opts);
  }

  /**
   * A helper read (not a rule's subject): sent once more when the answer was lost in transport, was a server
   * error, or was a 200 that does not parse. A read changes nothing, so one transient hiccup does not end the
   * rule; the superseded first answer stays in the evidence but is not taken for Command's answer.
   */
  read(path: string, opts?: KfRequest): Promise<HttpResponse> {
    return readTwiceOnHiccup(() => this.get(path, opts));
  }

  async post(path: string, json: unknown, opts: KfRequest = {}): Promise<HttpResponse> {
    const enrollment = /^\/Enrollment\/(Renew|PFX)$/i.test(path);
    // On the harness clock: a replay writes the same residue line.
    const sent = harnessNow().toISOString();
    let res: HttpResponse;
    try {
      res = await this.request('POST', path, { ...opts, json });
    } catch (err) {
      // The request may have been processed before the answer was lost.
      if (enrollment && !(err instanceof CredentialsRejected) && !(err instanceof NotServed))
        this.unidentified.push(`POST ${path} at ${sent}`);
      throw err;
    }
    if (enrollment && res.status >= 200 && res.status < 300 && !this.noteCreated(res))
      this.unidentified.push(`POST ${path} at ${sent} (answer without a readable KeyfactorId)`);
    return res;
  }

  /** Records the certificate an enrollment answer names; false when the answer names none readably. */
  private noteCreated(res: HttpResponse): boolean {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return false;
    }
    const info = ci(body, 'CertificateInformation') ?? body;
    const id = Number(ci(info, 'KeyfactorId'));
    if (!Number.isInteger(id) || id <= 0) return false;
    this.created.add(id);
    return true;
  }

  /**
   * Deletes the certificate records the run created (not a revocation: the CA still knows them). An absent
   * record counts as deleted; any other refusal is thrown, so the engine retries it and reports what is left.
   */
  async deleteCreated(): Promise<void> {
    const failed: string[] = [];
    for (const id of [...this.created]) {
      try {
        const res = await this.request('DELETE', `/Certificates/${id}`);
        if (res.status < 300 || res.status === 404 || isNotFound(res)) this.created.delete(id);
        else failed.push(describeAnswer(res));
      } catch (err) {
        failed.push(`DELETE /Certificates/${id}: ${describeError(err)}`);
      }
    }
    if (this.unidentified.length)
      failed.push(
        `Command may hold certificates the run issued but could not identify (the answers were lost): ${this.unidentified.join(', ')}`,
      );
    if (!failed.length) return;
    const message = `could not delete every certificate the run issued: ${failed.join('; ')}`;
    // Only lost answers left: retrying cannot name those certificates, so the residue is reported at once.
    if (failed.length === 1 && this.unidentified.length && this.created.size === 0)
      throw new UndoImpossible(message);
    throw new Error(message);
  }
}

/**
 * Command answers an unknown certificate 400 or 404, with "could not be found" in its Message. A 404 without a
 * route is not an answer about a certificate (requireOperationServed reports it as not served).
 */
export function isNotFound(res: HttpResponse): boolean {
  if (res.status === 404) return !isRouteMissing(res);
  if (res.status !== 400) return false;
  return /could not be found|not found|does not exist/i.test(String(ci(safeJson(res.text), 'Message') ?? ''));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ci(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
