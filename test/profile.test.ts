import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { loadProfile, targetFromProfile } from '../src/profile/load.ts';
import { tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS } from './toy/api.ts';

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const file = writeTemp(tempDir(), 'p.yaml', yaml);
  const redactor = new Redactor();
  return targetFromProfile(loadProfile(file, TOY_APIS, redactor, env), redactor);
}

function errorOf(yaml: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    load(yaml, env);
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
});
