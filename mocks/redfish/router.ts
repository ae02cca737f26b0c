import type { FastifyRequest } from 'fastify';
import type { Answer, ErrorAnswer } from './answers.ts';
import type { Fault } from './faults.ts';
import type { User } from './state.ts';

/** A request as the rooms see it. */
export interface Call {
  req: FastifyRequest;
  /** The URL path without query string or trailing slash. */
  path: string;
  /** HEAD is answered like GET; fastify sends no body on a HEAD. */
  method: string;
}

export interface UserCall extends Call {
  user: User;
}

export interface Route<C extends Call = Call> {
  match: (call: Call) => boolean;
  answer: (call: C) => Answer | Promise<Answer>;
}

export interface AuthenticatedRoute extends Route<UserCall> {
  /** A fault's way in without credentials: the user such a request is taken for. */
  anonymous?: (call: Call) => User | undefined;
}

/** A resource's body for GET (and the reason for a 405 on other methods), or undefined if it is not one. */
export type Resource = (path: string) => unknown;

export interface Authenticator {
  authenticate: (req: FastifyRequest) => User | undefined;
  unauthorized: () => Answer;
}

const pathOf = (req: FastifyRequest) => req.url.split('?')[0]!.replace(/\/$/, '') || '/';

/**
 * The rooms add their routes here; a request goes through the phases in this order: public routes, the
 * OData-Version check, unauthenticated routes, authentication, authenticated routes, then the resources.
 * Within a phase the first route that matches answers, in the order the rooms added them.
 */
export class RouteTable {
  private readonly publicRoutes: Route[] = [];
  private readonly unauthenticatedRoutes: Route[] = [];
  private readonly authenticatedRoutes: AuthenticatedRoute[] = [];
  private readonly resources: Resource[] = [];
  private readonly allows: ((path: string) => string | undefined)[] = [];
  private authenticator: Authenticator | undefined;

  constructor(
    private readonly err: ErrorAnswer,
    private readonly has: (f: Fault) => boolean,
  ) {}

  /** Answered before the OData-Version check and without authentication (service root, OData documents). */
  public(route: Route): void {
    this.publicRoutes.push(route);
  }

  /** Answered without authentication (logging in). */
  unauthenticated(route: Route): void {
    this.unauthenticatedRoutes.push(route);
  }

  authenticated(route: AuthenticatedRoute): void {
    this.authenticatedRoutes.push(route);
  }

  /** A readable resource: GET answers its body, other methods 405. */
  resource(read: Resource): void {
    this.resources.push(read);
  }

  /** The methods of the paths this room knows that support more than GET and HEAD. */
  allow(methods: (path: string) => string | undefined): void {
    this.allows.push(methods);
  }

  authenticateWith(authenticator: Authenticator): void {
    this.authenticator = authenticator;
  }

  /** The methods a resource supports: DSP0266 wants them in Allow on every GET and HEAD, and on a 405. */
  allowFor(path: string): string {
    for (const methods of this.allows) {
      const allow = methods(path);
      if (allow !== undefined) return allow;
    }
    return 'GET, HEAD';
  }

  async answer(req: FastifyRequest): Promise<Answer> {
    return this.withAllow(req, await this.route(req));
  }

  private withAllow(req: FastifyRequest, a: Answer): Answer {
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (!read || a.status < 200 || a.status > 299 || a.headers?.Allow !== undefined) return a;
    return { ...a, headers: { ...a.headers, Allow: this.allowFor(pathOf(req)) } };
  }

  private async route(req: FastifyRequest): Promise<Answer> {
    const call: Call = { req, path: pathOf(req), method: req.method === 'HEAD' ? 'GET' : req.method };
    for (const r of this.publicRoutes) if (r.match(call)) return r.answer(call);

    const odataVersion = req.headers['odata-version'];
    if (odataVersion !== undefined && odataVersion !== '4.0' && !this.has('odata-version-ignored'))
      return this.err(412, 'PreconditionFailed');

    for (const r of this.unauthenticatedRoutes) if (r.match(call)) return r.answer(call);

    if (!this.authenticator) throw new Error('mock bug: no room authenticates');
    let user = this.authenticator.authenticate(req);
    for (const r of this.authenticatedRoutes) {
      if (user) break;
      if (r.match(call)) user = r.anonymous?.(call);
    }
    if (!user) return this.authenticator.unauthorized();

    for (const r of this.authenticatedRoutes) if (r.match(call)) return r.answer({ ...call, user });

    const body = this.readResource(call.path);
    if (body === undefined) return this.err(404, 'ResourceNotFound', ['Resource', call.path]);
    if (call.method !== 'GET')
      return this.err(405, 'OperationNotAllowed', [], { Allow: this.allowFor(call.path) });
    return { status: 200, body };
  }

  private readResource(path: string): unknown {
    for (const read of this.resources) {
      const body = read(path);
      if (body !== undefined) return body;
    }
    return undefined;
  }
}
