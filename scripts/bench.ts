/**
 * `npm run bench`: where the time goes, measured here and never asserted in a test. Prints, side by side, each
 * figure with its goal (issues 13 and 20): the default run (wall, CPU, peak RSS; median of 3); 1, 20 and 100
 * bundled mock targets; one and 100 targets behind a 200 ms-RTT delaying proxy (the fleet at the default
 * --parallel against one, the harness's CPU and memory per extra target, and the devices per hour that follow);
 * the self-test; and, when the DMTF Redfish Service Validator is vendored, its walk of the same Redfish mock beside
 * the Redfish suite. Usage: npm run bench [-- --quick] [-- --only default|fleet|rtt|selftest|validator]
 * (--quick: no self-test, one default run). BENCH_PROF=DIR also writes a CPU profile of every CLI run measured.
 */
import { bundleIsCurrent } from '../bin/bundle.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { APIS } from '../suites/index.ts';
import type { AnyApi, RunningMock } from '../src/core/api.ts';
import { mockTarget } from '../src/core/targets.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { repoPath } from '../src/paths.ts';
import { writeTemp } from '../test/helpers.ts';
import { DEFAULT_PARALLEL, MOCK_PARALLEL } from '../src/run.ts';
import { startDelayProxy, type DelayProxy } from './bench-proxy.ts';

const quick = process.argv.includes('--quick');
/** `--only default|fleet|rtt|selftest|validator`: one part of the bench. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
/** The fleet behind the delaying proxies. */
const FLEET = 100;
/** The fleets of bundled mocks measured (none when only another part runs). */
const fleetSizes = (sizes: number[]) => (!only || only === 'fleet' ? sizes : []);
const RTT_MS = 200;
const work = mkdtempSync(join(tmpdir(), 'certconform-bench-'));
const CLI = repoPath('bin/certconform.js');
const RUSAGE = repoPath('scripts/bench-rusage.mjs');

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  code: number | null;
  output: string;
}

/** Runs a command as a child process; CPU and peak RSS come from the child itself when it is node. */
function measure(cmd: string, args: string[], opts: { node?: boolean } = {}): Promise<Measured> {
  const usage = join(work, `rusage-${Math.random().toString(36).slice(2)}.json`);
  const argv = opts.node === false ? args : ['--import', RUSAGE, ...args];
  const t0 = performance.now();
  const child = spawn(opts.node === false ? cmd : process.execPath, argv, {
    env: { ...process.env, BENCH_RUSAGE: usage },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      let u = { cpuMs: NaN, maxRssKb: NaN };
      if (existsSync(usage)) u = JSON.parse(readFileSync(usage, 'utf8')) as typeof u;
      resolve({ wallMs, ...u, code, output });
    }),
  );
}

const cli = (...args: string[]) =>
  measure('node', [
    ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []),
    CLI,
    ...args,
  ]);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<[string, string, string, string]> = [];
const row = (what: string, figure: string, goal: string, met: boolean | undefined) => {
  rows.push([what, figure, goal, met === undefined ? '' : met ? 'met' : 'NOT MET']);
  console.error(`  ${what}: ${figure}`);
};

/** Keyfactor mock profiles (`mock:` profiles: the run starts each mock itself). */
function mockProfiles(count: number): string[] {
  const dir = mkdtempSync(join(work, `fleet-${count}-`));
  return Array.from({ length: count }, (_, i) =>
    writeTemp(dir, `kf-${i + 1}.yaml`, `name: kf-${i + 1}\napi: keyfactor\nmock: {}\n`),
  );
}

/**
 * The requests a run sent: the entries of its HAR recording (`--record`: each request once), or else the
 * exchanges in results.json (where a shared setup's requests count once per rule that used them).
 */
function requestsOf(outDir: string): { count: number; from: string } {
  const har = readdirSync(outDir).find((f) => f.endsWith('.har'));
  if (har) {
    const doc = JSON.parse(readFileSync(join(outDir, har), 'utf8')) as { log: { entries: unknown[] } };
    return { count: doc.log.entries.length, from: 'HAR entries' };
  }
  const doc = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as {
    results: Array<{ evidence: unknown[] }>;
  };
  return { count: doc.results.reduce((n, r) => n + r.evidence.length, 0), from: 'exchanges in results.json' };
}

/** `count` Keyfactor mocks started here, each behind its own delaying proxy; their profiles point at the proxies. */
async function delayedTargets(count: number) {
  const api = APIS.keyfactor as AnyApi;
  const mocks: RunningMock[] = [];
  const proxies: DelayProxy[] = [];
  const profiles: string[] = [];
  const dir = mkdtempSync(join(work, `rtt-${count}-`));
  for (let i = 0; i < count; i++) {
    const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
    mocks.push(mock);
    const proxy = await startDelayProxy(Number(new URL(mock.url).port), RTT_MS);
    proxies.push(proxy);
    const t = mockTarget(api, api.defaultVariant, mock, `kf-rtt-${i + 1}`);
    const url = new URL(t.baseUrl);
    url.port = String(proxy.port);
    t.baseUrl = url.toString().replace(/\/$/, '');
    profiles.push(writeMockProfile(join(dir, `kf-rtt-${i + 1}.yaml`), t).profile);
  }
  const cpuAtStart = process.cpuUsage();
  return {
    profiles,
    /** The CPU this process (the mocks and proxies playing the devices) used since they started. */
    cpuMs: () => {
      const u = process.cpuUsage(cpuAtStart);
      return (u.user + u.system) / 1000;
    },
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
      await Promise.all(mocks.map((m) => m.close()));
    },
  };
}

console.error(
  `certconform bench on ${cpus().length} core(s), node ${process.version}${quick ? ' (quick)' : ''}`,
);

// 1. The default run: every suite against its bundled mock.
const defaults: Measured[] = [];
for (let i = 0; i < (only && only !== 'default' ? 0 : quick ? 1 : 3); i++)
  defaults.push(await cli('run', '--out', join(work, `default-${i}`)));
if (defaults.length) {
  const dWall = median(defaults.map((m) => m.wallMs));
  row(
    'default run (4 suites, bundled mocks)',
    `${s(dWall)} wall, ${s(median(defaults.map((m) => m.cpuMs)))} CPU, ${(median(defaults.map((m) => m.maxRssKb)) / 1024).toFixed(0)} MB peak RSS${quick ? '' : ' (median of 3)'}`,
    '≤ 3 s wall on 2 cores',
    dWall <= 3000,
  );
  const startup = await cli('rules', '--format', 'json');
  row(
    `start-up (certconform rules, ${bundleIsCurrent() ? 'bundle' : 'sources through tsx: npm run build'})`,
    s(startup.wallMs),
    '(part of the above)',
    undefined,
  );
}

// 2. Fleets of bundled mock targets at the default --parallel (the mocks serve in the run's own process).
const fleet: Record<number, number> = {};
for (const n of fleetSizes([1, 20, 100])) {
  const m = await cli('run', '--out', join(work, `fleet-${n}`), ...mockProfiles(n).flatMap((p) => ['-p', p]));
  fleet[n] = m.wallMs;
  if (m.code !== 0) console.error(`  (fleet of ${n} exited ${m.code})\n${m.output.slice(-2000)}`);
}
if (!only || only === 'fleet') {
  row('1 Keyfactor mock target', s(fleet[1]!), '(reference)', undefined);
  row(
    `20 Keyfactor mock targets (in-process mocks: ${MOCK_PARALLEL} at once)`,
    `${s(fleet[20]!)} = ${(fleet[20]! / fleet[1]!).toFixed(2)}× one`,
    '(was 159 s one by one)',
    undefined,
  );
  row(
    `100 Keyfactor mock targets (in-process mocks: ${MOCK_PARALLEL} at once)`,
    `${s(fleet[100]!)} = ${(fleet[100]! / fleet[1]!).toFixed(2)}× one`,
    '(bound by the CPU: the mocks run in the same process)',
    undefined,
  );
}

// 3. Devices behind a 200 ms round trip: a device's time is requests × RTT; the harness should add little, and a
// fleet at the default --parallel should take little longer than one device.
if (!only || only === 'rtt') {
  const one = await delayedTargets(1);
  const rttOne = await cli('run', '--record', '--out', join(work, 'rtt-1'), '-p', one.profiles[0]!);
  await one.close();
  const { count: requests, from } = requestsOf(join(work, 'rtt-1'));
  // The run itself (results.json's durationMs): the wall time less the process start-up.
  const rttRunMs = (
    JSON.parse(readFileSync(join(work, 'rtt-1', 'results.json'), 'utf8')) as { durationMs: number }
  ).durationMs;
  const floor = requests * RTT_MS;
  row(
    `1 target behind ${RTT_MS} ms RTT`,
    `${s(rttOne.wallMs)} = ${(rttOne.wallMs / floor).toFixed(2)}× requests × RTT; the run itself ${s(rttRunMs)} = ${(rttRunMs / floor).toFixed(2)}× (${requests} requests (${from}) × ${RTT_MS} ms = ${s(floor)})`,
    '≤ 1.2× requests × RTT',
    rttOne.wallMs <= 1.2 * floor,
  );
  const many = await delayedTargets(FLEET);
  const rttMany = await cli(
    'run',
    '--out',
    join(work, 'rtt-fleet'),
    ...many.profiles.flatMap((p) => ['-p', p]),
  );
  const deviceCpuMs = many.cpuMs();
  await many.close();
  if (rttMany.code !== 0) console.error(`  (the fleet behind the proxies exited ${rttMany.code})`);
  row(
    `${FLEET} targets behind ${RTT_MS} ms RTT, default --parallel (${DEFAULT_PARALLEL})`,
    `${s(rttMany.wallMs)} = ${(rttMany.wallMs / rttOne.wallMs).toFixed(2)}× one (the ${FLEET} mocks playing the devices used ${s(deviceCpuMs)} CPU of the same 2 cores)`,
    '≤ 1.5× one',
    rttMany.wallMs <= 1.5 * rttOne.wallMs,
  );
  const cpuPerTarget = (rttMany.cpuMs - rttOne.cpuMs) / (FLEET - 1);
  const rssPerTargetMb = (rttMany.maxRssKb - rttOne.maxRssKb) / 1024 / (FLEET - 1);
  row(
    'the harness per extra target (CPU, peak RSS)',
    `${cpuPerTarget.toFixed(0)} ms CPU, ${rssPerTargetMb.toFixed(1)} MB (1 target: ${s(rttOne.cpuMs)} CPU, ${(rttOne.maxRssKb / 1024).toFixed(0)} MB; ${FLEET}: ${s(rttMany.cpuMs)}, ${(rttMany.maxRssKb / 1024).toFixed(0)} MB)`,
    '≤ 50 ms CPU and ≤ 5 MB',
    cpuPerTarget <= 50 && rssPerTargetMb <= 5,
  );
  // Real devices cost this machine nothing: its limit is the harness's CPU (cores × an hour / CPU per device),
  // its memory, or --parallel devices at a time, each taking as long as one device alone.
  const cores = cpus().length;
  const byCpu = (cores * 3_600_000) / Math.max(1, cpuPerTarget);
  const byParallel = (DEFAULT_PARALLEL * 3_600_000) / rttOne.wallMs;
  const byMemory =
    (totalmem() / 2 / (1024 * 1024) / Math.max(0.1, rssPerTargetMb)) * (3_600_000 / rttOne.wallMs);
  row(
    `real devices one ${cores}-core machine can judge per hour (each like the target above)`,
    `${Math.floor(Math.min(byCpu, byParallel, byMemory))} (CPU: ${Math.floor(byCpu)}, --parallel ${DEFAULT_PARALLEL}: ${Math.floor(byParallel)}, half the memory: ${Math.floor(byMemory)})`,
    '(beyond it: shards, see the README)',
    undefined,
  );
}

// 4. The self-test (every API: variants, faults, hostile modes, wrong credentials, concurrency 4).
if (!quick && (!only || only === 'selftest')) {
  const st = await cli('selftest');
  row(
    'self-test, all four APIs (certconform selftest)',
    `${s(st.wallMs)}, ${s(st.cpuMs)} CPU${/selftest: OK/.test(st.output) ? '' : ' (not OK)'}`,
    '≤ 60 s',
    st.wallMs <= 60_000,
  );
}

if (!only || only === 'validator') {
  // 5. The Redfish suite against the DMTF Service Validator's walk of the same mock.
  const redfish = await cli('run', '--api', 'redfish', '--out', join(work, 'redfish'));
  const validator = repoPath('../shared/tools/redfish-service-validator/run.sh');
  if (existsSync(validator)) {
    const api = APIS.redfish as AnyApi;
    const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
    try {
      const t = mockTarget(api, api.defaultVariant, mock);
      const v = await measure(
        validator,
        [
          '-r',
          t.baseUrl,
          '-u',
          t.auth.username ?? '',
          '-p',
          t.auth.password ?? '',
          '--logdir',
          join(work, 'rsv'),
        ],
        { node: false },
      );
      row(
        'Redfish suite vs DMTF validator walk (same mock)',
        `${s(redfish.wallMs)} vs ${s(v.wallMs)} = ${(redfish.wallMs / v.wallMs).toFixed(2)}×${v.code ? ` (validator exit ${v.code})` : ''}`,
        '< 1× the validator',
        redfish.wallMs < v.wallMs,
      );
    } finally {
      await mock.close();
    }
  } else {
    row(
      'Redfish suite (no DMTF validator vendored)',
      s(redfish.wallMs),
      '(faster than the validator)',
      undefined,
    );
  }
}

rmSync(work, { recursive: true, force: true });
const head: [string, string, string, string] = ['figure', 'measured', 'goal', ''];
const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
console.log('');
for (const r of [head, ...rows])
  console.log(
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
