import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { dealChecks, SELFTEST_PARTS, type SelftestReport } from '../src/core/selftest.ts';
import { checkKey, loadDurations, saveDurations } from '../src/core/selftest-durations.ts';

const dir = mkdtempSync(join(tmpdir(), 'certconform-durations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the self-test timings', () => {
  it('are none without a file or with a damaged one, and a run adds its own to those on file', () => {
    const file = join(dir, 'durations.json');
    expect(loadDurations(file)).toEqual({});
    writeFileSync(file, 'not json {');
    expect(loadDurations(file)).toEqual({});
    writeFileSync(file, JSON.stringify({ 'keyfactor/fault/old': 3, 'keyfactor/fault/bad': 'x' }));
    const report: SelftestReport = {
      api: 'keyfactor',
      variants: [{ variant: 'default', problems: [], results: [], seconds: 2.5 }],
      faults: [],
      hostile: [],
      extra: [{ check: 'concurrency 4', problems: [], seconds: 1.2 }],
      coverage: [],
      ok: true,
    };
    saveDurations([report], file);
    expect(loadDurations(file)).toEqual({
      'keyfactor/fault/old': 3,
      'keyfactor/variant/default': 2.5,
      'keyfactor/extra/concurrency 4': 1.2,
    });
  });

  it('deal the longest check first, the unknown before it, and every check to exactly one share', () => {
    const api = APIS.keyfactor;
    const parts = new Set(SELFTEST_PARTS);
    const faults = Object.keys(api.faults);
    const slow = faults.at(-1)!;
    const durations = Object.fromEntries([
      ...faults.map((f) => [checkKey(api.id, 'fault', f), f === slow ? 20 : 1]),
      ...Object.keys(api.variants).map((v) => [checkKey(api.id, 'variant', v), 2]),
    ]);
    const all = dealChecks(api, parts, { durations });
    // The hostile modes and the extra checks have no timing yet: they come first, hostile modes first.
    expect(all[0]).toEqual({ kind: 'hostile', name: 'garbage-body' });
    const known = all.filter((c) => c.kind === 'fault' || c.kind === 'variant');
    expect(known[0]).toEqual({ kind: 'fault', name: slow });
    expect(known.slice(1, 1 + Object.keys(api.variants).length).every((c) => c.kind === 'variant')).toBe(
      true,
    );

    const shares = [1, 2].map((index) => dealChecks(api, parts, { durations, shard: { index, count: 2 } }));
    expect([...shares[0]!, ...shares[1]!].sort(byName)).toEqual([...all].sort(byName));
    expect(Math.abs(shares[0]!.length - shares[1]!.length)).toBeLessThanOrEqual(1);
  });
});

const byName = (a: { kind: string; name: string }, b: { kind: string; name: string }) =>
  `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`);
