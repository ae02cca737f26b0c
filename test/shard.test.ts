/**
 * CI shards: `--shard i/n` runs a deterministic share (every n-th target; with one target, the exclusive rules
 * in shard 1 and the read-only rules dealt out), and `merge` of every shard equals the unsharded run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { mergeCommand } from '../src/fleet/merge.ts';
import { parseShard, shardRules, shardTargets } from '../src/fleet/shard.ts';
import { runConformance } from '../src/run.ts';
import { REPORT_FILES } from '../src/report/write.ts';
import { fleetProfiles } from './fleet-profiles.ts';
import { tempDir, writeTemp } from './helpers.ts';

type Row = { target: string; rule: string; status: string };
const verdicts = (results: Row[]) => results.map((r) => `${r.target} ${r.rule} ${r.status}`).sort();
const quiet = () => undefined;

async function shardsMerged(profiles: string[], dir: string, n: number) {
  const dirs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const out = join(dir, `shard-${i}`);
    await runConformance({ profiles, out, shard: { index: i, count: n }, print: quiet });
    dirs.push(out);
  }
  return { dirs, ...mergeCommand({ dirs, out: join(dir, 'merged') }) };
}

describe('shards', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3', ''])
      expect(() => parseShard(bad)).toThrow(/--shard: must be i\/n/);
  });

  it('deals targets round-robin and rules with every exclusive rule in shard 1', () => {
    expect(shardTargets([1, 2, 3, 4, 5, 6, 7], { index: 2, count: 3 })).toEqual([2, 5]);
    const rules = APIS.keyfactor.rules;
    const shards = [1, 2, 3].map((index) => shardRules(rules, { index, count: 3 }));
    // Every rule exactly once; the exclusive ones all in shard 1, the read-only ones spread.
    expect(
      shards
        .flat()
        .map((r) => r.id)
        .sort(),
    ).toEqual(rules.map((r) => r.id).sort());
    expect(
      shards
        .slice(1)
        .flat()
        .every((r) => r.parallelSafe),
    ).toBe(true);
    expect(rules.filter((r) => !r.parallelSafe).every((r) => shards[0]!.includes(r))).toBe(true);
    expect(shards[1]!.length).toBeGreaterThan(0);
  });

  it('merged target shards equal the unsharded run', async () => {
    const dir = tempDir();
    const profiles = fleetProfiles(dir, 5);
    const whole = await runConformance({ profiles, out: join(dir, 'whole'), print: quiet });
    const { run, outDir } = await shardsMerged(profiles, dir, 3);
    expect(verdicts(run.results)).toEqual(verdicts(whole.run.results));
    // In the profile order, though shard 1 ran targets 1 and 4, shard 2 targets 2 and 5, shard 3 target 3.
    expect(run.targets.map((t) => t.name)).toEqual(whole.run.targets.map((t) => t.name));
    expect([...new Set(run.results.map((r) => r.target))]).toEqual(whole.run.targets.map((t) => t.name));
    expect(run.summary).toEqual(whole.run.summary);
    for (const f of REPORT_FILES) expect(existsSync(join(outDir, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as { results: Row[] };
    expect(verdicts(json.results)).toEqual(verdicts(whole.run.results));
  }, 240_000);

  it('merged rule shards of one target equal the unsharded run; merging a shard twice is refused', async () => {
    const dir = tempDir();
    const profiles = [writeTemp(dir, 'kf.yaml', 'name: kf\napi: keyfactor\nmock: {}\n')];
    const whole = await runConformance({ profiles, out: join(dir, 'whole'), print: quiet });
    const { run, dirs } = await shardsMerged(profiles, dir, 3);
    expect(verdicts(run.results)).toEqual(verdicts(whole.run.results));
    // The merged results come in the catalog order of the API.
    const catalog = APIS.keyfactor.rules.map((r) => r.id);
    expect(run.results.map((r) => r.rule)).toEqual(
      catalog.filter((id) => run.results.some((r) => r.rule === id)),
    );
    expect(() => mergeCommand({ dirs: [dirs[0]!, dirs[0]!], out: join(dir, 'twice') })).toThrow(
      /both have .* merge runs of distinct shards/,
    );
    expect(() => mergeCommand({ dirs: [join(dir, 'nope')], out: join(dir, 'x') })).toThrow(
      /no results\.json/,
    );
  }, 240_000);
});
