import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMock, Target } from '../../src/core/api.ts';
import { HttpClient } from '../../src/http/client.ts';
import { Redactor } from '../../src/http/redact.ts';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { csrSignatureValid, parseCsrPem } from '../../src/pki/csr.ts';
import { peerCertificate } from '../../suites/redfish/expect.ts';
import { mockTarget, startMock, type Fault, type Variant } from './index.ts';
import { MOCK_ACCOUNTS } from './variants.ts';

let running: RunningMock | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(variant: Variant, faults: Fault[] = []) {
  running = await startMock({ variant, faults });
  const t = mockTarget(variant, running);
  const basic = `Basic ${Buffer.from(`${MOCK_ACCOUNTS.admin.username}:${MOCK_ACCOUNTS.admin.password}`).toString('base64')}`;
  const http = new HttpClient({
    baseUrl: t.baseUrl,
    tls: t.tls,
    timeoutMs: 5000,
    redactor: new Redactor(),
    defaultHeaders: () => ({ authorization: basic }),
  });
  const target = { ...t, timeouts: { requestMs: 5000, operationMs: 5000, ruleMs: 5000 } } as Target;
  return { http, target };
}

const HTTPS = '/redfish/v1/Managers/Self/NetworkProtocol/HTTPS/Certificates/1';
const REKEY = `${HTTPS}/Actions/Certificate.Rekey`;

describe('redfish mock (ami)', () => {
  it('answers unknown routes and missing credentials with Redfish errors', async () => {
    const { http } = await start('ami');
    const root = await http.get('/redfish/v1', { noDefaultHeaders: true });
    expect(root.status).toBe(200);
    const anon = await http.get(HTTPS, { noDefaultHeaders: true });
    expect(anon.status).toBe(401);
    expect(anon.header('www-authenticate')).toMatch(/^Basic/);
    const missing = await http.get('/redfish/v1/NoSuchThing');
    expect(missing.status).toBe(404);
    expect(missing.json<{ error: { code: string } }>().error.code).toMatch(/\.ResourceNotFound$/);
  });

  it('refuses malformed and unknown Rekey parameters with Base messages', async () => {
    const { http } = await start('ami');
    const bad = await http.post(REKEY, {
      body: '{"KeyBitLength":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('Base.1.5.0.MalformedJSON');
    const unknown = await http.post(REKEY, { json: { Foo: 1 } });
    const info = unknown.json<{ error: { '@Message.ExtendedInfo': { MessageArgs: string[] }[] } }>().error[
      '@Message.ExtendedInfo'
    ][0]!;
    expect(unknown.status).toBe(400);
    expect(info.MessageArgs).toEqual(['Rekey', 'Foo']);
    const small = await http.post(REKEY, { json: { KeyBitLength: 512 } });
    expect(small.status).toBe(400);
  });

  it('returns a CSR for a new key, keeps the certificate, and serves a signed one once installed', async () => {
    const { http, target } = await start('ami');
    const before = (await peerCertificate(target)).raw;
    const res = await http.post(REKEY, { json: { KeyBitLength: 2048 } });
    expect(res.status).toBe(200);
    const body = res.json<{ CSRString: string; Messages: unknown[] }>();
    const csr = parseCsrPem(body.CSRString);
    expect(await csrSignatureValid(csr)).toBe(true);
    expect(body.Messages.length).toBe(1);
    expect((await peerCertificate(target)).raw.equals(before)).toBe(true);

    const ca = await TestCa.load();
    const signed = await ca.signCsr(csr.csr, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const replace = await http.post(
      '/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate',
      {
        json: {
          CertificateString: certPem(signed),
          CertificateType: 'PEM',
          CertificateUri: { '@odata.id': HTTPS },
        },
      },
    );
    expect(replace.status).toBe(200);
    expect(replace.header('location')).toBe(HTTPS);
    expect((await peerCertificate(target)).raw.equals(Buffer.from(signed.rawData))).toBe(true);
  });

  it('breaks the CSR signature under the csr-bad-signature fault', async () => {
    const { http } = await start('ami', ['csr-bad-signature']);
    const res = await http.post(REKEY, { json: {} });
    expect(await csrSignatureValid(parseCsrPem(res.json<{ CSRString: string }>().CSRString))).toBe(false);
  });
});

describe('redfish mock (other variants)', () => {
  it('takes ReplaceCertificate CertificateUri as a string too (iDRAC before 5.00, sushy), except on other-ids (bmcweb)', async () => {
    const replace = '/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate';
    for (const [variant, https, status] of [
      ['dmtf-sync', '/redfish/v1/Managers/BMC/NetworkProtocol/HTTPS/Certificates/1', 200],
      ['other-ids', '/redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates/server', 400],
    ] as const) {
      const { http } = await start(variant);
      const current = (await http.get(https)).json<{ CertificateString: string }>().CertificateString;
      const res = await http.post(replace, {
        json: { CertificateString: current, CertificateType: 'PEM', CertificateUri: https },
      });
      expect([variant, res.status]).toEqual([variant, status]);
      const link = await http.post(replace, {
        json: { CertificateString: current, CertificateType: 'PEM', CertificateUri: { '@odata.id': https } },
      });
      expect([variant, link.status]).toEqual([variant, 200]);
      await running?.close();
      running = undefined;
    }
  });

  it.each([
    ['dmtf-async', 'an absolute path'],
    ['dmtf-async-relative', 'a URI reference relative to the action (RFC 9110)'],
  ] as const)(
    '%s answers 202 with a task monitor (Location: %s) that ends in 200 + RekeyResponse',
    async (variant: Variant, _form: string) => {
      const { http } = await start(variant);
      const action =
        '/redfish/v1/Managers/BMC/NetworkProtocol/HTTPS/Certificates/1/Actions/Certificate.Rekey';
      const res = await http.post(action, { json: {} });
      expect(res.status).toBe(202);
      const location = res.header('location')!;
      if (variant === 'dmtf-async') expect(location).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\//);
      else expect(location).toMatch(/^\.\.\//);
      // Resolved as a client does.
      const monitor = new URL(location, `https://bmc.invalid${action}`).pathname;
      expect(monitor).toMatch(/^\/redfish\/v1\/TaskService\/TaskMonitors\//);
      expect((await http.get(monitor)).status).toBe(202);
      let done = await http.get(monitor);
      for (let i = 0; i < 5 && done.status === 202; i++) done = await http.get(monitor);
      expect(done.status).toBe(200);
      expect(done.json<{ CSRString: string }>().CSRString).toMatch(/BEGIN CERTIFICATE REQUEST/);
    },
  );

  it('session-only refuses Basic auth and accepts a session token', async () => {
    const { http } = await start('session-only');
    expect((await http.get('/redfish/v1/AccountService')).status).toBe(401);
    const login = await http.post('/redfish/v1/SessionService/Sessions', {
      json: { UserName: MOCK_ACCOUNTS.admin.username, Password: MOCK_ACCOUNTS.admin.password },
      noDefaultHeaders: true,
    });
    expect(login.status).toBe(201);
    const token = login.header('x-auth-token')!;
    expect(
      (
        await http.get('/redfish/v1/AccountService', {
          noDefaultHeaders: true,
          headers: { 'x-auth-token': token },
        })
      ).status,
    ).toBe(200);
  });
});

describe('redfish mock (DMTF names, degrees of freedom, residue)', () => {
  it('links the task service as "Tasks" (DMTF ServiceRoot)', async () => {
    const { http } = await start('ami');
    const root = (await http.get('/redfish/v1')).json<Record<string, unknown>>();
    expect(root.Tasks).toEqual({ '@odata.id': '/redfish/v1/TaskService' });
    expect(root).not.toHaveProperty('TaskService');
  });

  it('plain-http speaks plain HTTP', async () => {
    const { http, target } = await start('plain-http');
    expect(target.baseUrl).toMatch(/^http:\/\//);
    expect((await http.get('/redfish/v1/AccountService')).status).toBe(200);
  });

  it('sessions-disabled links SessionService with ServiceEnabled false and refuses logins with 405', async () => {
    const { http } = await start('sessions-disabled');
    const service = (await http.get('/redfish/v1/SessionService')).json<{ ServiceEnabled: boolean }>();
    expect(service.ServiceEnabled).toBe(false);
    const login = await http.post('/redfish/v1/SessionService/Sessions', {
      json: { UserName: MOCK_ACCOUNTS.admin.username, Password: MOCK_ACCOUNTS.admin.password },
      noDefaultHeaders: true,
    });
    expect(login.status).toBe(405);
  });

  it('ami-subset has no Boot certificates and no OEM LDAP client collection', async () => {
    const { http } = await start('ami-subset');
    const system = (await http.get('/redfish/v1/Systems/Self')).json<{ Boot?: Record<string, unknown> }>();
    expect(system.Boot ?? {}).not.toHaveProperty('Certificates');
    const ldap = (await http.get('/redfish/v1/AccountService/LDAP/Certificates')).json<
      Record<string, unknown>
    >();
    expect(ldap).not.toHaveProperty('Oem');
  });

  it('reports a session left open as residue, and none once it is deleted', async () => {
    const { http } = await start('ami');
    const login = await http.post('/redfish/v1/SessionService/Sessions', {
      json: { UserName: MOCK_ACCOUNTS.admin.username, Password: MOCK_ACCOUNTS.admin.password },
      noDefaultHeaders: true,
    });
    expect(await running!.residue!()).toHaveLength(1);
    expect((await http.delete(login.header('location')!)).status).toBe(204);
    expect(await running!.residue!()).toEqual([]);
  });
});
