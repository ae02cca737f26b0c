import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../../src/core/api.ts';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { x509 } from '../../src/pki/x509.ts';
import { mockTarget, startMock } from './index.ts';
import { IDS } from './model.ts';

const V2 = `/v2/operations/authorities/${IDS.authority}/raProfiles/${IDS.raProfile}`;

async function csrBase64(subject: string): Promise<string> {
  const key = await new KeyPool(35).take(2048);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys: key.keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  });
  return Buffer.from(csr.rawData).toString('base64');
}

describe('czertainly mock (immediate, bearer)', () => {
  let mock: RunningMock;
  let http: HttpClient;
  let anon: HttpClient;
  let api: string;

  beforeAll(async () => {
    mock = await startMock({ variant: 'immediate', faults: [] });
    const target = mockTarget('immediate', mock);
    api = target.baseUrl;
    const options = { baseUrl: api, tls: target.tls, timeoutMs: 5_000, redactor: new Redactor() };
    http = new HttpClient({
      ...options,
      defaultHeaders: () => ({ authorization: `Bearer ${target.auth.token}` }),
    });
    anon = new HttpClient(options);
  });
  afterAll(async () => {
    http.close();
    anon.close();
    await mock.close();
  });

  it('refuses requests without credentials with 401', async () => {
    expect((await anon.get(`${api}${V2}/attributes/issue`)).status).toBe(401);
  });

  it('answers unknown routes with 404 {message} and wrong verbs with 400 {message}', async () => {
    const unknown = await http.get(`${api}/v2/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.json<{ message: string }>().message).toContain('No endpoint');
    const verb = await http.delete(`${api}${V2}/certificates`);
    expect(verb.status).toBe(400);
    expect(verb.json<{ message: string }>().message).toContain("'DELETE'");
  });

  it('answers a non-UUID RA profile with a 422 list and bad JSON with 400', async () => {
    const bad = await http.get(
      `${api}/v2/operations/authorities/${IDS.authority}/raProfiles/xyz/attributes/issue`,
    );
    expect(bad.status).toBe(422);
    expect(bad.json()).toEqual(['Invalid UUID xyz in the request']);
    const json = await http.post(`${api}${V2}/certificates`, {
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(json.json()).toEqual({ message: 'Unable to read HTTP message' });
  });

  it('issues from a CSR, signs with the test CA and refuses a second revoke with 422', async () => {
    const issue = await http.post(`${api}${V2}/certificates`, {
      json: { attributes: [], request: await csrBase64('CN=mock-test, O=certconform') },
    });
    expect(issue.status).toBe(200);
    const { uuid, certificateData } = issue.json<{ uuid: string; certificateData: string }>();
    expect(certificateData).toBe('');
    const detail = (await http.get(`${api}/v1/certificates/${uuid}`)).json<{
      state: string;
      certificateContent: string;
    }>();
    expect(detail.state).toBe('issued');
    const cert = new x509.X509Certificate(Buffer.from(detail.certificateContent, 'base64'));
    expect(cert.subject).toBe('CN=mock-test, O=certconform');
    expect(
      (await http.post(`${api}${V2}/certificates/${uuid}/revoke`, { json: { attributes: [] } })).status,
    ).toBe(204);
    const again = await http.post(`${api}${V2}/certificates/${uuid}/revoke`, { json: { attributes: [] } });
    expect(again.status).toBe(422);
    expect(again.json<string[]>()[0]).toContain('in state Revoked');
  });
});

describe('czertainly mock (client-cert)', () => {
  it('authenticates the client certificate it issued at start', async () => {
    const mock = await startMock({ variant: 'client-cert', faults: [] });
    const target = mockTarget('client-cert', mock);
    const http = new HttpClient({
      baseUrl: target.baseUrl,
      tls: target.tls,
      timeoutMs: 5_000,
      redactor: new Redactor(),
    });
    try {
      const res = await http.get(`${target.baseUrl}${V2}/attributes/issue`);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.json())).toBe(true);
    } finally {
      http.close();
      await mock.close();
    }
  });
});

describe('czertainly mock (ecdsa, no-legacy)', () => {
  async function client(variant: 'ecdsa' | 'no-legacy') {
    const mock = await startMock({ variant, faults: [] });
    const target = mockTarget(variant, mock);
    const http = new HttpClient({
      baseUrl: target.baseUrl,
      tls: target.tls,
      timeoutMs: 5_000,
      redactor: new Redactor(),
      defaultHeaders: () => ({ authorization: `Bearer ${target.auth.token}` }),
    });
    return { mock, http, api: target.baseUrl };
  }

  it('issues from an EC P-384 CA that signs ECDSA with SHA-384, and keeps EC platform keys', async () => {
    const { mock, http, api } = await client('ecdsa');
    try {
      const issue = await http.post(`${api}${V2}/certificates`, {
        json: { attributes: [], request: await csrBase64('CN=mock-ec, O=certconform') },
      });
      const { uuid } = issue.json<{ uuid: string }>();
      const detail = (await http.get(`${api}/v1/certificates/${uuid}`)).json<{
        certificateContent: string;
      }>();
      const cert = new x509.X509Certificate(Buffer.from(detail.certificateContent, 'base64'));
      expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
      const chain = (await http.get(`${api}/v1/certificates/${uuid}/chain`)).json<{
        certificates: Array<{ certificateContent: string; publicKeyAlgorithm: string; keySize: number }>;
      }>();
      expect(chain.certificates[0]).toMatchObject({ publicKeyAlgorithm: 'ECDSA', keySize: 384 });
      const ca = new x509.X509Certificate(Buffer.from(chain.certificates[0]!.certificateContent, 'base64'));
      expect(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
      const fromKey = await http.post(`${api}${V2}/certificates`, {
        json: {
          attributes: [],
          tokenProfileUuid: IDS.tokenProfile,
          keyUuid: IDS.keys[1],
          csrAttributes: [{ name: 'commonName', content: [{ data: 'mock-ec-key' }] }],
        },
      });
      const keyDetail = (
        await http.get(`${api}/v1/certificates/${fromKey.json<{ uuid: string }>().uuid}`)
      ).json<{
        publicKeyAlgorithm: string;
        keySize: number;
      }>();
      expect(keyDetail).toMatchObject({ publicKeyAlgorithm: 'ECDSA', keySize: 384 });
    } finally {
      http.close();
      await mock.close();
    }
  });

  it('does not serve the legacy API without a legacy authority', async () => {
    const { mock, http, api } = await client('no-legacy');
    try {
      const res = await http.get(`${api}/v1/operations/${IDS.legacyRaProfileName}/endentity`);
      expect(res.status).toBe(404);
      expect(res.json<{ message: string }>().message).toContain('No endpoint');
    } finally {
      http.close();
      await mock.close();
    }
  });
});

describe('czertainly mock faults', () => {
  it('implements every declared fault (each name is switched on somewhere in the server)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { FAULTS } = await import('./faults.ts');
    // The server is every source file of the mock but the fault list itself.
    const dir = new URL('./', import.meta.url);
    const server = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && f !== 'faults.ts' && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    const missing = Object.keys(FAULTS).filter((f) => !server.includes(`'${f}'`));
    expect(missing).toEqual([]);
  });
});
