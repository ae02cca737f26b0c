import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyApi, ConnectArgs, Target } from '../src/core/api.ts';
import { UsageError } from '../src/core/errors.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { loadProfile, targetFromProfile } from '../src/profile/load.ts';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, toyApi } from './toy/api.ts';

function load(yaml: string, env: NodeJS.ProcessEnv = {}, apis = TOY_APIS) {
  const file = writeTemp(tempDir(), 'p.yaml', yaml);
  const redactor = new Redactor();
  return targetFromProfile(loadProfile(file, apis, redactor, env), redactor);
}

function errorOf(yaml: string, env: NodeJS.ProcessEnv = {}, apis = TOY_APIS): string {
  try {
    load(yaml, env, apis);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message.replace(/^profile \S+: /, '');
  }
  throw new Error('expected a UsageError');
}

const BASE = 'api: toy\nbaseUrl: https://bmc.example.test\n';

describe('profiles', () => {
  it('a good profile resolves env references and defaults', () => {
    const t = load(
      `${BASE}auth: { scheme: basic, username: admin, password: "\${PW}" }\nparams: { widgetId: w1 }\n`,
      { PW: 'pw-from-env' },
    );
    expect(t).toMatchObject({
      name: 'p',
      vendor: 'generic',
      auth: { password: 'pw-from-env' },
      params: { widgetId: 'w1' },
      allowDestructive: false,
      concurrency: 1,
    });
  });

  it.each([
    ['an unknown field', `${BASE}tls: { insecur: true }\n`, 'unknown field "tls.insecur"'],
    ['a wrong type', `${BASE}allowDestructive: "yes"\n`, 'allowDestructive: must be boolean'],
    [
      'a missing env var',
      `${BASE}auth: { scheme: basic, username: a, password: "\${NOPE_PW}" }\n`,
      'auth.password: environment variable NOPE_PW is not set',
    ],
    [
      'a bad URL',
      'api: toy\nbaseUrl: bmc.example.test\n',
      'baseUrl: must be an absolute http:// or https:// URL, got "bmc.example.test"',
    ],
    ['an unreadable CA file', `${BASE}tls: { caFile: ./missing-ca.pem }\n`, 'tls.caFile: cannot read'],
    ['an unknown api', 'api: snmp\nbaseUrl: https://x.test\n', 'api: unknown api "snmp"'],
    [
      'neither baseUrl nor mock',
      'api: toy\n',
      'give exactly one of "baseUrl" (a real target) or "mock" (a bundled mock)',
    ],
    [
      'an unknown account role',
      `${BASE}accounts: { god: { username: g } }\n`,
      'accounts.god: unknown account role for toy (known: readOnly)',
    ],
    ['a bad API parameter', `${BASE}params: { widgetID: 3 }\n`, 'unknown field "params.widgetID"'],
    [
      'an unknown auth scheme',
      `${BASE}auth: { scheme: kerberos }\n`,
      'auth.scheme: must be one of none, basic, session, bearer, client-cert',
    ],
  ])('%s is one clear line naming the field', (_, yaml, message) => {
    expect(errorOf(yaml)).toContain(message);
  });

  it('a bad profile exits 2 from the CLI with one line on stderr', () => {
    const file = writeTemp(
      tempDir(),
      'bad.yaml',
      'api: redfish\nbaseUrl: https://bmc.test\nauth: { scheme: basic, username: u, password: "${CERTCONFORM_UNSET_PW}" }\n',
    );
    try {
      execFileSync('node', [repoPath('bin/certconform.js'), 'run', '--profile', file], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      throw new Error('expected exit 2');
    } catch (err) {
      const e = err as { status: number; stderr: string };
      expect(e.status).toBe(2);
      expect(e.stderr.trim().split('\n')).toEqual([
        `certconform: profile ${file}: auth.password: environment variable CERTCONFORM_UNSET_PW is not set`,
      ]);
    }
  });

  it('params are validated even when the profile has none: a suite may require some', () => {
    const strict = {
      toy: {
        ...toyApi,
        paramsSchema: { ...toyApi.paramsSchema, required: ['widgetId'] },
      } as unknown as AnyApi,
    };
    expect(errorOf(BASE, {}, strict)).toBe('missing field "params.widgetId"');
    expect(load(`${BASE}params: { widgetId: w1 }\n`, {}, strict).params).toEqual({ widgetId: 'w1' });
  });

  it('a client certificate with an encrypted key and its passphrase loads, and the passphrase is a secret', () => {
    const dir = tempDir();
    const pki = (f: string) => readFileSync(repoPath('fixtures/pki/ca', f), 'utf8');
    const key = createPrivateKey(pki('test-ca.key.pem'))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass-Phrase-1' })
      .toString();
    const cert = writeTemp(dir, 'c.pem', pki('test-ca.cert.pem'));
    const keyFile = writeTemp(dir, 'k.pem', key);
    const file = writeTemp(
      dir,
      'p.yaml',
      `${BASE}tls:\n  clientCert: { certFile: ${cert}, keyFile: ${keyFile}, passphrase: "\${PP}" }\n`,
    );
    const redactor = new Redactor();
    const t = targetFromProfile(loadProfile(file, TOY_APIS, redactor, { PP: 'pass-Phrase-1' }), redactor);
    expect(t.tls).toMatchObject({ passphrase: 'pass-Phrase-1', key, cert: pki('test-ca.cert.pem') });
    expect(redactor.text('passphrase pass-Phrase-1')).toBe('passphrase ***');
  });

  it('a URL carrying credentials is refused without repeating them', () => {
    const message = errorOf('api: toy\nbaseUrl: "https://root:S3cret-pw@bmc.test/"\n');
    expect(message).toBe('baseUrl: a URL must not carry credentials (user:password@): put them in auth');
  });

  it("a mock: profile honours allowDestructive, timeouts, concurrency and params (merged over the mock's)", async () => {
    const seen: Target[] = [];
    const spying = {
      toy: {
        ...toyApi,
        mockTarget: (variant: 'plain' | 'widgets', mock: Parameters<typeof toyApi.mockTarget>[1]) => ({
          ...toyApi.mockTarget(variant, mock),
          params: { fromMock: 'kept', widgetId: 'mock-default' },
        }),
        connect: (args: ConnectArgs) => {
          seen.push(args.target);
          return toyApi.connect(args);
        },
        paramsSchema: { type: 'object' },
      } as unknown as AnyApi,
    };
    const dir = tempDir();
    const file = writeTemp(
      dir,
      'm.yaml',
      'name: my-mock\napi: toy\nmock: { variant: widgets }\nallowDestructive: false\ntimeouts: { requestMs: 1234 }\nconcurrency: 2\nparams: { widgetId: w9 }\n',
    );
    const { run } = await runConformance({
      profiles: [file],
      out: join(dir, 'out'),
      print: quiet,
      apis: spying,
    });
    expect(run.targets.map((t) => t.name)).toEqual(['my-mock']);
    expect(run.results.find((r) => r.rule === 'TOY-WIDGET-001')).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('destructive'),
    });
    expect(seen[0]).toMatchObject({
      allowDestructive: false,
      concurrency: 2,
      timeouts: { requestMs: 1234 },
      params: { fromMock: 'kept', widgetId: 'w9' },
    });
  });
});
