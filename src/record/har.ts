import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RuleResult } from '../core/engine.ts';
import type { Level, Status } from '../core/outcome.ts';
import type { ApiId, Target } from '../core/api.ts';
import type { Exchange, ExchangeRecorder, PeerCertificateSeen } from '../http/client.ts';
import { MASK, type RedactOptions, type Redactor } from '../http/redact.ts';
import { replaceBase64Runs } from '../http/base64-runs.ts';
import { generatedSecrets, unseededRules } from '../core/random.ts';
import { looksLikePfx, sanitizePfx, type ArchivePassword } from './pkcs12.ts';
import { TOOL } from '../tool.ts';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** What a replay needs besides the exchanges: the `_certconform` field of the HAR log. */
export interface RecordingInfo {
  /** The seed of the harness randomness (src/core/random.ts) and the harness clock of the run. */
  seed: number;
  epoch: string;
  /** Rules that sent a value not drawn from the seed (see `unseeded`), and what it was. */
  unseeded?: Record<string, string>;
  /** The TLS certificates rules read from the target, in order (DER, base64). */
  peerCertificates: Array<{ rule: string; at: string; der: string; subjectaltname?: string }>;
  /** The harness clock of each rule (ms since 1970): the time it wrote into its requests. */
  clocks: Record<string, number>;
  target: RecordedTarget;
  /** The verdicts of the recorded run, in the order the rules ran. */
  results: Array<{
    rule: string;
    level: Level;
    status: Status;
    message?: string;
    reason?: string;
    /** The entries (indexes) whose answers the rule saw, its own and those of shared setups. */
    entries: number[];
  }>;
}

/** The target without its secrets: a replay gives it placeholder credentials. */
export interface RecordedTarget {
  name: string;
  api: ApiId;
  vendor: string;
  baseUrl: string;
  auth: { scheme: Target['auth']['scheme']; username?: string; password?: boolean; token?: boolean };
  accounts: Record<string, { username: string; password?: boolean; token?: boolean }>;
  /** The target was given a TLS client certificate (a replay gives it a test one). */
  clientCert?: boolean;
  params: Record<string, unknown>;
  allowDestructive: boolean;
  timeouts: Target['timeouts'];
  concurrency: number;
  mockVariant?: string;
  /**
   * The files parameters name (`caCertFile`: a CA certificate), by parameter: a replay elsewhere has not got
   * them. Redacted like the rest (a private key file is a placeholder).
   */
  files?: Record<string, string>;
}

interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: [];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; _encoding?: 'base64' };
    headersSize: -1;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: [];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: -1;
    bodySize: number;
    /** Why no answer arrived (status 0): the replay breaks the connection off. */
    _error?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  /** The rule that made the request, "(connection)" for connecting and closing. */
  _rule: string;
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
    _certconform: RecordingInfo;
  };
}

/** Collects every exchange of one target, whole; redaction happens when the HAR is built (all secrets known). */
export class HarRecorder implements ExchangeRecorder {
  readonly exchanges: Exchange[] = [];
  readonly peers: RecordingInfo['peerCertificates'] = [];

  exchange(x: Exchange): void {
    this.exchanges.push(x);
  }

  peerCertificate(rule: string | undefined, cert: PeerCertificateSeen): void {
    this.peers.push({
      rule: rule ?? '(connection)',
      at: new Date().toISOString(),
      der: cert.raw.toString('base64'),
      ...(cert.subjectaltname ? { subjectaltname: cert.subjectaltname } : {}),
    });
  }

  /** The HAR 1.2 document, redacted like every other artifact of the run. */
  toHar(
    redactor: Redactor,
    info: Omit<RecordingInfo, 'target' | 'results' | 'peerCertificates'> & {
      target: Target;
      results: readonly RuleResult[];
    },
  ): Har {
    const scrub = scrubber(redactor, generatedSecrets(info.target.name));
    const text = (s: string) => scrub.text(s);
    const index = new Map(this.exchanges.map((x, i) => [x.evidence, i]));
    return {
      log: {
        version: '1.2',
        creator: { name: TOOL.name, version: TOOL.version },
        entries: this.exchanges.map((x) => harEntry(x, scrub)),
        _certconform: {
          seed: info.seed,
          epoch: info.epoch,
          clocks: info.clocks,
          peerCertificates: this.peers,
          ...(Object.keys(unseededRules(info.target.name)).length
            ? { unseeded: unseededRules(info.target.name) }
            : {}),
          target: recordedTarget(info.target, scrub),
          results: info.results.map((r) => ({
            rule: r.rule,
            level: r.level,
            status: r.status,
            ...(r.message ? { message: text(r.message) } : {}),
            ...(r.reason ? { reason: text(r.reason) } : {}),
            entries: r.evidence.flatMap((e) => (index.has(e) ? [index.get(e)!] : [])),
          })),
        },
      },
    };
  }
}

function recordedTarget(t: Target, scrub: Scrub): RecordedTarget {
  return {
    name: scrub.text(t.name),
    api: t.api,
    vendor: t.vendor,
    baseUrl: scrub.text(t.baseUrl),
    auth: {
      scheme: t.auth.scheme,
      ...(t.auth.username ? { username: t.auth.username } : {}),
      ...(t.auth.password ? { password: true } : {}),
      ...(t.auth.token ? { token: true } : {}),
    },
    accounts: Object.fromEntries(
      Object.entries(t.accounts).map(([role, a]) => [
        role,
        {
          username: a.username,
          ...(a.password ? { password: true } : {}),
          ...(a.token ? { token: true } : {}),
        },
      ]),
    ),
    ...(t.tls.cert ? { clientCert: true } : {}),
    params: JSON.parse(scrub.text(JSON.stringify(t.params))) as Record<string, unknown>,
    allowDestructive: t.allowDestructive,
    timeouts: t.timeouts,
    concurrency: t.concurrency,
    ...(t.mockVariant ? { mockVariant: t.mockVariant } : {}),
    ...paramFiles(t.params, scrub),
  };
}

function paramFiles(params: Record<string, unknown>, scrub: Scrub): { files?: Record<string, string> } {
  const files: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!/File$/.test(key) || typeof value !== 'string') continue;
    try {
      files[key] = scrub.text(readFileSync(value, 'utf8'));
    } catch {
      // Unreadable: the recorded run could not read it either, and said so.
    }
  }
  return Object.keys(files).length ? { files } : {};
}

function harEntry(x: Exchange, scrub: Scrub): HarEntry {
  const url = scrub.text(x.url);
  const headers = (h: Record<string, string | string[] | undefined>) =>
    Object.entries(scrub.headers(h)).map(([name, value]) => ({ name, value }));
  const requestType = x.requestHeaders['content-type'] ?? '';
  const res = x.response;
  const resType = header(res?.headers['content-type']) ?? '';
  const resBody = res ? scrub.body(res.body) : undefined;
  const wait = Math.max(0, x.waitMs);
  return {
    startedDateTime: new Date(x.startedAt).toISOString(),
    time: Math.max(0, x.totalMs),
    request: {
      method: x.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(x.requestHeaders),
      queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
      ...(x.requestBody
        ? { postData: { mimeType: requestType, ...postText(scrub.body(x.requestBody)) } }
        : {}),
      headersSize: -1,
      bodySize: x.requestBody?.length ?? 0,
    },
    response: {
      status: res?.status ?? 0,
      statusText: res?.statusText ?? '',
      httpVersion: res ? `HTTP/${res.httpVersion}` : 'HTTP/1.1',
      cookies: [],
      headers: res ? headers(res.headers) : [],
      content: {
        size: res?.body.length ?? 0,
        mimeType: resType,
        ...(resBody ? { text: resBody.text } : {}),
        ...(resBody?.base64 ? { encoding: 'base64' as const } : {}),
      },
      redirectURL: scrub.text(header(res?.headers.location) ?? ''),
      headersSize: -1,
      bodySize: res?.body.length ?? 0,
      ...(x.error ? { _error: scrub.text(x.error) } : {}),
    },
    cache: {},
    timings: { send: 0, wait, receive: Math.max(0, x.totalMs - wait) },
    _rule: x.rule ?? '(connection)',
  };
}

function postText(b: { text: string; base64: boolean }): { text: string; _encoding?: 'base64' } {
  return b.base64 ? { text: b.text, _encoding: 'base64' } : { text: b.text };
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** An archive no known password opens: it holds a private key, encrypted or not, so none of it is kept. */
export const ARCHIVE_MASK = '[redacted PKCS#12 archive]';

/**
 * How a recording redacts: like every other artifact, except that secrets the harness generated are named by
 * placeholders (a replay puts them back) and PKCS#12 archives are kept sanitized (src/record/pkcs12.ts).
 */
interface Scrub {
  text(s: string): string;
  headers(h: Record<string, string | string[] | undefined>): Record<string, string>;
  /** A body: PKCS#12 archives in it sanitized, then redacted. */
  body(bytes: Buffer): { text: string; base64: boolean };
}

function scrubber(redactor: Redactor, labels: ReadonlyMap<string, string>): Scrub {
  const keep = new Set<string>();
  const opts: RedactOptions = { labels, keep };
  const passwords: ArchivePassword[] = [
    { value: '', replayAs: '' },
    ...redactor.secrets().map((value) => ({ value, replayAs: labels.has(value) ? value : MASK })),
  ];
  return {
    text: (s) => redactor.text(s, opts),
    headers: (h) => redactor.headers(h, opts),
    body(bytes) {
      const utf8 = bytes.toString('utf8');
      if (Buffer.from(utf8, 'utf8').equals(bytes)) {
        // An archive inside the text (base64 in a JSON field): its sanitized copy, kept by the redactor.
        const swapped = replaceBase64Runs(utf8, (der) => {
          if (!looksLikePfx(der)) return undefined;
          const b64 = sanitizePfx(der, passwords)?.toString('base64');
          if (b64) keep.add(b64);
          return b64 ?? ARCHIVE_MASK;
        });
        return { text: redactor.text(swapped, opts), base64: false };
      }
      if (looksLikePfx(bytes)) {
        const clean = sanitizePfx(bytes, passwords);
        return clean
          ? { text: clean.toString('base64'), base64: true }
          : { text: ARCHIVE_MASK, base64: false };
      }
      // Other binary data: kept with a secret inside overwritten in place, else (a secret seen only as text in
      // its base64, by chance) redacted whole.
      const masked = redactor.text(bytes.toString('base64'), opts);
      return /^[A-Za-z0-9+/]*={0,2}$/.test(masked)
        ? { text: masked, base64: true }
        : { text: `[redacted binary body, ${bytes.length} bytes]`, base64: false };
    },
  };
}

/** `<target>.har`: the target name as a portable file name. */
export function harFileName(targetName: string): string {
  return `${targetName.replace(/[^A-Za-z0-9._-]+/g, '-')}.har`;
}

/** Validates and writes a HAR; an invalid one is a harness bug, never written silently. */
export function writeHar(
  dir: string,
  targetName: string,
  har: Har,
  opts: { compact?: boolean } = {},
): string {
  const problems = validateHar(har);
  if (problems.length)
    throw new Error(`the recording of ${targetName} is not valid HAR 1.2: ${problems.join('; ')}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, harFileName(targetName));
  writeFileSync(file, (opts.compact ? JSON.stringify(har) : JSON.stringify(har, null, 2)) + '\n');
  return file;
}

let validator: ((doc: unknown) => string[]) | undefined;

/** Problems of a document against the HAR 1.2 JSON Schema (the har-schema package); empty when valid. */
export function validateHar(doc: unknown): string[] {
  validator ??= compileHarSchema();
  return validator(doc);
}

function compileHarSchema(): (doc: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const schemas = require('har-schema') as Record<string, { $id: string }>;
  const draft6 = require('ajv/dist/refs/json-schema-draft-06.json') as object;
  // har-schema is draft-06 and uses a few non-standard annotations (`optional`, `min`): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft6);
  addFormats(ajv);
  for (const s of Object.values(schemas)) ajv.addSchema(s);
  const validate = ajv.getSchema('har.json#')!;
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
