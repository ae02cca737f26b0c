/**
 * `npm run test:stress`: the harness's own tests on a busy machine. Runs the test command once on an idle machine,
 * then `--runs` times while CPU hogs hold the load average near `--load` (default: 3 × the cores), and reports every
 * test whose outcome under load differs from the idle run (a timing dependency: a flaky test or, worse, a verdict
 * that depends on how fast the machine is). Prints the load average seen and each run's wall time; exits 1 when any
 * outcome differed. Nothing here is asserted in a test: it is run by hand (and its figures are in the README).
 *
 *   npm run test:stress                                   # npm test: idle once, then 3 runs at load 3 × cores
 *   npm run test:stress -- --runs 1 --no-idle -- test/selftest test/record-replay.test.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

interface Options {
  runs: number;
  load: number;
  idle: boolean;
  files: string[];
}

function options(argv: string[]): Options {
  const o: Options = { runs: 3, load: 3 * cpus().length, idle: true, files: [] };
  const sep = argv.indexOf('--');
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  o.files = sep >= 0 ? argv.slice(sep + 1) : [];
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === '--runs') o.runs = Number(own[++i]);
    else if (a === '--load') o.load = Number(own[++i]);
    else if (a === '--no-idle') o.idle = false;
    else throw new Error(`unknown option ${a} (use --runs N, --load N, --no-idle, -- test files)`);
  }
  if (!(o.runs >= 1 && o.load >= 1)) throw new Error('--runs and --load must be positive numbers');
  return o;
}

type Outcomes = Map<string, string>;

/** One vitest run of the harness project; the outcome of every test, by file and full name. */
async function vitest(files: string[], label: string): Promise<{ outcomes: Outcomes; wallMs: number }> {
  const out = join(mkdtempSync(join(tmpdir(), 'certconform-stress-')), 'vitest.json');
  const t0 = performance.now();
  const child = spawn(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'harness',
      '--maxWorkers=100%',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...files,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - t0;
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    testResults: Array<{
      name: string;
      status: string;
      assertionResults: Array<{ fullName: string; status: string }>;
    }>;
  };
  const outcomes: Outcomes = new Map();
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0) outcomes.set(`${file.name} (file)`, file.status);
    for (const t of file.assertionResults) outcomes.set(`${file.name} › ${t.fullName}`, t.status);
  }
  const failed = [...outcomes.values()].filter((s) => s === 'failed').length;
  console.log(`${label}: ${outcomes.size} tests, ${failed} failed, ${(wallMs / 1000).toFixed(0)} s`);
  return { outcomes, wallMs };
}

/** Busy processes that keep `n` runnable tasks on the machine (the load average follows within a minute). */
function hogs(n: number): { stop(): void } {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++)
    children.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return { stop: () => children.forEach((c) => c.kill('SIGKILL')) };
}

function differences(idle: Outcomes, loaded: Outcomes): string[] {
  const names = new Set([...idle.keys(), ...loaded.keys()]);
  return [...names]
    .filter((n) => idle.get(n) !== loaded.get(n))
    .map((n) => `${n}: idle ${idle.get(n) ?? 'absent'}, loaded ${loaded.get(n) ?? 'absent'}`);
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const idle = o.idle ? (await vitest(o.files, 'idle')).outcomes : undefined;
  // Below the target load the machine is not busy enough: the hogs make up the difference with the tests' own work.
  const busy = hogs(Math.max(1, Math.round(o.load - cpus().length / 2)));
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(loadavg()[0]!), 5_000);
  const problems: string[] = [];
  try {
    for (let run = 1; run <= o.runs; run++) {
      const loaded = await vitest(o.files, `loaded run ${run}/${o.runs}`);
      const failed = [...loaded.outcomes].filter(([, s]) => s === 'failed').map(([n]) => `${n}: failed`);
      problems.push(...(idle ? differences(idle, loaded.outcomes) : failed).map((p) => `run ${run}: ${p}`));
    }
  } finally {
    clearInterval(sampler);
    busy.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? loadavg()[0]!;
  console.log(
    `load average under the hogs: median ${median.toFixed(1)}, min ${(sorted[0] ?? median).toFixed(1)}, max ${(sorted.at(-1) ?? median).toFixed(1)} (target ${o.load}, ${cpus().length} cores)`,
  );
  if (problems.length) {
    console.log(`${problems.length} outcome(s) differ under load:`, ...problems.map((p) => `\n  ${p}`));
    process.exitCode = 1;
  } else console.log(`no outcome differs under load (${o.runs} run(s))`);
}

await main();
