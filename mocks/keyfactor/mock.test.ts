import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import { repoPath } from '../../src/paths.ts';
import { openPfx } from '../../suites/keyfactor/pfx/pkcs12.ts';
import type { RunningMock } from '../../src/core/api.ts';
import { keyfactorMockTarget, startKeyfactorMock } from './index.ts';
import { USERS, VARIANT_CONFIG } from './state.ts';

const ca = readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');
const basic = (u: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
const admin = { authorization: basic(USERS.admin), 'x-keyfactor-requested-with': 'APIClient' };

describe('keyfactor mock (default variant)', () => {
  let mock: RunningMock;
  let http: HttpClient;
  let base: string;
  const ids = VARIANT_CONFIG.default.ids;

  beforeAll(async () => {
    mock = await startKeyfactorMock({ variant: 'default', faults: [] });
    base = keyfactorMockTarget('default', mock).baseUrl;
    http = new HttpClient({ baseUrl: base, tls: { ca }, timeoutMs: 10_000, redactor: new Redactor() });
  });
  afterAll(async () => {
    http.close();
    await mock.close();
  });

  const renew = (body: unknown, headers: Record<string, string> = admin) =>
    http.post(`${base}/Enrollment/Renew`, { json: body, headers });
  const now = () => new Date().toISOString();

  it('serves HTTPS under /KeyfactorAPI with a certificate from the test CA', () => {
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/KeyfactorAPI$/);
  });

  // Route-level answers (status, headers, body shape) through supertest, against the running HTTPS mock.
  const route = (method: 'get' | 'post', path: string) => request(base)[method](path).ca(ca);
  const errorShape = { ErrorCode: expect.any(String), Message: expect.any(String) };

  it('answers 401 with the error shape when no credentials are given', async () => {
    const res = await route('get', `/Enrollment/AvailableRenewal/Id/${ids.renewable}`)
      .set('x-keyfactor-requested-with', 'APIClient')
      .expect(401)
      .expect('content-type', /json/);
    expect(res.body).toEqual(errorShape);
  });

  it('refuses a request without x-keyfactor-requested-with', async () => {
    const res = await route('get', `/Enrollment/AvailableRenewal/Id/${ids.renewable}`)
      .set('authorization', admin.authorization)
      .expect(400);
    expect(res.body.Message).toMatch(/X-Keyfactor-Requested-With/);
  });

  it('answers unknown routes 404 with a message naming the route', async () => {
    const res = await route('get', '/Enrollment/Nope').set(admin).expect(404);
    expect(res.body.Message).toContain('/KeyfactorAPI/Enrollment/Nope');
  });

  it("answers a malformed JSON body with 400 and the error shape, not fastify's", async () => {
    const res = await route('post', '/Enrollment/Renew')
      .set(admin)
      .set('content-type', 'application/json')
      .send('{"CertificateId":')
      .expect(400);
    expect(res.body).toEqual(errorShape);
  });

  it('renews with the documented response fields and casing', async () => {
    const res = await renew({
      CertificateId: ids.renewable,
      Timestamp: now(),
      CertificateAuthority: 'ca01.certconform.test\\CertConform Issuing CA',
      Template: 'WebServer',
    });
    expect(res.status).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(
      [
        'DispositionMessage',
        'IssuerDN',
        'KeyfactorID',
        'KeyfactorRequestID',
        'Password',
        'RequestDisposition',
        'SerialNumber',
        'Thumbprint',
      ].sort(),
    );
    expect(body.Thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('refuses both CertificateId and Thumbprint, and neither', async () => {
    const both = await renew({
      CertificateId: ids.renewable,
      Thumbprint: 'AB',
      Timestamp: now(),
      CertificateAuthority: 'x',
      Template: 'y',
    });
    expect(both.status).toBe(400);
    const neither = await renew({ Timestamp: now() });
    expect(neither.status).toBe(400);
    expect(neither.json<{ Message: string }>().Message).toMatch(/not both/);
  });

  it('renews a one-click certificate without CA and template, but not a seeded-only one', async () => {
    expect((await renew({ CertificateId: ids.oneClick, Timestamp: now() })).status).toBe(200);
    expect((await renew({ CertificateId: ids.renewable, Timestamp: now() })).status).toBe(400);
  });

  it('scopes the collection user to its collection', async () => {
    const scoped = { authorization: basic(USERS.collectionUser), 'x-keyfactor-requested-with': 'APIClient' };
    const path = `${base}/Enrollment/AvailableRenewal/Id/${ids.inCollection}`;
    expect((await http.get(path, { headers: scoped })).status).toBe(403);
    expect((await http.get(`${path}?collectionId=7`, { headers: scoped })).status).toBe(200);
    expect(
      (
        await http.get(`${base}/Enrollment/AvailableRenewal/Id/${ids.renewable}?collectionId=7`, {
          headers: scoped,
        })
      ).status,
    ).toBe(403);
  });

  it('answers a PFX that opens with the answered password and holds the key', async () => {
    const res = await http.post(`${base}/Enrollment/PFX`, {
      json: {
        RenewalCertificateId: ids.renewable,
        CertificateAuthority: 'ca01.certconform.test\\CertConform Issuing CA',
        Template: 'WebServer',
        Timestamp: now(),
      },
      headers: { ...admin, 'x-certificateformat': 'PFX' },
    });
    expect(res.status).toBe(200);
    const info = res.json<{ CertificateInformation: { Pkcs12Blob: string; Password: string } }>()
      .CertificateInformation;
    const pfx = openPfx(Buffer.from(info.Pkcs12Blob, 'base64'), info.Password);
    expect(pfx.keys).toHaveLength(1);
    expect(pfx.certs).toHaveLength(2);
    expect(() => openPfx(Buffer.from(info.Pkcs12Blob, 'base64'), 'wrong')).toThrow(/password/i);
  });

  it('requires the x-certificateformat header on PFX enrollment', async () => {
    const res = await http.post(`${base}/Enrollment/PFX`, { json: { Timestamp: now() }, headers: admin });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      ErrorCode: '0xA0110007',
      Message: "You must supply a certificate format in the 'X-CertificateFormat' header of the request.",
    });
  });
});

describe('keyfactor mock (bearer variant)', () => {
  it('accepts the Bearer token and refuses Basic credentials', async () => {
    const mock = await startKeyfactorMock({ variant: 'bearer', faults: [] });
    const http = new HttpClient({
      baseUrl: mock.url,
      tls: { ca },
      timeoutMs: 10_000,
      redactor: new Redactor(),
    });
    try {
      const url = `${keyfactorMockTarget('bearer', mock).baseUrl}/Enrollment/AvailableRenewal/Id/101`;
      const h = { 'x-keyfactor-requested-with': 'APIClient' };
      expect(
        (await http.get(url, { headers: { ...h, authorization: `Bearer ${USERS.admin.token}` } })).status,
      ).toBe(200);
      expect((await http.get(url, { headers: { ...h, authorization: basic(USERS.admin) } })).status).toBe(
        401,
      );
    } finally {
      http.close();
      await mock.close();
    }
  });
});

describe('keyfactor mock store jobs and residue', () => {
  const CA = 'ca01.certconform.test\\CertConform Issuing CA';
  const storesOf = async (http: HttpClient, base: string, id: number) =>
    (await http.get(`${base}/Certificates/${id}?includeLocations=true`, { headers: admin })).json<{
      Locations: Array<{ CertStoreId: string; Alias: string }>;
    }>().Locations;

  async function replaceAndUndo(variant: 'default' | 'instant-jobs') {
    const mock = await startKeyfactorMock({ variant, faults: [] });
    const base = keyfactorMockTarget(variant, mock).baseUrl;
    const http = new HttpClient({ baseUrl: base, tls: { ca }, timeoutMs: 10_000, redactor: new Redactor() });
    const oldId = VARIANT_CONFIG[variant].ids.inStores;
    try {
      const before = await storesOf(http, base, oldId);
      expect(before).toHaveLength(2);
      const renewed = await http.post(`${base}/Enrollment/Renew`, {
        json: {
          CertificateId: oldId,
          Timestamp: new Date().toISOString(),
          CertificateAuthority: CA,
          Template: 'WebServer',
        },
        headers: admin,
      });
      const newId = renewed.json<{ KeyfactorID: number }>().KeyfactorID;
      const replaced = await http.post(`${base}/Enrollment/PFX/Replace`, {
        json: { ExistingCertificateId: oldId, CertificateId: newId },
        headers: admin,
      });
      expect(replaced.status).toBe(200);
      const right = await storesOf(http, base, oldId);
      const left = await mock.residue!();
      expect(left.length).toBeGreaterThan(0);
      // The undo the suite makes: the old certificate back under its aliases.
      const undo = await http.post(`${base}/CertificateStores/Certificates/Add`, {
        json: {
          CertificateId: oldId,
          CertificateStores: before.map((l) => ({
            CertificateStoreId: l.CertStoreId,
            Alias: l.Alias,
            Overwrite: true,
          })),
          Schedule: { Immediate: true },
        },
        headers: admin,
      });
      expect(undo.status).toBe(200);
      expect(await mock.residue!()).toEqual([]);
      return right;
    } finally {
      http.close();
      await mock.close();
    }
  }

  it('runs Replace jobs after the answer by default, and before it on instant-jobs', async () => {
    // Right after the answer the old certificate may still be in its stores, or already gone: both conform.
    await replaceAndUndo('default'); // the job may or may not have run by the next request (300 ms lag)
    expect(await replaceAndUndo('instant-jobs')).toHaveLength(0);
  });

  it('answers the authenticated probe and refuses it without valid credentials', async () => {
    const mock = await startKeyfactorMock({ variant: 'default', faults: [] });
    const base = keyfactorMockTarget('default', mock).baseUrl;
    const http = new HttpClient({ baseUrl: base, tls: { ca }, timeoutMs: 10_000, redactor: new Redactor() });
    try {
      expect((await http.get(`${base}/Status/Endpoints`, { headers: admin })).status).toBe(200);
      const wrong = { ...admin, authorization: basic({ ...USERS.admin, password: 'nope' }) };
      expect((await http.get(`${base}/Status/Endpoints`, { headers: wrong })).status).toBe(401);
    } finally {
      http.close();
      await mock.close();
    }
  });
});

describe('keyfactor mock (renew-only variant)', () => {
  it('lists no PFX or store endpoint for the main account, and refuses them 403', async () => {
    const mock = await startKeyfactorMock({ variant: 'renew-only', faults: [] });
    const base = keyfactorMockTarget('renew-only', mock).baseUrl;
    const http = new HttpClient({ baseUrl: base, tls: { ca }, timeoutMs: 10_000, redactor: new Redactor() });
    try {
      const listed = (await http.get(`${base}/Status/Endpoints`, { headers: admin })).json<string[]>();
      expect(listed).toContain('POST /Enrollment/Renew');
      expect(listed.filter((e) => /PFX|CertificateStores/.test(e))).toEqual([]);
      const pfx = await http.post(`${base}/Enrollment/PFX`, {
        json: { Timestamp: new Date().toISOString() },
        headers: { ...admin, 'x-certificateformat': 'PFX' },
      });
      expect(pfx.status).toBe(403);
      expect(pfx.json()).toEqual({ ErrorCode: expect.any(String), Message: expect.any(String) });
    } finally {
      http.close();
      await mock.close();
    }
  });
});
