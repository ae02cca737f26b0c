import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { runConformance } from '../src/run.ts';
import { readTree, tempDir } from './helpers.ts';

/** The main job (`npm run conformance`): every suite against its default bundled mock. */
describe('certconform run with no profile', () => {
  it('runs every API against its bundled mock, exits 0, and writes reports without secrets', async () => {
    const out = join(tempDir(), 'out');
    const lines: string[] = [];
    const { run, exitCode } = await runConformance({ profiles: [], out, print: (...l) => lines.push(...l) });

    expect(run.targets.map((t) => t.api)).toEqual(Object.keys(APIS));
    expect(run.summary.fail + run.summary.error + run.summary.xpass, lines.join('\n')).toBe(0);
    expect(exitCode).toBe(0);
    expect(run.results.length).toBe(Object.values(APIS).reduce((n, a) => n + a.rules.length, 0));
    expect(lines.join('\n')).toContain('Reports: ');

    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json).toMatchObject({ schemaVersion: 1, tool: { name: 'certconform' }, summary: run.summary });
    expect(Object.keys(json.results[0]).sort()).toEqual(
      expect.arrayContaining([
        'target',
        'rule',
        'title',
        'level',
        'status',
        'message',
        'reason',
        'durationMs',
        'evidence',
      ]),
    );

    // The mocks' credentials are secrets like any device's.
    const secrets: string[] = [];
    for (const api of Object.values(APIS)) {
      const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
      const t = api.mockTarget(api.defaultVariant, mock);
      await mock.close();
      for (const s of [
        t.auth.password,
        t.auth.token,
        ...Object.values(t.accounts).flatMap((a) => [a.password, a.token]),
      ]) {
        if (typeof s === 'string' && s.length >= 4) secrets.push(s);
      }
    }
    expect(secrets.length).toBeGreaterThan(0);
    for (const { file, text } of readTree(out))
      for (const s of secrets) expect(text.includes(s), `${file} contains a secret`).toBe(false);
  }, 300_000);
});

describe('certconform rules', () => {
  it('lists every rule with its citation', async () => {
    const { catalogJson } = await import('../src/report/catalog.ts');
    const doc = JSON.parse(catalogJson(Object.values(APIS))) as Array<{
      api: string;
      rules: Array<{ citation: { quote: string } }>;
    }>;
    for (const api of doc) for (const r of api.rules) expect(r.citation.quote.length).toBeGreaterThan(5);
  });
});
