/**
 * A target given on the command line (`run --api redfish --url https://bmc --user admin --password-env BMC_PW`):
 * built as a profile value and checked by the same code as a profile file (src/profile/load.ts), so a mistake is
 * one line naming the option, before any device is touched. Secrets come from the environment or a file only.
 */
import { parse } from 'yaml';
import type { AnyApi } from '../core/api.ts';
import { UsageError } from '../core/errors.ts';
import type { Redactor } from '../http/redact.ts';
import { readInputFile } from './files.ts';
import { profileFromValue, type LoadedProfile } from './load.ts';

export const AUTH_SCHEMES = ['none', 'basic', 'session', 'bearer'] as const;

/** The target options of `run`, `plan` and `init` (commander's names). */
export interface CommandLineTarget {
  url?: string;
  /** The API (exactly one with --url). */
  api?: string[];
  user?: string;
  passwordEnv?: string;
  passwordFile?: string;
  tokenEnv?: string;
  auth?: (typeof AUTH_SCHEMES)[number];
  ca?: string;
  insecure?: boolean;
  vendor?: string;
  name?: string;
  proxy?: string;
  /** "Name: value" (the value may be ${ENV}: then a secret). */
  header?: string[];
  /** "key=value" or "a.b=value"; the value is read as YAML (2048 is a number, true a boolean). */
  param?: string[];
  allowDestructive?: boolean;
}

/** Options that describe the --url target and mean nothing without it. */
const TARGET_ONLY = [
  ['user', '--user'],
  ['passwordEnv', '--password-env'],
  ['passwordFile', '--password-file'],
  ['tokenEnv', '--token-env'],
  ['auth', '--auth'],
  ['ca', '--ca'],
  ['insecure', '--insecure'],
  ['vendor', '--vendor'],
  ['name', '--name'],
  ['proxy', '--proxy'],
  ['header', '--header'],
  ['param', '--param'],
] as const;

/** The environment variable the profile value reads a --password-file through (never printed). */
const FILE_PASSWORD = 'CERTCONFORM_COMMAND_LINE_PASSWORD_FILE';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when the options describe a target (--url or any option of one). */
export function hasCommandLineTarget(o: CommandLineTarget): boolean {
  return o.url !== undefined || TARGET_ONLY.some(([k]) => o[k] !== undefined);
}

/**
 * The profile value for the options (secrets as `${ENV}` references), with the environment it is read with.
 * Checks what only the command line can get wrong; everything else is left to the profile checks.
 */
export function commandLineProfile(
  o: CommandLineTarget,
  env: NodeJS.ProcessEnv = process.env,
  opts: { forInit?: boolean } = {},
): { value: Record<string, unknown>; env: NodeJS.ProcessEnv } {
  if (o.url === undefined) {
    const given = TARGET_ONLY.find(([k]) => o[k] !== undefined);
    throw new UsageError(
      `${given![1]}: describes the --url target: give --url (a profile file has its own fields)`,
    );
  }
  if (o.api?.length !== 1)
    throw new UsageError(
      `--url: give the target's API with one --api (${o.api?.length ? 'not several' : 'it is not guessed'})`,
    );
  if (o.passwordEnv !== undefined && o.passwordFile !== undefined)
    throw new UsageError('--password-env and --password-file: give one of them');
  if (o.ca !== undefined && o.insecure)
    throw new UsageError('--ca and --insecure: give one of them (--insecure accepts any certificate)');
  for (const [name, option] of [
    [o.passwordEnv, '--password-env'],
    [o.tokenEnv, '--token-env'],
  ] as const)
    if (name !== undefined && !ENV_NAME.test(name))
      throw new UsageError(
        `${option}: must name an environment variable (letters, digits, _), got "${name}"`,
      );

  const runEnv: NodeJS.ProcessEnv = { ...env };
  let password: string | undefined;
  if (o.passwordEnv !== undefined) password = `\${${o.passwordEnv}}`;
  if (o.passwordFile !== undefined) {
    const text = readInputFile(o.passwordFile, `--password-file ${o.passwordFile}`).replace(/\r?\n$/, '');
    if (!text && !opts.forInit) throw new UsageError(`--password-file ${o.passwordFile}: the file is empty`);
    // Through a private variable: the profile substitutes it once, so a "${X}" inside the password stays as it is.
    runEnv[FILE_PASSWORD] = text;
    password = `\${${FILE_PASSWORD}}`;
  }
  const token = o.tokenEnv !== undefined ? `\${${o.tokenEnv}}` : undefined;
  const scheme = o.auth ?? (token ? 'bearer' : o.user !== undefined ? 'basic' : 'none');
  if ((scheme === 'basic' || scheme === 'session') && o.user === undefined)
    throw new UsageError(`--auth ${scheme}: give --user (and --password-env or --password-file)`);
  if ((scheme === 'basic' || scheme === 'session') && password === undefined)
    throw new UsageError(
      `--user ${o.user}: give the password with --password-env NAME or --password-file FILE (never on the command line)`,
    );
  if (scheme === 'bearer' && token === undefined)
    throw new UsageError('--auth bearer: give the token with --token-env NAME (never on the command line)');
  if (scheme === 'none' && (password !== undefined || token !== undefined))
    throw new UsageError(
      '--auth none: sends no credentials; drop --password-env/--password-file/--token-env',
    );

  let host = o.url;
  try {
    host = new URL(o.url).host || o.url;
  } catch {
    // The profile check says what is wrong with the URL.
  }
  const value: Record<string, unknown> = {
    name: o.name ?? host,
    api: o.api[0],
    ...(o.vendor !== undefined ? { vendor: o.vendor } : {}),
    baseUrl: o.url,
    ...(o.ca !== undefined || o.insecure
      ? {
          tls: { ...(o.ca !== undefined ? { caFile: o.ca } : {}), ...(o.insecure ? { insecure: true } : {}) },
        }
      : {}),
    auth: {
      scheme,
      ...(scheme === 'basic' || scheme === 'session' ? { username: o.user, password } : {}),
      ...(scheme === 'bearer' ? { token } : {}),
    },
    ...(o.proxy !== undefined ? { proxy: o.proxy } : {}),
    ...(o.header?.length ? { headers: headerMap(o.header) } : {}),
    ...(o.param?.length ? { params: paramMap(o.param) } : {}),
    ...(o.allowDestructive ? { allowDestructive: true } : {}),
  };
  return { value, env: runEnv };
}

/** The --url target, loaded and checked like a profile file; messages name the options, not profile fields. */
export function loadCommandLineTarget(
  o: CommandLineTarget,
  apis: Record<string, AnyApi>,
  redactor: Redactor,
  env: NodeJS.ProcessEnv = process.env,
): LoadedProfile {
  const { value, env: runEnv } = commandLineProfile(o, env);
  try {
    return profileFromValue(
      value,
      { file: 'command line', where: 'command line', dir: process.cwd() },
      apis,
      redactor,
      runEnv,
    );
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(optionMessage(err.message, o));
    throw err;
  }
}

/** "command line: auth.password: …" → "--password-env BMC_PW: …". */
export function optionMessage(message: string, o: CommandLineTarget): string {
  const param = /^command line: (missing|unknown) field "params\.([^"]+)"/.exec(message);
  if (param)
    return param[1] === 'missing'
      ? `--param ${param[2]}=…: required by this API (its README says what it is; certconform init writes a profile with every parameter)`
      : `--param ${param[2]}: not a parameter of this API`;
  const m = /^command line: ([A-Za-z0-9_.[\]/-]+): (.*)$/s.exec(message);
  if (!m) return message.replace(/^command line: /, '');
  const field = m[1]!.replace(/^\//, '').replace(/\//g, '.');
  const rest = m[2]!;
  const option = (() => {
    if (field === 'baseUrl') return '--url';
    if (field === 'auth.username') return '--user';
    if (field === 'auth.password')
      return o.passwordFile !== undefined
        ? `--password-file ${o.passwordFile}`
        : `--password-env ${o.passwordEnv ?? ''}`;
    if (field === 'auth.token') return `--token-env ${o.tokenEnv ?? ''}`;
    if (field.startsWith('auth')) return '--auth';
    if (field.startsWith('tls.caFile')) return '--ca';
    if (field.startsWith('tls')) return '--insecure';
    if (field === 'vendor' || field === 'name' || field === 'proxy') return `--${field}`;
    if (field === 'api') return '--api';
    if (field.startsWith('headers')) return `--header ${field.slice('headers.'.length)}`.trimEnd();
    if (field.startsWith('params')) return `--param ${field.slice('params.'.length)}`.trimEnd();
    return field;
  })();
  return `${option.trimEnd()}: ${rest}`;
}

function headerMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf(':');
    if (i <= 0) throw new UsageError(`--header: must be "Name: value", got "${v}"`);
    out[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  return out;
}

function paramMap(values: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`--param: must be "name=value", got "${v}"`);
    const path = v.slice(0, i).trim().split('.');
    if (path.some((k) => !k || k === '__proto__' || k === 'constructor' || k === 'prototype'))
      throw new UsageError(`--param: not a parameter name: "${v.slice(0, i)}"`);
    let value: unknown;
    try {
      value = parse(v.slice(i + 1));
    } catch {
      value = v.slice(i + 1);
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node = (node[key] = next && typeof next === 'object' ? next : {}) as Record<string, unknown>;
    }
    node[path.at(-1)!] = value ?? '';
  }
  return out;
}
