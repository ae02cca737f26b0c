/**
 * SIGTERM mid-run (what CI systems and timeout(1) send), through the real CLI in a child process, against a
 * standalone SBC mock: the configuration lock ends free and no scratch record is left, the reports are written and marked incomplete, and the exit code is 143.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { mockTarget } from '../src/core/targets.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { repoPath } from '../src/paths.ts';
import { tempDir } from './helpers.ts';

it('SIGTERM during an SBC run releases the lock, removes scratch records, writes the reports and exits 143', async () => {
  const api = APIS['oracle-sbc'];
  const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
  try {
    const dir = tempDir();
    const { profile } = writeMockProfile(
      join(dir, 'sbc.yaml'),
      mockTarget(api, api.defaultVariant, mock, 'sbc'),
    );
    const out = join(dir, 'out');
    const child = spawn(
      process.execPath,
      [repoPath('bin/certconform.js'), 'run', '--profile', profile, '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // Mid-run: once rules that take the lock have started.
    const deadline = Date.now() + 60_000;
    while (!/SBC-LOCK-/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await exited;

    expect(code).toBe(143);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      incomplete?: string;
      residue: Array<{ what: string }>;
      results: Array<{ reason: string | null }>;
    };
    expect(results.incomplete).toBe('interrupted (SIGTERM)');
    // It was stopped mid-run: the rules after the running one are reported as not run.
    expect(results.results.some((r) => r.reason === 'not run: the run was interrupted')).toBe(true);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    // The cleanups ran: the device is as the run found it (ask the mock, not the harness).
    expect(mock.residue).toBeDefined();
    expect(await mock.residue!()).toEqual([]);
    expect(results.residue).toEqual([]);
  } finally {
    await mock.close();
  }
}, 120_000);
