import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { basename, dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { AnyApi, Target } from '../core/api.ts';
import { UsageError } from '../core/errors.ts';
import { firstError, validatorFor } from '../core/schema.ts';
import { DEFAULT_TIMEOUTS } from '../core/targets.ts';
import type { Redactor } from '../http/redact.ts';
import { NO_PROXY } from '../http/proxy.ts';
import { readInputBytes, readInputFile } from './files.ts';
import schema from './profile.schema.json' with { type: 'json' };

const validateProfile = validatorFor(schema);

/** A profile as written, after validation. */
export interface Profile {
  name?: string;
  api: Target['api'];
  vendor?: string;
  model?: string;
  firmware?: string;
  baseUrl?: string;
  /** runtime: `process` (default) starts the mock in this process, `container` through testcontainers. */
  mock?: { variant?: string; runtime?: 'process' | 'container' };
  tls?: {
    caFile?: string;
    insecure?: boolean;
    clientCert?: { certFile: string; keyFile: string; passphrase?: string };
  };
  /** Forward proxy URL, or "none"; default: the environment's HTTPS_PROXY / NO_PROXY. */
  proxy?: string;
  /** Headers added to every request; a value given as ${ENV} is a secret. */
  headers?: Record<string, string>;
  auth?: Target['auth'];
  accounts?: Target['accounts'];
  params?: Record<string, unknown>;
  allowDestructive?: boolean;
  capture?: boolean;
  timeouts?: Partial<Target['timeouts']>;
  concurrency?: number;
  expectations?: string;
  /** Write a HAR recording of this target (like `run --record`). */
  record?: boolean;
}

export interface LoadedProfile {
  /** The profile file, or a name for a profile the command line built ("command line"). */
  file: string;
  profile: Profile;
  /** The TLS material the profile names, read and checked (PEM contents). */
  tls: Target['tls'];
  /** Resolves a path written in the profile relative to the profile's folder. */
  resolvePath(p: string): string;
}

/** The shortest secret the reports can mask (src/http/redact.ts ignores shorter values). */
export const MIN_SECRET_LENGTH = 4;

/** Fields whose values are secrets: registered for redaction wherever they come from. */
const SECRET_KEYS = new Set(['password', 'token', 'passphrase']);

/** What a `mock:` profile cannot have: the bundled mock decides them (and a profile must not say otherwise). */
const NOT_FOR_MOCKS: Record<string, string> = {
  auth: 'the mock has its own accounts',
  accounts: 'the mock has its own accounts',
  tls: 'the mock makes its own certificates',
  vendor: 'the mock variant decides the vendor',
};

/**
 * Reads a YAML/JSON profile, replaces `${ENV}` references, validates it against the shipped JSON Schema and the
 * API's own params schema, and reads and checks the TLS files it names. Every problem is one UsageError line
 * naming the file and the field; nothing here touches a network.
 */
export function loadProfile(
  file: string,
  apis: Record<string, AnyApi>,
  redactor: Redactor,
  env = process.env,
): LoadedProfile {
  const where = `profile ${file}`;
  const raw = parseProfile(readInputFile(file, where), where, extname(file) === '.json');
  return profileFromValue(raw, { file, where, dir: dirname(resolve(file)) }, apis, redactor, env);
}

/** Where a profile value came from: its file (or a name), how messages name it, and the folder its paths are in. */
export interface ProfileSource {
  file: string;
  where: string;
  dir: string;
}

/**
 * A profile given as a value, e.g. the one `run --url … --user …` builds from the command line: the same checks,
 * substitutions and file reads as a profile file, with messages that start with `source.where`.
 */
export function profileFromValue(
  raw: unknown,
  source: ProfileSource,
  apis: Record<string, AnyApi>,
  redactor: Redactor,
  env: NodeJS.ProcessEnv = process.env,
): LoadedProfile {
  const { file, where } = source;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${where}: not a profile: expected fields such as api and baseUrl`);
  // Before anything is read from them: a field a mock profile must not have is the one thing wrong with it.
  if ('mock' in raw) checkNotForMocks(raw, where);
  const substituted = substituteEnv(raw, '', where, env, redactor);
  // Before the schema: its messages quote values, and a URL's password must never be repeated.
  checkNoUserinfo(substituted, '', where);
  if (!validateProfile(substituted)) {
    const errors = validateProfile.errors ?? [];
    // "oneOf" failures are reported as the human rule they encode.
    const oneOf = errors.find((e) => e.keyword === 'oneOf');
    const first =
      errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'required') ??
      errors.find((e) => e.keyword !== 'oneOf');
    if (first?.instancePath === '/baseUrl')
      throw new UsageError(
        `${where}: baseUrl: must be an absolute http:// or https:// URL, got "${String((substituted as Profile).baseUrl)}"`,
      );
    if (first && first.keyword !== 'required') throw new UsageError(`${where}: ${firstError([first])}`);
    if (oneOf)
      throw new UsageError(
        `${where}: give exactly one of "baseUrl" (a real target) or "mock" (a bundled mock)`,
      );
    throw new UsageError(`${where}: ${firstError(errors)}`);
  }
  const profile = substituted as Profile;
  checkAuth(profile, where);
  const api = apis[profile.api];
  if (!api)
    throw new UsageError(
      `${where}: api: unknown api "${profile.api}" (known: ${Object.keys(apis).join(', ')})`,
    );
  if (profile.baseUrl !== undefined) checkUrl(profile.baseUrl, 'baseUrl', where);
  if (profile.proxy !== undefined && profile.proxy !== NO_PROXY) checkProxy(profile.proxy, where, redactor);
  if (profile.mock) checkNotForMocks(profile, where);
  // Always, even without params: a suite may require some. A bundled mock brings its own params, which the
  // profile's are merged over: there only what is given is checked (the merged set is checked when it starts).
  const validateParams = validatorFor(profile.mock ? optionalParams(api.paramsSchema) : api.paramsSchema);
  if (!validateParams(profile.params ?? {}))
    throw new UsageError(`${where}: ${firstError(validateParams.errors, 'params')}`);
  checkParamUrls(profile.params ?? {}, 'params', where);
  for (const role of Object.keys(profile.accounts ?? {})) {
    if (!api.accountRoles.includes(role)) {
      throw new UsageError(
        `${where}: accounts.${role}: unknown account role for ${api.id} (known: ${api.accountRoles.join(', ') || 'none'})`,
      );
    }
  }
  if (profile.mock?.variant && !(profile.mock.variant in api.variants)) {
    throw new UsageError(
      `${where}: mock.variant: unknown variant "${profile.mock.variant}" (known: ${Object.keys(api.variants).join(', ')})`,
    );
  }
  const resolvePath = (p: string) => resolve(source.dir, p);
  if (profile.expectations) readInputFile(resolvePath(profile.expectations), `${where}: expectations`); // read again by the run
  return { file, profile, tls: readTls(profile, resolvePath, where), resolvePath };
}

/** JSON or YAML to a value. Duplicate keys are an error in both (JSON.parse would keep the last silently). */
function parseProfile(text: string, where: string, json: boolean): unknown {
  if (text.includes('\0')) throw new UsageError(`${where}: is binary, not a YAML or JSON profile`);
  let value: unknown;
  if (json) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${where}: not valid JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    const at = line ? ` (line ${line})` : '';
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'|^([^:\n]+?)\s*:/.exec(text.slice(error.pos[0]));
      const name = key ? (key[1] ?? key[2] ?? key[3]) : undefined;
      throw new UsageError(
        `${where}: duplicate key${name ? ` "${name}"` : ''}${at}: each field may appear once`,
      );
    }
    throw new UsageError(
      `${where}: not valid ${json ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]}${line && !error.message.includes('line') ? at : ''}`,
    );
  }
  if (json) return value;
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The yaml library refuses alias bombs ("billion laughs") and the like while building the value.
    throw new UsageError(`${where}: not a usable YAML profile: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The auth scheme has what it needs before any device is contacted: Basic and session auth log in with a user name
 * and a password, bearer auth sends a token, client-cert auth presents tls.clientCert.
 */
function checkAuth(profile: Profile, where: string): void {
  const auth = profile.auth;
  if (!auth) return;
  const need = (field: string, why: string) =>
    new UsageError(`${where}: auth.${field}: required with scheme "${auth.scheme}" (${why})`);
  if (auth.scheme === 'basic' || auth.scheme === 'session') {
    if (!auth.username) throw need('username', 'it logs in as that user');
    if (auth.password === undefined) throw need('password', 'give it as ${ENV_VAR}');
  }
  if (auth.scheme === 'bearer' && !auth.token) throw need('token', 'it is sent as the bearer token');
  if (auth.scheme === 'client-cert' && !profile.tls?.clientCert)
    throw new UsageError(`${where}: tls.clientCert: required with auth scheme "client-cert"`);
}

function checkNotForMocks(profile: object, where: string): void {
  for (const [field, why] of Object.entries(NOT_FOR_MOCKS))
    if (field in profile)
      throw new UsageError(`${where}: ${field}: not allowed with "mock" (${why}); remove it`);
}

/**
 * An API's params schema without its `required` list: what a `mock:` profile gives is merged over the mock's own
 * params, so it may leave out what the mock has.
 */
export function optionalParams(schema: Record<string, unknown>): Record<string, unknown> {
  let optional = optionalSchemas.get(schema);
  if (!optional) {
    const { required: _required, ...rest } = schema;
    optionalSchemas.set(schema, (optional = rest));
  }
  return optional;
}
/** One copy per schema, so its validator is compiled once. */
const optionalSchemas = new WeakMap<Record<string, unknown>, Record<string, unknown>>();

/**
 * The proxy: an absolute http(s) URL (the agents speak HTTP CONNECT to it). Credentials in it are secrets, masked
 * in every report like a password.
 */
function checkProxy(value: string, where: string, redactor: Redactor): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${where}: proxy: must be an http:// or https:// URL, or "none"`);
  }
  if (url.username || url.password)
    redactor.addBasic(decodeURIComponent(url.username), decodeURIComponent(url.password));
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname)
    throw new UsageError(
      `${where}: proxy: must be an http:// or https:// URL, or "none", got "${url.protocol}//${url.host}"`,
    );
}

/** `https://admin:pw@host` anywhere in the profile: the password would travel into every report. */
function checkNoUserinfo(value: unknown, path: string, where: string): void {
  if (typeof value === 'string') {
    if (SECRET_KEYS.has(path.split('.').pop() ?? '')) return; // a password may contain anything
    if (path === 'proxy') return; // a proxy's credentials have no other place: masked as secrets (checkProxy)
    if (path.startsWith('headers.')) return; // a header value is the caller's business (secret when from ${ENV})
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(value))
      throw new UsageError(
        `${where}: ${path || 'value'}: a URL must not carry credentials (user:password@): put them in auth`,
      );
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => checkNoUserinfo(v, `${path}[${i}]`, where));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) checkNoUserinfo(v, path ? `${path}.${k}` : k, where);
}

/** An absolute http(s) URL with a host and a port in range (the schema's `format: uri` accepts `https://`). */
function checkUrl(value: string, field: string, where: string): void {
  const bad = (why: string) => new UsageError(`${where}: ${field}: ${why}, got "${value}"`);
  const port = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d*)/i.exec(value)?.[1];
  if (port !== undefined && (port === '' || Number(port) < 1 || Number(port) > 65535))
    throw bad('the port must be a number from 1 to 65535');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw bad('must be an absolute http:// or https:// URL');
  if (!url.hostname) throw bad('must name a host');
}

/** A suite parameter named `…Url` holds a URL (or "none"): checked like baseUrl, before any device is touched. */
function checkParamUrls(params: Record<string, unknown>, path: string, where: string): void {
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && /url$/i.test(k) && v !== 'none') checkUrl(v, `${path}.${k}`, where);
    else if (v && typeof v === 'object' && !Array.isArray(v))
      checkParamUrls(v as Record<string, unknown>, `${path}.${k}`, where);
  }
}

function substituteEnv(
  value: unknown,
  path: string,
  where: string,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): unknown {
  if (typeof value === 'string') {
    let fromEnv = false;
    const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      fromEnv = true;
      const v = env[name];
      if (v === undefined || v === '')
        throw new UsageError(`${where}: ${path}: environment variable ${name} is not set`);
      return v;
    });
    // A header value taken from the environment is a token or a key: a secret like a password.
    if (SECRET_KEYS.has(path.split('.').pop() ?? '') || (fromEnv && path.startsWith('headers.'))) {
      // Masking a one- to three-character value would mangle ordinary text, so it could not be kept out safely.
      if (out !== '' && [...out].length < MIN_SECRET_LENGTH)
        throw new UsageError(
          `${where}: ${path}: a secret of fewer than ${MIN_SECRET_LENGTH} characters cannot be masked safely in the reports; use a longer one`,
        );
      redactor.add(out);
    }
    return out;
  }
  if (Array.isArray(value))
    return value.map((v, i) => substituteEnv(v, `${path}[${i}]`, where, env, redactor));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        substituteEnv(v, path ? `${path}.${k}` : k, where, env, redactor),
      ]),
    );
  }
  return value;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads and parses the TLS files, so a garbage, binary or wrong file is a profile error naming the field, not a
 * TLS failure at the device later (which would read like "wrong CA").
 */
function readTls(profile: Profile, resolvePath: (p: string) => string, where: string): Target['tls'] {
  const tls: Target['tls'] = {};
  const t = profile.tls;
  if (!t) return tls;
  if (t.caFile) tls.ca = readCertificates(resolvePath(t.caFile), `${where}: tls.caFile`);
  if (t.insecure) tls.insecure = true;
  if (t.clientCert) {
    const field = `${where}: tls.clientCert`;
    tls.cert = readCertificates(resolvePath(t.clientCert.certFile), `${field}.certFile`);
    const keyFile = resolvePath(t.clientCert.keyFile);
    tls.key = readInputFile(keyFile, `${field}.keyFile`);
    tls.passphrase = t.clientCert.passphrase;
    const key = parseKey(tls.key, keyFile, tls.passphrase, field);
    const cert = new X509Certificate(tls.cert.match(PEM_CERT)![0]);
    if (!cert.checkPrivateKey(key))
      throw new UsageError(`${field}.keyFile: ${keyFile} is not the key of the certificate in certFile`);
  }
  return tls;
}

function readCertificates(file: string, field: string): string {
  const bytes = readInputBytes(file, field);
  const text = bytes.toString('utf8');
  const blocks = text.match(PEM_CERT) ?? [];
  const notPem = `${field}: ${file} is not a PEM certificate file`;
  if (!blocks.length) {
    const binary = bytes.subarray(0, 512).some((b) => b === 0 || b > 0x7f) || bytes[0] === 0x30;
    throw new UsageError(
      `${notPem}: ${binary ? 'it is binary (DER? convert it: openssl x509 -inform der -in F -out F.pem)' : 'no -----BEGIN CERTIFICATE----- block'}`,
    );
  }
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new UsageError(`${notPem}: certificate ${i + 1} of ${blocks.length} does not parse`);
    }
  });
  return text;
}

function parseKey(pem: string, file: string, passphrase: string | undefined, field: string): KeyObject {
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem))
    throw new UsageError(`${field}.keyFile: ${file} is not a PEM private key`);
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && passphrase === undefined)
    throw new UsageError(`${field}.passphrase: ${file} is encrypted: give its passphrase`);
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch {
    throw new UsageError(
      encrypted
        ? `${field}.passphrase: does not decrypt ${file}`
        : `${field}.keyFile: ${file} is not a usable private key (it does not parse)`,
    );
  }
}

/** Turns a loaded profile of a real target into a Target (never starts anything, never reads a file). */
export function targetFromProfile(loaded: LoadedProfile, redactor: Redactor): Target {
  const { profile: p, file } = loaded;
  if (p.auth?.username && p.auth.password) redactor.addBasic(p.auth.username, p.auth.password);
  for (const a of Object.values(p.accounts ?? {})) if (a.password) redactor.addBasic(a.username, a.password);
  return {
    name: p.name ?? basename(file, extname(file)),
    api: p.api,
    baseUrl: p.baseUrl!.replace(/\/+$/, ''),
    vendor: p.vendor ?? 'generic',
    ...(p.model ? { model: p.model } : {}),
    ...(p.firmware ? { firmware: p.firmware } : {}),
    tls: { ...loaded.tls },
    ...(p.proxy ? { proxy: p.proxy } : {}),
    ...(p.headers ? { headers: p.headers } : {}),
    auth: p.auth ?? { scheme: 'none' },
    accounts: p.accounts ?? {},
    params: p.params ?? {},
    allowDestructive: p.allowDestructive ?? false,
    ...(p.capture ? { capture: true } : {}),
    timeouts: { ...DEFAULT_TIMEOUTS, ...p.timeouts },
    concurrency: p.concurrency ?? 1,
    expectations: p.expectations ? loaded.resolvePath(p.expectations) : undefined,
  };
}

/**
 * A `mock:` profile's options applied to the started mock's target: timeouts, concurrency, allowDestructive and
 * params (merged over the mock's own) are honoured; the rest was rejected by loadProfile.
 */
export function mockOverrides(loaded: LoadedProfile, target: Target): Target {
  const p = loaded.profile;
  return {
    ...target,
    ...(p.name ? { name: p.name } : {}),
    timeouts: { ...target.timeouts, ...p.timeouts },
    concurrency: p.concurrency ?? target.concurrency,
    allowDestructive: p.allowDestructive ?? target.allowDestructive,
    params: { ...target.params, ...p.params },
    ...(p.proxy ? { proxy: p.proxy } : {}),
    ...(p.headers ? { headers: p.headers } : {}),
    ...(p.expectations ? { expectations: loaded.resolvePath(p.expectations) } : {}),
  };
}
