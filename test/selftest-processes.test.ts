import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { mergeReports } from '../src/core/selftest-processes.ts';
import type { SelftestReport } from '../src/core/selftest.ts';
import { repoPath } from '../src/paths.ts';

/** The CLI as a child process (its own children are the shards), asynchronously: vitest's timers keep running. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [repoPath('bin/certconform.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

describe('certconform selftest in processes', () => {
  it('deals the checks to its shards and scores them as one', async () => {
    const api = APIS.keyfactor;
    const { code, stdout } = await cli([
      'selftest',
      '--api',
      'keyfactor',
      '--fault',
      'renew-status-201',
      '--processes',
      '2',
    ]);
    expect(stdout).toContain('(2 processes share the checks)');
    // Every variant's clean run and the fault are each reported once, whichever shard ran them.
    for (const variant of Object.keys(api.variants))
      expect(stdout.match(new RegExp(`keyfactor: variant ${variant}: clean \\(`, 'g'))).toHaveLength(1);
    expect(stdout).toMatch(/keyfactor: fault renew-status-201 \(default\): caught by KF-REN-001 \(/);
    expect(stdout).toContain(
      `score: 1/1 faults caught cleanly, ${Object.keys(api.variants).length}/${Object.keys(api.variants).length} variants clean, 0 coverage gaps`,
    );
    expect(stdout).toMatch(/selftest: OK \(\d+\.\d s\)/);
    expect(code).toBe(0);
    // Two node processes besides this one: generous on a loaded machine, and no figure is asserted.
  }, 300_000);

  it('merges the shares in the order of the vocabularies, and one problem fails the whole', () => {
    const api = APIS.keyfactor;
    const [v1, v2] = Object.keys(api.variants);
    const [f1, f2] = Object.keys(api.faults);
    const share = (variant: string, fault: string, problems: string[]): SelftestReport => ({
      api: api.id,
      variants: [{ variant, problems: [], results: [], seconds: 1 }],
      faults: [{ fault, variant: api.defaultVariant, rules: [], caught: true, problems, seconds: 2 }],
      hostile: [],
      extra: [],
      coverage: [],
      ok: problems.length === 0,
    });
    const merged = mergeReports(api, [
      share(v2!, f2!, ['KF-X changed from pass to fail']),
      share(v1!, f1!, []),
    ])!;
    expect(merged.variants.map((v) => v.variant)).toEqual([v1, v2]);
    expect(merged.faults.map((f) => f.fault)).toEqual([f1, f2]);
    expect(merged.ok).toBe(false);
    expect(mergeReports(api, [])).toBeUndefined();
  });
});
