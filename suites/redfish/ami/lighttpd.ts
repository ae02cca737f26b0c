import { createPrivateKey } from 'node:crypto';
import { harnessNow, seededSecret } from '../../../src/core/random.ts';
import { readFileSync } from 'node:fs';
import { certPem } from '../../../src/pki/ca.ts';
import { importRsaPkcs8 } from '../../../src/pki/keys.ts';
import { repoPath } from '../../../src/paths.ts';
import { expectRefusedInstall, httpsTemplate, issueFor, takeSuiteKey } from '../install.ts';
import { rule } from '../rule.ts';

const LIMIT = 10240;
const DAY = 24 * 3600 * 1000;
/** A committed TEST ONLY 16384-bit key: its PEM is above Lighttpd's 10240 bytes (generating one takes a minute). */
const OVERSIZE_KEY = 'fixtures/redfish/pki/rsa-16384-oversize.pem';

const section = 'HTTPS Certificate Instance (Lighttpd limits)';
// The vendor page lists these limits under "should follow these limition": a SHOULD, not a VENDOR must.
const common = {
  level: 'SHOULD',
  vendor: 'ami',
  destructive: true,
  requires: ['https-certificate', 'replace-certificate'],
  // The status of the refused install is the finding: a 5xx is sent once more, then judged.
  judgesServerErrors: true,
} as const;

export const lighttpdRules = [
  rule({
    ...common,
    id: 'RF-AMI-010',
    title: 'An HTTPS certificate larger than 10240 bytes is refused and the certificate stays',
    cite: { source: 'seed', section, quote: 'Max server certificate size is 10240.' },
    faults: ['https-accepts-oversize-certificate', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      const key = await takeSuiteKey(2048);
      // Few long names rather than many short ones (encoding hundreds of SANs blocks the event loop for ~0.4 s);
      // each a valid DNS name (labels of 60, names of about 215 characters), so only the size is wrong.
      const label = (j: number) => `l${j}`.padEnd(60, 'x');
      const filler = Array.from(
        { length: 40 },
        (_, i) => `oversize-${i}.${[0, 1, 2].map(label).join('.')}.certconform.invalid`,
      );
      const pem = certPem(await issueFor(tpl, key.keys.publicKey, { extraDnsNames: filler }));
      // A fixture that is too small is the harness's problem (error), never the device's (fail).
      if (pem.length <= LIMIT)
        throw new Error(`the oversize certificate fixture is only ${pem.length} bytes`);
      await expectRefusedInstall(
        t,
        tpl,
        `a ${pem.length}-byte certificate (+ its key)`,
        pem + key.privatePem,
      );
    },
  }),
  rule({
    ...common,
    id: 'RF-AMI-011',
    title: 'An HTTPS private key larger than 10240 bytes is refused and the certificate stays',
    cite: { source: 'seed', section, quote: 'Max server private key size is 10240.' },
    faults: ['https-accepts-oversize-key', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      const keyPem = readFileSync(repoPath(OVERSIZE_KEY), 'utf8');
      const keys = await importRsaPkcs8(keyPem);
      const pem = certPem(await issueFor(tpl, keys.publicKey));
      if (keyPem.length <= LIMIT) throw new Error(`the oversize key fixture is only ${keyPem.length} bytes`);
      await expectRefusedInstall(t, tpl, `a ${keyPem.length}-byte private key`, pem + keyPem);
    },
  }),
  rule({
    ...common,
    id: 'RF-AMI-012',
    title: 'An HTTPS key shorter than 2048 bits is refused and the certificate stays',
    cite: { source: 'seed', section, quote: 'Min server public key and private key size is 2048.' },
    faults: ['https-accepts-short-key', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      const key = await takeSuiteKey(1024);
      const pem = certPem(await issueFor(tpl, key.keys.publicKey));
      await expectRefusedInstall(t, tpl, 'a certificate and key of 1024 bits', pem + key.privatePem);
    },
  }),
  rule({
    ...common,
    id: 'RF-AMI-013',
    title: 'An encrypted HTTPS private key is refused and the certificate stays',
    cite: { source: 'seed', section, quote: 'Private key should not be encrypted.' },
    faults: ['https-accepts-encrypted-key', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      const key = await takeSuiteKey(2048);
      const passphrase = seededSecret((b) => b.toString('hex'));
      t.secret(passphrase);
      const encrypted = createPrivateKey(key.privatePem).export({
        format: 'pem',
        type: 'pkcs8',
        cipher: 'aes-256-cbc',
        passphrase,
      }) as string;
      const pem = certPem(await issueFor(tpl, key.keys.publicKey));
      await expectRefusedInstall(t, tpl, 'an ENCRYPTED PRIVATE KEY', pem + encrypted);
    },
  }),
  rule({
    ...common,
    id: 'RF-AMI-014',
    title: 'An expired HTTPS certificate is refused and the certificate stays',
    cite: { source: 'seed', section, quote: 'Certificate should not expire.' },
    faults: ['https-accepts-expired-certificate', 'replace-refusal-blames-type'],
    async check(t) {
      const tpl = await httpsTemplate(t);
      const key = await takeSuiteKey(2048);
      const now = harnessNow().getTime();
      const pem = certPem(
        await issueFor(tpl, key.keys.publicKey, {
          notBefore: new Date(now - 3 * DAY),
          notAfter: new Date(now - DAY),
        }),
      );
      await expectRefusedInstall(t, tpl, 'a certificate that expired yesterday', pem + key.privatePem);
    },
  }),
];
