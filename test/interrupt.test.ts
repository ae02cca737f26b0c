import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyApi } from '../src/core/api.ts';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, toyApi, toyMockState } from './toy/api.ts';

describe('interrupting a run (Ctrl-C)', () => {
  it('releases what the running rule holds, reports what was done, and exits 130', async () => {
    const api = toyApi as unknown as AnyApi;
    const mock = await api.startMock({ variant: 'widgets', faults: [] });
    toyMockState.slowMs = 3_000;
    try {
      const dir = tempDir();
      const profile = writeTemp(
        dir,
        'p.yaml',
        `name: lab\napi: toy\nvendor: toyco\nbaseUrl: ${mock.url}\nallowDestructive: true\nparams: { widgetId: w }\n`,
      );
      const controller = new AbortController();
      const out = join(dir, 'out');
      const pending = runConformance({
        profiles: [profile],
        rules: ['TOY-STATUS-001', 'TOY-LOCK-001', 'TOY-VENDOR-001'],
        out,
        print: quiet,
        apis: TOY_APIS,
        signal: controller.signal,
      });
      // Interrupt while TOY-LOCK-001 holds the lock and waits on the slow request.
      while (!toyMockState.lockHeld) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const { run, exitCode } = await pending;

      expect(exitCode).toBe(130);
      expect(toyMockState.lockHeld).toBe(false);
      expect(run.results.map((r) => [r.rule, r.status, r.reason ?? r.message])).toEqual([
        ['TOY-STATUS-001', 'pass', undefined],
        ['TOY-LOCK-001', 'error', 'interrupted while running'],
        ['TOY-VENDOR-001', 'skip', 'not run: the run was interrupted'],
      ]);
      const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(json.incomplete).toBe('interrupted (SIGINT)');
      expect(existsSync(join(out, 'summary.md'))).toBe(true);
    } finally {
      toyMockState.slowMs = 0;
      await mock.close();
    }
  });
});
