import { setTimeout as sleep } from 'node:timers/promises';
import type { FoundResidue, RuleRun, Target } from '../../src/core/api.ts';
import { broken, describeAnswer, expectHelperStatus, show, violation } from '../../src/core/check.ts';
import {
  Blocked,
  CredentialsExpired,
  CredentialsRejected,
  NotServed,
  describeError,
} from '../../src/core/errors.ts';
import { CLEANUP_COMMAND } from '../../src/core/scratch.ts';
import type { HttpClient, HttpResponse } from '../../src/http/client.ts';
import type { Redactor } from '../../src/http/redact.ts';
import { harnessNow } from '../../src/core/random.ts';
import type { Capability } from './capabilities.ts';
import { OPERATIONS, isSbcAnswer, served } from './operations.ts';
import { expiryCheckDelayMs, sbcParams, type SbcParams } from './params.ts';
import { scratchRecords } from './scratch.ts';
import {
  answerText,
  configAttributes,
  configElementXml,
  envelope,
  helperEnvelope,
  text,
  tokenOf,
} from './xml.ts';

export const MESSAGES = {
  https: 'Client must connect with HTTPS',
  unauthorized: 'Client not authorized',
  lockedByOther: 'Resource locked by another user',
  noLock: 'User does not have the lock',
} as const;

const XML = 'application/xml';

/**
 * What this token knows about the configuration lock. `unknown`: a lock or unlock request was sent but its
 * answer was lost or unclear (timeout, reset, 5xx), so the device may hold the lock for this token: the
 * release must still be tried.
 */
export type LockState = 'free' | 'held' | 'unknown';

const isSuccess = (res: HttpResponse) => res.status >= 200 && res.status < 300;

/** What a session's request may carry besides its token. */
export interface SbcRequest {
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

/** One access token of one account. The configuration lock belongs to a token, so the lock state lives here. */
export class SbcSession {
  token: string | undefined;
  private obtainedAt = 0;
  lockState: LockState = 'free';
  /** Bumped each time a lock this token held died with it (the token stopped working): see confirmLockHeld. */
  lockLosses = 0;
  /** lockLosses when this session last took the lock. */
  lockedAfter = 0;

  constructor(
    private readonly client: SbcClient,
    readonly role: string,
    readonly username: string,
    private readonly password: string,
  ) {}

  /** This token took the configuration lock and has not released it (as far as the answers say). */
  get holdsLock(): boolean {
    return this.lockState === 'held';
  }

  basic(password = this.password): string {
    return 'Basic ' + Buffer.from(`${this.username}:${password}`).toString('base64');
  }

  /** POST auth/token with Basic credentials, as documented; the raw answer. */
  login(password = this.password): Promise<HttpResponse> {
    return this.client.raw('POST', 'auth/token', { authorization: this.basic(password) });
  }

  /**
   * A valid token: re-authenticates when the token is older than `maxAge` of its lifetime, unless the lock may
   * be held by it (the lock belongs to the token). A login refused with 401/403 is CredentialsRejected; a login
   * answer without a readable token is a broken answer: neither is a finding of the rule that needed the token.
   */
  async bearer(maxAge = 0.7): Promise<string> {
    // On the harness clock (the rule's time, handed back by a replay), so a replay logs in where the run did.
    const age = harnessNow().getTime() - this.obtainedAt;
    if (this.token && (this.lockState !== 'free' || age < this.client.tokenLifetimeMs() * maxAge))
      return this.token;
    const res = await this.login();
    if (res.status === 401 || res.status === 403)
      throw new CredentialsRejected(
        `credentials for ${this.username} were rejected by ${this.client.http.baseUrl}: ${res.status}`,
      );
    // No login at a version the SBC offers: SBC-AUTH-001's finding (or, at connect, a version it does not offer).
    served(res, OPERATIONS.login);
    expectHelperStatus(res, [200, 201], `login of ${this.role} (${this.username})`);
    const token = tokenOf(res);
    if (!token)
      broken(`login of ${this.role} (${this.username}): ${describeAnswer(res)} without an accessToken`);
    this.client.redactor.add(token);
    this.token = token;
    this.obtainedAt = harnessNow().getTime();
    return token;
  }

  /**
   * A request with this session's token. A 401 to a token that worked is not the SBC's answer to the request:
   * the token stopped working (it expired early or was revoked), see `afterExpiry`.
   */
  async request(method: string, path: string, opts: SbcRequest = {}): Promise<HttpResponse> {
    const res = await this.send(method, path, opts);
    if (res.status !== 401 || opts.headers?.authorization !== undefined) return res;
    return this.afterExpiry(method, path, opts, res);
  }

  private async send(method: string, path: string, opts: SbcRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.bearer()}`,
      ...opts.headers,
    };
    return this.client.raw(method, path, headers, opts);
  }

  /**
   * A 401 to our token. If the token still works elsewhere, the 401 is the SBC's answer to this request (sent once
   * more, then judged). Otherwise the token stopped working, and the documented lock is "tied to the access token"
   * (sbc-notes §4), so a lock it held died with it. Logs in once, takes the lock again when the old token held it (never from somebody else: a 423
   * ends the rule as `error`), and sends the request once more: a 401 says the request was not applied ("Request
   * lacks valid authentication credentials"). A refused login, a lock that cannot be taken again, or a second 401
   * is `error` (CredentialsExpired), never the rule's finding.
   */
  private async afterExpiry(
    method: string,
    path: string,
    opts: SbcRequest,
    refused: HttpResponse,
  ): Promise<HttpResponse> {
    const what = `${method} ${new URL(refused.url).pathname} answered 401 to the token of ${this.role} (${this.username})`;
    refused.evidence.superseded = true;
    // Does the token still work (a read every token may make)? Then the 401 is the SBC's answer to this request:
    // sent once more and judged; the token and its lock stay.
    const check = await this.client.raw(
      'GET',
      'configuration/elementTypes/template',
      { authorization: `Bearer ${this.token ?? ''}` },
      { query: { elementType: 'certificate-record' } },
    );
    if (check.status !== 401) return this.send(method, path, opts);
    // The token lived shorter than the profile says: later tokens are renewed before that age.
    this.client.tokenOutlived(harnessNow().getTime() - this.obtainedAt);
    const held = this.lockState !== 'free';
    // The lock died with the token. Should the token still hold it after all (a passing refusal of the check),
    // nobody but that token could release it: it gives the lock back first (a dead token's unlock answers 401).
    // A lost answer here leaves the state as it was, so the rule's cleanup tries again with the old token.
    if (held && this.token)
      await this.client.raw('POST', 'configuration/unlock', { authorization: `Bearer ${this.token}` });
    this.token = undefined;
    if (held) {
      this.lockState = 'free';
      this.lockLosses++;
    }
    try {
      await this.bearer();
    } catch (err) {
      if (err instanceof CredentialsRejected)
        throw new CredentialsExpired(`${what}, and logging in again failed: ${err.message}`);
      throw err;
    }
    // Taking the lock again, unless the request is the lock itself (lock() keeps the state of its answer).
    if (held && path !== 'configuration/lock') {
      this.lockState = 'unknown';
      const lock = await this.send('POST', 'configuration/lock', {});
      if (isSuccess(lock)) this.lockState = 'held';
      else if (lock.status < 500) this.lockState = 'free';
      // Somebody took the freed lock meanwhile: it is never taken over, and the rule cannot go on.
      if (lock.status === 423)
        throw new CredentialsExpired(
          `${what}; the configuration lock it held died with it and another session took it meanwhile (${describeAnswer(lock)})`,
        );
      if (lock.status === 401) throw new CredentialsExpired(`${what}, and again with a new token`);
      if (!isSuccess(lock))
        broken(
          `${what}; the configuration lock died with it and could not be taken again: ${describeAnswer(lock)}`,
        );
    }
    const res = await this.send(method, path, opts);
    if (res.status === 401) throw new CredentialsExpired(`${what}, and again with a new token`);
    return res;
  }

  /**
   * Sends POST configuration/lock. The lock counts as possibly taken from the moment the request leaves: a
   * device may process it and lose the answer. `forClose`: close() itself may lock to remove scratch records.
   */
  async lock(forClose = false): Promise<HttpResponse> {
    if (this.client.closed && !forClose)
      throw new Error('the connection is closed: no new configuration lock');
    // A fresh token before locking, so the lock does not die with the token in the middle of a rule.
    await this.bearer(0.2);
    const before = this.lockState;
    this.lockState = 'unknown';
    const res = await this.request('POST', 'configuration/lock');
    if (isSuccess(res)) {
      this.lockState = 'held';
      this.lockedAfter = this.lockLosses;
    }
    // A clear refusal (4xx) took nothing; a 5xx may have been processed.
    else if (res.status < 500 && before === 'free') this.lockState = 'free';
    return served(res, OPERATIONS.lock);
  }

  /** Sends POST configuration/unlock; a lost answer leaves the state unknown (the release is tried again). */
  async unlock(): Promise<HttpResponse> {
    if (this.lockState === 'held') this.lockState = 'unknown';
    const res = await this.request('POST', 'configuration/unlock');
    // 423: the lock is not ours (any more); 401: the token is gone, and the documented lock dies with it.
    if (isSuccess(res) || res.status === 423 || res.status === 401) this.lockState = 'free';
    return served(res, OPERATIONS.unlock);
  }

  /**
   * Releases the lock if this token holds it or may hold it; idempotent (nothing held: nothing to do, and a
   * 423 "not ours" counts as released). Throws when the release really failed, so the engine retries it.
   */
  async release(): Promise<void> {
    if (this.lockState === 'free' || !this.token) return;
    const res = await this.unlock();
    // (unlock() updated the state; the cast undoes the compiler's narrowing from before the await.)
    if ((this.lockState as LockState) !== 'free')
      throw new Error(
        `could not release the configuration lock of ${this.role} (${this.username}): ${describeAnswer(res)}`,
      );
  }
}

/** The oracle-sbc suite's view of a target: accounts as sessions, the lock, certificate-records. */
export class SbcClient {
  readonly params: SbcParams;
  readonly admin: SbcSession;
  readonly sessions: SbcSession[] = [];
  /** Scratch records this run created and has not deleted yet (close() removes them). */
  readonly createdRecords = new Set<string>();
  /** Extra accounts whose credentials the target rejected at connect: rules that need them end as `error`. */
  readonly rejected = new Map<string, string>();
  closed = false;
  private turn: Promise<void> = Promise.resolve();
  /** The youngest age (harness clock) at which one of our tokens stopped working, when one did. */
  private outlivedMs: number | undefined;

  /** How long a token is taken to live: the profile's lifetime, or less once a token stopped working younger. */
  tokenLifetimeMs(): number {
    const profile = this.params.tokenLifetimeSeconds * 1000;
    return this.outlivedMs === undefined ? profile : Math.min(profile, this.outlivedMs);
  }

  /** A token stopped working at this age: later tokens are renewed before it (see SbcSession.bearer). */
  tokenOutlived(ageMs: number): void {
    if (ageMs > 0) this.outlivedMs = Math.min(this.outlivedMs ?? Infinity, ageMs);
  }

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

  /**
   * A new session of a profile account (accounts.<role>). The rule requires the capability, so the account is
   * in the profile; credentials the target rejected at connect make the rule `error`, never `fail`.
   */
  account(role: 'nonAdmin' | 'otherAdmin'): SbcSession {
    const a = this.target.accounts[role];
    if (!a) throw new CredentialsRejected(`the profile has no accounts.${role}`);
    const rejected = this.rejected.get(role);
    if (rejected) throw new CredentialsRejected(rejected);
    return this.session(role, a.username, a.password ?? '');
  }

  /**
   * One authenticated probe per account of the profile (connect). Returns the connection's authFailure when
   * the main account cannot log in; a rejected extra account is remembered for the rules that need it.
   */
  async probeAccounts(): Promise<string | undefined> {
    for (const role of ['nonAdmin', 'otherAdmin'] as const) {
      const a = this.target.accounts[role];
      if (!a) continue;
      try {
        await this.session(role, a.username, a.password ?? '').bearer();
      } catch (err) {
        if (err instanceof CredentialsRejected) this.rejected.set(role, err.message);
        // Anything else (transport, a garbled answer) says nothing about the credentials: the rules retry.
      }
    }
    try {
      await this.admin.bearer();
      return undefined;
    } catch (err) {
      if (err instanceof CredentialsRejected) return err.message;
      // A release without the suite's REST version has no login there either: the rules skip (api-version).
      if (err instanceof NotServed && (await this.versionOffered().catch(() => true)) !== true)
        return undefined;
      return `the login of ${this.admin.username} at ${this.http.baseUrl} could not be completed: ${describeError(err)}`;
    }
  }

  private versionProbe: Promise<true | string> | undefined;
  private importProbe: Promise<true | string> | undefined;

  /** A probe's answer, asked once per connection; a probe that could not be answered is asked again later. */
  private cached(
    get: () => Promise<true | string> | undefined,
    set: (p: Promise<true | string> | undefined) => void,
    probe: () => Promise<true | string>,
  ): Promise<true | string> {
    let p = get();
    if (!p) {
      p = probe();
      set(p);
      p.catch(() => set(undefined));
    }
    return p;
  }

  /**
   * Whether the SBC offers params.apiVersion. A login there that works says so; a login answered 404 is a version
   * the SBC does not offer unless GET /rest/api/supportedversions lists it (then the login is not served:
   * SBC-AUTH-001's finding). A version listed but not answering is never "not offered".
   */
  versionOffered(): Promise<true | string> {
    return this.cached(
      () => this.versionProbe,
      (p) => (this.versionProbe = p),
      async () => {
        if (this.admin.token) return true;
        const login = await this.admin.login();
        if (login.status !== 404) return true;
        const listed = await this.listedVersions();
        const v = this.params.apiVersion;
        if (listed?.includes(v)) return true;
        const said = answerText(login);
        const why = [
          ...(listed ? [`GET /rest/api/supportedversions lists ${listed.sort().join(', ') || 'none'}`] : []),
          `POST ${this.path('auth/token')} answers 404${said ? ` "${said}"` : ''}`,
        ];
        return `${v} is not offered by this SBC (${why.join('; ')})`;
      },
    );
  }

  /** The versions GET /rest/api/supportedversions lists (without a token), or undefined when it says none. */
  private async listedVersions(): Promise<string[] | undefined> {
    const res = await this.raw('GET', '/rest/api/supportedversions', {});
    if (res.status !== 200) return undefined;
    let sv: unknown;
    try {
      sv = envelope(res).data.supportedVersions;
    } catch {
      return undefined;
    }
    const latest = text(sv, 'latestVersion');
    const others = (
      (sv as { otherVersions?: { version?: unknown[] } } | undefined)?.otherVersions?.version ?? []
    ).map(String);
    return [...(latest ? [latest] : []), ...others];
  }

  /**
   * Whether the release offers certificate import: PUT import with no body and no lock is refused by a release
   * that has it (400 no body, 423 no lock, 403); 404 (no instance is named), 405 and 501 say it has no such
   * operation. It changes nothing: there is nothing to import.
   */
  importOffered(): Promise<true | string> {
    return this.cached(
      () => this.importProbe,
      (p) => (this.importProbe = p),
      async () => {
        const res = await this.admin.request('PUT', 'configuration/certificates/import');
        if (res.status >= 500)
          broken(`cannot tell whether certificate import is offered: ${describeAnswer(res)}`);
        if ([404, 405, 501].includes(res.status)) {
          const said = answerText(res);
          return `not offered by this release (PUT ${new URL(res.url).pathname} answers ${res.status}${said ? ` "${said}"` : ''})`;
        }
        return true;
      },
    );
  }

  /**
   * GET of version discovery (no token, as documented). An SBC that also wants the Bearer token there conforms
   * (the documents do not say either way): a 401 is retried once with the token before anything is judged.
   */
  async discovery(path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const res = await this.raw('GET', path, headers);
    if (res.status !== 401) return res;
    let token: string;
    try {
      token = await this.admin.bearer();
    } catch (err) {
      if (err instanceof CredentialsRejected)
        throw new CredentialsRejected(`GET ${path} answered 401 without a token, and ${err.message}`);
      throw err;
    }
    return this.raw('GET', path, { ...headers, authorization: `Bearer ${token}` });
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

  /** Each reason reads after the capability's name in the target's headline (CAPABILITY_NAMES). */
  async capability(cap: Capability): Promise<true | string> {
    switch (cap) {
      case 'api-version':
        return this.versionOffered();
      case 'certificate-import':
        return this.importOffered();
      case 'non-admin-account':
        return this.target.accounts.nonAdmin ? true : 'not named in the profile (accounts.nonAdmin)';
      case 'second-admin-account':
        return this.target.accounts.otherAdmin ? true : 'not named in the profile (accounts.otherAdmin)';
      case 'plain-http-listener':
        return this.params.httpUrl === 'none' ? 'none, as the profile says (params.httpUrl "none")' : true;
      case 'token-expiry-observable': {
        const needMs = expiryCheckDelayMs(this.params) + 5000;
        return needMs < this.target.timeouts.ruleMs
          ? true
          : `not observable within a rule: tokens live ${this.params.tokenLifetimeSeconds} s; waiting ${needMs} ms for their expiry does not fit in timeouts.ruleMs (${this.target.timeouts.ruleMs} ms)`;
      }
    }
  }

  /**
   * Takes the configuration lock for a rule and releases it when the rule ends (also on failure or interrupt).
   * The undo is registered before the request: a lock whose answer is lost may still have been taken.
   * A lock held by somebody else is never taken over: nothing can be evaluated then (`error`). Any other refusal
   * is a precondition of the rule, not its finding (SBC-LOCK-001 judges the lock answer itself).
   */
  async acquire(t: RuleRun<unknown>, session = this.admin): Promise<HttpResponse> {
    t.cleanup('configuration lock (possibly taken)', () => session.release());
    const res = await session.lock();
    if (res.status === 423) lockedByOther(res, this.params);
    if (!isSuccess(res))
      broken(`${session.role} could not take the configuration lock: ${describeAnswer(res)}`);
    return res;
  }

  /** Releases the lock as a step of a rule (not its subject): a failed release is a precondition error. */
  async unlockForRule(session = this.admin): Promise<void> {
    const res = await session.unlock();
    if (!isSuccess(res))
      broken(
        `releasing the lock before the check: POST configuration/unlock by its owner: ${describeAnswer(res)}`,
      );
  }

  /**
   * Before judging another session's answer against the lock `owner` holds: proves, after that answer, that the
   * owner's token still works, and so its lock (the lock is "tied to the access token", sbc-notes §4). A token
   * that stopped working may have freed the lock before the answer was given (an SBC whose tokens live shorter
   * than the profile says): then nothing can be judged (`error`). The owner takes the lock again for the cleanup.
   */
  async confirmLockHeld(owner = this.admin): Promise<void> {
    const res = await owner.request('GET', 'configuration/elementTypes/template', {
      query: { elementType: 'certificate-record' },
    });
    if (owner.lockLosses !== owner.lockedAfter)
      throw new CredentialsExpired(
        `the token of ${owner.role} (${owner.username}) that held the configuration lock stopped working during the check, and the lock died with it: the answer cannot be judged`,
      );
    expectHelperStatus(res, [200], `GET elementTypes/template with the token of the lock owner`);
  }

  /** Takes and releases the lock: afterwards nobody holds it (unless someone takes it in between). */
  async ensureLockFree(t: RuleRun<unknown>): Promise<void> {
    await this.acquire(t);
    await this.unlockForRule();
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

  /** GET the record from the editing configuration (a helper): its attributes, or none on 404. */
  async getRecord(
    name: string,
    session = this.admin,
  ): Promise<{ res: HttpResponse; attributes?: Map<string, string[]> }> {
    const res = served(
      await session.request('GET', 'configuration/configElements', {
        query: { elementType: 'certificate-record', name },
      }),
      OPERATIONS.readRecord,
    );
    if (res.status === 404) return { res };
    const purpose = `GET configElements for certificate-record "${name}"`;
    expectHelperStatus(res, [200], purpose);
    const attributes = configAttributes(helperEnvelope(res, purpose).data);
    if (!attributes) broken(`${purpose} returned no configElement`);
    return { res, attributes };
  }

  /**
   * Creates a scratch certificate-record (the caller holds the lock) and deletes it when the rule ends; the
   * undo is registered before the request. An existing record of that name is left alone: nothing can be
   * evaluated (`error`). A refused create is a precondition of the rule, unless the create is the rule's subject
   * (`subject`).
   */
  async createRecord(
    t: RuleRun<unknown>,
    name: string,
    opts: { subject?: boolean } = {},
  ): Promise<HttpResponse> {
    const existing = await this.getRecord(name);
    if (existing.attributes) recordExists(name);
    t.cleanup(`scratch certificate-record ${name} (possibly created)`, () => this.deleteRecord(name));
    this.createdRecords.add(name);
    const res = served(
      await this.admin.request('POST', 'configuration/configElements', {
        body: configElementXml(this.recordAttributes(name)),
      }),
      OPERATIONS.createRecord,
    );
    if (!isSuccess(res)) {
      const message = `creating certificate-record "${name}": ${describeAnswer(res)}`;
      if (opts.subject) violation(message);
      broken(message);
    }
    return res;
  }

  /**
   * Deletes a scratch record if it exists (absent = done), taking the lock for it when this token does not
   * surely hold it (never from somebody else). Throws when the record may still be there.
   */
  async deleteRecord(name: string, forClose = false): Promise<void> {
    const session = this.admin;
    const took = !session.holdsLock;
    try {
      if (took) {
        const lock = await session.lock(forClose);
        if (lock.status === 423)
          throw new Error(
            `cannot delete certificate-record "${name}": the configuration lock is held by another user`,
          );
        if (!isSuccess(lock))
          throw new Error(`cannot delete certificate-record "${name}": ${describeAnswer(lock)}`);
      }
      const res = await session.request('DELETE', 'configuration/configElements', {
        query: { elementType: 'certificate-record', name },
      });
      // Only the SBC's own 404 says the record is gone; a 404 without its envelope is no route.
      if (!(res.status === 404 && isSbcAnswer(res)) && !isSuccess(res))
        throw new Error(`deleting certificate-record "${name}": ${describeAnswer(res)}`);
      this.createdRecords.delete(name);
    } finally {
      if (took) await session.release();
    }
  }

  /** PUT generateRequest; an answer saying it is not served is SBC-GEN-018's finding (NotServed). */
  async generateRequest(session: SbcSession, query: Record<string, string>): Promise<HttpResponse> {
    return served(
      await session.request('PUT', 'configuration/certificates/generateRequest', { query }),
      OPERATIONS.generateRequest,
    );
  }

  /** PUT certificates/import with a body (the rules require capability certificate-import). */
  async importCertificate(
    body: string,
    opts: { session?: SbcSession; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const session = opts.session ?? this.admin;
    return served(
      await session.request('PUT', 'configuration/certificates/import', { body, headers: opts.headers }),
      OPERATIONS.import,
    );
  }

  /** Starts a save/verify (PUT) or activate (POST) and returns the 202 answer. */
  async management(action: 'save' | 'verify' | 'activate', session = this.admin): Promise<HttpResponse> {
    const res = await session.request(action === 'activate' ? 'POST' : 'PUT', 'configuration/management', {
      query: { action },
    });
    return served(res, OPERATIONS[action]);
  }

  /**
   * Polls a task link until its operationState reports success or a failure. The documents give the task no
   * duration: the profile's timeouts.operationMs is how long a task may take, so a task not finished by then is
   * returned unfinished (`finished: false`) for the rule to report. `judge` sees every poll answer.
   */
  async poll(
    link: string,
    judge: (res: HttpResponse) => void,
    session = this.admin,
  ): Promise<{ operation?: string; status?: string; polls: number; finished: boolean }> {
    const deadline = Date.now() + this.target.timeouts.operationMs;
    for (let polls = 1; ; polls++) {
      const res = await session.request('GET', link);
      if (res.status !== 200) violation(`polling ${link} answered ${res.status}`);
      judge(res);
      const state = envelope(res).data.operationState;
      const operation = text(state, 'operation');
      const status = text(state, 'status');
      const finished = status === 'success' || /fail|error/i.test(status ?? '');
      if (finished || Date.now() > deadline) return { operation, status, polls, finished };
      await sleep(this.params.pollIntervalMs);
    }
  }

  /**
   * What an earlier run left (`Connection.earlierResidue`): every scratch certificate-record of this profile's
   * names (`scratch.ts`), each looked up with the documented GET configElements (the SBC's 404: absent). With
   * `cleanup`, also whether another session holds the configuration lock: the lock is taken and given back at once,
   * as every run does; a 423 says somebody else holds it (nobody can tell whom: another user, another tool, or an
   * earlier run stopped before its cleanup), and only its token's expiry frees it.
   */
  async earlierResidue(opts: { cleanup?: boolean }): Promise<FoundResidue[]> {
    if ((await this.versionOffered()) !== true) return [];
    const found: FoundResidue[] = [];
    if (opts.cleanup) {
      const res = await this.admin.lock();
      await this.admin.release();
      if (res.status === 423)
        found.push({
          what: LOCK_HELD,
          why: `${answerLine(res)}: another user, another tool or an earlier run stopped before its cleanup holds it`,
          cannotRemove: lockExpiry(this.params),
        });
      else expectHelperStatus(res, [200, 204], 'taking the configuration lock to see whether it is free');
    }
    for (const name of scratchRecords(this.params)) {
      const { attributes } = await this.getRecord(name);
      if (attributes)
        found.push({ what: `certificate-record "${name}"`, remove: () => this.deleteRecord(name) });
    }
    return found;
  }

  /** On close (end of run or Ctrl-C): release every lock our tokens may hold and remove scratch records. */
  async close(): Promise<void> {
    this.closed = true;
    const problems: string[] = [];
    // First every lock our tokens may hold (any of them may be the one an interrupted rule took), then the records.
    for (const s of this.sessions) await s.release().catch((err: Error) => problems.push(err.message));
    for (const name of [...this.createdRecords]) {
      await this.deleteRecord(name, true).catch((err: Error) => problems.push(err.message));
    }
    if (problems.length) throw new Error(problems.join('; '));
  }
}

/** The cause of every rule a lock held by another session stopped: reports group them under it. */
export const LOCK_HELD = 'configuration lock held by another session';

/** The cause of every rule whose scratch certificate-record was already on the device. */
export const RECORD_EXISTS = 'scratch certificate-record already on the device';

/**
 * What frees a configuration lock the suite cannot release: only the token that took it can unlock ("losing the
 * token means waiting for it to expire before the lock can be taken again", sbc-notes §4).
 */
export function lockExpiry(params: SbcParams): string {
  return `the lock belongs to the token that took it, so it is free once that session unlocks or its token expires (tokens live ${params.tokenLifetimeSeconds} s: a certconform run stopped before its cleanup holds it no longer than that after its last request)`;
}

/**
 * A lock somebody else holds (another user, another tool, an earlier run of the harness stopped before its
 * cleanup) is a state of the target, not a finding: the suite never takes it over, and what needed it was not
 * evaluated (`error`, cause LOCK_HELD, the target's headline).
 */
export function lockedByOther(res: HttpResponse, params: SbcParams): never {
  throw new Blocked(
    LOCK_HELD,
    `${answerLine(res)}; the suite never takes a lock over: ${lockExpiry(params)}`,
  );
}

/** 'POST /rest/v1.2/configuration/lock answered 423 "Locked: Resource locked by another user"' */
function answerLine(res: HttpResponse): string {
  const said = answerText(res);
  return `${res.method} ${new URL(res.url).pathname} answered ${res.status}${said ? ` ${show(said)}` : ''}`;
}

/**
 * A scratch record name that already exists is never touched: nothing can be evaluated (`error`, cause
 * RECORD_EXISTS). Its name says it is the suite's: an earlier run stopped before its cleanup left it.
 */
export function recordExists(name: string): never {
  throw new Blocked(
    RECORD_EXISTS,
    `certificate-record "${name}" already exists (left by an earlier run stopped before its cleanup?); \`${CLEANUP_COMMAND} --yes\` deletes it, or choose another params.recordName`,
  );
}
