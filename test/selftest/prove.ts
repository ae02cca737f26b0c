import { expect } from 'vitest';
import { APIS } from '../../suites/index.ts';
import { HOSTILE_MODES, type ApiId } from '../../src/core/api.ts';
import { selftest } from '../../src/core/selftest.ts';

/**
 * The self-test of one API as a vitest assertion (variants, faults, hostile modes, wrong credentials,
 * concurrency 4): on failure, the message lists every problem.
 */
export async function proveApi(id: ApiId): Promise<void> {
  const api = APIS[id];
  // Progress as it goes (one line per variant, fault and hostile mode), not minutes of silence in CI.
  const report = await selftest(api, { onProgress: (line) => console.log(`${id} self-test: ${line}`) });
  const problems = [
    ...report.coverage,
    ...report.variants.flatMap((v) => v.problems.map((p) => `[variant ${v.variant}] ${p}`)),
    ...report.faults.flatMap((f) =>
      (f.caught ? f.problems : [`fault ${f.fault} not caught`, ...f.problems]).map(
        (p) => `[fault ${f.fault}] ${p}`,
      ),
    ),
    ...report.hostile.flatMap((h) => h.problems.map((p) => `[hostile ${h.mode}] ${p}`)),
    ...report.extra.flatMap((e) => e.problems.map((p) => `[${e.check}] ${p}`)),
  ];
  expect(problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(api.rules.length).toBeGreaterThan(0);
  expect(report.faults.length).toBe(Object.keys(api.faults).length);
  expect(report.hostile.map((h) => h.mode)).toEqual([...HOSTILE_MODES]);
  expect(report.extra.map((e) => e.check)).toEqual(['wrong credentials', 'concurrency 4']);
}
