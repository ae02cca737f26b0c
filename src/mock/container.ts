import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { AnyApi, RunningMock, Target } from '../core/api.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_TIMEOUTS, mockTarget } from '../core/targets.ts';
import { Redactor } from '../http/redact.ts';
import { loadProfile } from '../profile/load.ts';

/** The mock image (see Dockerfile); CERTCONFORM_IMAGE names another tag. */
export const DEFAULT_IMAGE = 'certconform:latest';
/** The port the mock listens on inside the container (the Dockerfile's EXPOSE); Oracle SBC's plain HTTP is +1. */
export const CONTAINER_PORT = 8443;
const PROFILE_IN_CONTAINER = '/tmp/certconform-mock.json';

export type MockRuntime = 'process' | 'container';

/**
 * Starts the bundled mock of a `mock:` profile, in this process (the default) or as a container through
 * testcontainers, and returns it with the target it stands for.
 */
export async function startProfileMock(
  api: AnyApi,
  variant: string,
  runtime: MockRuntime = 'process',
): Promise<{ mock: RunningMock; target: Target }> {
  if (runtime === 'container') return startContainerMock(api, variant);
  const mock = await api.startMock({ variant, faults: [] });
  return { mock, target: mockTarget(api, variant, mock) };
}

/**
 * Defaults a user should not have to know, set only when the environment does not say otherwise: Ryuk (the
 * reaper testcontainers would start from a registry image) is off, since the run stops its own container.
 */
export function containerDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
}

/** The runner is itself a container (Docker writes /.dockerenv, podman /run/.containerenv). */
export function inContainer(exists: (path: string) => boolean = existsSync): boolean {
  return exists('/.dockerenv') || exists('/run/.containerenv');
}

/**
 * Where the runner reaches a mapped port. testcontainers' answer (its host, or TESTCONTAINERS_HOST_OVERRIDE) is
 * right on a plain machine; a runner that is itself a container is told the bridge's gateway, which is wrong when
 * the engine runs beside it (podman in the same container, a host-network runner): then localhost is tried first.
 * The first that accepts a connection is taken; the mock's certificate names localhost and 127.0.0.1.
 */
export async function reachableHost(
  port: number,
  testcontainersHost: string,
  env: NodeJS.ProcessEnv = process.env,
  containerised = inContainer(),
): Promise<string> {
  if (env.TESTCONTAINERS_HOST_OVERRIDE) return env.TESTCONTAINERS_HOST_OVERRIDE;
  const candidates = containerised ? [...new Set(['localhost', testcontainersHost])] : [testcontainersHost];
  for (const host of candidates) if (await accepts(host, port)) return host;
  return testcontainersHost;
}

function accepts(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * The mock as a container: `certconform mock <api> --profile-out` inside the image writes the profile a client
 * needs (base URL, CA, credentials, params), which is read back and pointed at the mapped ports. The target is
 * the one the in-process mock gives (same name, variant, credentials, params, timeouts, bundled expectations).
 * Needs a Docker-compatible engine (DOCKER_HOST; see scripts/ci-podman.sh for podman).
 */
export async function startContainerMock(
  api: AnyApi,
  variant: string,
  image = process.env.CERTCONFORM_IMAGE || DEFAULT_IMAGE,
): Promise<{ mock: RunningMock; target: Target }> {
  containerDefaults();
  // Loaded on demand: a run without container mocks never loads the Docker client.
  const { GenericContainer, Wait } = await import('testcontainers');
  const ports = [CONTAINER_PORT, CONTAINER_PORT + 1];
  let container;
  try {
    container = await new GenericContainer(image)
      .withCommand([
        'mock',
        api.id,
        '--variant',
        variant,
        '--port',
        String(CONTAINER_PORT),
        '--host',
        '0.0.0.0',
        '--profile-out',
        PROFILE_IN_CONTAINER,
      ])
      .withExposedPorts(...ports)
      // The JSON line comes after every listener is up and the profile is written.
      .withWaitStrategy(Wait.forLogMessage(/"profile":/))
      .withStartupTimeout(90_000)
      .start();
  } catch (err) {
    // One line: a missing engine or image is the setup's problem, not the run's.
    const why = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new UsageError(
      `mock.runtime: container: ${image} (${api.id} ${variant}) did not start: ${why} (engine: DOCKER_HOST; image: CERTCONFORM_IMAGE)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'certconform-container-'));
  const close = async () => {
    await container.stop({ timeout: 5_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const read = async (path: string) => {
      const r = await container.exec(['cat', path]);
      if (r.exitCode !== 0) throw new Error(`cannot read ${path} in the mock container: ${r.stderr.trim()}`);
      return r.stdout;
    };
    const doc = JSON.parse(await read(PROFILE_IN_CONTAINER)) as Record<string, unknown>;
    // Inside, the mock listens on 0.0.0.0:<container port>; outside it is <host>:<mapped port>. Its server
    // certificate names localhost and 127.0.0.1, which is what testcontainers' host is for a local engine.
    const mapped = new Map(ports.map((p) => [p, container.getMappedPort(p)]));
    const host = await reachableHost(mapped.get(CONTAINER_PORT)!, container.getHost());
    const outside = (value: string) =>
      value.replace(/^(https?:\/\/)0\.0\.0\.0:(\d+)/, (all, scheme: string, port: string) => {
        const m = mapped.get(Number(port));
        return m ? `${scheme}${host}:${m}` : all;
      });
    // Files the profile names (the CA, the client certificate, the expectations, a suite's CA certificate
    // parameter) are copied out next to it; a relative path is relative to the profile's folder in the container.
    let copied = 0;
    const localise = async (value: unknown, key: string): Promise<unknown> => {
      if (typeof value === 'string') {
        if (/File$/.test(key) || key === 'expectations') {
          const inside = posix.resolve(posix.dirname(PROFILE_IN_CONTAINER), value);
          const file = join(dir, `${++copied}-${key}${key === 'expectations' ? '.yaml' : '.pem'}`);
          writeFileSync(file, await read(inside));
          return file;
        }
        return outside(value);
      }
      if (Array.isArray(value)) return Promise.all(value.map((v) => localise(v, key)));
      if (value && typeof value === 'object')
        return Object.fromEntries(
          await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await localise(v, k)])),
        );
      return value;
    };
    const profile = (await localise(doc, '')) as Record<string, unknown>;
    const file = join(dir, 'profile.json');
    writeFileSync(file, JSON.stringify(profile));
    const loaded = loadProfile(file, { [api.id]: api }, new Redactor());
    const spec = (api.variants as Record<string, { expectations?: string }>)[variant];
    const p = loaded.profile;
    const target: Target = {
      name: `mock:${api.id}:${variant}`,
      api: api.id,
      baseUrl: p.baseUrl!.replace(/\/+$/, ''),
      vendor: p.vendor ?? 'generic',
      tls: loaded.tls,
      // Reached on this machine's engine: no proxy of the environment leads there.
      proxy: 'none',
      auth: p.auth ?? { scheme: 'none' },
      accounts: p.accounts ?? {},
      params: p.params ?? {},
      allowDestructive: p.allowDestructive ?? true,
      timeouts: { ...DEFAULT_TIMEOUTS, ...p.timeouts },
      concurrency: 1,
      mockVariant: variant,
      ...(spec?.expectations ? { expectations: spec.expectations } : {}),
    };
    return { mock: { url: new URL(target.baseUrl).origin, close }, target };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
