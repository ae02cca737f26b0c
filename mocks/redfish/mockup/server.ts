import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { RunningMock } from '../../../src/core/api.ts';
import { UsageError } from '../../../src/core/errors.ts';
import { listen, loopbackTls } from '../../../src/mock/server.ts';
import { errorBody } from '../errors.ts';

/**
 * A read-only capture of a Redfish service, served as a real device's read-only capture proxy would serve it: the
 * DMTF Mockup Creator layout (`DIR/redfish/v1/<path>/index.json`, with `headers.json` beside it when the creator
 * recorded headers) or the short form of DMTF's Redfish-Publications mockups (`DIR/<path>/index.json`, `DIR` being
 * `/redfish/v1`). GET and HEAD answer what was captured; everything else is refused with 405.
 */
export interface MockupOptions {
  host?: string;
  port?: number;
}

export interface MockupLayout {
  /** The directory that holds the service root's index.json (`/redfish/v1`). */
  root: string;
  /** The directory that holds `/redfish`'s index.json, when the capture has one (Mockup Creator layout). */
  redfish?: string;
}

/** The Base registry the capture server's own error answers use (a capture holds no registry choice of its own). */
const PREFIX = 'Base.1.22.1';
const ALLOW = 'GET, HEAD';
/** Headers of a captured answer that describe the original connection, not the answer (DMTF Mockup Server's list). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** Where the capture's service root is; a directory that is no mockup is a usage error naming what was looked for. */
export function mockupLayout(dir: string): MockupLayout {
  const base = resolve(dir);
  if (!existsSync(base) || !statSync(base).isDirectory())
    throw new UsageError(`--from-mockup: ${dir} is not a directory`);
  const long = join(base, 'redfish', 'v1');
  if (existsSync(join(long, 'index.json')))
    return {
      root: long,
      ...(existsSync(join(base, 'redfish', 'index.json')) ? { redfish: join(base, 'redfish') } : {}),
    };
  if (existsSync(join(base, 'index.json'))) return { root: base };
  throw new UsageError(
    `--from-mockup: ${dir} holds no mockup (neither redfish/v1/index.json, the Mockup Creator layout, nor index.json, the short form)`,
  );
}

interface Captured {
  body: string;
  type: string;
  headers: Record<string, string>;
}

/**
 * The captured answer to GET `path`, or undefined. `path` is the request path without query; only paths under
 * /redfish are captures, and no path may leave the capture's directory.
 */
export function captured(layout: MockupLayout, path: string): Captured | undefined {
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (
    segments.some((s) => s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0'))
  )
    return undefined;
  if (segments[0] !== 'redfish') return undefined;
  if (segments.length === 1) {
    if (layout.redfish) return fileAnswer(layout.redfish, layout.redfish);
    // The version object of DSP0266 ("GET /redfish" returns {"v1": "/redfish/v1/"}).
    return { body: JSON.stringify({ v1: '/redfish/v1/' }), type: 'application/json', headers: {} };
  }
  if (segments[1] !== 'v1') return undefined;
  return fileAnswer(layout.root, join(layout.root, ...segments.slice(2)));
}

function fileAnswer(root: string, dir: string): Captured | undefined {
  const inside = resolve(dir);
  if (inside !== root && !inside.startsWith(root + sep)) return undefined;
  const headers = capturedHeaders(join(inside, 'headers.json'));
  const json = join(inside, 'index.json');
  if (existsSync(json) && statSync(json).isFile()) {
    const text = readFileSync(json, 'utf8');
    return { body: withoutCopyright(text), type: 'application/json', headers };
  }
  // $metadata is CSDL (index.xml).
  const xml = join(inside, 'index.xml');
  if (existsSync(xml) && statSync(xml).isFile())
    return { body: readFileSync(xml, 'utf8'), type: 'application/xml', headers };
  return undefined;
}

/**
 * `@Redfish.Copyright` is the annotation DMTF puts on its published mockups, not part of a device's answer: removed
 * as DMTF's Redfish Mockup Server removes it. A file that is not JSON is served as it is (that is what was captured).
 */
function withoutCopyright(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body) && '@Redfish.Copyright' in body) {
      const { ['@Redfish.Copyright']: _, ...rest } = body as Record<string, unknown>;
      return JSON.stringify(rest, null, 2);
    }
  } catch {
    // served verbatim
  }
  return text;
}

/** Mockup Creator's headers.json: `{"GET": {"Header": "value", ...}}`. */
function capturedHeaders(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { GET?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc.GET ?? {}))
      if (!HOP_BY_HOP.has(k.toLowerCase()) && typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

async function sendError(
  reply: FastifyReply,
  status: number,
  key: string,
  args: string[],
  headers: Record<string, string> = {},
) {
  reply.code(status).header('OData-Version', '4.0').header('Cache-Control', 'no-cache');
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  reply.type('application/json; charset=utf-8');
  await reply.send(JSON.stringify(errorBody(PREFIX, key, args)));
}

/**
 * Serves the capture in `dir` over HTTPS on loopback (port 0: any free port), with a certificate from the test CA
 * (fixtures/pki/ca) as the bundled Redfish mock has. No credentials are needed and any are accepted: a capture holds
 * no answer about authentication.
 */
export async function startMockup(dir: string, opts: MockupOptions = {}): Promise<RunningMock> {
  const layout = mockupLayout(dir);
  const tls = await loopbackTls('certconform mockup');
  const app = Fastify({ https: { key: tls.key, cert: tls.cert }, logger: false });
  // Request bodies are never read (nothing but GET and HEAD is served); accept any content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!.split('#')[0]!;
    if (req.method === 'OPTIONS') {
      await reply.code(204).header('Allow', ALLOW).header('OData-Version', '4.0').send();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // What a read-only capture proxy answers to anything that would change the device.
      await sendError(reply, 405, 'OperationNotAllowed', [], { Allow: ALLOW });
      return;
    }
    const answer = captured(layout, path);
    if (!answer) {
      await sendError(reply, 404, 'ResourceNotFound', ['Resource', path]);
      return;
    }
    reply.code(200).header('OData-Version', '4.0');
    if (answer.type === 'application/json') reply.header('Cache-Control', 'no-cache');
    reply.type(`${answer.type}; charset=utf-8`);
    // Captured headers win over the defaults (they are what the device said), except the connection's own.
    for (const [k, v] of Object.entries(answer.headers)) reply.header(k, v);
    await reply.send(answer.body);
  };
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    exposeHeadRoute: false,
    handler,
  });
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/', handler });
  return listen(app, { host: opts.host, port: opts.port, https: true });
}
