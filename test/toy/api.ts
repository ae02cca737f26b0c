/**
 * A tiny API used only by the harness's own tests: a few rules of every kind against a small fastify mock, so
 * engine, reports and CLI behaviour are tested without depending on a real suite.
 */
import Fastify from 'fastify';
import { defineApi, ruleFactory, type AnyApi, type ApiId } from '../../src/core/api.ts';
import { at, check, checkEqual } from '../../src/core/check.ts';
import { listen } from '../../src/mock/server.ts';
import type { HttpClient } from '../../src/http/client.ts';

type Fault = 'status-not-ok' | 'no-etag';
type Capability = 'widgets';
interface Ctx {
  http: HttpClient;
  widgets: boolean;
}

const rule = ruleFactory<Ctx, 'toy-doc', Fault, Capability>();
const cite = (quote: string) => ({ source: 'toy-doc' as const, section: '§1', quote });

/** Observable state of the toy mock, for tests of lock release on interrupt. */
export const toyMockState = { lockHeld: false, slowMs: 0, /** Locks held across every toy mock. */ locks: 0 };

/** Slow answers still waiting; `answerSlowNow()` sends them at once (a test need not guess how long to wait). */
const slow = new Set<() => void>();
export function answerSlowNow(): void {
  for (const send of slow) send();
  slow.clear();
}

export const TOY_PASSWORD = 'toy-Secret-Passw0rd';

export const toyApi = defineApi<Ctx, 'toy-doc', Fault, 'plain' | 'widgets', Capability>({
  id: 'toy' as ApiId,
  title: 'Toy API',
  rulePrefix: 'RF',
  sources: { 'toy-doc': { title: 'Toy document', version: '1', url: 'https://example.invalid/toy' } },
  capabilities: { widgets: 'the service has widgets' },
  faults: {
    'status-not-ok': { description: 'status says ok:false' },
    'no-etag': { description: 'no ETag header' },
  },
  variants: {
    plain: { description: 'no widgets', vendor: 'toyco' },
    widgets: { description: 'with widgets', vendor: 'toyco' },
  },
  defaultVariant: 'plain',
  paramsSchema: { type: 'object', additionalProperties: false, properties: { widgetId: { type: 'string' } } },
  accountRoles: ['readOnly'],
  notTested: [],
  rules: [
    rule({
      id: 'TOY-STATUS-001',
      title: 'GET /status answers 200 with ok true',
      level: 'MUST',
      cite: cite('The status shall be ok.'),
      faults: ['status-not-ok'],
      async check({ ctx }) {
        const res = await ctx.http.get('/status');
        checkEqual(res.status, 200, 'GET /status status');
        const body = res.json<{ ok: boolean }>();
        checkEqual(body.ok, true, 'ok', at(body, '/ok'));
      },
    }),
    rule({
      id: 'TOY-STATUS-002',
      title: 'GET /status carries an ETag',
      level: 'SHOULD',
      cite: cite('The response should carry an ETag.'),
      faults: ['no-etag'],
      async check({ ctx }) {
        const res = await ctx.http.get('/status');
        check(res.header('etag'), 'ETag header: expected one, got none');
      },
    }),
    rule({
      id: 'TOY-WIDGET-001',
      title: 'Widgets can be reset',
      level: 'MUST',
      cite: cite('A widget shall reset.'),
      destructive: true,
      requires: ['widgets'],
      faults: ['status-not-ok'],
      async check({ ctx }) {
        const res = await ctx.http.post('/widgets/reset', { json: { password: TOY_PASSWORD } });
        checkEqual(res.status, 204, 'reset status');
      },
    }),
    rule({
      id: 'TOY-LOCK-001',
      title: 'A locked slow operation completes',
      level: 'MUST',
      cite: cite('The lock shall be taken first.'),
      requires: ['widgets'],
      faults: ['status-not-ok'],
      async check({ ctx, cleanup }) {
        // Registered before the lock is taken, so an interrupt between the two cannot leak the lock.
        cleanup('toy lock', async () => void (await ctx.http.delete('/lock')));
        checkEqual((await ctx.http.post('/lock')).status, 204, 'lock status');
        checkEqual((await ctx.http.get('/slow')).status, 200, 'slow status');
      },
    }),
    rule({
      id: 'TOY-VENDOR-001',
      title: 'Other vendors are skipped',
      level: 'VENDOR',
      vendor: 'othercorp',
      cite: cite('Vendor text.'),
      faults: ['status-not-ok'],
      async check() {
        throw new Error('never runs on toyco');
      },
    }),
  ],
  async startMock({ variant, faults, port, host }) {
    const app = Fastify();
    app.get('/status', async (_req, reply) => {
      if (!faults.includes('no-etag')) reply.header('etag', '"1"');
      return { ok: !faults.includes('status-not-ok') };
    });
    let held = false;
    app.post('/lock', async (_req, reply) => {
      toyMockState.lockHeld = true;
      if (!held) toyMockState.locks++;
      held = true;
      return reply.code(204).send();
    });
    app.delete('/lock', async (_req, reply) => {
      toyMockState.lockHeld = false;
      if (held) toyMockState.locks--;
      held = false;
      return reply.code(204).send();
    });
    app.get('/slow', async () => {
      await new Promise<void>((r) => {
        const send = () => {
          clearTimeout(timer);
          slow.delete(send);
          r();
        };
        const timer = setTimeout(send, toyMockState.slowMs);
        slow.add(send);
      });
      return { done: true };
    });
    if (variant === 'widgets')
      app.post('/widgets/reset', async (_req, reply) =>
        reply.code(faults.includes('status-not-ok') ? 400 : 204).send(),
      );
    return listen(app, { host, port, https: false });
  },
  mockTarget(variant, mock) {
    return {
      baseUrl: mock.url,
      vendor: 'toyco',
      tls: {},
      auth: { scheme: 'basic', username: 'admin', password: TOY_PASSWORD },
      accounts: {},
      params: {},
      ...(variant === 'plain' ? {} : {}),
    };
  },
  async connect({ http, target }) {
    const basic = Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64');
    const client = http;
    client.options.defaultHeaders = () => ({ authorization: `Basic ${basic}` });
    return {
      ctx: {
        http: client,
        widgets: target.mockVariant === 'widgets' || target.params.widgetId !== undefined,
      },
      async capability(cap, t) {
        if (cap === 'widgets') return t.ctx.widgets ? true : 'no widgets advertised';
        return 'unknown';
      },
      close: async () => undefined,
    };
  },
});

export const TOY_APIS = { toy: toyApi } as unknown as Record<string, AnyApi>;
