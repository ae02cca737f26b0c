import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { AnyApi, Target } from '../core/api.ts';
import { UsageError } from '../core/errors.ts';
import { firstError, validatorFor } from '../core/schema.ts';
import { DEFAULT_TIMEOUTS } from '../core/targets.ts';
import type { Redactor } from '../http/redact.ts';
import schema from './profile.schema.json' with { type: 'json' };

const validateProfile = validatorFor(schema);

/** A profile as written, after validation. */
export interface Profile {
  name?: string;
  api: Target['api'];
  vendor?: string;
  baseUrl?: string;
  mock?: { variant?: string };
  tls?: {
    caFile?: string;
    insecure?: boolean;
    clientCert?: { certFile: string; keyFile: string; passphrase?: string };
  };
  auth?: Target['auth'];
  accounts?: Target['accounts'];
  params?: Record<string, unknown>;
  allowDestructive?: boolean;
  timeouts?: Partial<Target['timeouts']>;
  concurrency?: number;
  expectations?: string;
}

export interface LoadedProfile {
  file: string;
  profile: Profile;
  /** Resolves a path written in the profile relative to the profile's folder. */
  resolvePath(p: string): string;
}

/** Fields whose values are secrets: registered for redaction wherever they come from. */
const SECRET_KEYS = new Set(['password', 'token', 'passphrase']);

/**
 * Reads a YAML/JSON profile, replaces `${ENV}` references, validates it against the shipped JSON Schema and the
 * API's own params schema. Every problem is one UsageError line naming the file and the field.
 */
export function loadProfile(
  file: string,
  apis: Record<string, AnyApi>,
  redactor: Redactor,
  env = process.env,
): LoadedProfile {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = extname(file) === '.json' ? JSON.parse(text) : parse(text);
  } catch (err) {
    throw new UsageError(`profile ${file}: cannot read: ${(err as Error).message.split('\n')[0]}`);
  }
  const where = `profile ${file}`;
  const substituted = substituteEnv(raw, '', where, env, redactor);
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
  const api = apis[profile.api];
  if (!api)
    throw new UsageError(
      `${where}: api: unknown api "${profile.api}" (known: ${Object.keys(apis).join(', ')})`,
    );
  if (profile.params) {
    const validateParams = validatorFor(api.paramsSchema);
    if (!validateParams(profile.params))
      throw new UsageError(`${where}: ${firstError(validateParams.errors, 'params')}`);
  }
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
  const dir = dirname(resolve(file));
  return { file, profile, resolvePath: (p) => resolve(dir, p) };
}

function substituteEnv(
  value: unknown,
  path: string,
  where: string,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): unknown {
  if (typeof value === 'string') {
    const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined || v === '')
        throw new UsageError(`${where}: ${path}: environment variable ${name} is not set`);
      return v;
    });
    if (SECRET_KEYS.has(path.split('.').pop() ?? '')) redactor.add(out);
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

function readPem(file: string, field: string, where: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${where}: ${field}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Turns a loaded profile of a real target into a Target (reads TLS files; never starts anything). */
export function targetFromProfile(loaded: LoadedProfile, redactor: Redactor): Target {
  const { profile: p, file } = loaded;
  const where = `profile ${file}`;
  const tls: Target['tls'] = {};
  if (p.tls?.caFile) tls.ca = readPem(loaded.resolvePath(p.tls.caFile), 'tls.caFile', where);
  if (p.tls?.insecure) tls.insecure = true;
  if (p.tls?.clientCert) {
    tls.cert = readPem(loaded.resolvePath(p.tls.clientCert.certFile), 'tls.clientCert.certFile', where);
    tls.key = readPem(loaded.resolvePath(p.tls.clientCert.keyFile), 'tls.clientCert.keyFile', where);
    tls.passphrase = p.tls.clientCert.passphrase;
  }
  if (p.auth?.username && p.auth.password) redactor.addBasic(p.auth.username, p.auth.password);
  for (const a of Object.values(p.accounts ?? {})) if (a.password) redactor.addBasic(a.username, a.password);
  return {
    name: p.name ?? basename(file, extname(file)),
    api: p.api,
    baseUrl: p.baseUrl!.replace(/\/+$/, ''),
    vendor: p.vendor ?? 'generic',
    tls,
    auth: p.auth ?? { scheme: 'none' },
    accounts: p.accounts ?? {},
    params: p.params ?? {},
    allowDestructive: p.allowDestructive ?? false,
    timeouts: { ...DEFAULT_TIMEOUTS, ...p.timeouts },
    concurrency: p.concurrency ?? 1,
    expectations: p.expectations ? loaded.resolvePath(p.expectations) : undefined,
  };
}
