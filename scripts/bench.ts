/**
 * Speed is measured here, never asserted in a test. Prints, per API: a full run of every rule against the
 * default mock (median of 3), and the full self-test (every variant and fault). Usage: npm run bench [-- api...]
 */
import { performance } from 'node:perf_hooks';
import { APIS } from '../suites/index.ts';
import type { ApiId } from '../src/core/api.ts';
import { runAgainstMock, selftest } from '../src/core/selftest.ts';

const only = process.argv.slice(2) as ApiId[];
const rows: string[][] = [['api', 'rules', 'run (median of 3)', 'per rule', 'selftest runs', 'selftest']];

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

for (const api of Object.values(APIS)) {
  if (only.length && !only.includes(api.id)) continue;
  if (api.rules.length === 0) continue;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await time(() => runAgainstMock(api, api.defaultVariant, [])));
  const median = runs.sort((a, b) => a - b)[1]!;
  const selftestRuns = Object.keys(api.variants).length + Object.keys(api.faults).length;
  const st = await time(() => selftest(api));
  rows.push([
    api.id,
    String(api.rules.length),
    `${median.toFixed(0)} ms`,
    `${(median / api.rules.length).toFixed(1)} ms`,
    String(selftestRuns),
    `${(st / 1000).toFixed(1)} s`,
  ]);
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
