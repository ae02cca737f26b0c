/**
 * A target on the command line (`run --api redfish --url … --user … --password-env …`) is checked like a profile
 * (one line naming the option, exit 2, before any device is touched), takes secrets from the environment or a
 * file only, and runs like the same profile would; `certconform init` writes that profile.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { RunningMock } from '../src/core/api.ts';
import { mockTarget } from '../src/core/targets.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { loadCommandLineTarget, type CommandLineTarget } from '../src/profile/command-line.ts';
import { initProfile } from '../src/profile/init.ts';
import { loadProfile, targetFromProfile } from '../src/profile/load.ts';
import { runConformance } from '../src/run.ts';
import { quiet, readTree, tempDir, writeTemp } from './helpers.ts';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [repoPath('bin/certconform.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });

const load = (o: CommandLineTarget, env: NodeJS.ProcessEnv = {}) =>
  loadCommandLineTarget(o, APIS, new Redactor(), env);

describe('the command-line target is checked like a profile, naming the options', () => {
  const base: CommandLineTarget = { url: 'https://bmc.example', api: ['redfish'] };
  it.each<[string, CommandLineTarget, NodeJS.ProcessEnv, RegExp]>([
    ['no --api', { url: 'https://bmc' }, {}, /^--url: give the target's API with one --api/],
    ['two APIs', { ...base, api: ['redfish', 'keyfactor'] }, {}, /one --api \(not several\)/],
    [
      'not http(s)',
      { ...base, url: 'ftp://bmc' },
      {},
      /^--url: must be an absolute http:\/\/ or https:\/\/ URL, got "ftp:\/\/bmc"/,
    ],
    [
      'credentials in the URL',
      { ...base, url: 'https://admin:pw@bmc' },
      {},
      /^--url: a URL must not carry credentials/,
    ],
    [
      'a user without password',
      { ...base, user: 'admin' },
      {},
      /^--user admin: give the password with --password-env NAME or --password-file FILE/,
    ],
    [
      'an unset variable',
      { ...base, user: 'admin', passwordEnv: 'NOT_SET_X' },
      {},
      /^--password-env NOT_SET_X: environment variable NOT_SET_X is not set/,
    ],
    [
      'a short secret',
      { ...base, user: 'admin', passwordEnv: 'PW' },
      { PW: 'abc' },
      /^--password-env PW: a secret of fewer than 4 characters/,
    ],
    [
      'both password sources',
      { ...base, passwordEnv: 'A', passwordFile: '/x' },
      {},
      /^--password-env and --password-file: give one of them/,
    ],
    [
      'bearer without token',
      { ...base, auth: 'bearer' },
      {},
      /^--auth bearer: give the token with --token-env NAME/,
    ],
    [
      '--ca and --insecure',
      { ...base, ca: '/x.pem', insecure: true },
      {},
      /^--ca and --insecure: give one of them/,
    ],
    [
      'a missing CA file',
      { ...base, ca: '/nonexistent/ca.pem' },
      {},
      /^--ca: cannot read \/nonexistent\/ca\.pem: no such file/,
    ],
    [
      'a bad proxy',
      { ...base, proxy: 'socks5://p:1080' },
      {},
      /^--proxy: must be an http:\/\/ or https:\/\/ URL, or "none"/,
    ],
    ['a bad header', { ...base, header: ['no colon'] }, {}, /^--header: must be "Name: value"/],
    [
      'an unknown parameter',
      { ...base, param: ['nope=1'] },
      {},
      /^--param nope: not a parameter of this API/,
    ],
    [
      'a required parameter',
      { url: 'https://cz', api: ['czertainly'], tokenEnv: 'T' },
      { T: 'tok-1234' },
      /^--param authorityUuid=…: required by this API/,
    ],
    ['an option without --url', { user: 'admin' }, {}, /^--user: describes the --url target: give --url/],
  ])('%s', (_, o, env, message) => {
    expect(() => load(o, env)).toThrow(message);
  });

  it('builds the same target as the profile it stands for; a password file is read whole, "${X}" in it kept', () => {
    const dir = tempDir();
    const pwFile = writeTemp(dir, 'pw', 'pa${HOME}ss-word\n');
    const t = targetFromProfile(
      load({
        ...base,
        user: 'admin',
        passwordFile: pwFile,
        vendor: 'ami',
        insecure: true,
        param: ['keyBitLength=3072'],
        header: ['X-Lab: 7'],
      }),
      new Redactor(),
    );
    expect(t).toMatchObject({
      name: 'bmc.example',
      api: 'redfish',
      baseUrl: 'https://bmc.example',
      vendor: 'ami',
      tls: { insecure: true },
      auth: { scheme: 'basic', username: 'admin', password: 'pa${HOME}ss-word' },
      params: { keyBitLength: 3072 },
      headers: { 'X-Lab': '7' },
      allowDestructive: false,
    });
  });

  it('refuses --password and --token without repeating the value', () => {
    const r = cli([
      'run',
      '--api',
      'redfish',
      '--url',
      'https://bmc',
      '--user',
      'admin',
      '--password',
      'hunter2-secret',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^certconform: --password: a secret is never taken on the command line/);
    expect(r.stderr + r.stdout).not.toContain('hunter2-secret');
  }, 120_000);
});

describe('a profile-less run against a standalone mock', () => {
  const api = APIS.redfish;
  let mock: RunningMock;
  let ca: string;
  beforeAll(async () => {
    mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
    ca = writeTemp(tempDir(), 'ca.pem', mockTarget(api, api.defaultVariant, mock).tls.ca!);
  });
  afterAll(() => mock.close());

  it('--url --user --password-env --ca: exits 0, the password in no report', async () => {
    const secret = 'admin-Passw0rd!';
    process.env.CERTCONFORM_TEST_BMC_PW = secret;
    const out = join(tempDir(), 'out');
    try {
      const { run, exitCode } = await runConformance({
        profiles: [],
        target: {
          url: mock.url,
          api: ['redfish'],
          user: 'admin',
          passwordEnv: 'CERTCONFORM_TEST_BMC_PW',
          ca,
          proxy: 'none',
        },
        out,
        print: quiet,
      });
      expect(run.summary.fail + run.summary.error + run.summary.warn).toBe(0);
      expect(exitCode).toBe(0);
      expect(run.targets[0]).toMatchObject({ name: new URL(mock.url).host, vendor: 'generic' });
      for (const { file, text } of readTree(out)) expect(text, file).not.toContain(secret);
    } finally {
      delete process.env.CERTCONFORM_TEST_BMC_PW;
    }
  }, 120_000);

  it('init writes the profile for the same options: secrets as ${ENV}, the rest as placeholders; it runs as written', async () => {
    const dir = tempDir();
    const text = initProfile(
      { url: mock.url, api: ['redfish'], user: 'admin', passwordEnv: 'BMC_PW', ca, vendor: 'ami' },
      APIS,
      dir,
    );
    expect(text).toContain('password: ${BMC_PW}');
    expect(text).toMatch(
      /^# {3}keyBitLength: <integer ≥ 512> {2}# KeyBitLength sent by the ordinary Rekey calls/m,
    );
    expect(text).toMatch(/^# accounts:/m);
    const file = join(dir, 'bmc.yaml');
    writeFileSync(file, text);
    const t = targetFromProfile(
      loadProfile(file, APIS, new Redactor(), { BMC_PW: 'admin-Passw0rd!' }),
      new Redactor(),
    );
    expect(t).toMatchObject({
      baseUrl: mock.url,
      vendor: 'ami',
      auth: { scheme: 'basic', username: 'admin', password: 'admin-Passw0rd!' },
    });
    // CZERTAINLY: its required params are marked, and a --password-file becomes a variable, never the value.
    const pw = writeTemp(dir, 'pw', 'file-Secret-99\n');
    const cz = initProfile(
      { url: 'https://cz.example/api', api: ['czertainly'], auth: 'session', user: 'u1', passwordFile: pw },
      APIS,
      dir,
    );
    expect(cz).toMatch(/^# {3}authorityUuid: <uuid> {2}# REQUIRED: /m);
    expect(cz).toContain('password: ${CERTCONFORM_PASSWORD}');
    expect(cz).not.toContain('file-Secret-99');
    expect(readFileSync(pw, 'utf8')).toBe('file-Secret-99\n');
  });
});

describe('mock --help and mock <api> --list', () => {
  it('list the variants (help) and the variants and faults (--list), one line each', () => {
    const help = cli(['mock', '--help']);
    expect(help.status).toBe(0);
    for (const a of Object.values(APIS))
      for (const v of Object.keys(a.variants))
        expect(help.stdout).toMatch(new RegExp(`^ {2}${v.replace('.', '\\.')} +\\S`, 'm'));
    const list = cli(['mock', 'keyfactor', '--list']);
    expect(list.status).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    const kf = APIS.keyfactor;
    expect(lines).toHaveLength(2 + Object.keys(kf.variants).length + Object.keys(kf.faults).length);
    for (const f of Object.keys(kf.faults)) expect(list.stdout).toMatch(new RegExp(`^ {2}${f} +\\S`, 'm'));
  }, 120_000);
});
