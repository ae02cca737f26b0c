import { describe, expect, it } from 'vitest';
import { runTarget } from '../src/core/engine.ts';
import { exitCodeFor, summarize } from '../src/core/outcome.ts';
import { mockTarget } from '../src/core/targets.ts';
import { Redactor } from '../src/http/redact.ts';
import { toyApi } from './toy/api.ts';
import type { AnyApi } from '../src/core/api.ts';

const api = toyApi as unknown as AnyApi;

async function runToy(
  variant: 'plain' | 'widgets',
  faults: string[] = [],
  expectations?: Map<string, string>,
  allowDestructive = true,
) {
  const mock = await api.startMock({ variant, faults });
  try {
    const target = { ...mockTarget(api, variant, mock), allowDestructive };
    const results = await runTarget({
      api,
      target,
      rules: api.rules,
      redactor: new Redactor(),
      expectations,
    });
    return Object.fromEntries(results.map((r) => [r.rule, r]));
  } finally {
    await mock.close();
  }
}

describe('engine outcomes', () => {
  it('passes rules the mock satisfies and skips with a reason what does not apply', async () => {
    const r = await runToy('plain');
    expect(r['TOY-STATUS-001']!.status).toBe('pass');
    expect(r['TOY-STATUS-002']!.status).toBe('pass');
    expect(r['TOY-WIDGET-001']!).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('lacks capability "widgets"'),
    });
    expect(r['TOY-VENDOR-001']!).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('vendor rule for "othercorp"'),
    });
    expect(r['TOY-STATUS-001']!.evidence[0]).toMatchObject({ method: 'GET', status: 200 });
  });

  it('a MUST violation is fail, a SHOULD violation is warn, with expected vs actual', async () => {
    const r = await runToy('plain', ['status-not-ok', 'no-etag']);
    expect(r['TOY-STATUS-001']).toMatchObject({ status: 'fail', message: 'ok: expected true, got false' });
    expect(r['TOY-STATUS-002']).toMatchObject({ status: 'warn', message: expect.stringContaining('ETag') });
  });

  it('destructive rules skip unless the target allows them', async () => {
    expect((await runToy('widgets', [], undefined, false))['TOY-WIDGET-001']).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('destructive'),
    });
    expect((await runToy('widgets'))['TOY-WIDGET-001']!.status).toBe('pass');
  });

  it('a listed deviation turns a failure into xfail and a pass into xpass', async () => {
    const expectations = new Map([
      ['TOY-STATUS-001', 'known: firmware 1.2 reports ok:false'],
      ['TOY-STATUS-002', 'known: no ETag before firmware 2'],
    ]);
    const r = await runToy('plain', ['status-not-ok'], expectations);
    expect(r['TOY-STATUS-001']).toMatchObject({
      status: 'xfail',
      reason: 'known: firmware 1.2 reports ok:false',
    });
    expect(r['TOY-STATUS-002']).toMatchObject({
      status: 'xpass',
      message: expect.stringContaining('remove it'),
    });
  });

  it('an unreachable target makes every rule an error naming the cause, never a fail', async () => {
    const mock = await api.startMock({ variant: 'plain', faults: [] });
    const target = mockTarget(api, 'plain', mock);
    await mock.close();
    const results = await runTarget({ api, target, rules: api.rules.slice(0, 2), redactor: new Redactor() });
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(results[0]!.message).toMatch(/transport: GET http:\/\/127\.0\.0\.1:\d+\/status: ECONNREFUSED/);
  });
});

describe('exit codes', () => {
  it('follow the run contract', () => {
    expect(exitCodeFor(summarize(['pass', 'skip', 'xfail', 'warn']))).toBe(0);
    expect(exitCodeFor(summarize(['pass', 'fail', 'error']))).toBe(1);
    expect(exitCodeFor(summarize(['xpass']))).toBe(1);
    expect(exitCodeFor(summarize(['pass', 'error']))).toBe(3);
  });
});
