/**
 * Issue 8, keep-alive race: a BMC closes keep-alive sockets idle for ~5 s, so no synchronous step of a suite may
 * run long between two requests (goal: under 100 ms). Measured here, never asserted in a test: the Redfish mock
 * runs in another process (its own work must not count), the suite here, after prepare(), while the event loop
 * delay is sampled. Usage: npm run bench:event-loop
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { runTarget } from '../src/core/engine.ts';
import { mockTarget } from '../src/core/targets.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { redfishApi } from '../suites/redfish/index.ts';

await redfishApi.prepare?.();
for (const variant of ['ami', 'dmtf-async']) {
  const dir = mkdtempSync(join(tmpdir(), 'certconform-rf-loop-'));
  const child = spawn(
    process.execPath,
    [
      repoPath('bin/certconform.js'),
      'mock',
      'redfish',
      '--variant',
      variant,
      '--port',
      '0',
      '--profile-out',
      join(dir, 'p.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      url = (JSON.parse(line) as { url?: string }).url;
      if (url) break;
    }
    if (!url) throw new Error('the mock printed no url');
    const target = mockTarget(redfishApi, variant, { url, close: async () => {} });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const results = await runTarget({
      api: redfishApi,
      target,
      rules: redfishApi.rules,
      redactor: new Redactor(),
    });
    delay.disable();
    const errors = results.filter((r) => r.status === 'error').length;
    // The histogram's max is the longest the loop was blocked (plus the sampling resolution).
    console.log(
      `redfish ${variant}: longest event-loop block ${(delay.max / 1e6).toFixed(0)} ms (goal < 100 ms), p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, ${errors} error(s)`,
    );
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
