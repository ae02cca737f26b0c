import { createHash } from 'node:crypto';
import { ruleFactory, type RuleRun } from '../../src/core/api.ts';
import { harnessNow, seededSecret } from '../../src/core/random.ts';
import {
  at,
  broken,
  check,
  confirmServerError,
  expectHelperStatus,
  helperJson,
  notApplicable,
  show,
  violation,
} from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { escapePointer } from '../../src/http/evidence.ts';
import { nameParts } from '../../src/pki/csr.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { certificateFromDer } from '../../src/pki/x509.ts';
import type { Fault } from '../../mocks/keyfactor/faults.ts';
import type { Capability } from './capabilities.ts';
import { isNotFound, type KfClient } from './client.ts';
import type { KfParams } from './params.ts';
import type { Source } from './sources.ts';

export interface KfCtx {
  kf: KfClient;
  params: KfParams;
  /** The CA certificate from params.caCertFile, when given. */
  caCert?: x509.X509Certificate;
}

export type Run = RuleRun<KfCtx>;

export const kfRule = ruleFactory<KfCtx, Source, Fault, Capability>();

/** The current time in the documented form YYYY-MM-DDTHH:mm:ss.000Z. */
export function timestamp(): string {
  return harnessNow().toISOString();
}

/** A fresh password the suite sends (registered as a secret so no report shows it). */
export function suitePassword(t: Run): string {
  const pw = seededSecret((b) => `Cc-${b.toString('base64url')}`);
  t.secret(pw);
  return pw;
}

export function param<K extends keyof KfParams>(t: Run, key: K): NonNullable<KfParams[K]> {
  const v = t.ctx.params[key];
  if (v === undefined || v === null) notApplicable(`params.${key} is not set in the profile`);
  return v as NonNullable<KfParams[K]>;
}

/** The certificates the profile names, each once, with the param that names it. */
export function profileCertificates(t: Run): Array<{ id: number; role: keyof KfParams }> {
  const roles = [
    'certificateId',
    'oneClickCertificateId',
    'noRenewalCertificateId',
    'storeCertificateId',
    'collectionCertificateId',
  ] as const;
  const out: Array<{ id: number; role: keyof KfParams }> = [];
  for (const role of roles) {
    const id = t.ctx.params[role];
    if (id !== undefined && !out.some((c) => c.id === id)) out.push({ id, role });
  }
  if (out.length === 0) notApplicable(`the profile names no certificate (params.${roles.join(', params.')})`);
  return out;
}

/**
 * A response field looked up without regard to case: the documents disagree on casing
 * (KeyfactorID in the reference, KeyfactorId in the OpenAPI), and .NET serialisers accept either.
 */
export function field(body: unknown, name: string): { key: string; value: unknown } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const keys = Object.keys(body).filter((k) => k.toLowerCase() === name.toLowerCase());
  const values = new Set(keys.map((k) => JSON.stringify((body as Record<string, unknown>)[k])));
  // The same field in two casings is harmless; two different values leave the answer ambiguous.
  if (values.size > 1)
    violation(
      `the response carries ${keys.join(' and ')} with different values: which one is meant?`,
      at(body, `/${escapePointer(keys[1]!)}`),
    );
  const key = keys[0];
  return key === undefined ? undefined : { key, value: (body as Record<string, unknown>)[key] };
}

/** An integer-valued field read leniently (numeric strings too): for rules that only need the value. */
export function idValue(body: unknown, name: string): number | undefined {
  const v = field(body, name)?.value;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The JSON object of a 2xx answer, or a Violation saying what came back. */
export function okJson(res: HttpResponse, what: string): Record<string, unknown> {
  check(
    res.status >= 200 && res.status < 300,
    `${what}: expected a 2xx answer, got ${res.status} ${show(res.text)}`,
  );
  const body = res.json();
  check(isObject(body), `${what}: expected a JSON object, got ${show(body)}`);
  return body;
}

/**
 * A refusal whose status the documents do not give: any 4xx, or, when the profile names them, the statuses in
 * params.refusalStatuses (plus `alsoAccepted`).
 */
export function checkRefused(t: Run, res: HttpResponse, what: string, alsoAccepted: number[] = []): void {
  const listed = t.ctx.params.refusalStatuses;
  const accepted = listed ? [...listed, ...alsoAccepted] : undefined;
  const refused = accepted ? accepted.includes(res.status) : res.status >= 400 && res.status < 500;
  const expected = accepted
    ? `HTTP ${accepted.join(' or ')} (params.refusalStatuses)`
    : 'a 4xx refusal (the documents give no status)';
  check(refused, `${what}: expected ${expected}, got ${res.status}${res.status < 300 ? ' (accepted)' : ''}`);
}

/** Request options of a request that must be refused: its answer is not judged as a model (KfRequest). */
export const REFUSAL = { refusalExpected: true } as const;

/**
 * Sends a request whose refusal is the rule's requirement (the rule has `judgesServerErrors`): a 5xx answer is
 * sent once more before it is judged, so a transient error page is not the finding, a persistent one is.
 */
export function refusal(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
  return confirmServerError(send);
}

export function renewBody(t: Run, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    Timestamp: timestamp(),
    CertificateAuthority: param(t, 'certificateAuthority'),
    Template: param(t, 'template'),
    ...fields,
  };
}

export interface CertificateRecord {
  json: Record<string, unknown>;
  cert: x509.X509Certificate;
  der: Buffer;
}

/**
 * GET /Certificates/{id}: the certificate Command holds, with its DER (ContentBytes), or undefined when
 * Command says it has no such certificate (404, or 400 "could not be found"). This read is a helper, not a
 * rule's subject: any other answer is broken (`error`), never data.
 */
export async function findCertificate(
  t: Run,
  id: number,
  includeLocations = false,
): Promise<CertificateRecord | undefined> {
  const res = await t.ctx.kf.read(`/Certificates/${id}`, {
    query: { includeLocations: includeLocations || undefined },
  });
  if (isNotFound(res)) return undefined;
  const what = `GET /Certificates/${id}`;
  expectHelperStatus(res, [200], what);
  const json = helperJson(res, what);
  if (!isObject(json)) broken(`${what}: expected a JSON object, got ${show(json)}`);
  const content = field(json, 'ContentBytes')?.value;
  if (typeof content !== 'string' || content.length === 0)
    broken(`${what}: expected ContentBytes (base64 DER), got ${show(content)}`);
  const der = Buffer.from(content, 'base64');
  let cert: x509.X509Certificate;
  try {
    cert = certificateFromDer(der);
  } catch (err) {
    broken(`${what}: ContentBytes is not a DER certificate (${(err as Error).message})`);
  }
  return { json, cert, der };
}

/** A certificate that must exist (the profile names it, or an answer named it): absent is a Violation. */
export async function certificateRecord(
  t: Run,
  id: number,
  includeLocations = false,
): Promise<CertificateRecord> {
  const rec = await findCertificate(t, id, includeLocations);
  check(rec, `GET /Certificates/${id}: Command has no certificate ${id}`);
  return rec;
}

/** The old certificate, read once per run; a profile naming a certificate Command lacks is a precondition error. */
export function originalCertificate(t: Run, id: number): Promise<CertificateRecord> {
  return t.shared(`certificate:${id}`, () => certificateRecord(t, id));
}

/** Where a certificate sits (GET /Certificates/{id}?includeLocations=true): store UUID and alias. */
export interface StoreLocation {
  storeId: string;
  alias: string;
}

export async function storeLocationsOf(t: Run, id: number): Promise<StoreLocation[]> {
  const rec = await certificateRecord(t, id, true);
  const locations = field(rec.json, 'Locations')?.value;
  if (!Array.isArray(locations))
    broken(
      `GET /Certificates/${id}?includeLocations=true: expected a Locations array, got ${show(locations)}`,
    );
  return locations
    .map((l) => ({
      storeId: String(field(l, 'CertStoreId')?.value ?? '').toLowerCase(),
      alias: String(field(l, 'Alias')?.value ?? ''),
    }))
    .filter((l) => l.storeId !== '');
}

/**
 * The stores of a certificate as they were before the run changed any (read once, on first use, which every
 * rule that changes stores makes *before* its change): a job that finishes instantly must not move "before".
 */
export function storesBefore(t: Run, id: number): Promise<StoreLocation[]> {
  return t.shared(`stores-before:${id}`, () => storeLocationsOf(t, id));
}

/** AvailableRenewalType read leniently (a numeric string counts), for rules that only need to know the type. */
export async function renewalTypeOf(t: Run, id: number): Promise<number> {
  return t.shared(`available-renewal:${id}`, async () => {
    const what = `GET /Enrollment/AvailableRenewal/Id/${id}`;
    const res = await t.ctx.kf.read(`/Enrollment/AvailableRenewal/Id/${id}`);
    expectHelperStatus(res, [200], what);
    const type = idValue(helperJson(res, what), 'AvailableRenewalType');
    check(type !== undefined, `${what}: no AvailableRenewalType in ${show(res.text)}`);
    return type;
  });
}

/** Distinguished names compared as sets of attribute=value pairs: order and spacing differ between tools. */
export function sameName(a: string, b: string): boolean {
  const norm = (n: string) =>
    nameParts(n)
      .map(([k, v]) => `${k.toUpperCase()}=${v.trim()}`)
      .sort()
      .join('\n');
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

/** Serial numbers compared as hex numbers: case and leading zeros do not matter. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[\s:]/g, '').replace(/^0+/, '').toUpperCase();
  return /^[0-9a-fA-F:\s]+$/.test(a) && norm(a) === norm(b);
}

/** An answered serial number is the certificate's (hex): the documents fix no notation, so hex or decimal. */
export function isSerialOf(answered: string, hexSerial: string): boolean {
  if (sameSerial(answered, hexSerial)) return true;
  return /^\d+$/.test(answered) && BigInt(answered) === BigInt(`0x${hexSerial.replace(/[\s:]/g, '')}`);
}

/** The digests an answered Thumbprint may be: the documents name none; Command uses SHA-1, SHA-256 is common. */
export function thumbprintsOf(der: Uint8Array): string[] {
  return ['sha1', 'sha256'].map((alg) => createHash(alg).update(der).digest('hex').toUpperCase());
}

/** An answered Thumbprint is one of the certificate's digests (hex; case and colons do not matter). */
export function isThumbprintOf(answered: unknown, der: Uint8Array): boolean {
  return (
    typeof answered === 'string' && thumbprintsOf(der).includes(answered.replace(/[\s:]/g, '').toUpperCase())
  );
}

/** Puts the ID of a certificate the rule made Command issue into the result's notes. */
export function noteIssued(t: Run, body: unknown, what: string): void {
  const info = field(body, 'CertificateInformation')?.value ?? body;
  const id = idValue(info, 'KeyfactorID');
  if (id !== undefined) t.note(`${what}: Command issued certificate ${id}`);
}
