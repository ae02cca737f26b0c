import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/core/api.ts';
import { HttpClient } from '../src/http/client.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import { VARIANTS, mockTarget, startMock, type Variant } from '../mocks/redfish/index.ts';
import { tempDir } from './helpers.ts';

/**
 * The bundled Redfish mock must look like a real service to DMTF's own tools: the DMTF Redfish Service
 * Validator (vendored beside the repository, ../shared/tools) walks every resource of every variant and must
 * report no FAIL. In CI it runs, never skips. (Clients that use the mock, sushy and redfishtool: real-clients.test.ts.)
 */
const TOOL = repoPath('../shared/tools/redfish-service-validator');
const RUN_SH = join(TOOL, 'run.sh');
const SCHEMA_DIR = join(TOOL, 'validator/SchemaFiles');
const VALIDATOR_PACKAGES = [
  'python3-requests',
  'python3-requests-toolbelt',
  'python3-requests-unixsocket',
  'python3-xlsxwriter',
  'python3-openpyxl',
  'python3-colorama',
];
const CI = !!process.env.CI;
/**
 * Every variant a client can walk whole with one login. `expiring-sessions` ends each session after 25 requests
 * by design (the suite logs in again; DMTF's validator does not): its resources are those of `dmtf-sync`, walked
 * there.
 */
const VARIANT_NAMES = (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== 'expiring-sessions');
/** A variant takes 3–15 s (the validator walks the whole service); the budget leaves room on a loaded CI box. */
const VALIDATOR_MS = 180_000;

const missingPackages = (packages: string[]) =>
  packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);

/** Why this machine cannot run a tool (one line naming the fix), or undefined. In CI it always runs. */
function unavailable(packages: string[]): string | undefined {
  if (CI) return undefined;
  if (!existsSync(RUN_SH)) return `${TOOL} is not there (../shared/tools beside the repository)`;
  const absent = missingPackages(packages);
  return absent.length ? `install with: apt-get install -y ${absent.join(' ')}` : undefined;
}

// Under CI the tool must be there (CI runs with a copy of shared/ beside the clone): say so in one line.
if (CI && !existsSync(RUN_SH)) throw new Error(`${TOOL} is missing: CI needs shared/ beside the repository`);

let mock: RunningMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function start(variant: Variant) {
  mock = await startMock({ variant, faults: [] });
  const target = mockTarget(variant, mock);
  const { username, password } = target.auth as { username: string; password: string };
  return { url: mock.url, target, username, password, session: target.auth.scheme === 'session' };
}
type Started = Awaited<ReturnType<typeof start>>;

/** The Python tools get a clean environment: a CA bundle there overrides python-requests' own verify setting. */
function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  delete env.REQUESTS_CA_BUNDLE;
  delete env.CURL_CA_BUNDLE;
  return env;
}

function run(file: string, args: string[], timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      file,
      args,
      { env: pythonEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** A client of the mock as the profile's main account (a session where the profile logs in with one). */
async function login(s: Started) {
  let token: string | undefined;
  const basic = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
  const http = new HttpClient({
    baseUrl: s.url,
    tls: s.target.tls!,
    timeoutMs: 10_000,
    redactor: new Redactor(),
    defaultHeaders: (): Record<string, string> =>
      token ? { 'x-auth-token': token } : { authorization: basic },
  });
  let logout = async () => undefined as unknown;
  if (s.session) {
    const res = await http.post('/redfish/v1/SessionService/Sessions', {
      json: { UserName: s.username, Password: s.password },
      noDefaultHeaders: true,
    });
    expect(res.status, 'session login').toBe(201);
    token = res.header('x-auth-token');
    const uri = res.header('location')!;
    logout = () => http.delete(uri);
  }
  return { http, logout };
}

// ---- $metadata ----
interface Reference {
  uri: string;
  namespaces: string[];
}
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The service's $metadata (readable without credentials): its references and the container it extends. */
async function readMetadata(http: HttpClient): Promise<{ refs: Reference[]; container: string }> {
  const res = await http.get('/redfish/v1/$metadata', { noDefaultHeaders: true });
  expect(res.status, 'GET /redfish/v1/$metadata').toBe(200);
  expect(res.contentType).toBe('application/xml');
  const edmx = xml.parse(res.text)['edmx:Edmx'][0];
  const refs = (edmx['edmx:Reference'] as { Uri: string; 'edmx:Include': { Namespace: string }[] }[]).map(
    (r) => ({ uri: r.Uri, namespaces: r['edmx:Include'].map((i) => i.Namespace) }),
  );
  const container = edmx['edmx:DataServices'][0].Schema[0].EntityContainer[0].Extends as string;
  return { refs, container };
}

/**
 * The validator's schema directory for this service: DSP8010 plus the schema files the service hosts itself
 * (OEM), fetched as the validator does without --skipschema (run.sh always skips the download from dmtf.org).
 */
async function schemaDirectory(http: HttpClient): Promise<string> {
  const dir = tempDir('certconform-rsv-schemas-');
  for (const f of readdirSync(SCHEMA_DIR)) symlinkSync(join(SCHEMA_DIR, f), join(dir, f));
  for (const { uri } of (await readMetadata(http)).refs) {
    if (!uri.startsWith('/')) continue;
    const res = await http.get(uri, { noDefaultHeaders: true });
    expect(res.status, `GET ${uri}`).toBe(200);
    writeFileSync(join(dir, uri.split('/').pop()!), res.text);
  }
  return dir;
}

// ---- the validator ----
interface Summary {
  pass: number;
  warn: number;
  fail: number;
  notTested: number;
}

/** The validator's closing table: | PASS | WARN | FAIL | NOT TESTED | over one row of numbers. */
function parseSummary(output: string): Summary | undefined {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const m =
    /\|\s*PASS\s*\|\s*WARN\s*\|\s*FAIL\s*\|\s*NOT TESTED\s*\|[\s+-]*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/.exec(
      plain,
    );
  if (!m) return undefined;
  return { pass: Number(m[1]), warn: Number(m[2]), fail: Number(m[3]), notTested: Number(m[4]) };
}

/** The FAIL and WARN lines of the validator's debug log (its console shows only counts). */
function findings(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith('.log'))
      for (const line of readFileSync(join(e.parentPath, e.name), 'utf8').split('\n'))
        if (/ - (FAIL|WARN) - /.test(line)) out.push(line.replace(/^.* - (FAIL|WARN) - /, '$1 '));
  return out;
}

const validatorMissing = unavailable(VALIDATOR_PACKAGES);
if (validatorMissing)
  console.log(`redfish-validator: DMTF Redfish Service Validator skipped, ${validatorMissing}`);

describe.skipIf(!!validatorMissing)('DMTF Redfish Service Validator on every Redfish mock variant', () => {
  for (const variant of VARIANT_NAMES) {
    it(
      `${variant}: 0 FAIL`,
      async () => {
        const s = await start(variant);
        const { http, logout } = await login(s);
        const schemas = await schemaDirectory(http);
        await logout();
        const logdir = tempDir('certconform-rsv-');
        const started = Date.now();
        const { code, output } = await run(
          RUN_SH,
          [
            '-r',
            s.url,
            '-u',
            s.username,
            '-p',
            s.password,
            '--authtype',
            s.session ? 'Session' : 'Basic',
          ].concat(['--logdir', logdir, '--schema_directory', schemas]),
          VALIDATOR_MS - 10_000,
        );
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const summary = parseSummary(output);
        expect(
          summary,
          `the validator printed no summary (exit ${code}):\n${output.slice(-3000)}`,
        ).toBeDefined();
        const { pass, warn, fail, notTested } = summary!;
        console.log(
          `redfish-validator ${variant}: PASS ${pass}, WARN ${warn}, FAIL ${fail}, NOT TESTED ${notTested} (${seconds} s)`,
        );
        const found = findings(logdir);
        if (warn) console.log(found.filter((l) => l.startsWith('WARN')).join('\n'));
        expect(fail, found.join('\n')).toBe(0);
        expect(pass, 'the validator checked next to nothing').toBeGreaterThan(100);
        expect(code).toBe(0);
        // The validator logs out of the session it opened: the mock's DELETE of a session works for DMTF's client.
        expect(await mock!.residue?.()).toEqual([]);
      },
      VALIDATOR_MS,
    );
  }
});

// ---- what the validator does not look at: $metadata contents, HEAD, Allow ----
/** Every value of `key` anywhere in a JSON document. */
function valuesOf(doc: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(doc)) for (const v of doc) valuesOf(v, key, out);
  else if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      if (k === key) out.push(v);
      valuesOf(v, key, out);
    }
  return out;
}

/** GETs every resource reachable from the service root by @odata.id (and @Redfish.ActionInfo) links. */
async function crawl(http: HttpClient) {
  const resources = new Map<string, { allow: string | undefined; body: unknown }>();
  const queue = ['/redfish/v1'];
  while (queue.length) {
    const uri = queue.shift()!;
    if (resources.has(uri)) continue;
    const res = await http.get(uri);
    expect(res.status, `GET ${uri}`).toBe(200);
    const body = res.json();
    resources.set(uri, { allow: res.header('allow'), body });
    for (const link of [...valuesOf(body, '@odata.id'), ...valuesOf(body, '@Redfish.ActionInfo')])
      if (typeof link === 'string' && link.startsWith('/redfish/v1') && !link.includes('#'))
        queue.push(link.replace(/\/$/, ''));
  }
  return resources;
}

/** `ServiceRoot` and `ServiceRoot.v1_15_0` from `#ServiceRoot.v1_15_0.ServiceRoot`. */
function namespacesOf(odataType: string): string[] {
  const parts = odataType.replace(/^#/, '').split('.').slice(0, -1);
  return [...new Set([parts[0]!, parts.join('.')])];
}

/** The CSDL text a reference points to: a DSP8010 file, or a file the service hosts. */
async function csdlOf(http: HttpClient, uri: string): Promise<string> {
  if (uri.startsWith('/')) {
    const res = await http.get(uri, { noDefaultHeaders: true });
    expect(res.status, `GET ${uri}`).toBe(200);
    return res.text;
  }
  expect(uri).toMatch(/^http:\/\/redfish\.dmtf\.org\/schemas\/v1\/[A-Za-z]+_v1\.xml$/);
  const file = join(SCHEMA_DIR, uri.split('/').pop()!);
  expect(existsSync(file), `${uri} is not a DSP8010 schema file`).toBe(true);
  return readFileSync(file, 'utf8');
}

const schemasMissing = CI || existsSync(SCHEMA_DIR) ? undefined : `${SCHEMA_DIR} is not there`;
if (schemasMissing) console.log(`redfish-validator: $metadata check skipped, ${schemasMissing}`);

describe.skipIf(!!schemasMissing)(
  'the Redfish mock as DSP0266 wants a service: $metadata, odata, Allow, HEAD',
  () => {
    for (const variant of VARIANT_NAMES) {
      it(`${variant}: $metadata includes every type served; GET and HEAD carry Allow`, async () => {
        const { http, logout } = await login(await start(variant));

        const { refs, container } = await readMetadata(http);
        const included = new Set(refs.flatMap((r) => r.namespaces));
        for (const ref of refs) {
          if (ref.uri.startsWith('http://docs.oasis-open.org/')) continue;
          const csdl = await csdlOf(http, ref.uri);
          for (const ns of ref.namespaces)
            expect(csdl, `${ref.uri} defines no namespace ${ns}`).toMatch(
              new RegExp(`<Schema [^>]*Namespace="${ns}"`),
            );
        }
        expect([...included]).toContain(container.split('.').slice(0, -1).join('.'));

        const resources = await crawl(http);
        const served = new Set(
          [...resources.values()].flatMap(({ body }) =>
            valuesOf(body, '@odata.type').flatMap((t) => (typeof t === 'string' ? namespacesOf(t) : [])),
          ),
        );
        expect(
          [...served].filter((n) => !included.has(n)),
          'namespaces served but not in $metadata',
        ).toEqual([]);

        const odata = await http.get('/redfish/v1/odata', { noDefaultHeaders: true });
        expect(odata.status).toBe(200);
        for (const { url } of odata.json<{ value: { url: string }[] }>().value)
          expect(resources.has(url.replace(/\/$/, '')), `odata lists ${url}, which nothing links`).toBe(true);

        for (const [uri, { allow }] of resources) {
          expect(allow, `GET ${uri}: Allow`).toMatch(/^GET, HEAD\b/);
          const head = await http.request('HEAD', uri);
          expect([head.status, head.body.length, head.header('allow')], `HEAD ${uri}`).toEqual([
            200,
            0,
            allow,
          ]);
        }
        await logout();
      });
    }
  },
);
