import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../paths.ts';
import { Redactor } from '../http/redact.ts';
import type { Target } from '../core/api.ts';
import { sameKeyPair } from '../pki/keys.ts';
import { pemBlocks } from '../pki/pem.ts';
import { readPkcs12, writePkcs12, type Pkcs12ProtectionName } from '../pki/pkcs12.ts';
import { ARCHIVE_MASK, HarRecorder } from './har.ts';
import { looksLikePfx, sanitizePfx } from './pkcs12.ts';

const pki = (path: string) => readFileSync(repoPath('fixtures/pki', path));
const pkcs8 = (path: string) => createPrivateKey(pki(path)).export({ format: 'der', type: 'pkcs8' });
const certDer = (name: string) => pemBlocks(pki(`openssl/${name}`).toString('utf8'))[0]!.der;
const archive = (key: string, cert: string, protection: Pkcs12ProtectionName) =>
  writePkcs12([pkcs8(key)], [certDer(cert), pemBlocks(pki('ca/test-ca.cert.pem').toString())[0]!.der], {
    password: 'device-password',
    protection,
  });
const open = (der: Buffer, password: string) => readPkcs12(der, password);

describe('sanitizePfx (a PKCS#12 archive in a recording)', () => {
  const cases = [
    {
      what: 'RSA 3072, key 3DES, certificates in the clear',
      key: 'keys/rsa-3072-00.pem',
      cert: 'rsa-3072.crt',
      protection: 'clear-certs-3des',
    },
    {
      what: 'ECDSA P-256, AES-256',
      key: 'keys/ec-p256-00.pem',
      cert: 'ec-p256.crt',
      protection: 'aes256-sha256',
    },
    {
      what: 'ECDSA P-384, certificates RC2-40',
      key: 'keys/ec-p384-00.pem',
      cert: 'ec-p384.crt',
      protection: 'openssl-legacy',
    },
  ] as const;

  it.each(cases)('keeps the certificates and the public half of the key, re-encrypted: $what', (c) => {
    const pfx = archive(c.key, c.cert, c.protection);
    expect(looksLikePfx(pfx)).toBe(true);
    const clean = sanitizePfx(pfx, [
      { value: 'wrong', replayAs: 'x' },
      { value: 'device-password', replayAs: '***' },
    ])!;
    expect(clean).toBeDefined();
    expect(() => open(clean, 'device-password')).toThrow();
    const opened = open(clean, '***');
    expect(opened.certs.map((d) => d.toString('hex'))).toEqual(
      open(pfx, 'device-password').certs.map((d) => d.toString('hex')),
    );
    const key = opened.keys[0]!.key;
    // The replay compares what the recorded run compared: the same public half, and none of the private numbers.
    expect(sameKeyPair(key, createPublicKey(pki(c.key)))).toBe(true);
    const jwk = key.export({ format: 'jwk' });
    expect(Buffer.from(jwk.d!, 'base64url').every((b) => b === 0)).toBe(true);
    const d = Buffer.from(createPrivateKey(pki(c.key)).export({ format: 'jwk' }).d!, 'base64url');
    expect(clean.includes(d.subarray(d.length - 24))).toBe(false);
  });

  it('keeps a key that does not match its certificate not matching (the replay fails where the run failed)', () => {
    const pfx = writePkcs12([pkcs8('keys/ec-p256-01.pem')], [certDer('ec-p256.crt')], { password: 'pw' });
    const opened = open(sanitizePfx(pfx, [{ value: 'pw', replayAs: '***' }])!, '***');
    expect(sameKeyPair(opened.keys[0]!.key, createPublicKey(pki('keys/ec-p256-00.pem')))).toBe(false);
    expect(sameKeyPair(opened.keys[0]!.key, createPublicKey(pki('keys/ec-p256-01.pem')))).toBe(true);
  });

  it('is undefined when no known password opens the archive, or it is not one', () => {
    const pfx = archive('keys/ec-p256-00.pem', 'ec-p256.crt', 'aes256-sha256');
    expect(sanitizePfx(pfx, [{ value: 'other', replayAs: 'x' }])).toBeUndefined();
    expect(looksLikePfx(Buffer.from('not a pfx, not at all'))).toBe(false);
  });
});

describe('a recording of an answer holding a PKCS#12 archive', () => {
  const pfx = archive('keys/rsa-3072-00.pem', 'rsa-3072.crt', 'clear-certs-3des');
  const recorded = (body: Buffer, secrets: string[]) => {
    const redactor = new Redactor();
    for (const s of secrets) redactor.add(s);
    const recorder = new HarRecorder();
    recorder.exchange({
      startedAt: 0,
      rule: 'R-1',
      method: 'POST',
      url: 'https://device.test/enroll',
      requestHeaders: {},
      response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: {}, body },
      waitMs: 1,
      totalMs: 2,
    });
    const target = {
      name: 't',
      api: 'keyfactor',
      vendor: 'v',
      baseUrl: 'https://device.test',
      allowDestructive: true,
      timeouts: {},
      concurrency: 1,
      auth: { scheme: 'none' },
      accounts: {},
      tls: {},
      params: {},
    };
    const har = recorder.toHar(redactor, {
      seed: 1,
      epoch: new Date(0).toISOString(),
      clocks: {},
      target: target as unknown as Target,
      results: [],
    });
    return har.log.entries[0]!.response.content;
  };

  it('keeps it re-packed when a known password opens it, in a field of any name or as the whole body', () => {
    const inField = recorded(Buffer.from(JSON.stringify({ Archive: pfx.toString('base64') })), [
      'device-password',
    ]);
    const kept = Buffer.from((JSON.parse(inField.text!) as { Archive: string }).Archive, 'base64');
    expect(() => open(kept, '***')).not.toThrow();
    const whole = recorded(pfx, ['device-password']);
    expect(whole.encoding).toBe('base64');
    expect(() => open(Buffer.from(whole.text!, 'base64'), '***')).not.toThrow();
  });

  it('masks it whole when no known password opens it (its key is in there, encrypted or not)', () => {
    const inField = recorded(Buffer.from(JSON.stringify({ Archive: pfx.toString('base64') })), []);
    expect(JSON.parse(inField.text!)).toEqual({ Archive: ARCHIVE_MASK });
    expect(recorded(pfx, []).text).toBe(ARCHIVE_MASK);
  });
});
