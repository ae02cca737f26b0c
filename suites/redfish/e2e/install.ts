import type { RuleRun } from '../../../src/core/api.ts';
import { check, lookup, readJson, show } from '../../../src/core/check.ts';
import type { TransportError } from '../../../src/core/errors.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import { TestCa, certPem } from '../../../src/pki/ca.ts';
import type { x509 } from '../../../src/pki/x509.ts';
import { foreignKey } from '../../../src/pki/keys.ts';
import { discover, overTls, type Json, type RedfishCtx } from '../context.ts';
import {
  expectRefusedInstall,
  httpsTemplate,
  issueFor,
  replaceCertificate,
  waitForPeer,
  type HttpsTemplate,
} from '../install.ts';
import { certificateOf, rekeyOnce, requireCsrOf, sweepBody, uriReference } from '../rekey.ts';
import { rule } from '../rule.ts';

interface Installed {
  tpl: HttpsTemplate;
  issued: x509.X509Certificate;
  res: HttpResponse;
  after: Json;
  peer?: Buffer;
  /** No TLS handshake with the port succeeded while waiting: RF-E2E-003 was not evaluated. */
  peerUnreadable?: TransportError;
}

/** Rekey the HTTPS certificate, sign the CSR with the test CA, install it with ReplaceCertificate (cert only). */
async function installSigned(t: RuleRun<RedfishCtx>): Promise<Installed> {
  const tpl = await httpsTemplate(t);
  return t.shared('e2eInstall', async () => {
    const o = await rekeyOnce(t, tpl.cert, sweepBody(t));
    const csr = await requireCsrOf(t, o);
    const ca = await TestCa.load();
    const issued = await ca.signCsr(csr.csr, {
      dnsNames: tpl.dnsNames,
      ipAddresses: tpl.ipAddresses,
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
    });
    const res = await replaceCertificate(t, tpl.cert, certPem(issued));
    const after = await readJson<Json>(t.ctx.http, tpl.cert.uri, `read ${tpl.cert.uri} after the install`);
    const ok = res.status >= 200 && res.status < 300;
    // Over plain HTTP there is no served certificate to wait for (RF-E2E-003 skips there).
    const seen =
      ok && overTls(t.target)
        ? await waitForPeer(
            t,
            Buffer.from(issued.rawData),
            t.ctx.params.tlsSwitchTimeoutMs ?? t.target.timeouts.operationMs,
          )
        : {};
    return {
      tpl,
      issued,
      res,
      after,
      ...(seen.peer ? { peer: seen.peer } : {}),
      ...(seen.unreadable ? { peerUnreadable: seen.unreadable } : {}),
    };
  });
}

const accepted = (i: Installed) =>
  check(
    i.res.status >= 200 && i.res.status < 300,
    `ReplaceCertificate with the test-CA certificate for the Rekey CSR answered ${i.res.status} ${show(i.res.text)}`,
  );

/** Rekey the HTTPS certificate and install the signed certificate; RF-E2E-004 only needs an HTTPS certificate. */
const common = { destructive: true, requires: ['rekey', 'https-rekey', 'replace-certificate'] } as const;
const tls = { destructive: true, requires: [...common.requires, 'https-transport'] } as const;
const replaceOnly = {
  destructive: true,
  requires: ['https-certificate', 'replace-certificate'],
  judgesServerErrors: true,
} as const;

export const e2eRules = [
  rule({
    ...common,
    id: 'RF-E2E-001',
    title:
      'A CA-signed certificate for the Rekey CSR installs with ReplaceCertificate (the service kept the new private key)',
    level: 'SHOULD',
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey',
      quote:
        'The service should retain the private key that generated this request for installation of the certificate.',
    },
    faults: ['replace-rejects-pending-key'],
    async check(t) {
      const i = await installSigned(t);
      t.note(
        'the original HTTPS certificate cannot be put back: its private key never leaves the device; a test-CA certificate with the same subject stays installed',
      );
      accepted(i);
      check(
        Buffer.from(certificateOf(i.after).rawData).equals(Buffer.from(i.issued.rawData)),
        `${i.tpl.cert.uri} does not show the installed certificate after ReplaceCertificate`,
      );
    },
  }),
  rule({
    ...common,
    id: 'RF-E2E-002',
    title:
      'ReplaceCertificate answers with a Location naming the certificate resource that now holds the installed certificate',
    level: 'MUST',
    cite: {
      source: 'certificate-service-schema',
      section: '#/definitions/ReplaceCertificate',
      quote: 'The `Location` header in the response shall contain the URI of the new certificate resource.',
    },
    faults: ['replace-no-location', 'replace-rejects-pending-key'],
    async check(t) {
      const i = await installSigned(t);
      accepted(i);
      const location = i.res.header('location');
      check(location, 'ReplaceCertificate answered without a Location header');
      // "The URI of the new certificate resource": the replaced one, or a resource the service made for it.
      const uri = uriReference(location, (await discover(t)).replaceTarget!)!;
      if (uri === i.tpl.cert.uri) {
        check(
          Buffer.from(certificateOf(i.after).rawData).equals(Buffer.from(i.issued.rawData)),
          `ReplaceCertificate's Location names ${uri}, which does not hold the installed certificate`,
        );
        return;
      }
      const named = await lookup<Json>(t.ctx.http, uri, {
        purpose: `read ReplaceCertificate's Location ${uri}`,
      });
      check(named.present, `ReplaceCertificate's Location ${uri} names no resource (404)`);
      check(
        Buffer.from(certificateOf(named.body).rawData).equals(Buffer.from(i.issued.rawData)),
        `ReplaceCertificate's Location ${uri} names a certificate other than the one installed in ${i.tpl.cert.uri}`,
      );
    },
  }),
  rule({
    ...tls,
    id: 'RF-E2E-003',
    title: 'After ReplaceCertificate the HTTPS port presents the installed certificate',
    level: 'MUST',
    cite: {
      source: 'dsp0266',
      section: 'Security — Certificates, authentication, privileges',
      quote:
        'Redfish implementations shall support replacement of the default certificate if one is provided.',
    },
    faults: ['https-port-keeps-old-certificate', 'replace-rejects-pending-key'],
    async check(t) {
      const i = await installSigned(t);
      accepted(i);
      if (i.peerUnreadable) throw i.peerUnreadable;
      check(
        i.peer?.equals(Buffer.from(i.issued.rawData)),
        `the HTTPS port still does not present the installed certificate (serial ${i.issued.serialNumber}) after ${t.ctx.params.tlsSwitchTimeoutMs ?? t.target.timeouts.operationMs} ms`,
      );
    },
  }),
  rule({
    ...replaceOnly,
    id: 'RF-E2E-004',
    title:
      'ReplaceCertificate refuses a certificate whose private key the service does not hold, and keeps the certificate',
    level: 'MUST',
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Certificate/properties/CertificateString',
      quote:
        'If the service does not know the private key for the certificate and is needed to use the certificate, the client shall provide the private key as part of the string in the `POST` request.',
    },
    faults: ['replace-accepts-foreign-key', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      // Valid in every respect but the one under test: an RSA 2048 key like the device's own, a current
      // test-CA certificate with the same subject and names. Only the key is one the service never held: the
      // fixture key no pool hands out (pooled keys repeat, and the service may have drawn the same one).
      const foreign = (await foreignKey(2048)).keys;
      const pem = certPem(await issueFor(tpl, foreign.publicKey));
      await expectRefusedInstall(
        t,
        tpl,
        'a certificate for a key the service does not hold (no key sent)',
        pem,
      );
    },
  }),
];
