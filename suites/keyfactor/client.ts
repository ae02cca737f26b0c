import type { Account, Target } from '../../src/core/api.ts';
import type { HttpClient, HttpResponse } from '../../src/http/client.ts';
import type { Redactor } from '../../src/http/redact.ts';

export type Caller = 'admin' | 'collectionUser' | 'anonymous';

export interface KfRequest {
  json?: unknown;
  /** Who calls: the profile's auth (admin), the collection-scoped account, or nobody. */
  as?: Caller;
  /** Leave out the required x-keyfactor-requested-with header. */
  omitRequestedWith?: boolean;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
}

/** Talks to Command the way its documented clients do: auth, x-keyfactor-* headers, base path kept. */
export class KfClient {
  private readonly base: string;
  /** Certificates the run made Command issue (Renew and PFX answers), for params.deleteCreatedCertificates. */
  readonly created = new Set<number>();

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

  private authHeader(as: Caller): Record<string, string> {
    if (as === 'anonymous') return {};
    if (as === 'admin') {
      const { auth } = this.target;
      if (auth.scheme === 'basic') return basic(auth.username ?? '', auth.password ?? '');
      if (auth.scheme === 'bearer') return { authorization: `Bearer ${auth.token ?? ''}` };
      return {};
    }
    const account: Account | undefined = this.target.accounts[as];
    if (!account) throw new Error(`no "${as}" account in the profile`);
    if (account.token) return { authorization: `Bearer ${account.token}` };
    return basic(account.username, account.password ?? '');
  }

  url(path: string, query: KfRequest['query'] = {}): string {
    const q = Object.entries(query).filter(([, v]) => v !== undefined);
    const search = q.length
      ? `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`
      : '';
    return `${this.base}${path}${search}`;
  }

  request(method: string, path: string, opts: KfRequest = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'x-keyfactor-api-version': this.apiVersion,
      ...(opts.omitRequestedWith ? {} : { 'x-keyfactor-requested-with': 'APIClient' }),
      ...this.authHeader(opts.as ?? 'admin'),
      ...opts.headers,
    };
    return this.http.request(method, this.url(path, opts.query), {
      headers,
      ...(opts.json !== undefined ? { json: opts.json } : {}),
    });
  }

  get(path: string, opts?: KfRequest): Promise<HttpResponse> {
    return this.request('GET', path, opts);
  }

  async post(path: string, json: unknown, opts: KfRequest = {}): Promise<HttpResponse> {
    const res = await this.request('POST', path, { ...opts, json });
    if (res.status >= 200 && res.status < 300 && /^\/Enrollment\/(Renew|PFX)$/i.test(path))
      this.noteCreated(res);
    return res;
  }

  private noteCreated(res: HttpResponse): void {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return;
    }
    const info = ci(body, 'CertificateInformation') ?? body;
    const id = Number(ci(info, 'KeyfactorId'));
    if (Number.isInteger(id) && id > 0) this.created.add(id);
  }

  /** Deletes the certificate records the run created (not a revocation: the CA still knows them). */
  async deleteCreated(): Promise<void> {
    for (const id of this.created) {
      await this.request('DELETE', `/Certificates/${id}`).catch(() => undefined);
    }
    this.created.clear();
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
