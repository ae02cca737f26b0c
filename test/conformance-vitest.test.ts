import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { RunningMock } from '../src/core/api.ts';
import type { Status } from '../src/core/outcome.ts';
import { mockTarget } from '../src/core/targets.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { repoPath } from '../src/paths.ts';
import { runConformance } from '../src/run.ts';
import { allureStatus } from '../conformance/outcome.ts';
import { quiet, tempDir } from './helpers.ts';

/**
 * `vitest run --project conformance` (conformance/suites.test.ts) against Keyfactor mocks with faults, a known
 * deviation and a wrong password, so every outcome occurs: what allure-vitest wrote must say, per (target, rule),
 * what the run's results.json says (conformance/outcome.ts), and the verdicts must be those of `certconform run`.
 */
const api = APIS.keyfactor;
const faults = ['renew-status-201', 'renew-omits-password', 'error-body-plain'] as const;
const knownRule = api.rules.find((r) => (r.faults as readonly string[]).includes('renew-status-201'))!.id;
const mocks: RunningMock[] = [];

/** Fresh mocks (a run changes their state) and two profiles: the faulty one, and one with a wrong password. */
async function profiles(dir: string): Promise<string[]> {
  const mock = await api.startMock({ variant: 'default', faults });
  mocks.push(mock);
  const target = mockTarget(api, 'default', mock, 'kf-faulty');
  const faulty = writeMockProfile(join(dir, 'kf-faulty.json'), target).profile;
  const expectations = join(dir, 'known.yaml');
  writeFileSync(expectations, `deviations:\n  - rule: ${knownRule}\n    comment: known to answer 201\n`);
  const doc = JSON.parse(readFileSync(faulty, 'utf8'));
  writeFileSync(faulty, JSON.stringify({ ...doc, expectations }));
  const wrong = join(dir, 'kf-wrong-password.json');
  const password = String(doc.auth.password);
  writeFileSync(
    wrong,
    JSON.stringify({
      ...doc,
      name: 'kf-wrong-password',
      allowDestructive: false, // its destructive rules skip
      auth: { ...doc.auth, password: password.slice(0, -1) + (password.endsWith('x') ? 'y' : 'x') },
    }),
  );
  return [faulty, wrong];
}

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

interface AllureResult {
  name: string;
  status: string;
  labels: Array<{ name: string; value: string }>;
  parameters: Array<{ name: string; value: string }>;
  links: Array<{ url: string }>;
  attachments: unknown[];
  steps: AllureResult[];
}

/** allure-js-commons puts an attachment in a step of its own. */
const attachments = (r: Pick<AllureResult, 'attachments' | 'steps'>): unknown[] => [
  ...(r.attachments ?? []),
  ...(r.steps ?? []).flatMap((s) => attachments(s)),
];

describe('the conformance vitest project', () => {
  it('writes allure-vitest results whose statuses match results.json, with the verdicts of certconform run', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const allureDir = join(dir, 'allure');
    const paths = await profiles(dir);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    // Asynchronously: the mocks live in this process and must keep answering.
    const child = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
      const p = spawn(
        process.execPath,
        [repoPath('node_modules/vitest/vitest.mjs'), 'run', '--project', 'conformance'],
        {
          cwd: repoPath(),
          env: {
            ...env,
            CERTCONFORM_PROFILE: paths.join(delimiter),
            CERTCONFORM_OUT: out,
            ALLURE_RESULTS_DIR: allureDir,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      p.stdout.on('data', (d: Buffer) => (output += d.toString()));
      p.stderr.on('data', (d: Buffer) => (output += d.toString()));
      p.on('error', reject);
      p.on('close', (status) => resolve({ status, output }));
    });
    // Failed rules are failed tests.
    expect(child.status, child.output).toBe(1);

    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      results: Array<{ target: string; rule: string; status: Status; evidence: unknown[] }>;
    };
    const byTest = new Map<string, AllureResult>();
    for (const f of readdirSync(allureDir).filter((f) => f.endsWith('-result.json'))) {
      const r = JSON.parse(readFileSync(join(allureDir, f), 'utf8')) as AllureResult;
      if (r.name.startsWith('residue:')) {
        expect(r.status).toBe('passed');
        continue;
      }
      const target = r.parameters.find((p) => p.name === 'target')?.value;
      const rule = r.labels.find((l) => l.name === 'AS_ID')?.value;
      byTest.set(`${target}#${rule}`, r);
    }
    expect(json.results).toHaveLength(2 * api.rules.length);
    expect(byTest.size).toBe(json.results.length);
    for (const r of json.results) {
      const a = byTest.get(`${r.target}#${r.rule}`);
      expect(a, `no allure result for ${r.target} ${r.rule}`).toBeDefined();
      expect(`${r.target} ${r.rule} ${r.status}: ${a!.status}`).toBe(
        `${r.target} ${r.rule} ${r.status}: ${allureStatus(r.status, false)}`,
      );
      const labels = a!.labels.map((l) => `${l.name}=${l.value}`);
      expect(labels).toEqual(
        expect.arrayContaining([
          `epic=keyfactor`,
          `story=${r.rule}`,
          `feature=${r.rule.split('-').slice(0, 2).join('-')}`,
        ]),
      );
      if (r.status === 'warn' || r.status === 'xfail') expect(labels).toContain(`tag=${r.status}`);
      if (r.evidence.length) expect(attachments(a!).length, r.rule).toBeGreaterThan(0);
    }
    // Every outcome but xpass occurred, so the mapping was exercised for each.
    const seen = new Set(json.results.map((r) => r.status));
    for (const s of ['pass', 'fail', 'warn', 'skip', 'error', 'xfail'] as const) expect(seen, s).toContain(s);
    expect(json.results.find((r) => r.rule === knownRule && r.target === 'kf-faulty')?.status).toBe('xfail');
    // No secret of the mock in what allure-vitest wrote.
    const password = JSON.parse(readFileSync(join(dir, 'kf-faulty.json'), 'utf8')).auth.password as string;
    for (const f of readdirSync(allureDir))
      expect(readFileSync(join(allureDir, f), 'utf8').includes(password), f).toBe(false);

    // One source of truth: the same profiles through `certconform run` give the same verdicts.
    const again = tempDir();
    const { run } = await runConformance({
      profiles: await profiles(again),
      out: join(again, 'out'),
      print: quiet,
    });
    expect(run.results.map((r) => `${r.target} ${r.rule} ${r.status}`)).toEqual(
      json.results.map((r) => `${r.target} ${r.rule} ${r.status}`),
    );
  }, 900_000);
});
