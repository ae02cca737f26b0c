import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../paths.ts';
import { Redactor } from '../http/redact.ts';
import type { Target } from '../core/api.ts';
import { ARCHIVE_MASK, HarRecorder } from './har.ts';
import { looksLikePfx, sanitizePfx } from './pkcs12.ts';

const keyPem = readFileSync(repoPath('fixtures/pki/foreign/rsa-2048.pem'), 'utf8');
const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;

function selfSigned(): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2027-01-01T00:00:00Z');
  cert.setSubject([{ name: 'commonName', value: 'pfx.certconform.test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'pfx.certconform.test' }]);
  cert.sign(key, forge.md.sha256.create());
  return cert;
}

const toDer = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
const open = (der: Buffer, password: string) =>
  forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
    true,
    password,
  );

describe('sanitizePfx (a PKCS#12 archive in a recording)', () => {
  const cert = selfSigned();
  const pfx = toDer(forge.pkcs12.toPkcs12Asn1(key, [cert], 'device-password', { algorithm: '3des' }));

  it('keeps the certificates and the public half of the key, re-encrypted with the replay password', () => {
    expect(looksLikePfx(pfx)).toBe(true);
    const clean = sanitizePfx(pfx, [
      { value: 'wrong', replayAs: 'x' },
      { value: 'device-password', replayAs: '***' },
    ])!;
    expect(clean).toBeDefined();
    expect(() => open(clean, 'device-password')).toThrow();
    const p12 = open(clean, '***');
    const bagKey = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
      forge.pki.oids.pkcs8ShroudedKeyBag!
    ]![0]!.key as forge.pki.rsa.PrivateKey;
    expect(bagKey.n.equals(key.n) && bagKey.e.equals(key.e)).toBe(true);
    for (const part of [bagKey.d, bagKey.p, bagKey.q, bagKey.dP, bagKey.dQ, bagKey.qInv])
      expect(part.signum()).toBe(0);
    const certs = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!;
    expect(certs.map((b) => forge.pki.certificateToPem(b.cert!))).toEqual([forge.pki.certificateToPem(cert)]);
    // None of the private numbers is left anywhere in the bytes.
    const d = Buffer.from(key.d.toByteArray());
    expect(clean.includes(d.subarray(d.length - 32))).toBe(false);
  });

  it('is undefined when no known password opens the archive, or it is not one', () => {
    expect(sanitizePfx(pfx, [{ value: 'other', replayAs: 'x' }])).toBeUndefined();
    expect(looksLikePfx(Buffer.from('not a pfx, not at all'))).toBe(false);
  });
});

describe('a recording of an answer holding a PKCS#12 archive', () => {
  const pfx = toDer(forge.pkcs12.toPkcs12Asn1(key, [selfSigned()], 'device-password', { algorithm: '3des' }));
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
