import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenAnswer,
  CredentialsExpired,
  CredentialsRejected,
  NotApplicable,
  TransportError,
  Violation,
} from '../core/errors.ts';
import { answered, currentEvidence, currentRule, excerpt, lazyExcerpt, type Evidence } from './evidence.ts';
import { proxyCredentials, proxyFor, proxyLabel, targetAgent, type AgentTls } from './proxy.ts';
import type { Redactor } from './redact.ts';

export interface TlsOptions {
  /** PEM CA bundle to trust (contents, not a path). */
  ca?: string;
  /** Accept any server certificate (lab devices with self-signed certificates). */
  insecure?: boolean;
  /** Client certificate and key (PEM contents) for mutual TLS. */
  cert?: string;
  key?: string;
  passphrase?: string;
}

export interface ClientOptions {
  baseUrl: string;
  tls?: TlsOptions;
  timeoutMs: number;
  /** Bounded retries of a 503 that carries Retry-After. */
  retries?: number;
  /** A Retry-After longer than this is not waited for; the 503 is returned as is. */
  maxRetryAfterMs?: number;
  redactor: Redactor;
  /** Headers added to every request (auth), computed per request so sessions can refresh. */
  defaultHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  /**
   * Headers added to every request, also those without the auth headers (the profile's `headers:`, e.g. what a
   * gateway in front of the device needs); the auth and the request's own headers win over them.
   */
  headers?: Record<string, string>;
  /**
   * The forward proxy to go through: a URL, or "none" for a direct connection whatever the environment says.
   * Default: the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY (src/http/proxy.ts).
   */
  proxy?: string;
  /** Receives every exchange whole (`run --record`): the HAR recorder, which redacts when it writes. */
  recorder?: ExchangeRecorder;
  /** The target is a replayed recording (`certconform replay`): see REPLAY_RULE_HEADER. */
  replay?: boolean;
  /**
   * The target answers reads only (a read-only capture): any other method is not sent, and the rule that wanted it
   * skips with this reason and the request.
   */
  readOnly?: string;
  /**
   * The credentials this client's default headers (or client certificate) carry, when they may stop working
   * mid-run. A 401 to a request that carried them is not the device's answer to the request: the credentials
   * stopped working. The client then renews them once (`renew`: a session or token scheme logs in again; static
   * credentials have nothing to renew and are simply sent again) and sends the request once more where `resend`
   * allows; a second 401, a refused login, or a request not sent again is CredentialsExpired (`error`).
   */
  credentials?: CredentialsPolicy;
}

export interface CredentialsPolicy {
  /** Who, for messages ("admin", "the bearer token"). */
  who: string;
  /** Logs in again; throws CredentialsRejected when the login is refused. */
  renew?: () => Promise<void>;
  /**
   * A resource these credentials may always read (GET): after a 401 it tells whether they still work. If they do,
   * the 401 is the target's answer to that request (e.g. a 401 where a 403 is due): it is sent once more and then
   * returned, to be judged. Without it every 401 counts as the credentials having stopped working.
   */
  probe?: string;
  /**
   * Which requests are sent once more after a 401 (default: the idempotent methods, RFC 9110 §9.2.2). A 401 says
   * "the request has not been applied" (RFC 9110 §15.5.2), so a suite may allow more where its documents agree.
   */
  resend?: (method: string) => boolean;
}

/** The methods RFC 9110 §9.2.2 calls idempotent: sent once more after a 401 by default. */
export const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** One exchange, whole and unredacted, as the recorder receives it. */
export interface Exchange {
  startedAt: number;
  /** The rule that made the request ("(connection)" for connecting and closing). */
  rule?: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: Buffer;
  response?: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
  };
  /** Why no answer arrived. */
  error?: string;
  /** The evidence record of the same exchange (which rule results quote it). */
  evidence?: Evidence;
  /** Milliseconds from sending to the first byte of the answer, and to its end. */
  waitMs: number;
  totalMs: number;
}

export interface ExchangeRecorder {
  exchange(x: Exchange): void;
  /** A TLS certificate a rule read from the target (see `observedPeerCertificate`). */
  peerCertificate?(rule: string | undefined, cert: PeerCertificateSeen): void;
}

/** The certificate a TLS server presented: DER and node's subjectaltname text. */
export interface PeerCertificateSeen {
  raw: Buffer;
  subjectaltname?: string;
}

export interface ClientHooks {
  recorder?: ExchangeRecorder;
  replay?: boolean;
  /** In a replay: the next recorded peer certificate of the rule (undefined: none was recorded). */
  replayPeerCertificate?: (rule: string | undefined) => PeerCertificateSeen | undefined;
}

/**
 * Reads the TLS certificate the target presents through `read` (a rule's own TLS handshake), so a recording
 * holds it and a replay answers it from the recording: a replay server cannot present the device's certificate.
 */
export async function observedPeerCertificate(
  read: () => Promise<PeerCertificateSeen>,
): Promise<PeerCertificateSeen> {
  const scope = currentRule();
  const hooks = scope?.client;
  if (hooks?.replayPeerCertificate) {
    const cert = hooks.replayPeerCertificate(scope?.rule);
    if (!cert) throw new TransportError(`TLS handshake by ${scope?.rule}: not in the recording`);
    return cert;
  }
  const cert = await read();
  hooks?.recorder?.peerCertificate?.(scope?.rule, cert);
  return cert;
}

/**
 * A replayed request carries the rule that sent it, so the replay server answers it from that rule's exchanges;
 * a request the recording does not hold is answered with REPLAY_MISS_HEADER, which the client reports as an error.
 */
export const REPLAY_RULE_HEADER = 'x-certconform-replay-rule';
export const REPLAY_MISS_HEADER = 'x-certconform-replay-miss';

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Serialized as JSON with Content-Type application/json unless a content-type header is given. */
  json?: unknown;
  body?: string | Buffer;
  /** Skip the default (auth) headers, e.g. to test that unauthenticated requests are refused. */
  noDefaultHeaders?: boolean;
  timeoutMs?: number;
  /** Some rules must see the first 503 themselves. */
  noRetry?: boolean;
}

export class HttpResponse {
  /** The evidence record of this exchange (set by the client). */
  evidence: Evidence = { method: '', url: '', status: null, durationMs: 0 };
  /** When the first byte of the answer arrived (Date.now()), and the status line's words (for recordings). */
  receivedAt = 0;
  statusText = '';
  httpVersion = '1.1';

  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly body: Buffer,
  ) {}

  get text(): string {
    return this.body.toString('utf8');
  }

  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  get contentType(): string {
    return (this.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  }

  /**
   * The body as JSON. A body declared as JSON (or undeclared) that does not parse tells nothing about any
   * requirement (a garbled or cut answer): a BrokenAnswer, which the engine reports as `error`. A body declared
   * as another media type (text/plain, text/html) is the device answering in the wrong format: a Violation.
   */
  json<T = unknown>(): T {
    try {
      const value = JSON.parse(this.text) as T;
      // A check that names a part of this body finds the exchange that answered it (src/core/check.ts `at`).
      answered(value, this.evidence);
      return value;
    } catch {
      const kind = this.contentType || 'no content type';
      const start = this.text.trim().slice(0, 60).replace(/\s+/g, ' ');
      const what = `${this.method} ${this.url} answered ${this.status} with a body that is not JSON (${kind}): ${start ? JSON.stringify(start) : 'empty body'}`;
      if (!this.contentType || /json/.test(this.contentType)) throw new BrokenAnswer(what);
      throw new Violation(what);
    }
  }

  toString(): string {
    return `${this.method} ${this.url} → ${this.status}`;
  }
}

/**
 * HTTP(S) client for talking to targets. Every exchange is recorded as evidence in the current rule's scope,
 * every request has a timeout, and 503 + Retry-After is retried a bounded number of times.
 * Built on node:http(s) so TLS options map one to one and nock can stand in for a target in tests.
 */
/**
 * Methods sent again after a stale keep-alive socket: only the safe ones (RFC 9110 §9.2.1). A PUT or DELETE is
 * idempotent in effect but not in its answer (a repeated DELETE answers 404), and its answer may be judged.
 */
const RETRY_SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export class HttpClient {
  private readonly agent: http.Agent;
  /** The proxy the target's requests go through (undefined: direct). */
  readonly proxy: URL | undefined;
  private readonly tlsOptions: AgentTls;

  constructor(readonly options: ClientOptions) {
    let proxy: URL | undefined;
    try {
      proxy = proxyFor(options.baseUrl, options.proxy);
    } catch (err) {
      throw new TransportError((err as Error).message);
    }
    this.proxy = proxy;
    // A proxy's credentials are secrets like the target's (also as the Basic value of Proxy-Authorization).
    const creds = proxy && proxyCredentials(proxy);
    if (creds) options.redactor.addBasic(creds.username, creds.password);
    const tls = options.tls ?? {};
    this.tlsOptions = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      passphrase: tls.passphrase,
      rejectUnauthorized: !tls.insecure,
    };
    this.agent = targetAgent(options.baseUrl, this.tlsOptions, true, proxy);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  resolve(pathOrUrl: string): URL {
    // A missing parameter must never reach a device as ".../undefined/...": that is a harness bug.
    if (/(^|[/=])(undefined|null)([/?&#]|$)/.test(pathOrUrl))
      throw new Error(`refusing to send a request to ${JSON.stringify(pathOrUrl)}: a parameter is missing`);
    return new URL(pathOrUrl, this.options.baseUrl);
  }

  get(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, opts);
  }
  post(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request('POST', path, opts);
  }
  put(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request('PUT', path, opts);
  }
  patch(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', path, opts);
  }
  delete(path: string, opts?: RequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', path, opts);
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    if (this.options.readOnly && !RETRY_SAFE.has(method))
      throw new NotApplicable(`${this.options.readOnly} ${method} ${this.resolve(path).pathname}`);
    const generation = this.credentialGeneration;
    const res = await this.sendRetrying(method, path, opts);
    if (!this.options.credentials || !(await this.carriesCredentials(opts))) return res;
    if (res.status !== 401) {
      this.credentialsAccepted();
      return res;
    }
    // Credentials never accepted were not "stopped": the 401 is the answer (the connection's probe says why).
    if (!this.accepted) return res;
    return this.afterCredentialsFailed(method, path, opts, res, generation);
  }

  private accepted = false;

  /** The target accepted this client's credentials (a probe, or any answer but 401 to a request carrying them). */
  credentialsAccepted(): void {
    this.accepted = true;
  }

  private async sendRetrying(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    const retries = opts.noRetry ? 0 : (this.options.retries ?? 2);
    for (let attempt = 0; ; attempt++) {
      const res = await this.once(method, path, opts);
      if (res.status !== 503 || attempt >= retries) return res;
      const wait = retryAfterMs(res.header('retry-after'));
      if (wait === undefined || wait > (this.options.maxRetryAfterMs ?? 10_000)) return res;
      res.evidence.superseded = true;
      await sleep(wait);
    }
  }

  /** Bumped each time the credentials were renewed: a request sent before a renewal just goes again. */
  private credentialGeneration = 0;
  private renewal: Promise<void> | undefined;

  /** Whether a request carries this client's own credentials (not none, not credentials of its own). */
  private async carriesCredentials(opts: RequestOptions): Promise<boolean> {
    if (opts.noDefaultHeaders) return false;
    const own = new Set(Object.keys(opts.headers ?? {}).map((k) => k.toLowerCase()));
    const defaults = Object.keys((await this.options.defaultHeaders?.()) ?? {}).map((k) => k.toLowerCase());
    if (defaults.some((k) => own.has(k)) || own.has('authorization')) return false;
    return defaults.length > 0 || !!this.options.tls?.cert;
  }

  /**
   * A 401 to this client's credentials, which worked before: renew them once (one login for every request that
   * met the same expiry) and send the request once more, or end it as CredentialsExpired. Never the device's
   * answer to the request, so never judged.
   */
  private async afterCredentialsFailed(
    method: string,
    path: string,
    opts: RequestOptions,
    refused: HttpResponse,
    generation: number,
  ): Promise<HttpResponse> {
    const creds = this.options.credentials!;
    const what = `${method} ${this.resolve(path).pathname} answered 401 to the credentials of ${creds.who}`;
    const resend = (creds.resend ?? ((m: string) => IDEMPOTENT.has(m)))(method);
    // Do the credentials still work? Then the 401 is the answer to this request (sent once more, then judged).
    let work = false;
    if (creds.probe && generation === this.credentialGeneration && !this.renewal) {
      const check = await this.sendRetrying('GET', creds.probe, {});
      work = check.status !== 401;
    }
    if (work) {
      if (!resend) return refused;
      refused.evidence.superseded = true;
      return this.sendRetrying(method, path, opts);
    }
    if (generation === this.credentialGeneration) {
      this.renewal ??= (async () => {
        try {
          await creds.renew?.();
        } finally {
          this.credentialGeneration++;
          this.renewal = undefined;
        }
      })();
    }
    try {
      await this.renewal;
    } catch (err) {
      if (err instanceof CredentialsRejected)
        throw new CredentialsExpired(`${what}, and logging in again failed: ${err.message}`);
      throw err;
    }
    refused.evidence.superseded = true;
    const again = creds.renew ? 'logged in again' : 'nothing to renew';
    if (!resend) throw new CredentialsExpired(`${what} (${again}; a ${method} is not sent twice)`);
    const res = await this.sendRetrying(method, path, opts);
    if (res.status === 401) throw new CredentialsExpired(`${what}, and again when sent once more (${again})`);
    return res;
  }

  private async once(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    const url = this.resolve(path);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(this.options.headers ?? {})) headers[k.toLowerCase()] = v;
    Object.assign(headers, opts.noDefaultHeaders ? {} : await this.options.defaultHeaders?.());
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    let body: Buffer | undefined;
    if (opts.json !== undefined) {
      body = Buffer.from(JSON.stringify(opts.json));
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    }
    if (body) headers['content-length'] = String(body.length);
    const scope = currentRule();
    const rule = scope?.rule;
    const recorder = this.options.recorder ?? scope?.client?.recorder;
    const replay = this.options.replay ?? scope?.client?.replay;
    if (replay && rule) headers[REPLAY_RULE_HEADER] = rule;

    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const started = Date.now();
    const record: Evidence = { method, url: url.href, status: null, durationMs: 0 };
    const redactor = this.options.redactor;
    if (body) lazyExcerpt(record, 'request', () => excerpt(redactor.text(body.toString('utf8'))));
    currentEvidence()?.push(record);

    try {
      const res: HttpResponse = await this.send(url, method, headers, body, timeoutMs).catch(
        (err: unknown) => {
          // A keep-alive socket the server closed while idle fails before any byte of an answer; an idempotent
          // safe request is then sent once more on a fresh connection (RFC 9112 §9.3.1). Anything else is reported.
          if (!(err instanceof StaleSocket) || !RETRY_SAFE.has(method)) throw err;
          record.retried = `retried on a fresh connection after: ${err.message}`;
          const fresh = targetAgent(this.options.baseUrl, this.tlsOptions, false, this.proxy);
          return this.send(url, method, headers, body, timeoutMs, fresh).finally(() => fresh.destroy());
        },
      );
      if (replay && res.header(REPLAY_MISS_HEADER))
        throw new TransportError(`${method} ${url.href}: not in the recording (${res.text})`);
      record.status = res.status;
      const text = res.text;
      lazyExcerpt(record, 'response', () => excerpt(redactor.text(text)));
      res.evidence = record;
      recorder?.exchange({
        ...exchange(started, rule, method, url, headers, body),
        evidence: record,
        response: {
          status: res.status,
          statusText: res.statusText,
          httpVersion: res.httpVersion,
          headers: res.headers,
          body: res.body,
        },
        waitMs: Math.max(0, res.receivedAt - started),
      });
      return res;
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      recorder?.exchange({
        ...exchange(started, rule, method, url, headers, body),
        evidence: record,
        error: record.error,
      });
      throw err;
    } finally {
      record.durationMs = Date.now() - started;
    }
  }

  private send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    timeoutMs: number,
    agent: http.Agent = this.agent,
  ): Promise<HttpResponse> {
    const lib = url.protocol === 'https:' ? https : http;
    const where = `${method} ${url.href}`;
    const via = this.proxy ? ` (through the proxy ${proxyLabel(this.proxy)})` : '';
    return new Promise((resolve, reject) => {
      // The TLS options go with the request too: through a proxy, the tunnel's TLS handshake reads them there.
      const tls = url.protocol === 'https:' ? this.tlsOptions : {};
      const req = lib.request(url, { method, headers, agent, ...tls });
      let answered = false;
      // A proxy that refuses the tunnel answers CONNECT itself (403, 407, 502 …): that is no answer of the target.
      req.on('proxyConnect', (connect: { statusCode?: number; statusText?: string }) => {
        if (connect.statusCode !== undefined && connect.statusCode !== 200)
          req.destroy(
            new TransportError(
              `${where}: the proxy ${proxyLabel(this.proxy!)} refused the tunnel: ${connect.statusCode} ${connect.statusText ?? ''}`.trimEnd(),
            ),
          );
      });
      // One deadline for the whole exchange, not just idle time: a trickling target must not hang the run.
      const timer = setTimeout(() => {
        req.destroy(new TransportError(`${where}: no complete answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        if (err instanceof TransportError) reject(err);
        else if (req.reusedSocket && !answered)
          reject(new StaleSocket(`${where}: ${transportReason(err)}${via}`, err));
        else reject(new TransportError(`${where}: ${transportReason(err)}${via}`, err));
      });
      req.on('response', (res) => {
        answered = true;
        // Through a proxy to a plain-http target, the proxy's own refusal arrives as the answer.
        if (this.proxy && res.statusCode === 407 && url.protocol === 'http:') {
          res.resume();
          clearTimeout(timer);
          reject(
            new TransportError(
              `${where}: the proxy ${proxyLabel(this.proxy)} asks for credentials: 407 ${res.statusMessage ?? ''}`.trimEnd(),
            ),
          );
          return;
        }
        const receivedAt = Date.now();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(new TransportError(`${where}: response broken off: ${transportReason(err)}`, err));
        });
        res.on('aborted', () => {
          clearTimeout(timer);
          reject(new TransportError(`${where}: response body truncated (connection closed early)`));
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (!res.complete) {
            reject(new TransportError(`${where}: response body truncated (connection closed early)`));
            return;
          }
          const answer = new HttpResponse(
            method,
            url.href,
            res.statusCode ?? 0,
            res.headers,
            Buffer.concat(chunks),
          );
          answer.receivedAt = receivedAt;
          answer.statusText = res.statusMessage ?? '';
          answer.httpVersion = res.httpVersion;
          resolve(answer);
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The request half of a recorded exchange; the answer (or error) is added by the caller. */
function exchange(
  startedAt: number,
  rule: string | undefined,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Exchange {
  const requestHeaders = { ...headers };
  delete requestHeaders[REPLAY_RULE_HEADER];
  return {
    startedAt,
    ...(rule ? { rule } : {}),
    method,
    url: url.href,
    requestHeaders,
    ...(body ? { requestBody: body } : {}),
    waitMs: Date.now() - startedAt,
    totalMs: Date.now() - startedAt,
  };
}

/** A request that failed on a reused keep-alive socket before any answer arrived. */
class StaleSocket extends TransportError {}

function transportReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ? `${e.code}: ` : '';
  return `${code}${e.message ?? String(err)}`;
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
