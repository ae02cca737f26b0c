import type { FastifyRequest } from 'fastify';
import type { Answer } from './answers.ts';
import type { RedfishContext } from './context.ts';

export type ParsedBody =
  { ok: true; value: Record<string, unknown>; raw: string } | { ok: false; answer: Answer };

function mediaTypeOk({ has }: RedfishContext, req: FastifyRequest): boolean {
  const ct = String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .replace(/\s+/g, '');
  if (has('charset-content-type-rejected')) return ct === 'application/json';
  return ct === 'application/json' || ct === 'application/json;charset=utf-8';
}

/** A request's JSON object, checked like a device does (the server hands the rooms the raw bytes). */
export function parseBody(ctx: RedfishContext, req: FastifyRequest): ParsedBody {
  const { has, err } = ctx;
  if (!mediaTypeOk(ctx, req)) return { ok: false, answer: err(415, 'UnrecognizedRequestBody') };
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') return { ok: false, answer: err(400, 'UnrecognizedRequestBody') };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      answer: has('malformed-json-500') ? err(500, 'InternalError') : err(400, 'MalformedJSON'),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, answer: err(400, 'UnrecognizedRequestBody') };
  return { ok: true, value: value as Record<string, unknown>, raw };
}
