import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/core/api.ts';
import { UsageError } from '../src/core/errors.ts';
import { Redactor } from '../src/http/redact.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { loadProfile, targetFromProfile } from '../src/profile/load.ts';
import { APIS } from '../suites/index.ts';
import { TEST_CA_PEM } from '../mocks/redfish/server.ts';
import { mockupLayout, mockupTarget, startMockup } from '../mocks/redfish/mockup/index.ts';
import {
  MISREADING,
  UNREVIEWED,
  advertisesRekey,
  corpusEntries,
  judge,
  postsRekey,
  readExpected,
  verdicts,
  type Judgement,
} from '../fixtures/mockups/corpus.ts';
import { tempDir } from './helpers.ts';

/**
 * The real-product corpus (fixtures/mockups, SOURCES.md): every capture judged by the whole Redfish suite through
 * `mock redfish --from-mockup`, verdict for verdict as reviewed in `<name>/expected.json`
 * (`npx tsx fixtures/mockups/update.ts` regenerates them, keeping the reviews).
 */
const entries = corpusEntries();

describe('real-product corpus', () => {
  it('has captures, each with its reviewed expectations', () => {
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const name of entries) expect(readExpected(name), `${name}/expected.json`).toBeDefined();
  });

  describe.each(entries)('%s', (name) => {
    const expected = readExpected(name);

    it('read-only capture: every verdict as reviewed, no fail or warn without a reviewed citation', async () => {
      const j = await judge(name, 'capture');
      const v = verdicts(j, expected?.capture);
      expect(v.rules).toEqual(expected?.capture.rules);
      expect(v.absent).toEqual(expected?.capture.absent);
      // A capture that offers no Rekey says so in its headline (optional is not missing).
      if (!advertisesRekey(name))
        expect(v.absent.filter((a) => a.startsWith('Rekey: not offered'))).toHaveLength(1);
      for (const f of v.findings) {
        expect(f.review, `${f.rule} needs a review`).not.toMatch(new RegExp(`^${UNREVIEWED}`));
        expect(f.review, `${f.rule}: ${f.review}`).not.toMatch(new RegExp(`^${MISREADING}`));
      }
    });

    // Only a capture that advertises Rekey can show "advertised but not served".
    if (advertisesRekey(name))
      it('served with every action POST answered 405: one Rekey finding, the other Rekey rules not evaluated', async () => {
        const j: Judgement = await judge(name, 'served');
        expect(verdicts(j, expected?.served).rules).toEqual(expected?.served?.rules);
        const notServed = j.results.filter((r) => r.cause?.what.startsWith('Rekey not served'));
        const rekey = j.results.filter((r) => postsRekey(r) || notServed.includes(r));
        const owners = rekey.filter((r) => r.status === 'fail');
        expect(owners.map((r) => r.rule)).toHaveLength(1);
        const owner = owners[0]!;
        expect(owner.message).toMatch(/^Rekey not served \(405\)/);
        for (const r of rekey.filter((x) => x !== owner)) {
          expect(r.status, `${r.rule}: ${r.message}`).toBe('error');
          expect(r.cause?.what, r.rule).toMatch(/^Rekey not served/);
          expect(r.cause?.owner, r.rule).toBe(owner.rule);
        }
      });
  });
});

describe('mock redfish --from-mockup (the capture server)', () => {
  let mock: RunningMock;
  const agent = new Agent({ ca: TEST_CA_PEM() });
  const call = (method: string, path: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(`${mock.url}${path}`, { method, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });

  beforeAll(async () => {
    // A Mockup Creator layout with a headers.json and a $metadata document.
    const dir = tempDir('mockup-');
    const put = (path: string, file: string, text: string) => {
      mkdirSync(join(dir, 'redfish', 'v1', path), { recursive: true });
      writeFileSync(join(dir, 'redfish', 'v1', path, file), text);
    };
    put('', 'index.json', JSON.stringify({ '@odata.id': '/redfish/v1', '@Redfish.Copyright': 'DMTF' }));
    put('Managers', 'index.json', JSON.stringify({ '@odata.id': '/redfish/v1/Managers', Members: [] }));
    put('Managers', 'headers.json', JSON.stringify({ GET: { ETag: '"7"', 'Content-Length': '1' } }));
    put('$metadata', 'index.xml', '<edmx:Edmx Version="4.0"/>');
    mock = await startMockup(dir);
  });
  afterAll(async () => {
    agent.destroy();
    await mock.close();
  });

  it('answers GET of a captured resource with and without trailing slash, with its captured headers', async () => {
    for (const path of ['/redfish/v1/Managers', '/redfish/v1/Managers/']) {
      const res = await call('GET', path);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ '@odata.id': '/redfish/v1/Managers', Members: [] });
      expect(res.headers.etag).toBe('"7"');
    }
    expect((await call('HEAD', '/redfish/v1/Managers')).status).toBe(200);
  });

  it('serves /redfish, the service root without the mockup annotation, and $metadata', async () => {
    expect(JSON.parse((await call('GET', '/redfish')).body)).toEqual({ v1: '/redfish/v1/' });
    expect(JSON.parse((await call('GET', '/redfish/v1')).body)).toEqual({ '@odata.id': '/redfish/v1' });
    const metadata = await call('GET', '/redfish/v1/$metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.headers['content-type']).toMatch(/^application\/xml/);
  });

  it('answers 404 with a Redfish error for what was not captured, and never leaves the capture', async () => {
    for (const path of ['/redfish/v1/Systems', '/redfish/v1/%2e%2e/%2e%2e/package.json', '/index.json']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body).error['@Message.ExtendedInfo'][0].MessageId).toMatch(/ResourceNotFound$/);
    }
  });

  it('refuses every change with 405, Allow: GET, HEAD and an extended error', async () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      const res = await call(method, '/redfish/v1/Managers');
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(res.body).error.code).toMatch(/OperationNotAllowed$/);
    }
  });

  it('writes a profile that `run --profile` reads as a read-only capture of the generic vendor', () => {
    const dir = tempDir('mockup-profile-');
    const { profile } = writeMockProfile(join(dir, 'capture.yaml'), mockupTarget(mock, { name: 'capture' }));
    const redactor = new Redactor();
    const target = targetFromProfile(loadProfile(profile, APIS, redactor), redactor);
    expect(target).toMatchObject({
      api: 'redfish',
      baseUrl: mock.url,
      vendor: 'generic',
      capture: true,
      allowDestructive: false,
      auth: { scheme: 'none' },
    });
    expect(target.tls.ca).toBe(TEST_CA_PEM());
  });

  it('refuses a directory that holds no capture', () => {
    expect(() => mockupLayout(tempDir('not-a-mockup-'))).toThrow(UsageError);
  });
});
