/**
 * Plans and selection: `certconform plan` / `run --dry-run` never contact a target; --exclude and --rule '!GLOB'
 * leave rules out; --max-failures stops starting rules after N failures (their cleanups still run);
 * --warn-as-failure makes a SHOULD violation fail the run.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyApi, RunningMock } from '../src/core/api.ts';
import { repoPath } from '../src/paths.ts';
import { planOf, planText } from '../src/plan.ts';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, TOY_PASSWORD, toyApi, toyMockState } from './toy/api.ts';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [repoPath('bin/certconform.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });

describe('certconform plan and run --dry-run', () => {
  let connections = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    connections++;
    sockets.push(s);
    s.destroy();
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it('list what would run, skip and change, and never open a connection to the target', () => {
    const dir = tempDir();
    const profile = writeTemp(
      dir,
      'bmc.yaml',
      `name: lab-bmc\napi: redfish\nvendor: ami\nbaseUrl: ${url}\ntls: { insecure: true }\nauth: { scheme: basic, username: admin, password: '\${PW}' }\nallowDestructive: true\n`,
    );
    const env = { PW: 'bmc-Passw0rd-1', HTTPS_PROXY: '', https_proxy: '' };
    const plan = cli(
      [
        'plan',
        '--api',
        'redfish',
        '--url',
        url,
        '--user',
        'admin',
        '--password-env',
        'PW',
        '--insecure',
        '-x',
        'RF-CSR-*',
      ],
      env,
    );
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: nothing is sent to any target/);
    expect(plan.stdout).toMatch(/redfish · 127\.0\.0\.1:\d+ \(https:\/\/127\.0\.0\.1:\d+, vendor generic\)/);
    // Vendor rules of AMI, destructive rules (not allowed), excluded rules: skipped with the reason.
    expect(plan.stdout).toMatch(
      /skip {2}RF-AMI-\d+.*\n {8}→ vendor rule for "ami"; this target's vendor is "generic"/,
    );
    expect(plan.stdout).toMatch(/skip {2}RF-E2E-001 .*\n {8}→ destructive rule; the profile does not allow/);
    expect(plan.stdout).toMatch(/skip {2}RF-CSR-001 .*\n {8}→ excluded/);
    expect(plan.stdout).not.toContain('bmc-Passw0rd-1');

    const dry = cli(
      ['run', '--dry-run', '-p', profile, '--rule', '!RF-REQ-*', '--out', join(dir, 'never')],
      env,
    );
    expect(dry.status).toBe(0);
    // Destructive rules allowed: each is listed with what it changes.
    expect(dry.stdout).toMatch(/run {3}RF-E2E-001 .*\[destructive/);
    expect(dry.stdout).toMatch(
      /Changes to the target[^\n]*\n(?: {4}RF-[A-Z0-9]+-\d+ +changes the target \(destructive\): [^\n]+\n)+/,
    );
    expect(dry.stdout).toMatch(/skip {2}RF-REQ-002 .*\n {8}→ excluded/);
    expect(dry.stdout).toMatch(/run {3}RF-AMI-\d+/);
    expect(connections).toBe(0);
  }, 240_000);

  it('plans a bundled mock without starting it, and the json form names every rule once', () => {
    const plans = planOf({ profiles: [], only: ['keyfactor'], print: quiet });
    expect(plans).toHaveLength(1);
    expect(plans[0]!.where).toMatch(/^bundled mock, variant default/);
    const api = TOY_APIS.toy!;
    const toy = planOf({
      profiles: [
        writeTemp(
          tempDir(),
          'toy.yaml',
          'api: toy\nbaseUrl: http://127.0.0.1:9\ncapture: true\nallowDestructive: true\n',
        ),
      ],
      apis: TOY_APIS,
      exclude: ['TOY-LOCK-*'],
      print: quiet,
    });
    expect(toy[0]!.rules.map((r) => r.id)).toEqual(api.rules.map((r) => r.id));
    const by = Object.fromEntries(toy[0]!.rules.map((r) => [r.id, r]));
    expect(by['TOY-STATUS-001']).toMatchObject({ plan: 'run' });
    expect(by['TOY-WIDGET-001']).toMatchObject({ plan: 'skip', destructive: true, requires: ['widgets'] });
    expect(by['TOY-WIDGET-001']!.reason).toMatch(/read-only capture/);
    expect(by['TOY-LOCK-001']).toMatchObject({ plan: 'skip', reason: 'excluded (--rule / --exclude)' });
    expect(by['TOY-VENDOR-001']!.reason).toMatch(/vendor rule for "othercorp"/);
    expect(planText(toy).join('\n')).toContain(
      'toy · toy (http://127.0.0.1:9, vendor generic, read-only capture)',
    );
  });
});

describe('selection and stopping', () => {
  const api = toyApi as unknown as AnyApi;
  let mock: RunningMock;
  let profile: string;
  let faulty: RunningMock;
  let faultyProfile: string;
  beforeAll(async () => {
    const dir = tempDir();
    mock = await api.startMock({ variant: 'widgets', faults: ['no-etag'] });
    faulty = await api.startMock({ variant: 'widgets', faults: ['status-not-ok'] });
    const body = (m: RunningMock) =>
      `api: toy\nvendor: toyco\nbaseUrl: ${m.url}\nauth: { scheme: basic, username: admin, password: ${TOY_PASSWORD} }\nparams: { widgetId: w1 }\nallowDestructive: true\n`;
    profile = writeTemp(dir, 'warn.yaml', `name: toy-warn\n${body(mock)}`);
    faultyProfile = writeTemp(dir, 'faulty.yaml', `name: toy-faulty\n${body(faulty)}`);
  });
  afterAll(async () => {
    await mock.close();
    await faulty.close();
  });

  it("--exclude and --rule '!GLOB' leave rules out of the run", async () => {
    const a = await runConformance({
      profiles: [profile],
      apis: TOY_APIS,
      exclude: ['toy-status-*'],
      out: join(tempDir(), 'o'),
      print: quiet,
    });
    expect(a.run.results.map((r) => r.rule)).toEqual(['TOY-WIDGET-001', 'TOY-LOCK-001', 'TOY-VENDOR-001']);
    const b = await runConformance({
      profiles: [profile],
      apis: TOY_APIS,
      rules: ['TOY-*', '!TOY-WIDGET-*', '!TOY-LOCK-*'],
      out: join(tempDir(), 'o'),
      print: quiet,
    });
    expect(b.run.results.map((r) => r.rule)).toEqual(['TOY-STATUS-001', 'TOY-STATUS-002', 'TOY-VENDOR-001']);
    await expect(
      runConformance({
        profiles: [profile],
        apis: TOY_APIS,
        rules: ['!TOY-*'],
        out: join(tempDir(), 'o'),
        print: quiet,
      }),
    ).rejects.toThrow(/--rule !TOY-\*: no rule of toy is left/);
  });

  it('--max-failures 1: after the first fail the rules not yet started skip, the cleanups ran, exit 1', async () => {
    const lines: string[] = [];
    const { run, exitCode } = await runConformance({
      profiles: [faultyProfile],
      apis: TOY_APIS,
      maxFailures: 1,
      out: join(tempDir(), 'o'),
      print: (...l) => lines.push(...l),
    });
    expect(run.results.map((r) => `${r.rule} ${r.status}`)).toEqual([
      'TOY-STATUS-001 fail',
      'TOY-STATUS-002 skip',
      'TOY-WIDGET-001 skip',
      'TOY-LOCK-001 skip',
      'TOY-VENDOR-001 skip',
    ]);
    expect(run.results.slice(1).every((r) => r.reason === 'not run: --max-failures 1 reached')).toBe(true);
    expect(exitCode).toBe(1);
    expect(run.incomplete).toBeUndefined();
    expect(toyMockState.lockHeld).toBe(false);
    expect(lines.join('\n')).toContain('Stopped after 1 failure(s) (--max-failures 1): 4 rule(s) not run.');
    // Not reached: every rule runs.
    const all = await runConformance({
      profiles: [faultyProfile],
      apis: TOY_APIS,
      maxFailures: 5,
      out: join(tempDir(), 'o'),
      print: quiet,
    });
    expect(all.run.summary.fail).toBe(2);
    expect(all.run.results.filter((r) => r.reason?.includes('--max-failures'))).toEqual([]);
  });

  it('--warn-as-failure: a run whose only finding is a warn exits 1 (0 without it)', async () => {
    const plain = await runConformance({
      profiles: [profile],
      apis: TOY_APIS,
      out: join(tempDir(), 'o'),
      print: quiet,
    });
    expect(plain.run.summary.warn).toBe(1);
    expect(plain.exitCode).toBe(0);
    const strict = await runConformance({
      profiles: [profile],
      apis: TOY_APIS,
      warnAsFailure: true,
      out: join(tempDir(), 'o'),
      print: quiet,
    });
    expect(strict.exitCode).toBe(1);
  });
});
