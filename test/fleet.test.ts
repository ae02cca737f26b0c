/**
 * Many targets in one run: 20 bundled-mock targets run 8 at once give exactly the verdicts they give one by
 * one, every report lists them in the profile order, and the console prints each target's block whole, in order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/run.ts';
import { PROGRESS_FILE } from '../src/report/write.ts';
import type { AnyApi } from '../src/core/api.ts';
import { fleetProfiles } from './fleet-profiles.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, answerSlowNow, toyApi, toyMockState } from './toy/api.ts';

const verdicts = (results: Array<{ target: string; rule: string; status: string }>) =>
  results.map((r) => `${r.target} ${r.rule} ${r.status}`).sort();

describe('a fleet of targets', () => {
  it('20 mock targets in parallel give the same verdicts as one by one, in the profile order', async () => {
    const dir = tempDir();
    const profiles = fleetProfiles(dir);
    const serial = await runConformance({ profiles, out: join(dir, 'serial'), parallel: 1, print: () => {} });
    const lines: string[] = [];
    const parallel = await runConformance({
      profiles,
      out: join(dir, 'parallel'),
      parallel: 8,
      print: (...l) => lines.push(...l),
    });

    expect(serial.run.targets).toHaveLength(20);
    expect(verdicts(parallel.run.results)).toEqual(verdicts(serial.run.results));
    expect(parallel.exitCode).toBe(serial.exitCode);
    const names = Array.from({ length: 20 }, (_, i) => `kf-${String(i + 1).padStart(2, '0')}`);
    expect(parallel.run.targets.map((t) => t.name)).toEqual(names);
    // Results are grouped per target in the profile order, as one by one.
    const order = [...new Set(parallel.run.results.map((r) => r.target))];
    expect(order).toEqual(names);
    const json = JSON.parse(readFileSync(join(dir, 'parallel', 'results.json'), 'utf8')) as {
      targets: Array<{ name: string }>;
      results: Array<{ target: string; rule: string; status: string }>;
    };
    expect(json.targets.map((t) => t.name)).toEqual(names);
    expect(verdicts(json.results)).toEqual(verdicts(serial.run.results));
    // The progress file is gone once the reports are whole.
    expect(existsSync(join(dir, 'parallel', PROGRESS_FILE))).toBe(false);
    // The console: each target's block whole (its header, its rules, its "done" line), in the profile order.
    const heads = lines.flatMap((l, i) => (/^\nkeyfactor · (kf-\d+)/.test(l) ? [i] : []));
    expect(heads.map((i) => /kf-\d+/.exec(lines[i]!)![0])).toEqual(names);
    for (const [k, at] of heads.entries()) {
      const block = lines.slice(at + 1, heads[k + 1] ?? lines.findIndex((l) => l.startsWith('target ')));
      expect(block.filter((l) => l.startsWith('  done: '))).toHaveLength(1);
    }
  }, 240_000);

  it('Ctrl-C reaches every running target: each releases what it holds, and the reports say incomplete', async () => {
    const api = toyApi as unknown as AnyApi;
    const mocks = await Promise.all([1, 2, 3].map(() => api.startMock({ variant: 'widgets', faults: [] })));
    // Slow enough that every target is surely in TOY-LOCK-001 however busy the machine; answered once stopped.
    toyMockState.slowMs = 60_000;
    try {
      const dir = tempDir();
      const profiles = mocks.map((m, i) =>
        writeTemp(
          dir,
          `lab-${i + 1}.yaml`,
          `name: lab-${i + 1}\napi: toy\nvendor: toyco\nbaseUrl: ${m.url}\nallowDestructive: true\nparams: { widgetId: w }\n`,
        ),
      );
      const controller = new AbortController();
      const out = join(dir, 'out');
      const pending = runConformance({
        profiles,
        rules: ['TOY-STATUS-001', 'TOY-LOCK-001', 'TOY-VENDOR-001'],
        out,
        parallel: 3,
        print: quiet,
        apis: TOY_APIS,
        signal: controller.signal,
      });
      // All three are in TOY-LOCK-001, holding the lock and waiting on the slow answer, when the run is stopped.
      while (toyMockState.locks < 3) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      answerSlowNow();
      const { run, exitCode } = await pending;

      expect(exitCode).toBe(130);
      expect(toyMockState.lockHeld).toBe(false);
      expect(run.targets.map((t) => t.name)).toEqual(['lab-1', 'lab-2', 'lab-3']);
      for (const name of ['lab-1', 'lab-2', 'lab-3'])
        expect(
          run.results.filter((r) => r.target === name).map((r) => [r.rule, r.status, r.reason ?? r.message]),
        ).toEqual([
          ['TOY-STATUS-001', 'pass', undefined],
          ['TOY-LOCK-001', 'error', 'interrupted while running'],
          ['TOY-VENDOR-001', 'skip', 'not run: the run was interrupted'],
        ]);
      const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
        incomplete?: string;
        targets: unknown[];
      };
      expect(json.incomplete).toBe('interrupted (SIGINT)');
      expect(json.targets).toHaveLength(3);
      expect(existsSync(join(out, 'report.html'))).toBe(true);
    } finally {
      toyMockState.slowMs = 0;
      await Promise.all(mocks.map((m) => m.close()));
    }
  }, 60_000);
});
