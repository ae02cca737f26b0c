import { describe, expect, it } from 'vitest';
import type { Target } from '../src/core/api.ts';
import { checkEqual, requireServed } from '../src/core/check.ts';
import { runTarget, type RuleResult } from '../src/core/engine.ts';
import { mockTarget } from '../src/core/targets.ts';
import { Redactor } from '../src/http/redact.ts';
import type { HttpClient } from '../src/http/client.ts';
import { htmlReport } from '../src/report/html.ts';
import { junitXml } from '../src/report/junit.ts';
import { summaryMarkdown } from '../src/report/summary-md.ts';
import { targetInfo, type RunRecord } from '../src/report/run.ts';
import { summarize } from '../src/core/outcome.ts';
import { tinyApi, tinyRule } from './tiny-api.ts';

/**
 * One cause, one finding; optional is not missing; a read-only capture: the engine's part, on a tiny API whose
 * "reset" operation the mock serves, answers 405 to, or does not route at all.
 */
type Fault = 'reset-405' | 'reset-404' | 'reset-501';

/** Every rule that needs the reset operation sends it through this, so a not-served reset has one owner. */
const reset = async (http: HttpClient, body: unknown) =>
  requireServed(await http.post('/reset', { json: body }), 'reset', 'ONE-RESET-001');

const api = tinyApi({
  id: 'one',
  faults: ['reset-405', 'reset-404', 'reset-501'],
  capabilities: { gadgets: 'the service has gadgets' },
  capabilityNames: { gadgets: 'Gadgets' },
  capability: async () => 'not offered by this service (no gadget collection is linked)',
  rules: [
    tinyRule({
      id: 'ONE-RESET-001',
      title: 'The advertised reset is served',
      faults: ['reset-405', 'reset-404', 'reset-501'],
      async check({ ctx }) {
        await reset(ctx.http, {});
      },
    }),
    tinyRule({
      id: 'ONE-RESET-002',
      title: 'A bad reset is refused with 400',
      async check({ ctx }) {
        checkEqual((await reset(ctx.http, { bad: true })).status, 400, 'status');
      },
    }),
    tinyRule({
      id: 'ONE-RESET-003',
      title: 'A shared reset answers 204',
      level: 'SHOULD',
      async check(t) {
        const res = await t.shared('reset', () => reset(t.ctx.http, {}));
        checkEqual(res.status, 204, 'status');
      },
    }),
    tinyRule({ id: 'ONE-GADGET-001', title: 'Gadgets are listed', requires: ['gadgets'], async check() {} }),
    tinyRule({
      id: 'ONE-READ-001',
      title: 'The status is readable',
      async check({ ctx }) {
        checkEqual((await ctx.http.get('/status')).status, 200, 'status');
      },
    }),
  ],
  routes(app, faults) {
    app.get('/status', async () => ({ ok: true }));
    if (faults.includes('reset-405'))
      app.post('/reset', async (_req, reply) => reply.code(405).header('allow', 'GET').send());
    else if (faults.includes('reset-501')) app.post('/reset', async (_req, reply) => reply.code(501).send());
    else if (!faults.includes('reset-404'))
      app.post('/reset', async (req, reply) =>
        reply.code((req.body as { bad?: boolean }).bad ? 400 : 204).send(),
      );
  },
});

async function run(faults: Fault[], adjust: (t: Target) => void = () => undefined) {
  const mock = await api.startMock({ variant: 'plain', faults });
  try {
    const target = mockTarget(api, 'plain', mock);
    adjust(target);
    const absent: Array<[string, string]> = [];
    const results = await runTarget({
      api,
      target,
      rules: api.rules,
      redactor: new Redactor(),
      onAbsent: (cap, reason) => absent.push([cap, reason]),
    });
    return { target, absent, results, by: Object.fromEntries(results.map((r) => [r.rule, r])) };
  } finally {
    await mock.close();
  }
}

function record(target: Target, results: RuleResult[], absent: Array<[string, string]>): RunRecord {
  return {
    tool: { name: 'certconform', version: 'test' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
    targets: [
      {
        ...targetInfo(target),
        absent: absent.map(([capability, reason]) => ({ capability, name: 'Gadgets', reason })),
      },
    ],
    summary: summarize(results.map((r) => r.status)),
    results,
    residue: [],
    citations: {},
  };
}

describe('one cause, one finding', () => {
  it('a served operation: every rule judges it', async () => {
    const { by } = await run([]);
    expect(by['ONE-RESET-001']!.status).toBe('pass');
    expect(by['ONE-RESET-002']!.status).toBe('pass');
    expect(by['ONE-RESET-003']!.status).toBe('pass');
  });

  for (const [fault, status] of [
    ['reset-405', 405],
    ['reset-404', 404],
    ['reset-501', 501],
  ] as const) {
    it(`an operation answered ${status}: only its owner fails; the others are not evaluated, with the cause`, async () => {
      const { by, results } = await run([fault]);
      expect(results.filter((r) => r.status === 'fail').map((r) => r.rule)).toEqual(['ONE-RESET-001']);
      expect(by['ONE-RESET-001']!.message).toContain(`reset not served (${status})`);
      for (const id of ['ONE-RESET-002', 'ONE-RESET-003']) {
        expect(by[id]).toMatchObject({
          status: 'error',
          cause: { what: `reset not served (${status})`, owner: 'ONE-RESET-001' },
        });
        expect(by[id]!.message).toMatch(/^not evaluated: reset not served/);
      }
      expect(by['ONE-READ-001']!.status).toBe('pass');
    });
  }

  it('reports group the rules under the cause and show what the target does not offer', async () => {
    const { target, results, absent } = await run(['reset-405']);
    expect(absent).toEqual([['gadgets', 'not offered by this service (no gadget collection is linked)']]);
    const rec = record(target, results, absent);
    const md = summaryMarkdown(rec);
    expect(md).toContain('reset not served (405): 2 rules not evaluated (the finding of ONE-RESET-001)');
    expect(md).toContain('Gadgets: not offered by this service');
    // The grouped rules are not repeated one by one among the findings.
    expect(md).not.toContain('### **ERROR** ONE-RESET-002');
    const html = htmlReport(rec);
    expect(html).toContain('reset not served (405): 2 rules not evaluated');
    expect(html).toContain('Gadgets: not offered by this service');
    const junit = junitXml(rec);
    expect(junit).toContain('<property name="not-offered" value="Gadgets: not offered by this service');
    expect(junit).toContain('<property name="not-served" value="reset not served (405)');
  });
});

describe('a read-only capture', () => {
  it('rules that must send anything but a read skip, saying so; reads are judged', async () => {
    const { by, results } = await run([], (t) => (t.capture = true));
    expect(results.filter((r) => r.status === 'fail' || r.status === 'error')).toEqual([]);
    for (const id of ['ONE-RESET-001', 'ONE-RESET-002', 'ONE-RESET-003'])
      expect(by[id]).toMatchObject({ status: 'skip', reason: expect.stringContaining('read-only capture') });
    expect(by['ONE-RESET-001']!.reason).toContain('POST /reset');
    expect(by['ONE-READ-001']!.status).toBe('pass');
  });
});
