import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../src/core/api.ts';
import { check, notApplicable, show } from '../../src/core/check.ts';
import { TransportError } from '../../src/core/errors.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { KeyPool, type PooledKey } from '../../src/pki/keys.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { type CryptoKey } from '../../src/pki/x509.ts';
import { certOf, discover, getJson, type CertInfo, type RedfishCtx } from './context.ts';
import { messageIds, peerCertificate, sansOf } from './expect.ts';
import { certificateOf, fingerprintOf } from './rekey.ts';

/** Keys the suite installs with a certificate (never the mock's: its pool starts elsewhere). */
const pool = new KeyPool(30);
export const takeSuiteKey = (bits: number): Promise<PooledKey> => pool.take(bits);

export interface HttpsTemplate {
  cert: CertInfo;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
}

/** The HTTPS certificate to replace: its resource, subject, and the names the port presents today. */
export async function httpsTemplate(t: RuleRun<RedfishCtx>): Promise<HttpsTemplate> {
  const cert = await certOf(t, 'https');
  const d = await discover(t);
  if (!d.replaceTarget) notApplicable('CertificateService advertises no ReplaceCertificate');
  const current = certificateOf(await getJson(t.ctx.http, cert.uri));
  const peer = await peerCertificate(t.target);
  return { cert, subject: current.subject, ...sansOf(peer.subjectaltname) };
}

export async function issueFor(
  tpl: HttpsTemplate,
  publicKey: x509.PublicKey | CryptoKey,
  opts: { notBefore?: Date; notAfter?: Date; extraDnsNames?: string[] } = {},
): Promise<x509.X509Certificate> {
  const ca = await TestCa.load();
  return ca.issue({
    subject: tpl.subject,
    publicKey,
    dnsNames: [...tpl.dnsNames, ...(opts.extraDnsNames ?? [])],
    ipAddresses: tpl.ipAddresses,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
    ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
    ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
  });
}

/** CertificateService.ReplaceCertificate (PEM). The CertificateString may hold the private key as well. */
export async function replaceCertificate(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  certificateString: string,
): Promise<HttpResponse> {
  const d = await discover(t);
  return t.ctx.http.post(d.replaceTarget!, {
    json: {
      CertificateString: certificateString,
      CertificateType: 'PEM',
      CertificateUri: { '@odata.id': cert.uri },
    },
  });
}

/**
 * Puts a working certificate back on the HTTPS port after a rule changed it: a test-CA certificate with the same
 * subject and names, installed with its key. The original cannot come back: its private key never left the device.
 */
export async function restoreHttps(t: RuleRun<RedfishCtx>, tpl: HttpsTemplate): Promise<void> {
  const key = await takeSuiteKey(2048);
  const cert = await issueFor(tpl, key.keys.publicKey);
  const res = await replaceCertificate(t, tpl.cert, `${certPem(cert)}${key.privatePem}`);
  t.note(
    `restored a working HTTPS certificate (test CA, same subject) after the change: ReplaceCertificate answered ${res.status}`,
  );
}

/** An install the service must refuse: a 400 with a Redfish error, and the certificate unchanged. */
export async function expectRefusedInstall(
  t: RuleRun<RedfishCtx>,
  tpl: HttpsTemplate,
  what: string,
  certificateString: string,
): Promise<void> {
  const before = fingerprintOf(await getJson(t.ctx.http, tpl.cert.uri));
  const res = await replaceCertificate(t, tpl.cert, certificateString);
  const after = fingerprintOf(await getJson(t.ctx.http, tpl.cert.uri));
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  if (changed || (res.status >= 200 && res.status < 300))
    t.cleanup(`HTTPS certificate ${tpl.cert.uri} (restore)`, () => restoreHttps(t, tpl));
  check(
    res.status === 400,
    `ReplaceCertificate with ${what}: expected 400 with a Redfish error, got ${res.status} ${show(res.text)}`,
  );
  check(
    messageIds(res.text.trim() ? res.json() : undefined).length > 0,
    `ReplaceCertificate with ${what}: 400 without an extended error`,
  );
  check(!changed, `ReplaceCertificate with ${what} was refused but the HTTPS certificate changed`);
}

/** Waits until the TLS port presents `der` (services restart their web server after an install). */
export async function waitForPeer(
  t: RuleRun<RedfishCtx>,
  der: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: Buffer | undefined;
  for (;;) {
    try {
      last = (await peerCertificate(t.target)).raw;
      if (last.equals(der)) return last;
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
    }
    if (Date.now() >= deadline) return last;
    await sleep(Math.min(1000, Math.max(50, t.ctx.pollMs)));
  }
}
