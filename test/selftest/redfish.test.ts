import { expect, it } from 'vitest';
import { selftest } from '../../src/core/selftest.ts';
import { APIS } from '../../suites/index.ts';

/**
 * All five parts of the self-test: clean variants (no silent capability skips), every fault caught by exactly
 * its rules, no false verdict under any hostile mode, wrong credentials give errors only, concurrency 4 changes
 * no verdict. On failure the message lists every problem.
 */
it('redfish: variants clean, faults caught, hostile modes, wrong credentials and concurrency 4 hold', async () => {
  const report = await selftest(APIS.redfish);
  const problems = [
    ...report.coverage,
    ...report.variants.flatMap((v) => v.problems.map((p) => `[variant ${v.variant}] ${p}`)),
    ...report.faults.flatMap((f) =>
      (f.caught ? f.problems : [`not caught`, ...f.problems]).map((p) => `[fault ${f.fault}] ${p}`),
    ),
    ...report.hostile.flatMap((h) => h.problems.map((p) => `[hostile ${h.mode}] ${p}`)),
    ...report.extra.flatMap((e) => e.problems.map((p) => `[${e.check}] ${p}`)),
  ];
  expect(problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.faults.length).toBe(Object.keys(APIS.redfish.faults).length);
}, 900_000);
