/**
 * A hostile lab (issue 21): a device that dies mid-run, a harness killed without warning, two runs sharing a
 * report folder. Nothing here measures time: bounds are counts of attempts and lines on disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyApi } from '../src/core/api.ts';
import { TransportError, UsageError } from '../src/core/errors.ts';
import { runTarget, type Residue } from '../src/core/engine.ts';
import { mockTarget } from '../src/core/targets.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { OUT_LOCK } from '../src/report/out-lock.ts';
import { runConformance } from '../src/run.ts';
import { TOY_APIS } from './toy/api.ts';
import { quiet, tempDir } from './helpers.ts';
import { tinyApi, tinyRule } from './tiny-api.ts';

/** Five rules that each register an undo the (dead) device never accepts. */
function deadDeviceApi(attempts: { n: number }): AnyApi {
  return tinyApi({
    id: 'dead',
    rules: [1, 2, 3, 4, 5].map((i) =>
      tinyRule({
        id: `DEAD-LOCK-00${i}`,
        title: 'takes a lock',
        async check(t) {
          t.cleanup('release the lock', () => {
            attempts.n++;
            throw new TransportError('connect ECONNREFUSED 127.0.0.1');
          });
          throw new TransportError('connect ECONNREFUSED 127.0.0.1');
        },
      }),
    ),
  });
}

describe('a device that dies mid-run', () => {
  it('is recognised once: the undos share one retry budget per target, each is still reported as residue', async () => {
    const attempts = { n: 0 };
    const api = deadDeviceApi(attempts);
    const mock = await api.startMock({ variant: 'plain', faults: [] });
    try {
      const target = mockTarget(api, 'plain', mock);
      // A one-second rule limit: alone, each undo would get 3 attempts in it (at 0, 150 and 600 ms).
      target.timeouts = { ...target.timeouts, ruleMs: 1000 };
      const residue: Residue[] = [];
      const results = await runTarget({
        api,
        target,
        rules: api.rules,
        redactor: new Redactor(),
        onResidue: (r) => residue.push(r),
      });
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('error'));
      expect(residue).toHaveLength(5);
      // Shared: the first undo spends most of the budget; the later ones get one or two attempts.
      expect(attempts.n).toBeGreaterThanOrEqual(5);
      expect(attempts.n).toBeLessThan(5 * 3);
    } finally {
      await mock.close();
    }
  });
});

describe('results are journalled as each rule ends', () => {
  it('results.jsonl holds a line per target and per rule, and stays after the run', async () => {
    const out = tempDir('certconform-journal-');
    const { run } = await runConformance({ profiles: [], out, print: quiet, apis: TOY_APIS });
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { target?: { name: string }; result?: { rule: string } });
    expect(lines[0]!.target?.name).toBe(run.targets[0]!.name);
    expect(lines.slice(1).map((l) => l.result?.rule)).toEqual(run.results.map((r) => r.rule));
  });

  it('a harness killed with SIGKILL mid-run leaves every verdict it had reached', async () => {
    const out = tempDir('certconform-killed-');
    const journal = join(out, 'results.jsonl');
    const child = spawn('node', [repoPath('bin/certconform.js'), 'run', '--api', 'keyfactor', '--out', out], {
      stdio: 'ignore',
    });
    const results = () =>
      existsSync(journal)
        ? readFileSync(journal, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"result"'))
        : [];
    // Killed as soon as a few rules have ended (polled; no fixed wait).
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (results().length >= 3) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 10);
      child.on('exit', () => {
        clearInterval(poll);
        resolve();
      });
      child.on('error', reject);
    });
    expect(existsSync(join(out, 'results.json'))).toBe(false); // it never got to the end
    const finished = results().map((l) => JSON.parse(l) as { result: { rule: string; status: string } });
    expect(finished.length).toBeGreaterThanOrEqual(3);
    for (const { result } of finished)
      expect(result.status).toMatch(/^(pass|fail|warn|skip|error|xfail|xpass)$/);
  });
});

describe('a report folder belongs to one run at a time', () => {
  it('a run into a folder another live run holds is refused with one line, before anything starts', async () => {
    const out = tempDir('certconform-busy-');
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(out, OUT_LOCK), `${other.pid}\n`);
      await expect(runConformance({ profiles: [], out, print: quiet, apis: TOY_APIS })).rejects.toThrow(
        new UsageError(
          `--out ${out}: in use by another certconform run (pid ${other.pid}); give each run its own folder`,
        ),
      );
      expect(existsSync(join(out, 'results.json'))).toBe(false);
    } finally {
      other.kill();
    }
  });

  it('a lock left by a run that no longer exists is taken over, and released at the end', async () => {
    const out = tempDir('certconform-stale-');
    const gone = spawnSync('true').pid;
    writeFileSync(join(out, OUT_LOCK), `${gone}\n`);
    const { exitCode } = await runConformance({ profiles: [], out, print: quiet, apis: TOY_APIS });
    expect(exitCode).toBe(0);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
    expect(existsSync(join(out, OUT_LOCK))).toBe(false);
  });
});
