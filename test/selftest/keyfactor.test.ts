import { expect, it } from 'vitest';
import { APIS } from '../../suites/index.ts';
import { selftest } from '../../src/core/selftest.ts';

it('keyfactor: variants clean, faults caught by their rules only, hostile modes, wrong credentials and concurrency 4 without a false verdict', async () => {
  const api = APIS.keyfactor;
  const report = await selftest(api);
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
  expect(report.faults.length).toBe(Object.keys(api.faults).length);
  expect(report.hostile.length).toBeGreaterThan(0);
}, 900_000);
