import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleIsCurrent as check, digest as hash } from '../bin/bundle.js';
import { repoPath } from '../src/paths.ts';
import { tempDir } from './helpers.ts';

describe('the CLI bundle (dist/cli.cjs, built by npm ci)', () => {
  it('is current only while every source it was built from is unchanged', () => {
    const dir = tempDir();
    const inputs = (map: Record<string, string>) => {
      const file = join(dir, `${Object.keys(map).length}-${Object.values(map).join('').length}.json`);
      writeFileSync(file, JSON.stringify(map));
      return file;
    };
    expect(check(inputs({ 'src/cli.ts': hash('src/cli.ts') }))).toBe(true);
    expect(check(inputs({ 'src/cli.ts': '0'.repeat(64) }))).toBe(false);
    expect(check(inputs({ 'src/gone.ts': '0'.repeat(64), 'src/cli.ts': hash('src/cli.ts') }))).toBe(false);
    expect(check(join(dir, 'no-such-inputs.json'))).toBe(false);
  });

  it('built now, it runs and says what the sources say', { timeout: 60_000 }, () => {
    execFileSync(process.execPath, [repoPath('scripts/build.mjs')]);
    expect(check()).toBe(true);
    const cli = (env: Record<string, string>) =>
      execFileSync(process.execPath, [repoPath('bin/certconform.js'), 'rules', '--format', 'json'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const fromSource = cli({ CERTCONFORM_FROM_SOURCE: '1' });
    expect(JSON.parse(fromSource)).toBeTruthy();
    expect(cli({})).toBe(fromSource);
  });

  it('leaves a V8 code cache as it exits, and runs the same with a damaged one', { timeout: 60_000 }, () => {
    execFileSync(process.execPath, [repoPath('scripts/build.mjs')]);
    const dir = tempDir();
    const cache = join(dir, 'cli.v8');
    const runner = join(dir, 'runner.mjs');
    writeFileSync(
      runner,
      `const b = await import(${JSON.stringify(pathToFileURL(repoPath('bin/bundle.js')).href)});\n` +
        `await b.loadBundle(b.BUNDLE, ${JSON.stringify(cache)}).main();\n`,
    );
    const rules = () =>
      execFileSync(process.execPath, [runner, 'rules', '--format', 'json'], { encoding: 'utf8' });
    const first = rules();
    expect(statSync(cache).size).toBeGreaterThan(100_000);
    expect(rules()).toBe(first);
    writeFileSync(cache, 'not a code cache');
    expect(rules()).toBe(first);
    // Turned down, so written again.
    expect(statSync(cache).size).toBeGreaterThan(100_000);
  });
});
