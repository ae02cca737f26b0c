/**
 * A one-off API for a test of the engine or the reports: the rules and the mock's routes are the test's subject,
 * everything else (one source, one variant, one fault, no params, a plain-HTTP mock without credentials) is filled
 * in here.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  defineApi,
  ruleFactory,
  type AnyApi,
  type ApiId,
  type Connection,
  type Rule,
} from '../src/core/api.ts';
import type { HttpClient } from '../src/http/client.ts';
import { listen } from '../src/mock/server.ts';

export interface TinyCtx {
  http: HttpClient;
}

export type TinyRule = Rule<TinyCtx, 'doc', string, string>;

/** Rules of a tiny API: level MUST, cited to its one document and tied to its one fault unless the rule says. */
export function tinyRule(
  r: Pick<TinyRule, 'id' | 'check'> & Partial<Omit<TinyRule, 'id' | 'check'>>,
): TinyRule {
  return ruleFactory<TinyCtx, 'doc', string, string>()({
    title: r.id,
    level: 'MUST',
    cite: { source: 'doc', section: '§1', quote: 'q' },
    faults: ['f'],
    ...r,
  });
}

export function tinyApi(opts: {
  id: string;
  rules: TinyRule[];
  /** The mock's routes, given the faults it was started with. */
  routes?: (app: FastifyInstance, faults: readonly string[]) => void;
  faults?: readonly string[];
  capabilities?: Record<string, string>;
  capabilityNames?: Record<string, string>;
  /** The answer of every capability probe (default: present). */
  capability?: () => Promise<true | string>;
}): AnyApi {
  const faults = opts.faults ?? ['f'];
  return defineApi<TinyCtx, 'doc', string, 'plain', string>({
    id: opts.id as ApiId,
    title: opts.id,
    rulePrefix: 'RF',
    sources: { doc: { title: 'Doc' } },
    capabilities: opts.capabilities ?? {},
    ...(opts.capabilityNames ? { capabilityNames: opts.capabilityNames } : {}),
    faults: Object.fromEntries(faults.map((f) => [f, { description: f }])),
    variants: { plain: { description: 'plain', vendor: 'x' } },
    defaultVariant: 'plain',
    paramsSchema: { type: 'object' },
    accountRoles: [],
    notTested: [],
    rules: opts.rules,
    async startMock({ faults: on }) {
      const app = Fastify();
      opts.routes?.(app, on);
      return listen(app, { https: false });
    },
    mockTarget: (_v, mock) => ({
      baseUrl: mock.url,
      vendor: 'x',
      tls: {},
      auth: { scheme: 'none' },
      accounts: {},
      params: {},
    }),
    async connect({ http }): Promise<Connection<TinyCtx, string>> {
      return {
        ctx: { http },
        capability: opts.capability ?? (async () => true),
        close: async () => undefined,
      };
    },
  }) as unknown as AnyApi;
}
