import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuleRun } from '../../src/core/api.ts';
import {
  NOT_SERVED_STATUSES,
  check,
  confirmServerError,
  describeAnswer,
  notApplicable,
  readJson,
  requireServed,
  show,
} from '../../src/core/check.ts';
import { TransportError } from '../../src/core/errors.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import { TestCa, certPem } from '../../src/pki/ca.ts';
import { KeyPool, type PooledKey } from '../../src/pki/keys.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { type CryptoKey } from '../../src/pki/x509.ts';
import { discover, type CertInfo, type Json, type RedfishCtx } from './context.ts';
import { extendedInfo, messageIds, peerCertificate, sansOf, splitMessageId } from './expect.ts';
import { certificateOf, fingerprintOf } from './rekey.ts';
import { REPLACE_SERVED_RULE, replaceServed } from './served.ts';

/** Keys the suite installs with a certificate (never the mock's: its pool starts elsewhere). */
const pool = new KeyPool(30);
export const takeSuiteKey = (bits: number): Promise<PooledKey> => pool.take(bits);

export interface HttpsTemplate {
  cert: CertInfo;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
}

const readCert = (t: RuleRun<RedfishCtx>, uri: string, when: string): Promise<Json> =>
  readJson<Json>(t.ctx.http, uri, `read ${uri} ${when}`);

/**
 * The HTTPS certificate to replace: its resource, subject and names, all from the installed certificate
 * (CertificateString), so the template needs no TLS connection (a service reached over plain HTTP has one too).
 */
export async function httpsTemplate(t: RuleRun<RedfishCtx>): Promise<HttpsTemplate> {
  const d = await discover(t);
  // The Rekey-capable one when there is one (RF-E2E-001..003 rekey it); any HTTPS certificate otherwise.
  const cert = d.byKind.https ?? d.certs.find((c) => c.kind === 'https');
  if (!cert) notApplicable('no certificate under Managers/{id}/NetworkProtocol HTTPS.Certificates');
  if (!d.replaceTarget) notApplicable('CertificateService advertises no ReplaceCertificate');
  const current = certificateOf(await readCert(t, cert.uri, 'to copy its subject and names'));
  const names = new X509Certificate(Buffer.from(current.rawData)).subjectAltName;
  return { cert, subject: current.subject, ...sansOf(names) };
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

async function postReplace(
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

/** CertificateService.ReplaceCertificate (PEM). The CertificateString may hold the private key as well. */
export async function replaceCertificate(
  t: RuleRun<RedfishCtx>,
  cert: CertInfo,
  certificateString: string,
): Promise<HttpResponse> {
  const res = await postReplace(t, cert, certificateString);
  // Not served at all (404/405/501) is RF-REQ-020's finding; no rule that needed the install was evaluated.
  return requireServed(res, 'ReplaceCertificate', REPLACE_SERVED_RULE);
}

/**
 * Puts a working certificate back on the HTTPS port after a rule changed it: a test-CA certificate with the same
 * subject and names, installed with its key. The original cannot come back: its private key never left the device.
 */
export async function restoreHttps(t: RuleRun<RedfishCtx>, tpl: HttpsTemplate): Promise<void> {
  const key = await takeSuiteKey(2048);
  const cert = await issueFor(tpl, key.keys.publicKey);
  const res = await replaceCertificate(t, tpl.cert, `${certPem(cert)}${key.privatePem}`);
  if (res.status < 200 || res.status >= 300) throw new Error(`restoring: ${describeAnswer(res)}`);
  t.note('restored a working HTTPS certificate (test CA, same subject and names) after the change');
}

/**
 * An install the service must refuse: a 400 with a Redfish error, and the certificate unchanged. The restore is
 * registered before the attempt: it puts a working certificate back only when the certificate did change.
 */
export async function expectRefusedInstall(
  t: RuleRun<RedfishCtx>,
  tpl: HttpsTemplate,
  what: string,
  certificateString: string,
): Promise<void> {
  const before = fingerprintOf(await readCert(t, tpl.cert.uri, 'before the install'));
  t.cleanup(`HTTPS certificate ${tpl.cert.uri} (restore when the refused install changed it)`, async () => {
    const now = fingerprintOf(await readCert(t, tpl.cert.uri, 'to see whether it changed'));
    if (JSON.stringify(now) !== JSON.stringify(before)) await restoreHttps(t, tpl);
  });
  // The refusal's status is the finding (judgesServerErrors): a 5xx is sent once more and the second answer judged;
  // 404/405/501 is RF-REQ-020's finding when ReplaceCertificate is not served at all, else this rule's.
  const res = await confirmServerError(() => postReplace(t, tpl.cert, certificateString));
  if (NOT_SERVED_STATUSES.includes(res.status)) await replaceServed(t);
  const after = fingerprintOf(await readCert(t, tpl.cert.uri, 'after the install'));
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  check(
    res.status === 400,
    `ReplaceCertificate with ${what}: expected 400 with a Redfish error, got ${res.status} ${show(res.text)}`,
  );
  const body: Json = res.text.trim() ? res.json() : undefined;
  check(messageIds(body).length > 0, `ReplaceCertificate with ${what}: 400 without an extended error`);
  // The fixture differs from a good install in the certificate string only: a refusal that blames another
  // parameter was refused for something else, and says nothing about the property under test.
  for (const m of extendedInfo(body)) {
    const { registry, key } = splitMessageId(String(m?.MessageId ?? ''));
    const at = registry === 'Base' ? PARAMETER_ARG[key] : undefined;
    const named = at === undefined ? undefined : (m?.MessageArgs as unknown[] | undefined)?.[at];
    check(
      named === undefined || /^Certificate(String)?$/.test(String(named)),
      `ReplaceCertificate with ${what} was refused for another parameter: ${show(m?.MessageId)} names ${show(named)}, not CertificateString`,
    );
  }
  check(!changed, `ReplaceCertificate with ${what} was refused but the HTTPS certificate changed`);
}

/** Where Base action-parameter messages name the parameter (registry ParamTypes / ArgDescriptions). */
const PARAMETER_ARG: Record<string, number> = {
  ActionParameterValueError: 0,
  ActionParameterNotSupported: 0,
  ActionParameterMissing: 1,
  ActionParameterUnknown: 1,
  ActionParameterValueTypeError: 1,
  ActionParameterValueFormatError: 1,
  ActionParameterValueNotInList: 1,
  ActionParameterValueOutOfRange: 1,
};

/**
 * Waits until the TLS port presents `der` (services restart their web server after an install): the last
 * certificate it presented, or, when no handshake succeeded at all, why (a port that could not be read says
 * nothing about which certificate it serves).
 */
export async function waitForPeer(
  t: RuleRun<RedfishCtx>,
  der: Buffer,
  timeoutMs: number,
): Promise<{ peer?: Buffer; unreadable?: TransportError }> {
  const deadline = Date.now() + timeoutMs;
  let last: Buffer | undefined;
  let failure: TransportError | undefined;
  for (;;) {
    try {
      last = (await peerCertificate(t.target)).raw;
      if (last.equals(der)) return { peer: last };
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      failure = err;
    }
    if (Date.now() >= deadline)
      return last ? { peer: last } : { ...(failure ? { unreadable: failure } : {}) };
    await sleep(Math.min(1000, Math.max(50, t.ctx.pollMs)));
  }
}
