import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun, Target } from '../../src/core/api.ts';
import { notApplicable, show, violation } from '../../src/core/check.ts';
import type { HttpClient, HttpResponse } from '../../src/http/client.ts';
import type { Redactor } from '../../src/http/redact.ts';
import type { Capability } from './capabilities.ts';
import { sbcParams, type SbcParams } from './params.ts';
import { configAttributes, configElementXml, envelope, text } from './xml.ts';

export const MESSAGES = {
  https: 'Client must connect with HTTPS',
  unauthorized: 'Client not authorized',
  lockedByOther: 'Resource locked by another user',
  noLock: 'User does not have the lock',
  recordNotFound: 'Certificate specified with recordName key attribute is not found',
} as const;

const XML = 'application/xml';

/** One access token of one account. The configuration lock belongs to a token, so the lock state lives here. */
export class SbcSession {
  token: string | undefined;
  private obtainedAt = 0;
  /** This token took the configuration lock and has not released it (yet). */
  holdsLock = false;

  constructor(
    private readonly client: SbcClient,
    readonly role: string,
    readonly username: string,
    private readonly password: string,
  ) {}

  basic(password = this.password): string {
    return 'Basic ' + Buffer.from(`${this.username}:${password}`).toString('base64');
  }

  /** POST auth/token with Basic credentials, as documented; the raw answer. */
  login(password = this.password): Promise<HttpResponse> {
    return this.client.raw('POST', 'auth/token', { authorization: this.basic(password) });
  }

  /** A valid token: re-authenticates when the token is older than `maxAge` of its lifetime, unless it holds the lock. */
  async bearer(maxAge = 0.7): Promise<string> {
    const lifetimeMs = this.client.params.tokenLifetimeSeconds * 1000;
    if (this.token && (this.holdsLock || Date.now() - this.obtainedAt < lifetimeMs * maxAge))
      return this.token;
    const res = await this.login();
    const ok = res.status >= 200 && res.status < 300;
    const token = ok ? text(envelope(res).data, 'accessToken') : undefined;
    if (!token) {
      const why = ok ? `${res.status} without data/accessToken` : String(res.status);
      violation(`${this.role} (${this.username}) could not authenticate: POST auth/token answered ${why}`);
    }
    this.client.redactor.add(token);
    this.token = token;
    this.obtainedAt = Date.now();
    return token;
  }

  async request(
    method: string,
    path: string,
    opts: { query?: Record<string, string>; body?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.bearer()}`,
      ...opts.headers,
    };
    return this.client.raw(method, path, headers, opts);
  }

  /** `forClose`: close() itself may lock to remove scratch records; nothing else may after close(). */
  async lock(forClose = false): Promise<HttpResponse> {
    if (this.client.closed && !forClose)
      throw new Error('the connection is closed: no new configuration lock');
    // A fresh token before locking, so the lock does not die with the token in the middle of a rule.
    await this.bearer(0.2);
    const res = await this.request('POST', 'configuration/lock');
    if (res.status >= 200 && res.status < 300) this.holdsLock = true;
    return res;
  }

  async unlock(): Promise<HttpResponse> {
    const res = await this.request('POST', 'configuration/unlock');
    if ((res.status >= 200 && res.status < 300) || res.status === 423) this.holdsLock = false;
    return res;
  }

  /** Releases the lock if this token holds it. A 423 means it is not ours any more: nothing to release. */
  async release(): Promise<void> {
    if (!this.holdsLock || !this.token) return;
    const res = await this.unlock();
    // 401: the token expired, and the documented lock dies with its token; 423: the lock is not ours any more.
    if (res.status === 401) this.holdsLock = false;
    if (res.status !== 423 && res.status !== 401 && (res.status < 200 || res.status >= 300)) {
      throw new Error(
        `could not release the configuration lock of ${this.role}: POST configuration/unlock answered ${res.status}`,
      );
    }
  }
}

/** The oracle-sbc suite's view of a target: accounts as sessions, the lock, certificate-records. */
export class SbcClient {
  readonly params: SbcParams;
  readonly admin: SbcSession;
  readonly sessions: SbcSession[] = [];
  /** Scratch records this run created and has not deleted yet (close() removes them). */
  readonly createdRecords = new Set<string>();
  closed = false;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    readonly http: HttpClient,
    readonly target: Target,
    readonly redactor: Redactor,
  ) {
    this.params = sbcParams(target);
    this.admin = this.session('admin', target.auth.username ?? '', target.auth.password ?? '');
  }

  /**
   * Runs a rule's check after the previous rule and its cleanups are done (its own cleanups, registered after
   * this one, run before the turn passes on). A rule given up while waiting (interrupt, deadline) never starts.
   */
  async oneAtATime(t: RuleRun<unknown>, check: () => Promise<void>): Promise<void> {
    const previous = this.turn;
    let pass!: () => void;
    this.turn = new Promise<void>((resolve) => (pass = resolve));
    let givenUp = false;
    t.cleanup('turn of the one-at-a-time queue', () => {
      givenUp = true;
      pass();
    });
    await previous;
    if (givenUp || this.closed)
      throw new Error('not started: the run ended while the rule waited for its turn');
    return check();
  }

  session(role: string, username: string, password: string): SbcSession {
    const s = new SbcSession(this, role, username, password);
    this.sessions.push(s);
    return s;
  }

  /** A new session of a profile account (accounts.<role>), or undefined when the profile has none. */
  account(role: 'nonAdmin' | 'otherAdmin'): SbcSession | undefined {
    const a = this.target.accounts[role];
    return a ? this.session(role, a.username, a.password ?? '') : undefined;
  }

  /** The documented path of a versioned resource. */
  path(resource: string, version = this.params.apiVersion): string {
    return `/rest/${version}/${resource}`;
  }

  raw(
    method: string,
    resource: string,
    headers: Record<string, string>,
    opts: { query?: Record<string, string>; body?: string } = {},
  ): Promise<HttpResponse> {
    const base = resource.startsWith('/') || /^https?:/.test(resource) ? resource : this.path(resource);
    const query = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
    const all: Record<string, string> = {
      accept: XML,
      ...(opts.body !== undefined ? { 'content-type': XML } : {}),
      ...headers,
    };
    return this.http.request(method, base + query, { headers: all, body: opts.body });
  }

  capability(cap: Capability): true | string {
    switch (cap) {
      case 'non-admin-account':
        return this.target.accounts.nonAdmin ? true : 'no accounts.nonAdmin in the profile';
      case 'second-admin-account':
        return this.target.accounts.otherAdmin ? true : 'no accounts.otherAdmin in the profile';
      case 'plain-http-listener':
        return this.params.httpUrl === 'none' ? 'params.httpUrl is "none"' : true;
      case 'token-expiry-observable': {
        const needMs = this.params.tokenLifetimeSeconds * 1000 + 5000;
        return needMs < this.target.timeouts.ruleMs
          ? true
          : `tokens live ${this.params.tokenLifetimeSeconds} s; waiting for expiry does not fit in timeouts.ruleMs (${this.target.timeouts.ruleMs} ms)`;
      }
    }
  }

  /**
   * Takes the configuration lock for a rule and releases it when the rule ends (also on failure or interrupt).
   * A lock held by somebody else is never taken over: the rule is not applicable then.
   */
  async acquire(t: RuleRun<unknown>, session = this.admin): Promise<HttpResponse> {
    t.cleanup('configuration lock (possibly taken)', () => session.release());
    const res = await session.lock();
    if (res.status === 423) {
      notApplicable(
        `the configuration lock is held by another user (${show(res.text)}); the suite does not take it over`,
      );
    }
    if (res.status < 200 || res.status >= 300)
      violation(
        `${session.role} could not take the configuration lock: POST configuration/lock answered ${res.status}`,
      );
    return res;
  }

  /** Takes and releases the lock: afterwards nobody holds it (unless someone takes it in between). */
  async ensureLockFree(t: RuleRun<unknown>): Promise<void> {
    await this.acquire(t);
    const res = await this.admin.unlock();
    if (res.status < 200 || res.status >= 300)
      violation(`POST configuration/unlock by the lock owner answered ${res.status}`);
  }

  /** The certificate-record attributes the suite creates (name first). */
  recordAttributes(name: string): Array<[string, string[]]> {
    const r = this.params.record;
    return [
      ['name', [name]],
      ['country', [r.country]],
      ['state', [r.state]],
      ['locality', [r.locality]],
      ['organization', [r.organization]],
      ['unit', [r.unit]],
      ['common-name', [r.commonName]],
      ['key-size', [String(r.keySize)]],
      ['alternate-name', r.alternateName ? [r.alternateName] : []],
      ['trusted', ['disabled']],
      ['key-usage-list', r.keyUsages],
      ['extended-key-usage-list', r.extendedKeyUsages],
    ];
  }

  /** GET the record from the editing configuration: its attributes, or undefined on 404. */
  async getRecord(
    name: string,
    session = this.admin,
  ): Promise<{ res: HttpResponse; attributes?: Map<string, string[]> }> {
    const res = await session.request('GET', 'configuration/configElements', {
      query: { elementType: 'certificate-record', name },
    });
    if (res.status === 404) return { res };
    if (res.status !== 200)
      violation(`GET configElements for certificate-record "${name}" answered ${res.status}`);
    const attributes = configAttributes(envelope(res).data);
    if (!attributes)
      violation(`GET configElements for certificate-record "${name}" returned no configElement`);
    return { res, attributes };
  }

  /**
   * Creates a scratch certificate-record (the caller holds the lock) and deletes it when the rule ends.
   * An existing record of that name is left alone: the rule is not applicable.
   */
  async createRecord(t: RuleRun<unknown>, name: string): Promise<HttpResponse> {
    const existing = await this.getRecord(name);
    if (existing.attributes)
      notApplicable(
        `certificate-record "${name}" already exists; delete it or choose another params.recordName`,
      );
    t.cleanup(`scratch certificate-record ${name}`, () => this.deleteRecord(name));
    const res = await this.admin.request('POST', 'configuration/configElements', {
      body: configElementXml(this.recordAttributes(name)),
    });
    if (res.status < 200 || res.status >= 300)
      violation(
        `creating certificate-record "${name}": POST configElements answered ${res.status}: ${show(res.text)}`,
      );
    this.createdRecords.add(name);
    return res;
  }

  /** Deletes a scratch record if it exists, taking the lock for it when needed (never from somebody else). */
  async deleteRecord(name: string, forClose = false): Promise<void> {
    const tookLock = !this.admin.holdsLock;
    if (tookLock) {
      const lock = await this.admin.lock(forClose);
      if (lock.status === 423)
        throw new Error(
          `cannot delete certificate-record "${name}": the configuration lock is held by another user`,
        );
    }
    try {
      const res = await this.admin.request('DELETE', 'configuration/configElements', {
        query: { elementType: 'certificate-record', name },
      });
      if (res.status !== 404 && (res.status < 200 || res.status >= 300))
        throw new Error(`deleting certificate-record "${name}" answered ${res.status}`);
      this.createdRecords.delete(name);
    } finally {
      if (tookLock) await this.admin.release();
    }
  }

  generateRequest(session: SbcSession, query: Record<string, string>): Promise<HttpResponse> {
    return session.request('PUT', 'configuration/certificates/generateRequest', { query });
  }

  /** Starts a save/verify (PUT) or activate (POST) and returns the 202 answer. */
  management(action: 'save' | 'verify' | 'activate', session = this.admin): Promise<HttpResponse> {
    return session.request(action === 'activate' ? 'POST' : 'PUT', 'configuration/management', {
      query: { action },
    });
  }

  /** Polls a task link until its operationState says success (or failure, or the operation timeout). */
  async poll(
    link: string,
    session = this.admin,
  ): Promise<{ operation?: string; status?: string; polls: number }> {
    const deadline = Date.now() + this.target.timeouts.operationMs;
    for (let polls = 1; ; polls++) {
      const res = await session.request('GET', link);
      if (res.status !== 200) violation(`polling ${link} answered ${res.status}`);
      const state = envelope(res).data.operationState;
      const operation = text(state, 'operation');
      const status = text(state, 'status');
      if (status === 'success' || /fail|error/i.test(status ?? '') || Date.now() > deadline)
        return { operation, status, polls };
      await sleep(this.params.pollIntervalMs);
    }
  }

  /** On close (end of run or Ctrl-C): release every lock our tokens still hold and remove scratch records. */
  async close(): Promise<void> {
    this.closed = true;
    const problems: string[] = [];
    // First every lock our tokens hold (any of them may be the one an interrupted rule took), then the records.
    for (const s of this.sessions) await s.release().catch((err: Error) => problems.push(err.message));
    for (const name of [...this.createdRecords]) {
      await this.deleteRecord(name, true).catch((err: Error) => problems.push(err.message));
    }
    if (problems.length) throw new Error(problems.join('; '));
  }
}
