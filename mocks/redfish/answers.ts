import type { FastifyReply } from 'fastify';
import { baseMessage, errorBody } from './errors.ts';

/** What a room answers a request with; send() puts it on the wire. */
export interface Answer {
  status: number;
  body?: unknown;
  /** A CSDL document ($metadata) instead of a JSON body. */
  xml?: string;
  /** An empty value removes a header the mock sends by default. */
  headers?: Record<string, string>;
}

/** An error answer with a Base registry message. */
export type ErrorAnswer = (
  status: number,
  key: string,
  args?: string[],
  headers?: Record<string, string>,
) => Answer;

/** Error answers with the vendor's Base registry prefix; `extra` goes into every error object. */
export function errorAnswers(prefix: string, extra: Record<string, unknown> | undefined): ErrorAnswer {
  return (status, key, args = [], headers) => ({
    status,
    body: errorBody(prefix, key, args, extra),
    ...(headers ? { headers } : {}),
  });
}

/**
 * Errors as a terse but conforming service gives them: DSP0266 demands an extended error only on 400 and 500,
 * and names no Base message for a refusal. So 400/500 carry just error.code GeneralError and the message text,
 * 403/404/405/415 have no body, and an unsupported OData-Version is refused with 400 (412 is only a "should").
 */
export function terseErrorAnswers(prefix: string): ErrorAnswer {
  const full = errorAnswers(prefix, undefined);
  const withHeaders = (headers?: Record<string, string>) => (headers ? { headers } : {});
  return (status, key, args = [], headers) => {
    if (status === 412) status = 400;
    if ([403, 404, 405, 415].includes(status)) return { status, ...withHeaders(headers) };
    if (status !== 400 && status !== 500) return full(status, key, args, headers);
    const message = baseMessage(prefix, key, args).Message;
    return { status, body: { error: { code: `${prefix}.GeneralError`, message } }, ...withHeaders(headers) };
  };
}

export const ref = (uri: string) => ({ '@odata.id': uri });

export function collection(
  uri: string,
  type: string,
  name: string,
  members: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    '@odata.id': uri,
    '@odata.type': type,
    Name: name,
    Members: members.map(ref),
    'Members@odata.count': members.length,
    ...extra,
  };
}

export async function send(reply: FastifyReply, a: Answer): Promise<void> {
  reply.code(a.status);
  reply.header('OData-Version', '4.0');
  reply.header('Cache-Control', 'no-cache');
  for (const [k, v] of Object.entries(a.headers ?? {})) {
    if (v === '') reply.removeHeader(k);
    else reply.header(k, v);
  }
  if (a.xml !== undefined) {
    reply.type('application/xml');
    await reply.send(a.xml);
    return;
  }
  if (a.body === undefined) {
    await reply.send();
    return;
  }
  reply.type('application/json');
  await reply.send(JSON.stringify(a.body));
}
