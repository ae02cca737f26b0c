import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { mockTarget } from '../src/core/targets.ts';
import type { RunningMock } from '../src/core/api.ts';
import { HttpClient } from '../src/http/client.ts';
import { proxyFor } from '../src/http/proxy.ts';
import { Redactor } from '../src/http/redact.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { loadProfile, targetFromProfile } from '../src/profile/load.ts';
import { runConformance } from '../src/run.ts';
import { quiet, readTree, tempDir, writeTemp } from './helpers.ts';

/**
 * A real forward proxy on loopback (the `proxy` package, TooTallNate's: CONNECT tunnels and absolute-form
 * requests) between the harness and a bundled mock started standalone: the environment's HTTPS_PROXY and NO_PROXY
 * are honoured, a profile's `proxy:` wins over them, a refusing proxy is an error with its cause (never a fail),
 * and a proxy's credentials are secrets.
 */
const api = APIS.keyfactor;
const ENV_KEYS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

let mock: RunningMock;
let proxy: ProxyServer;
let proxyUrl: string;
/** The CONNECT requests the proxy received ("host:port"), and what its authenticate hook decides. */
let tunnels: string[] = [];
let allow: (req: http.IncomingMessage) => boolean = () => true;
let profile: string;
let dir: string;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
  dir = tempDir();
  profile = writeMockProfile(
    join(dir, 'kf.yaml'),
    mockTarget(api, api.defaultVariant, mock, 'kf-via-proxy'),
  ).profile;
  proxy = createProxy(http.createServer());
  proxy.authenticate = (req) => allow(req);
  proxy.on('connect', (req: http.IncomingMessage) => tunnels.push(req.url ?? ''));
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await mock?.close();
  await new Promise((done) => proxy?.close(done));
});

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  tunnels = [];
  allow = () => true;
});

const mockHost = () => new URL(mock.url).host;

describe('a run through a forward proxy', () => {
  it('HTTPS_PROXY: every request goes through the proxy, and the run passes as it does directly', async () => {
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.HTTPS_PROXY = proxyUrl;
    const { run, exitCode } = await runConformance({
      profiles: [profile],
      out: join(dir, 'env'),
      print: quiet,
    });
    expect(run.summary.fail + run.summary.error + run.summary.warn).toBe(0);
    expect(exitCode).toBe(0);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([mockHost()]));
  });

  it('NO_PROXY: a target it names is reached directly', async () => {
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.https_proxy = proxyUrl;
    process.env.no_proxy = '127.0.0.1';
    const { exitCode } = await runConformance({
      profiles: [profile],
      rules: ['KF-REN-00*'],
      out: join(dir, 'no-proxy'),
      print: quiet,
    });
    expect(exitCode).toBe(0);
    expect(tunnels).toEqual([]);
  });

  it('proxy: none in the profile ignores the environment; proxy: URL is used without it', () => {
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.HTTPS_PROXY = 'http://env-proxy.invalid:3128';
    expect(proxyFor('https://bmc', 'none')).toBeUndefined();
    expect(proxyFor('https://bmc')?.host).toBe('env-proxy.invalid:3128');
    expect(proxyFor('https://bmc', proxyUrl)?.href).toBe(`${proxyUrl}/`);
    delete process.env.HTTPS_PROXY;
    expect(proxyFor('https://bmc')).toBeUndefined();
  });

  it('a proxy that refuses the tunnel is an error naming the proxy, never a fail; its credentials are secrets', async () => {
    for (const k of ENV_KEYS) delete process.env[k];
    const secret = 'proxy-Secret-7e1';
    const expected = `Basic ${Buffer.from(`labuser:${secret}`).toString('base64')}`;
    allow = (req) => req.headers['proxy-authorization'] === expected;
    // With the right credentials (in the profile's proxy URL, given through the environment) it passes.
    const withCreds = writeTemp(
      dir,
      'creds.yaml',
      `${readProfile()}proxy: http://labuser:\${PROXY_PW}@127.0.0.1:${new URL(proxyUrl).port}\n`,
    );
    process.env.PROXY_PW = secret;
    try {
      const ok = await runConformance({
        profiles: [withCreds],
        rules: ['KF-REN-00*'],
        out: join(dir, 'creds'),
        print: quiet,
      });
      expect(ok.exitCode).toBe(0);
      expect(tunnels.length).toBeGreaterThan(0);
      for (const { file, text } of readTree(join(dir, 'creds'))) {
        expect(text, file).not.toContain(secret);
        expect(text, file).not.toContain(expected.slice('Basic '.length));
      }
      // Without them the proxy answers CONNECT with 407: nothing was learnt about the target.
      const without = writeTemp(dir, 'refused.yaml', `${readProfile()}proxy: ${proxyUrl}\n`);
      const lines: string[] = [];
      const refused = await runConformance({
        profiles: [without],
        rules: ['KF-REN-00*'],
        out: join(dir, 'refused'),
        print: (...l) => lines.push(...l),
      });
      expect(refused.run.summary.fail + refused.run.summary.warn + refused.run.summary.pass).toBe(0);
      expect(refused.run.summary.error).toBeGreaterThan(0);
      expect(refused.exitCode).toBe(3);
      expect(refused.run.results[0]!.message).toMatch(
        /proxy http:\/\/127\.0\.0\.1:\d+ refused the tunnel: 407/,
      );
    } finally {
      delete process.env.PROXY_PW;
    }
  });

  it('a proxy that is not there is a transport error that says the request went through it', async () => {
    for (const k of ENV_KEYS) delete process.env[k];
    const closed = http.createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const redactor = new Redactor();
    const target = targetFromProfile(loadProfile(profile, APIS, redactor), redactor);
    const client = new HttpClient({
      baseUrl: target.baseUrl,
      tls: target.tls,
      timeoutMs: 5000,
      redactor,
      proxy: `http://127.0.0.1:${port}`,
    });
    try {
      await expect(client.get('/')).rejects.toThrow(
        /ECONNREFUSED.*through the proxy http:\/\/127\.0\.0\.1:\d+/,
      );
    } finally {
      client.close();
    }
  });
});

describe('a plain-http target through a proxy', () => {
  it('is asked for in absolute form (HTTP_PROXY); a 407 of the proxy is no answer of the target', async () => {
    const target = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const asked: string[] = [];
    const onRequest = (req: http.IncomingMessage) => asked.push(req.url ?? '');
    proxy.on('request', onRequest);
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.HTTP_PROXY = proxyUrl;
    const client = new HttpClient({ baseUrl: url, timeoutMs: 5000, redactor: new Redactor() });
    try {
      expect((await client.get('/redfish/v1')).status).toBe(200);
      expect(asked).toEqual([`${url}/redfish/v1`]);
      allow = () => false;
      await expect(client.get('/redfish/v1')).rejects.toThrow(
        /proxy http:\/\/127\.0\.0\.1:\d+ asks for credentials: 407/,
      );
    } finally {
      proxy.off('request', onRequest);
      client.close();
      await new Promise((done) => target.close(done));
    }
  });
});

describe('headers: in the profile', () => {
  it('are sent with every request, also unauthenticated ones; a ${ENV} value is a secret', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const echo = http.createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echoed: req.headers['x-gateway-key'] }));
    });
    await new Promise<void>((done) => echo.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const file = writeTemp(
      tempDir(),
      'gw.yaml',
      `api: keyfactor\nbaseUrl: ${url}\nproxy: none\nheaders:\n  X-Gateway-Key: \${GW_KEY}\n  X-Lab: bench-3\n`,
    );
    const redactor = new Redactor();
    const target = targetFromProfile(loadProfile(file, APIS, redactor, { GW_KEY: 'gw-Key-4411' }), redactor);
    const client = new HttpClient({
      baseUrl: target.baseUrl,
      timeoutMs: 5000,
      redactor,
      ...(target.headers ? { headers: target.headers } : {}),
      ...(target.proxy ? { proxy: target.proxy } : {}),
      defaultHeaders: () => ({ authorization: 'Basic dXNlcjpwYXNz' }),
    });
    try {
      const res = await client.get('/x');
      await client.get('/y', { noDefaultHeaders: true });
      expect(seen.map((h) => h['x-gateway-key'])).toEqual(['gw-Key-4411', 'gw-Key-4411']);
      expect(seen.map((h) => h['x-lab'])).toEqual(['bench-3', 'bench-3']);
      expect(seen[1]!.authorization).toBeUndefined();
      expect(res.evidence.response).not.toContain('gw-Key-4411');
      expect(redactor.text('key gw-Key-4411')).not.toContain('gw-Key-4411');
    } finally {
      client.close();
      await new Promise((done) => echo.close(done));
    }
  });
});

function readProfile(): string {
  return readTree(dir).find((f) => f.file === profile)!.text;
}
