import { check, show, violation } from '../../../src/core/check.ts';
import type { HttpResponse } from '../../../src/http/client.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 422 answers of the API are a JSON array of strings (Client Operations v2: `type: array, items: string`). */
export function expectMessageList(res: HttpResponse, what: string): string[] {
  check(res.status === 422, `${what}: expected 422, got ${res.status} (${show(res.text)})`);
  const body = res.json();
  check(
    Array.isArray(body) && body.every((m) => typeof m === 'string'),
    `${what}: a 422 body must be a JSON array of strings, got ${show(body)}`,
  );
  return body as string[];
}

/** 400, 404, 409 and 5xx answers carry an ErrorMessageDto `{ "message": string }`. */
export function expectErrorMessage(res: HttpResponse, status: number, what: string): string {
  check(res.status === status, `${what}: expected ${status}, got ${res.status} (${show(res.text)})`);
  const body = res.json<Record<string, unknown>>();
  check(
    typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body.message === 'string',
    `${what}: a ${status} body must be an ErrorMessageDto {"message": string}, got ${show(body)}`,
  );
  return body.message as string;
}

/**
 * The request is refused with one of the documented client-error answers of the operation: 400 with an
 * ErrorMessageDto or 422 with a list of messages. Anything else (2xx, 404, 500, another shape) is a violation.
 */
export function expectRefused(res: HttpResponse, what: string): void {
  if (res.status === 422) return void expectMessageList(res, what);
  if (res.status === 400) return void expectErrorMessage(res, 400, what);
  violation(
    `${what}: expected the request to be refused with 400 or 422, got ${res.status} (${show(res.text)})`,
  );
}

/** The body of a successful ClientCertificateDataResponseDto, checked leniently (helpers, not rules). */
export function dataResponse(res: HttpResponse, what: string): { uuid: string; certificateData?: unknown } {
  check(
    res.status >= 200 && res.status < 300,
    `${what}: expected success, got ${res.status} (${show(res.text)})`,
  );
  const body = res.json<Record<string, unknown>>();
  check(
    typeof body?.uuid === 'string' && body.uuid !== '',
    `${what}: the answer has no certificate uuid: ${show(body)}`,
  );
  return body as { uuid: string; certificateData?: unknown };
}
