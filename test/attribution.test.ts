/**
 * Error is not fail: each of the eight observations of the attribution issue, reproduced with a small target.
 * The "device" is a fastify server whose answers each test sets; the rules are written the way a suite's are.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineApi,
  ruleFactory,
  type AnyApi,
  type ApiId,
  type Connection,
  type RunningMock,
} from '../src/core/api.ts';
import { checkEqual, lookup, readJson } from '../src/core/check.ts';
import { runTarget, type Residue } from '../src/core/engine.ts';
import { mockTarget } from '../src/core/targets.ts';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';
import { HttpClient } from '../src/http/client.ts';
import { recordEvidence, type Evidence } from '../src/http/evidence.ts';
import { Redactor } from '../src/http/redact.ts';
import { listen } from '../src/mock/server.ts';

interface Ctx {
  http: HttpClient;
}
type Cap = 'widgets';
const rule = ruleFactory<Ctx, 'doc', 'f', Cap>();
const cite = { source: 'doc' as const, section: '§1', quote: 'q' };
const PASSWORD = 'attr-Secret-1';

/** Routes of the device under test, set per test. */
let routes: (app: FastifyInstance) => void = () => undefined;
let prepared = 0;
let requestsBeforePrepare = 0;

function makeApi(rules: ReturnType<typeof rule>[], opts: { probeCapability?: boolean } = {}): AnyApi {
  return defineApi<Ctx, 'doc', 'f', 'v', Cap>({
    id: 'attr' as ApiId,
    title: 'Attribution',
    rulePrefix: 'RF',
    sources: { doc: { title: 'doc' } },
    capabilities: { widgets: 'widgets' },
    faults: { f: { description: 'f' } },
    variants: { v: { description: 'v', vendor: 'x' } },
    defaultVariant: 'v',
    paramsSchema: { type: 'object' },
    accountRoles: [],
    notTested: [],
    rules,
    prepare() {
      prepared++;
    },
    async startMock({ host, port }) {
      const app = Fastify({ keepAliveTimeout: 150 });
      app.addHook('onRequest', async (req) => {
        if (prepared === 0) requestsBeforePrepare++;
        void req;
      });
      routes(app);
      return listen(app, { host, port, https: false });
    },
    mockTarget(_variant, mock: RunningMock) {
      return {
        baseUrl: mock.url,
        vendor: 'x',
        tls: {},
        auth: { scheme: 'basic', username: 'admin', password: PASSWORD },
        accounts: {},
        params: {},
      };
    },
    async connect({ http, target }): Promise<Connection<Ctx, Cap>> {
      const basic = Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64');
      http.options.defaultHeaders = () => ({ authorization: `Basic ${basic}` });
      // One authenticated probe: a 401 is said once, as the credentials' problem, not as 30 failed rules.
      const probe = await http.get('/whoami');
      return {
        ctx: { http },
        ...(probe.status === 401
          ? { authFailure: `credentials for admin were rejected by ${target.baseUrl}: 401` }
          : {}),
        async capability(cap) {
          if (!opts.probeCapability) return true;
          const res = await http.get(`/capabilities/${cap}`);
          if (res.status === 404) return 'no widgets';
          return (await readJson(http, `/capabilities/${cap}`)) ? true : 'no widgets';
        },
        close: async () => undefined,
      };
    },
  }) as unknown as AnyApi;
}

const authorized = (app: FastifyInstance, password = PASSWORD) => {
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/open') return;
    const want = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    if (req.headers.authorization !== want) await reply.code(401).send({ error: 'unauthorized' });
  });
  app.get('/whoami', async () => ({ user: 'admin' }));
};

async function run(api: AnyApi, opts: { concurrency?: number; password?: string } = {}) {
  const mock = await api.startMock({ variant: 'v', faults: [] });
  try {
    const target = mockTarget(api, 'v', mock);
    if (opts.password) target.auth.password = opts.password;
    if (opts.concurrency) target.concurrency = opts.concurrency;
    target.timeouts = { requestMs: 500, operationMs: 1000, ruleMs: 5000 };
    const residue: Residue[] = [];
    const results = await runTarget({
      api,
      target,
      rules: api.rules,
      redactor: new Redactor(),
      onResidue: (r) => residue.push(r),
    });
    return { by: Object.fromEntries(results.map((r) => [r.rule, r])), results, residue };
  } finally {
    await mock.close();
  }
}

const ok = (id: string) =>
  rule({
    id,
    title: 'whoami',
    level: 'MUST',
    cite,
    faults: ['f'],
    async check({ ctx }) {
      checkEqual((await ctx.http.get('/whoami')).status, 200, 'GET /whoami');
    },
  });

afterEach(() => {
  routes = () => undefined;
});

describe('error is not fail', () => {
  it('1. rejected credentials are one error line per rule, never a fail; unauthenticated rules still run', async () => {
    routes = (app) => {
      authorized(app);
      app.get('/thing', async () => ({ ok: true }));
      app.get('/open', async () => ({ ok: false }));
    };
    const api = makeApi([
      rule({
        id: 'A-1',
        title: 'thing ok',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check({ ctx }) {
          checkEqual((await ctx.http.get('/thing')).status, 200, 'GET /thing status');
        },
      }),
      rule({
        id: 'A-2',
        title: 'open is ok',
        level: 'MUST',
        cite,
        faults: ['f'],
        auth: 'none',
        async check({ ctx }) {
          checkEqual((await ctx.http.get('/open', { noDefaultHeaders: true })).json(), { ok: true }, 'open');
        },
      }),
    ]);
    const { by } = await run(api, { password: `${PASSWORD}x` });
    expect(by['A-1']).toMatchObject({
      status: 'error',
      message: expect.stringContaining('were rejected by'),
    });
    // The documented violation on the unauthenticated path is still found.
    expect(by['A-2']!.status).toBe('fail');
  });

  it('1b. a missing parameter never reaches the device as /undefined/', async () => {
    routes = (app) => authorized(app);
    const api = makeApi([
      rule({
        id: 'A-3',
        title: 'uses a param',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check({ ctx, target }) {
          checkEqual(
            (await ctx.http.get(`/authorities/${String(target.params.authority)}/x`)).status,
            200,
            's',
          );
        },
      }),
    ]);
    const { by } = await run(api);
    expect(by['A-3']).toMatchObject({
      status: 'error',
      message: expect.stringContaining('a parameter is missing'),
    });
  });

  it('2. a helper that meets an HTML 500 page or a garbled body reports error, and never reads it as data', async () => {
    routes = (app) => {
      authorized(app);
      app.get('/root', async (_req, reply) => reply.code(500).type('text/html').send('<html>500</html>'));
      app.get('/garbled', async (_req, reply) => reply.type('application/json').send('{"a": tru'));
      app.get('/cert', async () => ({ thumbprint: 'A' }));
    };
    const api = makeApi([
      rule({
        id: 'B-1',
        title: 'nothing changed',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          const root = await t.setup('discovery', () => readJson(t.ctx.http, '/root'));
          checkEqual(root, {}, 'root');
        },
      }),
      rule({
        id: 'B-2',
        title: 'garbled helper',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          const x = await lookup<{ a: boolean }>(t.ctx.http, '/garbled');
          checkEqual(x.present && x.body.a, true, 'a');
        },
      }),
      rule({
        id: 'B-3',
        title: 'a 5xx on the request under test is not evaluated',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check({ ctx }) {
          checkEqual((await ctx.http.get('/root')).status, 200, 'GET /root status');
        },
      }),
    ]);
    const { by } = await run(api);
    expect(by['B-1']).toMatchObject({ status: 'error', message: expect.stringContaining('answered 500') });
    expect(by['B-2']).toMatchObject({ status: 'error', message: expect.stringContaining('not JSON') });
    expect(by['B-3']).toMatchObject({ status: 'error', message: expect.stringMatching(/^not evaluated: /) });
  });

  it('3. a failed shared setup fails only the rule that owns it; an absent helper endpoint is not a fail', async () => {
    routes = (app) => {
      authorized(app);
      app.post('/renew', async (_req, reply) => reply.code(400).send({ message: 'no' }));
      app.get('/search', async (_req, reply) => reply.code(404).send({ message: 'no such endpoint' }));
    };
    const renewal = async (http: HttpClient) => {
      const res = await http.post('/renew', { json: {} });
      checkEqual(res.status, 200, 'POST /renew status');
      return res;
    };
    const api = makeApi([
      rule({
        id: 'C-1',
        title: 'renew answers 200',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          await t.shared('renewal', () => renewal(t.ctx.http), { owner: 'C-1' });
        },
      }),
      rule({
        id: 'C-2',
        title: 'the renewed certificate is new',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          await t.shared('renewal', () => renewal(t.ctx.http), { owner: 'C-1' });
        },
      }),
      rule({
        id: 'C-3',
        title: 'serials differ',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          const [first, second] = ['1', '2'] as string[];
          checkEqual(first !== second, true, 'serials differ');
          const found = await lookup(t.ctx.http, '/search');
          if (found.present) checkEqual(found.body, [], 'search');
        },
      }),
    ]);
    const { by } = await run(api);
    expect(by['C-1']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('POST /renew status'),
    });
    expect(by['C-2']).toMatchObject({
      status: 'error',
      message: expect.stringContaining('precondition renewal failed (the requirement of C-1)'),
      // One cause, one finding: reports group the rules it left not evaluated under it.
      cause: { what: 'precondition renewal failed', owner: 'C-1' },
    });
    expect(by['C-3']!.status).toBe('pass');
  });

  it('3b. a shared read-only setup with retryAfterFailure is made again by the next rule after a failure', async () => {
    let calls = 0;
    routes = (app) => {
      authorized(app);
      // The first discovery fails (a 503, and again when the helper read re-sends it); the next one works.
      app.get('/discovery', async (_req, reply) =>
        ++calls <= 2 ? reply.code(503).send({ message: 'busy' }) : reply.send({ found: true }),
      );
    };
    const discovery = (t: Parameters<Parameters<typeof rule>[0]['check']>[0]) =>
      t.shared('discovery', () => readJson<{ found: boolean }>(t.ctx.http, '/discovery', 'discovery'), {
        retryAfterFailure: true,
      });
    const api = makeApi(
      ['D-1', 'D-2', 'D-3'].map((id) =>
        rule({
          id,
          title: 'discovery finds it',
          level: 'MUST',
          cite,
          faults: ['f'],
          async check(t) {
            checkEqual((await discovery(t)).found, true, 'found');
          },
        }),
      ),
    );
    const { by } = await run(api);
    expect(by['D-1']!.status).toBe('error');
    expect([by['D-2']!.status, by['D-3']!.status]).toEqual(['pass', 'pass']);
    expect(calls).toBe(3);
  });

  it('5. a capability probe that fails by transport is an error, not a skip', async () => {
    routes = (app) => {
      authorized(app);
      app.get('/capabilities/widgets', async (_req, reply) =>
        reply.code(502).type('text/html').send('<html>'),
      );
    };
    const api = makeApi(
      [
        rule({
          id: 'E-1',
          title: 'widgets',
          level: 'MUST',
          cite,
          requires: ['widgets'],
          faults: ['f'],
          async check() {},
        }),
      ],
      { probeCapability: true },
    );
    const { by } = await run(api);
    expect(by['E-1']).toMatchObject({
      status: 'error',
      message: expect.stringContaining('could not determine capability "widgets"'),
    });
  });

  it('6. one reset is an error of that rule only; the next rules get a fresh connection', async () => {
    let n = 0;
    routes = (app) => {
      authorized(app);
      app.post('/op', async (req, reply) => {
        if (++n === 1) {
          req.raw.socket.destroy();
          return reply.hijack();
        }
        return { ok: true };
      });
    };
    const op = (id: string) =>
      rule({
        id,
        title: 'op',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check({ ctx }) {
          checkEqual((await ctx.http.post('/op', { json: {} })).status, 200, 'POST /op status');
        },
      });
    const { by } = await run(makeApi([op('F-1'), op('F-2'), op('F-3')]));
    expect(by['F-1']).toMatchObject({ status: 'error', message: expect.stringContaining('transport') });
    expect([by['F-2']!.status, by['F-3']!.status]).toEqual(['pass', 'pass']);
  });

  it('7. prepare() runs before the first request', async () => {
    prepared = 0;
    requestsBeforePrepare = 0;
    routes = (app) => authorized(app);
    const { by } = await run(makeApi([ok('G-1')]));
    expect(prepared).toBe(1);
    expect(requestsBeforePrepare).toBe(0);
    expect(by['G-1']!.status).toBe('pass');
  });

  it('7b. a GET on a keep-alive socket the server closed while the harness was busy is retried once', async () => {
    // The server is another process, so it closes the idle socket while this one is blocked; like many BMC
    // web servers it sends no Keep-Alive timeout hint, so the client cannot know the socket went stale.
    // The server says when it has closed the socket (a marker file), so the wait is for that, not a fixed time.
    const closed = join(tempDir(), 'closed');
    const server = spawn(process.execPath, [
      '-e',
      `const s = require('node:net').createServer((c) => c.on('data', () => {
         c.write('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: 11\\r\\n\\r\\n{"ok":true}');
         setTimeout(() => { c.destroy(); require('node:fs').writeFileSync(${JSON.stringify(closed)}, ''); }, 100);
       }));
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ]);
    try {
      const port = await new Promise<string>((resolve) =>
        server.stdout.once('data', (d) => resolve(String(d).trim())),
      );
      const http = new HttpClient({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 2000,
        redactor: new Redactor(),
      });
      const evidence: Evidence[] = [];
      await recordEvidence(evidence, async () => {
        expect((await http.get('/a')).status).toBe(200);
        // A long synchronous step (what a schema compile did) while the socket sits idle, until the server has
        // closed it however busy the machine (bounded, so a server that never does cannot hang the test).
        const until = Date.now() + 30_000;
        while (!existsSync(closed) && Date.now() < until) {
          /* blocked */
        }
        expect((await http.get('/a')).status).toBe(200);
      });
      http.close();
      expect(evidence[1]?.retried).toMatch(/fresh connection/);
    } finally {
      server.kill();
    }
  });

  it('8. concurrency 4 gives the verdicts of concurrency 1: rules on shared state run alone', async () => {
    let value = 0;
    routes = (app) => {
      authorized(app);
      app.put('/value/:v', async (req) => {
        value = Number((req.params as { v: string }).v);
        await new Promise((r) => setTimeout(r, 20));
        return { value };
      });
      app.get('/value', async () => ({ value }));
      app.get('/static', async () => ({ ok: true }));
    };
    const setAndRead = (id: string, v: number) =>
      rule({
        id,
        title: `value ${v} sticks`,
        level: 'MUST',
        cite,
        faults: ['f'],
        async check({ ctx }) {
          await ctx.http.put(`/value/${v}`);
          await new Promise((r) => setTimeout(r, 30));
          checkEqual((await ctx.http.get('/value')).json<{ value: number }>().value, v, 'value');
        },
      });
    const readOnly = (id: string) =>
      rule({
        id,
        title: 'static',
        level: 'MUST',
        cite,
        faults: ['f'],
        parallelSafe: true,
        async check({ ctx }) {
          checkEqual((await ctx.http.get('/static')).status, 200, 'GET /static');
        },
      });
    const api = makeApi([
      setAndRead('H-1', 1),
      readOnly('H-2'),
      setAndRead('H-3', 3),
      readOnly('H-4'),
      readOnly('H-5'),
      setAndRead('H-6', 6),
    ]);
    const one = await run(api);
    const four = await run(api, { concurrency: 4 });
    const statuses = (r: typeof one) => r.results.map((x) => [x.rule, x.status]);
    expect(statuses(four)).toEqual(statuses(one));
    expect(one.results.every((r) => r.status === 'pass')).toBe(true);
  });

  it('cleanups are retried, and what cannot be undone is residue', async () => {
    let deletes = 0;
    routes = (app) => {
      authorized(app);
      app.post('/lock', async (_req, reply) => reply.code(204).send());
      app.delete('/lock', async (_req, reply) => reply.code(++deletes < 3 ? 503 : 204).send());
      app.post('/record', async (_req, reply) => reply.code(201).send());
      app.delete('/record', async (_req, reply) => reply.code(500).send());
    };
    const expectOk = async (res: Promise<{ status: number }>, what: string) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`${what} answered ${r.status}`);
    };
    const api = makeApi([
      rule({
        id: 'R-1',
        title: 'lock',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          t.cleanup('configuration lock', () =>
            expectOk(t.ctx.http.delete('/lock', { noRetry: true }), 'unlock'),
          );
          await t.ctx.http.post('/lock');
        },
      }),
      rule({
        id: 'R-2',
        title: 'record',
        level: 'MUST',
        cite,
        faults: ['f'],
        async check(t) {
          t.cleanup('scratch record', () => expectOk(t.ctx.http.delete('/record'), 'delete record'));
          await t.ctx.http.post('/record');
        },
      }),
    ]);
    const { by, residue } = await run(api);
    expect(by['R-1']!.status).toBe('pass');
    expect(deletes).toBe(3);
    expect(by['R-2']).toMatchObject({
      status: 'error',
      message: expect.stringContaining('could not undo "scratch record"'),
    });
    expect(residue).toEqual([
      expect.objectContaining({ rule: 'R-2', what: 'scratch record', why: 'delete record answered 500' }),
    ]);
  });
});
