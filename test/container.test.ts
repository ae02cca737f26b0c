import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { repoPath } from '../src/paths.ts';
import { loadProfile } from '../src/profile/load.ts';
import { Redactor } from '../src/http/redact.ts';
import { runConformance } from '../src/run.ts';
import { tempDir } from './helpers.ts';

/**
 * A real container: the Dockerfile built with podman FROM a local base image (no registry is reachable), the
 * Keyfactor mock started through testcontainers by a `mock: {runtime: container}` profile, one suite run
 * against it. scripts/ci-podman.sh prepares the machine; under CI this test never skips.
 */
const SOCKET = '/run/podman/podman.sock';
const BASE = process.env.CERTCONFORM_BASE_IMAGE ?? 'localhost/certconform-base:node20';
const IMAGE = 'localhost/certconform:test';
const HARNESS = 'localhost/certconform-harness:test';

function podmanReady(): string | undefined {
  const version = spawnSync('podman', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return 'podman is not installed';
  const ping = spawnSync('curl', ['-fsS', '--unix-socket', SOCKET, 'http://d/_ping'], { encoding: 'utf8' });
  if (ping.status !== 0) return `no podman API service on ${SOCKET}`;
  if (spawnSync('podman', ['image', 'exists', BASE]).status !== 0) return `no base image ${BASE}`;
  return undefined;
}

const missing = podmanReady();
const inCi = Boolean(process.env.CI);
if (missing && !inCi) console.log(`container test skipped (${missing}): run bash scripts/ci-podman.sh`);

describe('mock.runtime in a profile', () => {
  it('accepts process and container, and names the field otherwise', () => {
    const dir = tempDir();
    for (const runtime of ['process', 'container']) {
      const file = join(dir, `${runtime}.yaml`);
      writeFileSync(file, `api: keyfactor\nmock: { runtime: ${runtime} }\n`);
      expect(loadProfile(file, APIS, new Redactor()).profile.mock?.runtime).toBe(runtime);
    }
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'api: keyfactor\nmock: { runtime: docker }\n');
    expect(() => loadProfile(bad, APIS, new Redactor())).toThrow(/mock\/runtime|mock\.runtime/);
  });
});

describe.skipIf(missing !== undefined && !inCi)('the mock as a container', () => {
  it('builds the image, starts the Keyfactor mock through testcontainers and runs its suite: all pass', async () => {
    expect(missing, `${missing}: run bash scripts/ci-podman.sh first`).toBeUndefined();
    const t0 = Date.now();
    execFileSync('podman', ['build', '--format', 'docker', '--build-arg', `BASE=${BASE}`, '-t', IMAGE, '.'], {
      cwd: repoPath(),
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 900_000,
    });
    const built = Date.now();

    // The image's own health check and user, through the engine.
    const id = execFileSync('podman', ['run', '-d', '-P', IMAGE], { encoding: 'utf8' }).trim();
    try {
      let healthy = false;
      for (let i = 0; i < 50 && !healthy; i++) {
        healthy = spawnSync('podman', ['healthcheck', 'run', id]).status === 0;
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      expect(healthy, 'HEALTHCHECK never passed').toBe(true);
      expect(execFileSync('podman', ['exec', id, 'id', '-u'], { encoding: 'utf8' }).trim()).not.toBe('0');
    } finally {
      spawnSync('podman', ['rm', '-f', id]);
    }

    // Only the engine and the image: Ryuk off and the host (this machine has a /.dockerenv, which makes
    // testcontainers point at the bridge's gateway, while the engine runs beside it) are defaults in code.
    Object.assign(process.env, {
      DOCKER_HOST: process.env.DOCKER_HOST ?? `unix://${SOCKET}`,
      CERTCONFORM_IMAGE: IMAGE,
    });
    delete process.env.TESTCONTAINERS_RYUK_DISABLED;
    delete process.env.TESTCONTAINERS_HOST_OVERRIDE;
    const dir = tempDir();
    const profile = join(dir, 'kf-container.yaml');
    writeFileSync(profile, 'api: keyfactor\nmock: { runtime: container }\n');
    const lines: string[] = [];
    const { run, exitCode } = await runConformance({
      profiles: [profile],
      out: join(dir, 'out'),
      print: (...l) => lines.push(...l),
    });
    const ran = Date.now();
    console.log(`container test: image build ${built - t0} ms, container run ${ran - built} ms`);

    expect(run.targets).toHaveLength(1);
    expect(run.targets[0]!.baseUrl).toMatch(/^https:\/\/localhost:\d+\//);
    expect(run.targets[0]!.baseUrl).not.toContain(':8443');
    expect(run.results).toHaveLength(APIS.keyfactor.rules.length);
    expect(
      run.summary.fail + run.summary.error + run.summary.warn + run.summary.xpass,
      lines.join('\n'),
    ).toBe(0);
    expect(run.summary.pass).toBeGreaterThan(0);
    expect(run.residue).toEqual([]);
    expect(exitCode).toBe(0);
    // The run stopped (and removed) its container.
    const left = execFileSync('podman', ['ps', '-a', '-q', '--filter', `ancestor=${IMAGE}`], {
      encoding: 'utf8',
    });
    expect(left.trim()).toBe('');
  }, 1_200_000);

  it('the harness image writes its reports into a mounted folder as the caller (--user), and says why when it cannot', () => {
    execFileSync(
      'podman',
      [
        'build',
        '--format',
        'docker',
        '--build-arg',
        `BASE=${BASE}`,
        '--target',
        'harness',
        '-t',
        HARNESS,
        '.',
      ],
      { cwd: repoPath(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 },
    );
    // A folder of someone who is neither root nor the image's user, as a mounted checkout would be.
    const dir = tempDir();
    writeFileSync(join(dir, 'kf.yaml'), 'api: keyfactor\nmock: {}\n');
    chmodSync(dir, 0o755);
    chownSync(dir, 4321, 4321);
    const run = (user: string[]) =>
      spawnSync(
        'podman',
        [
          'run',
          '--rm',
          ...user,
          '-v',
          `${dir}:/work`,
          HARNESS,
          'run',
          '-p',
          '/work/kf.yaml',
          '--rule',
          'KF-REN-00*',
          '--out',
          '/work/reports',
        ],
        { encoding: 'utf8', timeout: 300_000 },
      );
    const refused = run([]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      /--out \/work\/reports: cannot be created in \/work \(permission denied\); in the certconform image run as yourself: docker run --user/,
    );
    const mine = run(['--user', '4321:4321']);
    expect(mine.status, mine.stderr + mine.stdout).toBe(0);
    expect(statSync(join(dir, 'reports', 'results.json')).uid).toBe(4321);
  }, 1_200_000);
});
