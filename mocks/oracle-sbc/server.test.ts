import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import { repoPath } from '../../src/paths.ts';
import { parseCsrPem } from '../../src/pki/csr.ts';
import type { Fault } from './faults.ts';
import { MSG, startSbcMock, type SbcMock } from './server.ts';
import { VARIANT_CONFIG, type Variant } from './variants.ts';

const ca = readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');
let mock: SbcMock | undefined;
let http: HttpClient | undefined;
afterEach(async () => {
  http?.close();
  await mock?.close();
  mock = undefined;
});

async function start(variant: Variant = 'default', faults: Fault[] = []) {
  mock = await startSbcMock({ variant, faults });
  http = new HttpClient({ baseUrl: mock.url, tls: { ca }, timeoutMs: 5000, redactor: new Redactor() });
  return { mock, http };
}

const xml = { accept: 'application/xml' };
const basic = (u: { username: string; password: string }) => ({
  ...xml,
  authorization: 'Basic ' + Buffer.from(`${u.username}:${u.password}`).toString('base64'),
});

async function token(h: HttpClient, user = VARIANT_CONFIG.default.admin): Promise<Record<string, string>> {
  const res = await h.post('/rest/v1.2/auth/token', { headers: basic(user) });
  expect(res.status).toBe(200);
  return { ...xml, authorization: `Bearer ${/<accessToken>([^<]+)</.exec(res.text)![1]}` };
}

const recordXml = (name: string) =>
  `<configElement><elementType>certificate-record</elementType><attribute><name>name</name><value>${name}</value></attribute>` +
  `<attribute><name>common-name</name><value>sbc.example</value></attribute></configElement>`;

describe('oracle-sbc mock', () => {
  // Route-level answers (status, media type, body) through supertest.
  it('answers 426 "Client must connect with HTTPS" on its plain-HTTP port', async () => {
    const { mock } = await start();
    const res = await request(mock.httpUrl).get('/rest/api/supportedversions').set(xml).expect(426);
    expect(res.text).toContain(MSG.https);
  });

  it('lists its versions without a version segment, and refuses one with it', async () => {
    const { mock } = await start();
    const res = await request(mock.url)
      .get('/rest/api/supportedversions')
      .ca(ca)
      .set(xml)
      .expect(200)
      .expect('content-type', /^application\/xml(;|$)/);
    expect(res.text).toMatch(/<latestVersion>v1\.2<\/latestVersion>/);
    const versioned = await request(mock.url)
      .get('/rest/v1.2/api/supportedversions')
      .ca(ca)
      .set(xml)
      .expect(404);
    expect(versioned.text).toContain(MSG.versionInDiscovery);
  });
  it('answers unknown routes with 404 naming the path, and a wrong verb with 405', async () => {
    const { http } = await start();
    const headers = await token(http);
    const unknown = await http.get('/rest/v1.2/no/such/thing', { headers });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('/rest/v1.2/no/such/thing');
    expect((await http.delete('/rest/v1.2/configuration/lock', { headers })).status).toBe(405);
  });

  it('answers 401 "Client not authorized", 406 and 415 as documented', async () => {
    const { http } = await start();
    const anonymous = await http.post('/rest/v1.2/configuration/lock', { headers: xml });
    expect([anonymous.status, anonymous.text.includes(MSG.unauthorized)]).toEqual([401, true]);
    expect(
      (await http.get('/rest/api/supportedversions', { headers: { accept: 'application/json' } })).status,
    ).toBe(406);
    const headers = await token(http);
    const json = await http.post('/rest/v1.2/configuration/configElements', { headers, json: { name: 'x' } });
    expect(json.status).toBe(415);
  });

  it('keeps the lock per token, with the two documented 423 messages', async () => {
    const { http } = await start();
    const admin = await token(http);
    const admin2 = await token(http, VARIANT_CONFIG.default.otherAdmin);
    const freeUnlock = await http.post('/rest/v1.2/configuration/unlock', { headers: admin });
    expect([freeUnlock.status, freeUnlock.text.includes(MSG.noLock)]).toEqual([423, true]);
    expect((await http.post('/rest/v1.2/configuration/lock', { headers: admin })).status).toBe(204);
    const other = await http.post('/rest/v1.2/configuration/lock', { headers: admin2 });
    expect([other.status, other.text.includes(MSG.lockedByOther)]).toEqual([423, true]);
    const sameUserOtherToken = await http.post('/rest/v1.2/configuration/unlock', {
      headers: await token(http),
    });
    expect(sameUserOtherToken.status).toBe(423);
    expect((await http.post('/rest/v1.2/configuration/unlock', { headers: admin })).status).toBe(204);
  });

  it('refuses a non-administrator with 403', async () => {
    const { http } = await start();
    const user = await token(http, VARIANT_CONFIG.default.nonAdmin);
    expect((await http.post('/rest/v1.2/configuration/lock', { headers: user })).status).toBe(403);
    const gen = await http.put('/rest/v1.2/configuration/certificates/generateRequest?recordName=x', {
      headers: user,
    });
    expect(gen.status).toBe(403);
  });

  it('generates a CSR from the record under the lock, 404 for an unknown record', async () => {
    const { http } = await start();
    const headers = await token(http);
    expect((await http.post('/rest/v1.2/configuration/lock', { headers })).status).toBe(204);
    const created = await http.post('/rest/v1.2/configuration/configElements', {
      headers: { ...headers, 'content-type': 'application/xml' },
      body: recordXml('r1'),
    });
    expect(created.status).toBe(200);
    const unknown = await http.put('/rest/v1.2/configuration/certificates/generateRequest?recordName=nope', {
      headers,
    });
    expect([unknown.status, unknown.text.includes(MSG.recordNotFound)]).toEqual([404, true]);
    const res = await http.put('/rest/v1.2/configuration/certificates/generateRequest?recordName=r1', {
      headers,
    });
    expect(res.status).toBe(200);
    const pem = /<certificateSignedRequest>([\s\S]*?)<\/certificateSignedRequest>/.exec(res.text)![1]!;
    const csr = parseCsrPem(pem);
    expect(csr.csr.subject).toBe('C=US, ST=MA, L=Burlington, O=Engineering, CN=sbc.example');
    expect(await csr.csr.verify()).toBe(true);
  });

  it("lets tokens (and the lock they hold) expire after the variant's lifetime", async () => {
    const { http, mock } = await start('short-token');
    const headers = await token(http, VARIANT_CONFIG['short-token'].admin);
    expect((await http.post('/rest/v1.2/configuration/lock', { headers })).status).toBe(204);
    const session = [...mock.state.sessions.values()][0]!;
    session.expiresAt = Date.now() - 1; // fast-forward instead of waiting 5 s
    expect(mock.state.lockHolder()).toBeUndefined();
    expect((await http.post('/rest/v1.2/configuration/unlock', { headers })).status).toBe(401);
  });
});
