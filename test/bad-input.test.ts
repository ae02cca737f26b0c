/**
 * Every bad input a new user can give: one line naming the field or option, exit 2, before any device is
 * touched (no connection reaches the target, no mock is started), and no stack trace. Table-driven so that a
 * case, once handled, stays handled.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APIS } from '../suites/index.ts';
import { main } from '../src/cli.ts';
import { summarize } from '../src/core/outcome.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { defaultOutDir } from '../src/preflight.ts';
import type { RunRecord } from '../src/report/run.ts';
import { writeReports } from '../src/report/write.ts';
import { runConformance } from '../src/run.ts';
import { TOOL } from '../src/tool.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('certconform-bad-');

/** The "device": counts every connection (plain or TLS); a bad input must never open one. */
let connections = 0;
const device = net.createServer((socket) => {
  connections++;
  socket.destroy();
});
let target = '';

/** Every bundled mock's start is watched: a bad input must not start one either. */
const mockStarts = Object.values(APIS).map((api) => vi.spyOn(api, 'startMock'));

// A read-only folder: a read-only tmpfs where this machine lets us mount one (root ignores file modes), else a
// folder without write permission (enough for anyone but root).
// Whether mounting works is probed now (mount and unmount at once); the real mounts are made in the hooks of the
// tests that use them, so a filtered run that skips them leaves nothing mounted.
const readOnly = join(dir, 'ro');
mkdirSync(readOnly);
const canMount =
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]).status === 0 &&
  spawnSync('umount', [readOnly]).status === 0;
if (!canMount) chmodSync(readOnly, 0o555);
const haveReadOnly = canMount || process.getuid?.() !== 0;

const pki = (name: string) => readFileSync(repoPath('fixtures/pki', name), 'utf8');
const CERT = pki('ca/test-ca.cert.pem');
const KEY = pki('ca/test-ca.key.pem');
const OTHER_KEY = pki('keys/rsa-1024-00.pem');
const ENCRYPTED_KEY = createPrivateKey(KEY)
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right-passphrase' })
  .toString();

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

let n = 0;
/** A profile of a real target (the counting server) with extra YAML lines; `base: false` for a bare one. */
function profile(lines: string, opts: { base?: boolean; api?: string; ext?: string } = {}): string {
  const head = opts.base === false ? '' : `api: ${opts.api ?? 'redfish'}\nbaseUrl: ${target}\n`;
  return file(`p${++n}.${opts.ext ?? 'yaml'}`, head + lines);
}

function clientCert(cert: string, key: string, extra = ''): string {
  return `tls:\n  clientCert: { certFile: ${file(`c${++n}.pem`, cert)}, keyFile: ${file(`k${n}.pem`, key)}${extra} }\n`;
}

interface Row {
  /** What is wrong. */
  case: string;
  argv: () => string[];
  /** A substring of the one error line: it names the field or option. */
  says: string;
  env?: Record<string, string>;
  /** Text that must not appear in the output (a password the input carried). */
  secret?: string;
  skip?: boolean;
}

const run = (...args: string[]) => ['run', ...args];
const withProfile = (lines: string, opts?: Parameters<typeof profile>[1]) => () =>
  run('--profile', profile(lines, opts));

const rows: Row[] = [
  // --out: checked first, before profiles are even read.
  { case: '--out is empty', argv: () => run('--out', ''), says: '--out: must name a directory' },
  {
    case: '--out is an existing file',
    argv: () => run('--out', file('existing.txt', 'x')),
    says: 'is an existing file, not a directory',
  },
  {
    case: '--out is below a file',
    argv: () => run('--out', join(file('plain.txt', 'x'), 'sub')),
    says: 'is a file, not a directory',
  },
  {
    case: '--out under /proc',
    argv: () => run('--out', '/proc/x'),
    says: '--out /proc/x: cannot be created',
  },
  {
    case: '--out is a read-only directory',
    argv: () => run('--out', readOnly),
    says: 'the directory is not writable',
    skip: !haveReadOnly,
  },
  {
    case: '--out inside a read-only directory',
    argv: () => run('--out', join(readOnly, 'reports')),
    says: `cannot be created in ${readOnly}`,
    skip: !haveReadOnly,
  },
  {
    case: '--out checked before the profiles',
    argv: () => run('--out', '', '--profile', join(dir, 'missing.yaml')),
    says: '--out: must name a directory',
  },

  // --rule, --api, --expectations
  {
    case: '--rule is empty',
    argv: () => run('--rule', ''),
    says: "'-r, --rule <id|glob>' argument '' is invalid",
  },
  {
    case: '--rule matches no rule of the selected API',
    argv: () => run('--api', 'redfish', '--rule', 'KF-*'),
    says: '--rule KF-*: no rule of redfish matches',
  },
  {
    case: '--rule matches no rule at all',
    argv: () => run('--rule', 'NOPE-*'),
    says: '--rule NOPE-*: no rule of redfish, czertainly, keyfactor, oracle-sbc matches',
  },
  {
    case: '--rule matches no rule of the profiles’ API',
    argv: () => run('--profile', profile(''), '--rule', 'KF-*'),
    says: '--rule KF-*: no rule of redfish matches',
  },
  { case: '--api unknown', argv: () => run('--api', 'snmp'), says: 'unknown api "snmp"' },
  {
    case: '--api matches no profile',
    argv: () => run('--profile', profile(''), '--api', 'keyfactor'),
    says: 'nothing to run: no target matches --api',
  },
  {
    case: '--expectations is empty',
    argv: () => run('--expectations', ''),
    says: '--expectations: must name a file',
  },
  {
    case: '--expectations is missing',
    argv: () => run('--expectations', join(dir, 'nope.yaml')),
    says: 'nope.yaml: cannot read: no such file',
  },
  {
    case: '--expectations is a FIFO',
    argv: () => run('--expectations', fifo('exp.fifo')),
    says: 'is not a regular file',
  },
  {
    case: '--expectations names an unknown rule',
    argv: () =>
      run(
        '--expectations',
        file('e1.yaml', 'deviations:\n  - { rule: NOPE-001, comment: "a comment long enough" }\n'),
      ),
    says: 'unknown rule NOPE-001',
  },
  {
    case: '--expectations with a too short comment',
    argv: () =>
      run('--expectations', file('e2.yaml', 'deviations:\n  - { rule: RF-REQ-001, comment: "x" }\n')),
    says: 'comment',
  },
  {
    case: '--expectations is not YAML',
    argv: () => run('--expectations', file('e3.yaml', 'deviations: [\n')),
    says: 'cannot read',
  },

  // The profile file itself
  {
    case: 'profile is missing',
    argv: () => run('--profile', join(dir, 'none.yaml')),
    says: 'cannot read: no such file',
  },
  { case: 'profile is a directory', argv: () => run('--profile', dir), says: 'is a directory, not a file' },
  { case: 'profile is a FIFO', argv: () => run('--profile', fifo('p.fifo')), says: 'is not a regular file' },
  {
    case: 'profile is 100 MB',
    argv: () => {
      const big = file('big.yaml', '');
      truncateSync(big, 100 * 1024 * 1024); // sparse: costs no disk
      return run('--profile', big);
    },
    says: 'is 100.0 MB: more than the 1.0 MB an input file may have',
  },
  {
    case: 'profile has a 2 MB value',
    argv: withProfile(`name: "${'x'.repeat(2 * 1024 * 1024)}"\n`),
    says: 'more than the 1.0 MB',
  },
  { case: 'profile is not YAML', argv: withProfile('auth: [\n'), says: 'not valid YAML' },
  {
    case: 'profile is not JSON',
    argv: withProfile('{"api": ', { base: false, ext: 'json' }),
    says: 'not valid JSON',
  },
  {
    case: 'profile is binary',
    argv: () => run('--profile', file('bin.yaml', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 0]))),
    says: 'is binary, not a YAML or JSON profile',
  },
  {
    case: 'a JSON profile has a duplicate key',
    argv: withProfile(`{"api": "redfish", "baseUrl": "${'https://h.test'}", "api": "keyfactor"}`, {
      base: false,
      ext: 'json',
    }),
    says: 'duplicate key "api" (line 1)',
  },
  {
    case: 'a YAML profile has a duplicate key',
    argv: withProfile('allowDestructive: false\nallowDestructive: true\n'),
    says: 'duplicate key "allowDestructive" (line 4)',
  },
  {
    case: 'profile is a list',
    argv: withProfile('- api: redfish\n', { base: false }),
    says: 'not a profile: expected fields such as api and baseUrl',
  },
  {
    case: 'an unknown field',
    argv: withProfile('tls: { insecur: true }\n'),
    says: 'unknown field "tls.insecur"',
  },
  {
    case: 'a wrong type',
    argv: withProfile('allowDestructive: "yes"\n'),
    says: 'allowDestructive: must be boolean',
  },
  {
    case: 'a missing env var',
    argv: withProfile('auth: { scheme: basic, username: a, password: "${CERTCONFORM_NOPE_PW}" }\n'),
    says: 'auth.password: environment variable CERTCONFORM_NOPE_PW is not set',
  },
  {
    case: 'an unknown api',
    argv: withProfile('api: snmp\nbaseUrl: https://h.test\n', { base: false }),
    says: 'api: unknown api "snmp"',
  },
  {
    case: 'neither baseUrl nor mock',
    argv: withProfile('api: redfish\n', { base: false }),
    says: 'give exactly one of "baseUrl"',
  },
  { case: 'both baseUrl and mock', argv: withProfile('mock: {}\n'), says: 'give exactly one of "baseUrl"' },

  // baseUrl and other URLs
  {
    case: 'baseUrl without scheme',
    argv: withProfile('api: redfish\nbaseUrl: bmc.test\n', { base: false }),
    says: 'baseUrl: must be an absolute http:// or https:// URL, got "bmc.test"',
  },
  {
    case: 'baseUrl ftp://',
    argv: withProfile('api: redfish\nbaseUrl: ftp://h.test\n', { base: false }),
    says: 'baseUrl: must be an absolute',
  },
  {
    case: 'baseUrl "https://"',
    argv: withProfile('api: redfish\nbaseUrl: "https://"\n', { base: false }),
    says: 'baseUrl: must be',
  },
  {
    case: 'baseUrl port 99999',
    argv: withProfile('api: redfish\nbaseUrl: "https://h.test:99999"\n', { base: false }),
    says: 'baseUrl: the port must be a number from 1 to 65535',
  },
  {
    case: 'baseUrl port 0',
    argv: withProfile('api: redfish\nbaseUrl: "https://h.test:0/"\n', { base: false }),
    says: 'baseUrl: the port must be',
  },
  {
    case: 'baseUrl with user:password@',
    argv: withProfile('api: redfish\nbaseUrl: "https://admin:Hunter2-pw@h.test"\n', { base: false }),
    says: 'baseUrl: a URL must not carry credentials',
    secret: 'Hunter2-pw',
  },
  {
    case: 'baseUrl with a password from the environment',
    argv: withProfile('api: redfish\nbaseUrl: "https://admin:${CERTCONFORM_URL_PW}@h.test"\n', {
      base: false,
    }),
    env: { CERTCONFORM_URL_PW: 'Env-Secret-9' },
    says: 'baseUrl: a URL must not carry credentials',
    secret: 'Env-Secret-9',
  },
  {
    case: 'SBC params.httpUrl is not a URL',
    argv: withProfile('params: { httpUrl: "not a url" }\n', { api: 'oracle-sbc' }),
    says: 'params.httpUrl: must be an absolute http:// or https:// URL',
  },
  {
    case: 'SBC params.httpUrl port out of range',
    argv: withProfile('params: { httpUrl: "http://h.test:70000" }\n', { api: 'oracle-sbc' }),
    says: 'params.httpUrl: the port must be',
  },
  {
    case: 'SBC params.httpUrl with credentials',
    argv: withProfile('params: { httpUrl: "http://u:Pw-in-url@h.test" }\n', { api: 'oracle-sbc' }),
    says: 'params.httpUrl: a URL must not carry credentials',
    secret: 'Pw-in-url',
  },

  // Fields
  {
    case: 'an unknown account role',
    argv: withProfile('accounts: { god: { username: g } }\n'),
    says: 'accounts.god: unknown account role for redfish',
  },
  {
    case: 'an unknown API parameter',
    argv: withProfile('params: { widgetID: 3 }\n'),
    says: 'unknown field "params.widgetID"',
  },
  {
    case: 'a parameter of the wrong shape',
    argv: withProfile('params: { pollIntervalMs: 1 }\n', { api: 'oracle-sbc' }),
    says: 'params.pollIntervalMs: must be >= 10',
  },
  {
    case: 'an unknown auth scheme',
    argv: withProfile('auth: { scheme: kerberos }\n'),
    says: 'auth.scheme: must be one of none, basic, session, bearer, client-cert',
  },
  {
    case: 'a too short timeout',
    argv: withProfile('timeouts: { requestMs: 5 }\n'),
    says: 'timeouts.requestMs: must be >= 100',
  },
  { case: 'concurrency 0', argv: withProfile('concurrency: 0\n'), says: 'concurrency: must be >= 1' },
  { case: 'concurrency 17', argv: withProfile('concurrency: 17\n'), says: 'concurrency: must be <= 16' },
  {
    case: 'an empty name',
    argv: withProfile('name: ""\n'),
    says: 'name: must NOT have fewer than 1 characters',
  },
  {
    case: 'two profiles with one name',
    argv: () => run('--profile', profile('name: same\n'), '--profile', profile('name: same\n')),
    says: 'two targets are named "same"',
  },
  {
    case: 'the profile’s expectations file is missing',
    argv: withProfile('expectations: ./no-such.known.yaml\n'),
    says: 'expectations: cannot read',
  },
  {
    case: 'the profile’s expectations name an unknown rule',
    argv: () =>
      run(
        '--profile',
        profile(
          `expectations: ${file('e4.yaml', 'deviations:\n  - { rule: KF-RENEW-001, comment: "a comment long enough" }\n')}\n`,
        ),
      ),
    says: 'unknown rule KF-RENEW-001',
  },

  // mock: profiles
  {
    case: 'mock with an unknown variant',
    argv: withProfile('api: redfish\nmock: { variant: nope }\n', { base: false }),
    says: 'mock.variant: unknown variant "nope"',
  },
  {
    case: 'mock with auth',
    argv: withProfile('api: redfish\nmock: {}\nauth: { scheme: basic, username: a, password: b }\n', {
      base: false,
    }),
    says: 'auth: not allowed with "mock"',
  },
  {
    case: 'mock with tls',
    argv: withProfile('api: redfish\nmock: {}\ntls: { insecure: true }\n', { base: false }),
    says: 'tls: not allowed with "mock"',
  },
  {
    case: 'mock with accounts',
    argv: withProfile('api: redfish\nmock: {}\naccounts: { readOnly: { username: r } }\n', { base: false }),
    says: 'accounts: not allowed with "mock"',
  },
  {
    case: 'mock with vendor',
    argv: withProfile('api: redfish\nmock: {}\nvendor: ami\n', { base: false }),
    says: 'vendor: not allowed with "mock"',
  },
  {
    case: 'mock with a bad parameter',
    argv: withProfile('api: oracle-sbc\nmock: {}\nparams: { apiVersion: "2" }\n', { base: false }),
    says: 'params.apiVersion: must match pattern',
  },

  // TLS files: profile errors, not "wrong CA" at the device
  {
    case: 'caFile is missing',
    argv: withProfile('tls: { caFile: ./missing-ca.pem }\n'),
    says: 'tls.caFile: cannot read',
  },
  {
    case: 'caFile is a directory',
    argv: () => run('--profile', profile(`tls: { caFile: ${dir} }\n`)),
    says: 'tls.caFile: ',
  },
  {
    case: 'caFile is a FIFO',
    argv: () => run('--profile', profile(`tls: { caFile: ${fifo('ca.fifo')} }\n`)),
    says: 'is not a regular file',
  },
  {
    case: 'caFile is garbage text',
    argv: () =>
      run('--profile', profile(`tls: { caFile: ${file('g.pem', 'hello, I am not a certificate\n')} }\n`)),
    says: 'no -----BEGIN CERTIFICATE----- block',
  },
  {
    case: 'caFile is binary',
    argv: () =>
      run(
        '--profile',
        profile(`tls: { caFile: ${file('b.der', Buffer.from([0x30, 0x82, 1, 0, 0xff, 0]))} }\n`),
      ),
    says: 'tls.caFile: ',
  },
  {
    case: 'caFile has a broken certificate',
    argv: () =>
      run(
        '--profile',
        profile(
          `tls: { caFile: ${file('x.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')} }\n`,
        ),
      ),
    says: 'certificate 1 of 1 does not parse',
  },
  {
    case: 'client key is garbage',
    argv: () => run('--profile', profile(clientCert(CERT, 'garbage'))),
    says: 'tls.clientCert.keyFile: ',
  },
  {
    case: 'client key is a broken PEM',
    argv: () =>
      run(
        '--profile',
        profile(clientCert(CERT, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')),
      ),
    says: 'is not a usable private key',
  },
  {
    case: 'client key does not match the certificate',
    argv: () => run('--profile', profile(clientCert(CERT, OTHER_KEY))),
    says: 'is not the key of the certificate in certFile',
  },
  {
    case: 'client key encrypted, no passphrase',
    argv: () => run('--profile', profile(clientCert(CERT, ENCRYPTED_KEY))),
    says: 'tls.clientCert.passphrase: ',
  },
  {
    case: 'client key, wrong passphrase',
    argv: () => run('--profile', profile(clientCert(CERT, ENCRYPTED_KEY, ', passphrase: Wrong-Passphrase'))),
    says: 'tls.clientCert.passphrase: does not decrypt',
    secret: 'Wrong-Passphrase',
  },
  {
    case: 'client certificate is garbage',
    argv: () => run('--profile', profile(clientCert('nope', KEY))),
    says: 'tls.clientCert.certFile: ',
  },
  {
    case: 'clientCert without keyFile',
    argv: withProfile('tls: { clientCert: { certFile: ./c.pem } }\n'),
    says: 'missing field "tls.clientCert.keyFile"',
  },

  // mock, rules, selftest and the command line itself
  {
    case: 'mock --port abc',
    argv: () => ['mock', 'redfish', '--port', 'abc'],
    says: "'--port <n>' argument 'abc' is invalid",
  },
  {
    case: 'mock --port 70000',
    argv: () => ['mock', 'redfish', '--port', '70000'],
    says: "'--port <n>' argument '70000' is invalid",
  },
  { case: 'mock of an unknown api', argv: () => ['mock', 'snmp'], says: 'unknown api "snmp"' },
  {
    case: 'mock --variant unknown',
    argv: () => ['mock', 'redfish', '--variant', 'nope'],
    says: '--variant: unknown variant "nope"',
  },
  {
    case: 'mock --fault unknown',
    argv: () => ['mock', 'redfish', '--fault', 'nope'],
    says: '--fault: unknown fault "nope"',
  },
  {
    case: 'rules --format html',
    argv: () => ['rules', '--format', 'html'],
    says: "'--format <format>' argument 'html' is invalid",
  },
  { case: 'rules --api unknown', argv: () => ['rules', '--api', 'snmp'], says: 'unknown api "snmp"' },
  {
    case: 'selftest --fault typo',
    argv: () => ['selftest', '--fault', 'no-such-fault'],
    says: '--fault no-such-fault: no such fault',
  },
  {
    case: 'selftest --seed abc',
    argv: () => ['selftest', '--seed', 'abc'],
    says: '--seed must be a non-negative integer',
  },
  { case: 'selftest --api unknown', argv: () => ['selftest', '--api', 'snmp'], says: 'unknown api "snmp"' },
  { case: 'an unknown command', argv: () => ['frobnicate'], says: "unknown command 'frobnicate'" },
  { case: 'an unknown option', argv: () => run('--frob'), says: "unknown option '--frob'" },
  {
    case: '--profile without a file',
    argv: () => run('--profile'),
    says: "option '-p, --profile <file>' argument missing",
  },

  // Issue 21: inputs that used to reach a stack trace or the device.
  {
    case: 'a billion-laughs profile (YAML alias bomb)',
    argv: withProfile(
      [
        'a: &a [x,x,x,x,x,x,x,x,x]',
        ...'bcdefg'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
      ].join('\n') + '\n',
    ),
    says: 'not a usable YAML profile',
  },
  {
    case: 'a request timeout past what a timer can hold',
    argv: withProfile('timeouts: { requestMs: 3000000000 }\n'),
    says: 'timeouts.requestMs: must be <= 2147483647',
  },
  {
    case: 'Basic auth without a password',
    argv: withProfile('auth: { scheme: basic, username: admin }\n'),
    says: 'auth.password: required with scheme "basic"',
  },
  {
    case: 'Basic auth without a user name',
    argv: withProfile('auth: { scheme: basic }\n'),
    says: 'auth.username: required with scheme "basic"',
  },
  {
    case: 'bearer auth without a token',
    argv: withProfile('auth: { scheme: bearer }\n'),
    says: 'auth.token: required with scheme "bearer"',
  },
  {
    case: 'client-cert auth without tls.clientCert',
    argv: withProfile('auth: { scheme: client-cert }\n'),
    says: 'tls.clientCert: required with auth scheme "client-cert"',
  },
  {
    case: 'a 100 KB target name with --record',
    argv: () => [...withProfile(`name: ${'n'.repeat(100_000)}\n`)(), '--record', '--out', join(dir, 'long')],
    says: 'name: must NOT have more than 200 characters',
  },
  {
    case: 'a target name with a control character',
    argv: withProfile('name: "lab\\u0007bmc"\n'),
    says: 'name: must match pattern',
  },
  {
    case: '--out is a dangling symbolic link',
    argv: () => {
      const link = join(dir, `dangling-${++n}`);
      symlinkSync(join(dir, 'nowhere', 'x'), link);
      return run('--out', link);
    },
    says: 'is a symbolic link to',
  },
];

/** Runs the CLI in this process, capturing what it writes; the listeners it adds (signals, EPIPE) are removed. */
async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(events.map((e) => [e, process.listeners(e)]));
  const stdoutErrors = process.stdout.listeners('error');
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    await main(['node', 'certconform', ...argv]);
    return { code: process.exitCode, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    so.mockRestore();
    se.mockRestore();
    for (const k of Object.keys(env)) delete process.env[k];
    for (const e of events)
      for (const l of process.listeners(e)) if (!before.get(e)!.includes(l)) process.off(e, l);
    for (const l of process.stdout.listeners('error'))
      if (!stdoutErrors.includes(l)) process.stdout.off('error', l as (e: Error) => void);
  }
}

/** The error lines: exactly one is expected. */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim());

describe('bad input: one line naming the field or option, exit 2, nothing touched', () => {
  beforeAll(async () => {
    await new Promise<void>((r) => device.listen(0, '127.0.0.1', r));
    target = `https://127.0.0.1:${(device.address() as net.AddressInfo).port}`;
    if (canMount) spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]);
  });
  afterAll(() => {
    device.close();
    if (canMount) spawnSync('umount', [readOnly]);
  });

  it(`the table has every case (${rows.length})`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(75);
    expect(new Set(rows.map((r) => r.case)).size).toBe(rows.length);
  });

  for (const row of rows) {
    it.skipIf(row.skip)(row.case, async () => {
      connections = 0;
      for (const s of mockStarts) s.mockClear();
      const { code, stdout, stderr } = await cli(row.argv(), row.env);
      const lines = errorLines(stderr);
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toContain(row.says);
      expect(lines[0]).toMatch(/^(certconform|error): /);
      expect(code).toBe(2);
      expect(stderr).not.toMatch(/internal error|\n\s+at /);
      expect(stdout).toBe('');
      if (row.secret) expect(stdout + stderr).not.toContain(row.secret);
      expect(connections, 'a connection reached the target').toBe(0);
      for (const s of mockStarts) expect(s, 'a mock was started').not.toHaveBeenCalled();
    });
  }
});

describe('bad input through the real binary', () => {
  it.each([
    [['mock', 'redfish', '--port', 'abc'], "'--port <n>' argument 'abc' is invalid"],
    [['run', '--rule', ''], "'-r, --rule <id|glob>' argument '' is invalid"],
    [['run', '--out', '/proc/x'], '--out /proc/x: cannot be created'],
    [['selftest', '--fault', 'typo'], '--fault typo: no such fault'],
  ])('%j exits 2 with one line, no stack trace', (argv, says) => {
    const r = spawnSync('node', [repoPath('bin/certconform.js'), ...argv], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining(says)]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('reports are never half written, and two runs never share a folder', () => {
  it('two runs started in the same second get different default folders', () => {
    const now = new Date('2025-01-02T03:04:05.678Z');
    const a = defaultOutDir(now);
    const b = defaultOutDir(now);
    expect(a).not.toBe(b);
    expect(a).toContain(`2025-01-02T03-04-05-${process.pid}`);
    // Another process started in the same second: its pid differs.
    const other = spawnSync(
      'node',
      [
        '--import',
        'tsx',
        '-e',
        `import('${repoPath('src/preflight.ts')}').then((m) => console.log(m.defaultOutDir(new Date('${now.toISOString()}'))))`,
      ],
      { encoding: 'utf8', cwd: repoPath() },
    );
    expect(other.stdout.trim()).toMatch(/2025-01-02T03-04-05-\d+$/);
    expect([a, b]).not.toContain(other.stdout.trim());
  });

  it.skipIf(!canMount)('a full disk leaves the previous complete results.json, never a truncated one', () => {
    const disk = join(dir, 'small-disk');
    mkdirSync(disk);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]).status).toBe(0);
    try {
      const out = join(disk, 'out');
      const record = (message: string): RunRecord => ({
        tool: TOOL,
        startedAt: new Date().toISOString(),
        durationMs: 1,
        targets: [{ name: 't', api: 'redfish', baseUrl: 'https://h.test', vendor: 'generic' }],
        summary: summarize(['fail']),
        results: [
          {
            target: 't',
            rule: 'RF-REQ-001',
            title: 'x',
            level: 'MUST',
            status: 'fail',
            message,
            durationMs: 1,
            evidence: [],
          },
        ],
        residue: [],
        citations: {},
      });
      writeReports(out, record('first run'), new Redactor());
      const first = readFileSync(join(out, 'results.json'), 'utf8');
      expect(JSON.parse(first).results[0].message).toBe('first run');
      // Fill the disk, then write a report that no longer fits.
      expect(() => writeFileSync(join(disk, 'filler'), Buffer.alloc(1024 * 1024))).toThrow(/ENOSPC/);
      expect(() => writeReports(out, record('y'.repeat(100_000)), new Redactor())).toThrow(/ENOSPC/);
      expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(first);
      expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      spawnSync('umount', [disk]);
    }
  });
});

describe('good input that used to be refused', () => {
  it('one --expectations file for targets of several APIs accepts a rule of any of them', async () => {
    const exp = file(
      'multi.known.yaml',
      [
        'deviations:',
        '  - { rule: RF-REQ-001, comment: "listed for the redfish target" }',
        '  - { rule: KF-REN-001, comment: "listed for the keyfactor target" }',
      ].join('\n'),
    );
    const rf = file('rf-mock.yaml', 'api: redfish\nmock: {}\n');
    const kf = file('kf-mock.yaml', 'api: keyfactor\nmock: {}\n');
    const { run } = await runConformance({
      profiles: [rf, kf],
      rules: ['RF-REQ-001', 'KF-REN-001'],
      expectations: exp,
      out: join(dir, 'multi-out'),
      print: () => undefined,
    });
    // Both conforming mocks pass the listed rules, so each listed deviation is an xpass: the file applied.
    expect(run.results.map((r) => [r.rule, r.status])).toEqual([
      ['RF-REQ-001', 'xpass'],
      ['KF-REN-001', 'xpass'],
    ]);
  });
});
