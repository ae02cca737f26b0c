import { isDeepStrictEqual } from 'node:util';
import type { HttpClient, HttpResponse, RequestOptions } from '../http/client.ts';
import type { Evidence } from '../http/evidence.ts';
import {
  BrokenAnswer,
  NotApplicable,
  NotServed,
  TransportError,
  Violation,
  type ViolationAt,
} from './errors.ts';

/**
 * Assertions used by rules. Each failure names the documented thing and says expected vs actual; given `where`
 * (see `at`), it also names the offending part of the answer, which reports show first.
 */

export function violation(message: string, where?: ViolationAt): never {
  throw new Violation(message, where);
}

export function notApplicable(reason: string): never {
  throw new NotApplicable(reason);
}

export function check(condition: unknown, message: string, where?: ViolationAt): asserts condition {
  if (!condition) throw new Violation(message, where);
}

/**
 * Where a violation is: `pointer` (RFC 6901, "" = the whole body) into `body`, the parsed answer under test. Its
 * exchange is found when `body` came from `HttpResponse.json()`; give `answer` (the response or its evidence)
 * when it did not.
 */
export function at(body: unknown, pointer: string, answer?: HttpResponse | Evidence): ViolationAt {
  const exchange = answer && 'evidence' in answer ? answer.evidence : answer;
  return { pointer, body, ...(exchange ? { exchange } : {}) };
}

/** Where a violation is when it is in a header of `res`: its value (undefined: missing). */
export function atHeader(res: HttpResponse, name: string): ViolationAt {
  return { pointer: `header ${name}`, value: res.header(name), exchange: res.evidence };
}

/** Where a violation is when it is the status of `res`. */
export function atStatus(res: HttpResponse): ViolationAt {
  return { pointer: 'status', value: res.status, exchange: res.evidence };
}

/** One departure of an answer from its schema: the JSON pointer of the offending part, and one line saying what. */
export interface SchemaProblem {
  pointer: string;
  text: string;
}

/**
 * The answer `body` conforms to its schema: no `problems`. Otherwise a Violation `<message>: <problem>; …` that
 * names the first problem's place in the answer.
 */
export function checkSchema(
  problems: readonly SchemaProblem[],
  message: string,
  body: unknown,
  answer?: HttpResponse | Evidence,
): void {
  if (problems.length === 0) return;
  throw new Violation(
    `${message}: ${problems.map((p) => p.text).join('; ')}`,
    at(body, problems[0]!.pointer, answer),
  );
}

export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 200 ? value.slice(0, 200) + '…' : value);
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? text.slice(0, 300) + '…' : text;
}

export function checkEqual<T>(actual: T, expected: T, what: string, where?: ViolationAt): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Violation(`${what}: expected ${show(expected)}, got ${show(actual)}`, where);
  }
}

export function checkOneOf<T>(actual: T, allowed: readonly T[], what: string, where?: ViolationAt): void {
  if (!allowed.some((a) => isDeepStrictEqual(a, actual))) {
    throw new Violation(
      `${what}: expected one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(actual)}`,
      where,
    );
  }
}

export function checkMatch(actual: unknown, pattern: RegExp, what: string, where?: ViolationAt): void {
  if (typeof actual !== 'string' || !pattern.test(actual)) {
    throw new Violation(`${what}: expected a string matching ${pattern}, got ${show(actual)}`, where);
  }
}

/** The answer cannot be used (unparseable, unexpected status on a helper request): `error`, never `fail`. */
export function broken(message: string): never {
  throw new BrokenAnswer(message);
}

/** What an answer was, in one line: "GET /x answered 500 \"…\"". */
export function describeAnswer(res: HttpResponse): string {
  const text = res.text.trim();
  return `${res.method} ${new URL(res.url).pathname} answered ${res.status}${text ? ` ${show(text)}` : ''}`;
}

/**
 * For a helper request, which is not the rule's subject: the status must be one the harness can use, or the
 * answer is broken (`error`). A helper never turns an unexpected answer into data.
 */
export function expectHelperStatus(res: HttpResponse, allowed: readonly number[], purpose: string): void {
  if (!allowed.includes(res.status))
    broken(`${purpose}: ${describeAnswer(res)}, expected ${allowed.join(' or ')}`);
}

/**
 * A helper GET (not a rule's subject): sent once more when the answer was lost in transport, was a server error,
 * or was a 200 whose body does not parse. A read changes nothing, so one transient hiccup does not end the rule;
 * the superseded first answer stays in the evidence but is not taken for the device's answer.
 */
export function helperGet(http: HttpClient, path: string, opts?: RequestOptions): Promise<HttpResponse> {
  return readTwiceOnHiccup(() => http.get(path, opts));
}

/** `helperGet` for a suite's own read (a client that adds its own headers or query): the same one re-send. */
export async function readTwiceOnHiccup(read: () => Promise<HttpResponse>): Promise<HttpResponse> {
  let first: HttpResponse;
  try {
    first = await read();
  } catch (err) {
    if (err instanceof TransportError) return read();
    throw err;
  }
  if (first.status < 500 && (first.status !== 200 || parses(first.text))) return first;
  first.evidence.superseded = true;
  return read();
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A helper GET that needs the resource: 200 with a JSON body (after one re-send), or a broken answer. */
export async function readJson<T = unknown>(
  http: HttpClient,
  path: string,
  purpose = `read ${path}`,
): Promise<T> {
  const res = await helperGet(http, path);
  expectHelperStatus(res, [200], purpose);
  return helperJson<T>(res, purpose);
}

/** The JSON body of a helper answer: anything unparseable is a broken answer, never the rule's violation. */
export function helperJson<T = unknown>(res: HttpResponse, purpose: string): T {
  try {
    return res.json<T>();
  } catch (err) {
    if (err instanceof Violation) broken(`${purpose}: ${err.message}`);
    throw err;
  }
}

export type Lookup<T> = { present: true; body: T; res: HttpResponse } | { present: false; res: HttpResponse };

/**
 * A helper GET of something that may legitimately be missing: a 404 (or another status the document gives for
 * "absent") says so explicitly; any other non-200 is a broken answer, never "absent".
 */
export async function lookup<T = unknown>(
  http: HttpClient,
  path: string,
  opts: { absent?: readonly number[]; purpose?: string } = {},
): Promise<Lookup<T>> {
  const res = await helperGet(http, path);
  const absent = opts.absent ?? [404];
  if (absent.includes(res.status)) return { present: false, res };
  expectHelperStatus(res, [200], opts.purpose ?? `look up ${path}`);
  return { present: true, body: helperJson<T>(res, opts.purpose ?? `look up ${path}`), res };
}

/**
 * For rules with `judgesServerErrors`: a 5xx answer is sent once more before it is judged, so a transient
 * error page (an overloaded web server) is not reported as the device's finding. Only for requests that
 * change nothing when repeated.
 */
export async function confirmServerError(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
  const first = await send();
  return first.status >= 500 ? send() : first;
}

/** Statuses that say an operation is not served at all: no route (404), method not allowed (405), not implemented (501). */
export const NOT_SERVED_STATUSES: readonly number[] = [404, 405, 501];

/**
 * For a request to an operation that is advertised or documented (a Rekey target, a documented endpoint): an answer
 * of 404, 405 or 501 means the operation is not served at all, which is not the requirement the calling rule checks.
 * It becomes one finding of `owner` (the rule that requires the operation to be served, if a document does) and
 * `error` "not evaluated: <operation> not served (<status>)" for every other rule. Rules whose requirement *is*
 * such a status (an unknown resource answers 404) do not call this.
 */
export function requireServed(res: HttpResponse, operation: string, owner?: string): HttpResponse {
  if (NOT_SERVED_STATUSES.includes(res.status))
    throw new NotServed(`${operation} not served (${res.status})`, owner, describeAnswer(res));
  return res;
}
