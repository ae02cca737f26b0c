import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/core/api.ts';
import { HttpClient } from '../src/http/client.ts';
import { Redactor } from '../src/http/redact.ts';
import { repoPath } from '../src/paths.ts';
import * as redfish from '../mocks/redfish/index.ts';
import { VARIANT_CONFIG as REDFISH_CONFIG } from '../mocks/redfish/variants.ts';
import { startSbcMock } from '../mocks/oracle-sbc/server.ts';
import { VARIANT_CONFIG as SBC_CONFIG } from '../mocks/oracle-sbc/variants.ts';
import { tempDir } from './helpers.ts';

/**
 * The bundled mocks as popular clients use them (issue 19): what a real product would accept from them, the mock
 * accepts. DMTF's redfishtool follows an asynchronous Rekey to its result; OpenStack sushy's replace_certificate
 * sends CertificateUri as a string (iDRAC before 5.00 takes it; bmcweb, and the `other-ids` variant, refuse it);
 * p4irin/sbc_rest_client writes configuration elements without a Content-Type (it is not packaged anywhere: its
 * requests are sent here exactly as python-requests sends them). redfishtool and sushy are Debian packages; in CI
 * these tests run, never skip.
 */
const CI = !!process.env.CI;
const SUSHY_CHECK = repoPath('mocks/redfish/sushy_check.py');
const REDFISH_VARIANTS = Object.keys(redfish.VARIANTS) as redfish.Variant[];

const missingPackages = (packages: string[]) =>
  packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);

/** Why this machine cannot run a client (one line naming the fix), or undefined. In CI it always runs. */
function unavailable(packages: string[]): string | undefined {
  if (CI) return undefined;
  const absent = missingPackages(packages);
  return absent.length ? `install with: apt-get install -y ${absent.join(' ')}` : undefined;
}

let mock: RunningMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function startRedfish(variant: redfish.Variant) {
  mock = await redfish.startMock({ variant, faults: [] });
  const target = redfish.mockTarget(variant, mock);
  const { username, password } = target.auth as { username: string; password: string };
  return { url: mock.url, target, username, password, session: target.auth.scheme === 'session' };
}

/** The Python tools get a clean environment: a CA bundle there overrides python-requests' own verify setting. */
function run(file: string, args: string[], timeoutMs: number) {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  delete env.REQUESTS_CA_BUNDLE;
  delete env.CURL_CA_BUNDLE;
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

// ---- DMTF redfishtool ----
const redfishtoolMissing = unavailable(['redfishtool']);
if (redfishtoolMissing) console.log(`real-clients: redfishtool skipped, ${redfishtoolMissing}`);
/** Async variants whose 202 Location is an absolute path (redfishtool joins only a path with the host). */
const ABSOLUTE_ASYNC = REDFISH_VARIANTS.filter(
  (v) => REDFISH_CONFIG[v].async && !REDFISH_CONFIG[v].relativeLocation && REDFISH_CONFIG[v].basicAuth,
);

describe.skipIf(!!redfishtoolMissing)('DMTF redfishtool on the Redfish mock', () => {
  it('has the default async variant among those it is run on', () => {
    expect(ABSOLUTE_ASYNC).toContain('dmtf-async');
  });
  for (const variant of ABSOLUTE_ASYNC) {
    it(`${variant}: completes an asynchronous Rekey (202, task monitor, 200 + RekeyResponse)`, async () => {
      const s = await startRedfish(variant);
      const http = new HttpClient({
        baseUrl: s.url,
        tls: s.target.tls!,
        timeoutMs: 10_000,
        redactor: new Redactor(),
        defaultHeaders: () => ({
          authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`,
        }),
      });
      const locations = (await http.get('/redfish/v1/CertificateService/CertificateLocations')).json<{
        Links: { Certificates: Array<{ '@odata.id': string }> };
      }>();
      const https = locations.Links.Certificates.map((l) => l['@odata.id']).find((u) =>
        u.includes('/NetworkProtocol/HTTPS/Certificates/'),
      )!;
      const cert = (await http.get(https)).json<{ Actions: Record<string, { target: string }> }>();
      const target = cert.Actions['#Certificate.Rekey']!.target;
      http.close();

      const host = new URL(s.url).host;
      const { code, output } = await run(
        '/usr/bin/redfishtool',
        ['-r', host, '-u', s.username, '-p', s.password, '-S', 'Always', '-vv'].concat([
          'raw',
          'POST',
          target,
          '-d',
          JSON.stringify({ KeyBitLength: 2048 }),
        ]),
        60_000,
      );
      expect(code, output).toBe(0);
      // -vv shows the 202 being followed to its task monitor; stdout is the monitor's final body.
      expect(output, output).toContain('waitForTask');
      expect(output, output).toMatch(/"CSRString": "-----BEGIN CERTIFICATE REQUEST-----/);
    });
  }
});

// ---- OpenStack sushy ----
const sushyMissing = unavailable(['python3-sushy']);
if (sushyMissing) console.log(`real-clients: sushy skipped, ${sushyMissing}`);

describe.skipIf(!!sushyMissing)('python3-sushy on every Redfish mock variant', () => {
  for (const variant of REDFISH_VARIANTS) {
    const linkOnly = !!REDFISH_CONFIG[variant].certificateUriLinkOnly;
    it(`${variant}: reads the service; replace_certificate (CertificateUri as a string) ${linkOnly ? 'is refused with 400, as bmcweb refuses it' : 'works'}`, async () => {
      const s = await startRedfish(variant);
      const ca = join(tempDir('certconform-sushy-'), 'ca.pem');
      writeFileSync(ca, s.target.tls!.ca!);
      const { code, output } = await run(
        '/usr/bin/python3',
        [SUSHY_CHECK, s.url, s.username, s.password, ca, s.session ? 'session' : 'basic', 'replace'],
        60_000,
      );
      expect(output, output).toMatch(/^certificate: /m);
      if (linkOnly) {
        expect(output, output).toMatch(/^sushy failed: BadRequestError: .*CertificateUri/m);
        expect(code, output).toBe(1);
      } else {
        expect(output, output).toMatch(/^replaced: .*\/NetworkProtocol\/HTTPS\/Certificates\//m);
        expect(code, output).toBe(0);
      }
    });
  }
});

// ---- p4irin/sbc_rest_client (emulated) ----
interface Answer {
  status: number;
  text: string;
}

/** One request with exactly the headers given (Node adds Host and Content-Length, as python-requests does). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const ca = readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('p4irin/sbc_rest_client (its requests, emulated) on the Oracle SBC mock', () => {
  it('adds, updates and deletes a configuration element without a Content-Type, as the client does', async () => {
    const sbc = await startSbcMock({ variant: 'default', faults: [] });
    mock = sbc;
    const { username, password } = SBC_CONFIG.default.admin;
    // What python-requests sends besides the client's own headers.
    const requests = {
      'User-Agent': 'python-requests/2.32.3',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
    };
    // The client's default API version, v1.1; Sbc._get_token: Accept and Basic, no body.
    const base = `${sbc.url}/rest/v1.1`;
    const token = await send(`${base}/auth/token`, 'POST', {
      ...requests,
      Accept: 'application/xml',
      Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    });
    expect(token.status, token.text).toBe(200);
    const bearer = { Authorization: `Bearer ${/<accessToken>([^<]+)</.exec(token.text)![1]}` };
    const requestHeaders = { ...requests, Accept: 'application/xml', ...bearer }; // Sbc._request_headers
    const tokenHeader = { ...requests, ...bearer }; // Sbc._token_header: configElements writes send only this

    expect((await send(`${base}/configuration/lock`, 'POST', requestHeaders)).status).toBe(204);
    const element = (commonName: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
  <configElement>
    <elementType>certificate-record</elementType>
    <attribute>
      <name>name</name>
      <value>cc-real-client</value>
    </attribute>
    <attribute>
      <name>common-name</name>
      <value>${commonName}</value>
    </attribute>
  </configElement>
`;
    // add_config_element / update_config_element: data=xml_str, headers=self._token_header (no Content-Type).
    const added = await send(
      `${base}/configuration/configElements`,
      'POST',
      tokenHeader,
      element('a.example'),
    );
    expect(added.status, added.text).toBe(200);
    const updated = await send(
      `${base}/configuration/configElements`,
      'PUT',
      tokenHeader,
      element('b.example'),
    );
    expect(updated.status, updated.text).toBe(200);
    expect(updated.text).toContain('b.example');
    // A body declared as another media type is still refused (SBC-MEDIA rules).
    const json = await send(
      `${base}/configuration/configElements`,
      'PUT',
      { ...tokenHeader, 'Content-Type': 'application/json' },
      '{"name": "cc-real-client"}',
    );
    expect(json.status, json.text).toBe(415);
    const deleted = await send(
      `${base}/configuration/configElements?elementType=certificate-record&name=cc-real-client`,
      'DELETE',
      requestHeaders,
    );
    expect(deleted.status, deleted.text).toBe(204);
    expect((await send(`${base}/configuration/unlock`, 'POST', requestHeaders)).status).toBe(204);
    expect(await sbc.residue?.()).toEqual([]);
  });
});
