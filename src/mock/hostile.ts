import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { HostileMode, HostileOptions } from '../core/api.ts';

/** Default spacing of hit requests per mode: waiting modes are rarer so a self-test pass stays short. */
const DEFAULT_EVERY: Record<HostileMode, number> = {
  'garbage-body': 7,
  'truncated-body': 7,
  'html-500': 7,
  'reset-before': 7,
  'reset-after': 7,
  'no-answer': 23,
  slow: 3,
};

export interface HostileLayer {
  hits(): number;
  /** Drops the connections of answers withheld on purpose (no-answer), so the server can close. */
  close(): void;
}

/**
 * Transport trouble on some requests of a mock, for the self-test of error attribution: whatever these do,
 * no rule may report `fail` or `warn`. Hit requests are every `every`-th, at an offset drawn from the seed, so
 * a run is reproducible and a hit is never followed by another hit (a retry or a cleanup gets through).
 * "before" modes never reach the route; "after" modes let the route change state and then spoil the answer.
 */
export function installHostile(app: FastifyInstance, opts: HostileOptions): HostileLayer {
  const every = Math.max(2, opts.every ?? DEFAULT_EVERY[opts.mode]);
  const offset = Math.abs(Math.trunc(opts.seed)) % every;
  const spare = opts.spare ?? 0;
  let count = 0;
  let hits = 0;
  const held = new Set<Socket>();

  app.addHook('onRequest', (req, reply, done) => {
    count++;
    if (count <= spare || (count + offset) % every !== 0) return done();
    hits++;
    const socket = req.raw.socket;
    switch (opts.mode) {
      case 'reset-before':
        reply.hijack();
        socket.destroy();
        return;
      case 'html-500':
        void reply
          .code(500)
          .type('text/html')
          .header('connection', 'close')
          .send(
            '<html><head><title>500 Internal Server Error</title></head><body><h1>500</h1></body></html>',
          );
        return;
      case 'slow':
        setTimeout(done, 120 + (count % 5) * 40);
        return;
      default:
        spoilAnswer(reply.raw, opts.mode, held);
        done();
    }
  });

  return {
    hits: () => hits,
    close: () => {
      for (const s of held) s.destroy();
      held.clear();
    },
  };
}

type Headers = Record<string, string | number | string[]>;

/** Lets the route run, then replaces what it sends: garbage, half a body, a reset, or nothing at all. */
function spoilAnswer(res: ServerResponse, mode: HostileMode, held: Set<Socket>): void {
  const writeHead = res.writeHead.bind(res);
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const chunks: Buffer[] = [];
  let status = 200;
  let headers: Headers = {};
  const collect = (chunk: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  };
  const patched = res as unknown as Record<string, unknown>;
  patched.writeHead = (code: number, ...rest: unknown[]) => {
    status = code;
    const h = rest.find((r) => typeof r === 'object' && r !== null);
    if (h && !Array.isArray(h)) headers = { ...(h as Headers) };
    return res;
  };
  patched.write = (chunk: unknown) => (collect(chunk), true);
  patched.end = (chunk?: unknown) => {
    collect(chunk);
    const body = Buffer.concat(chunks);
    const socket = res.socket;
    for (const name of res.getHeaderNames()) headers[name] ??= res.getHeader(name) as string;
    if (mode === 'reset-after') {
      socket?.destroy();
    } else if (mode === 'no-answer') {
      if (socket) held.add(socket);
    } else if (mode === 'garbage-body' && body.length > 0) {
      const garbage = Buffer.from(
        '\u0000\u001f\u008b garbled ' + 'x'.repeat(Math.min(body.length, 40)) + ' \ufffd',
      );
      writeHead(status, { ...headers, 'content-length': garbage.length });
      end(garbage);
    } else if (mode === 'truncated-body' && body.length > 1) {
      writeHead(status, { ...headers, 'content-length': body.length });
      write(body.subarray(0, Math.floor(body.length / 2)), () => socket?.destroy());
    } else {
      // Nothing to spoil (an empty answer): send it as it was.
      writeHead(status, headers);
      end(body);
    }
    return res;
  };
}
