import { requireServed } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { MODELS, type ModelName } from './models/openapi.ts';

/**
 * The documented Command operations the suite sends, each with the rule that owns "this operation is not served"
 * (one cause, one finding): when Command answers one of them 404 (no route), 405 or 501, that rule fails and every
 * other rule that needed the operation is `error` "not evaluated: <what> not served (<status>)". `entry` is how
 * `GET /Status/Endpoints` ("Returns all endpoints to which the requesting identity has access") names it.
 */
export interface Operation {
  method: string;
  path: RegExp;
  /** The operation as reports name it (the same text for every rule that meets it). */
  what: string;
  /** The rule whose requirement is the operation's documented answer. */
  owner?: string;
  entry: string;
  /** The OpenAPI model of its 2xx answer (judged by KF-MODEL-001/002 wherever the run meets it). */
  model?: ModelName;
}

export const OPERATIONS = {
  renew: {
    method: 'POST',
    path: /^\/Enrollment\/Renew$/i,
    what: 'POST /Enrollment/Renew',
    owner: 'KF-REN-001',
    model: MODELS.renewal,
    entry: 'POST /Enrollment/Renew',
  },
  pfx: {
    method: 'POST',
    path: /^\/Enrollment\/PFX$/i,
    what: 'POST /Enrollment/PFX',
    owner: 'KF-PFX-001',
    model: MODELS.pfx,
    entry: 'POST /Enrollment/PFX',
  },
  replace: {
    method: 'POST',
    path: /^\/Enrollment\/PFX\/Replace$/i,
    what: 'POST /Enrollment/PFX/Replace',
    owner: 'KF-DEP-001',
    model: MODELS.management,
    entry: 'POST /Enrollment/PFX/Replace',
  },
  deploy: {
    method: 'POST',
    path: /^\/Enrollment\/PFX\/Deploy$/i,
    what: 'POST /Enrollment/PFX/Deploy',
    owner: 'KF-DEP-003',
    model: MODELS.management,
    entry: 'POST /Enrollment/PFX/Deploy',
  },
  availableRenewalById: {
    method: 'GET',
    path: /^\/Enrollment\/AvailableRenewal\/Id\/[^/]+$/i,
    what: 'GET /Enrollment/AvailableRenewal/Id/{id}',
    owner: 'KF-AVL-001',
    model: MODELS.availableRenewal,
    entry: 'GET /Enrollment/AvailableRenewal/Id/#',
  },
  availableRenewalByThumbprint: {
    method: 'GET',
    path: /^\/Enrollment\/AvailableRenewal\/Thumbprint\/[^/]+$/i,
    what: 'GET /Enrollment/AvailableRenewal/Thumbprint/{thumbprint}',
    owner: 'KF-AVL-002',
    model: MODELS.availableRenewal,
    entry: 'GET /Enrollment/AvailableRenewal/Thumbprint/#',
  },
  certificate: {
    method: 'GET',
    path: /^\/Certificates\/\d+$/i,
    what: 'GET /Certificates/{id}',
    owner: 'KF-MODEL-001',
    model: MODELS.certificate,
    entry: 'GET /Certificates/#',
  },
  // The undo of Replace and Deploy: no rule's requirement, so a refusal there is residue, not a finding.
  storeAdd: {
    method: 'POST',
    path: /^\/CertificateStores\/Certificates\/Add$/i,
    what: 'POST /CertificateStores/Certificates/Add',
    entry: 'POST /CertificateStores/Certificates/Add',
  },
  storeRemove: {
    method: 'POST',
    path: /^\/CertificateStores\/Certificates\/Remove$/i,
    what: 'POST /CertificateStores/Certificates/Remove',
    entry: 'POST /CertificateStores/Certificates/Remove',
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;

export function operationOf(method: string, path: string): Operation | undefined {
  return Object.values(OPERATIONS).find(
    (op: Operation) => op.method === method.toUpperCase() && op.path.test(path),
  );
}

/** ASP.NET Web API's answer when no route matches: the operation does not exist on this server. */
const NO_ROUTE =
  /No HTTP resource was found that matches the request URI|No action was found on the controller/i;
/** Command's answer about a record: the route ran and says the certificate (or store, request…) is absent. */
const RECORD_MISSING = /could not be found|was not found|does not exist/i;

/**
 * Whether a 404 says "no such operation" rather than "no such record". Command answers its own refusals (an
 * unknown certificate, a collection the user may not use) with `{ "ErrorCode", "Message" }`; a 404 for a route
 * that does not exist is Web API's "No HTTP resource was found …", or an IIS page, or an empty body.
 */
export function isRouteMissing(res: HttpResponse): boolean {
  if (res.status !== 404) return false;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    // Plain text: Command's own message about a record still names it; an IIS page or nothing does not.
    return !(RECORD_MISSING.test(res.text) && !NO_ROUTE.test(res.text) && !/<html/i.test(res.text));
  }
  const message = String(ci(body, 'Message') ?? '');
  if (NO_ROUTE.test(message)) return true;
  const code = ci(body, 'ErrorCode');
  return !(typeof code === 'string' && code !== '') && !RECORD_MISSING.test(message);
}

/**
 * For every answer to a documented operation: 405, 501, or a 404 without a route is "not served" (NotServed, one
 * finding of the operation's owner); a 404 that is Command's answer about a record is the route's answer.
 */
export function requireOperationServed(res: HttpResponse, op: Operation): HttpResponse {
  if (res.status === 404 && !isRouteMissing(res)) return res;
  return requireServed(res, op.what, op.owner);
}

/** A `GET /Status/Endpoints` entry (`POST /Enrollment/PFX`, `GET /Certificates/#`) in a comparable form. */
export function endpointKey(entry: string): string | undefined {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(entry);
  if (!m) return undefined;
  const path = m[2]!
    .replace(/\/+$/, '')
    .split('/')
    .map((s) => (s === '#' || /^\{[^}]*\}$/.test(s) ? '#' : s.toLowerCase()))
    .join('/');
  return `${m[1]!.toUpperCase()} ${path}`;
}

/**
 * The endpoints an identity may call, from `GET /Status/Endpoints`; undefined when the answer does not read as
 * such a list (the suite then cannot tell, and assumes every documented operation is offered).
 */
export function parseEndpoints(body: unknown): Set<string> | undefined {
  if (!Array.isArray(body)) return undefined;
  const keys = body.map((e) => (typeof e === 'string' ? endpointKey(e) : undefined));
  if (keys.length === 0 || keys.some((k) => k === undefined)) return undefined;
  return new Set(keys as string[]);
}

/** Whether a listed endpoint set offers the operation (an entry may carry the API's base path in front). */
export function lists(endpoints: ReadonlySet<string>, op: Operation): boolean {
  const wanted = endpointKey(op.entry)!;
  const [method, path] = wanted.split(' ') as [string, string];
  for (const e of endpoints) {
    const [m, p] = e.split(' ') as [string, string];
    if (m === method && (p === path || p.endsWith(path))) return true;
  }
  return false;
}

function ci(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}
