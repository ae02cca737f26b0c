import { seededSecret } from '../../../src/core/random.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import { check, checkEqual, notApplicable, readJson, show } from '../../../src/core/check.ts';
import { challengePasswords, csrSignatureValid, keyDescription, nameParts } from '../../../src/pki/csr.ts';
import { hasPrivateKey } from '../../../src/pki/pem.ts';
import {
  actionInfoRange,
  ecdsaCurves,
  KIND_LABEL,
  TCG_CURVES,
  nonHttpsCert,
  primaryCert,
  type CertInfo,
  type Json,
  type RedfishCtx,
} from '../context.ts';
import { peerCertificate } from '../expect.ts';
import {
  certificateOf,
  csrOf,
  fingerprintOf,
  judgeSweep,
  rekeyBitsOf,
  rekeyOnce,
  requireCsrOf,
  rsaBody,
  sweep,
  sweepBody,
  type RekeyOutcome,
} from '../rekey.ts';
import { rule } from '../rule.ts';

const label = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;

/** The sweep's Rekey of the primary certificate, then a second one: two consecutive CSRs of one certificate. */
async function twoRekeys(t: RuleRun<RedfishCtx>): Promise<[RekeyOutcome, RekeyOutcome]> {
  const cert = await primaryCert(t);
  const first = (await sweep(t)).find((o) => o.cert.uri === cert.uri);
  if (!first) notApplicable('the primary certificate was not rekeyed');
  const second = await t.shared('secondRekey', () => rekeyOnce(t, cert, sweepBody(t)));
  return [first, second];
}

/** Rekey of the primary certificate with a ChallengePassword (a fresh random value, masked in reports). */
export async function challengeRekey(
  t: RuleRun<RedfishCtx>,
): Promise<{ outcome: RekeyOutcome; password: string }> {
  const cert = await primaryCert(t);
  return t.shared('challengeRekey', async () => {
    const password = seededSecret((b) => `cc-${b.toString('hex')}`, 9);
    t.ctx.redactor.add(password);
    return { outcome: await rekeyOnce(t, cert, { ...sweepBody(t), ChallengePassword: password }), password };
  });
}

/** A second supported key length to prove KeyBitLength is honoured: profile, ActionInfo range, or the AMI range. */
async function alternateLength(t: RuleRun<RedfishCtx>): Promise<{ cert: CertInfo; bits: number }> {
  const usual = t.ctx.params.keyBitLength ?? 2048;
  const wanted = t.ctx.params.alternateKeyBitLength;
  // AMI's HTTPS certificate needs 2048 (Lighttpd): a shorter length is tried on another certificate.
  if (wanted)
    return {
      cert: t.target.vendor === 'ami' && wanted < 2048 ? await nonHttpsCert(t) : await primaryCert(t),
      bits: wanted,
    };
  const primary = await primaryCert(t);
  if (primary.action?.['@Redfish.ActionInfo']) {
    const range = await actionInfoRange(t, primary);
    const candidates = [3072, 4096, 1024, 2048].filter(
      (b) => b !== usual && range && b >= range.min && b <= range.max,
    );
    if (candidates[0]) return { cert: primary, bits: candidates[0] };
  }
  if (t.target.vendor === 'ami') return { cert: await nonHttpsCert(t), bits: 1024 };
  notApplicable(
    'no second KeyBitLength is known to be supported (set params.alternateKeyBitLength, or publish a RekeyActionInfo range)',
  );
}

/** RF-CSR-008 (the resource) and RF-CSR-009 (the TLS port) encode the same sentence. */
const replacedAfterSigning = {
  source: 'certificate-schema',
  section: '#/definitions/RekeyResponse/properties/Certificate',
  quote: 'that is replaced after the certificate authority (CA) signs the certificate',
} as const;

export const csrRules = [
  rule({
    id: 'RF-CSR-001',
    title: 'CSRString is one PEM PKCS#10 certificate request whose signature verifies',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/RekeyResponse/properties/CSRString',
      quote:
        'This property shall contain the certificate signing request as a PEM-encoded string, containing structures specified by RFC2986.',
    },
    faults: ['csr-bad-signature'],
    async check(t) {
      await judgeSweep(t, 'csr', async (rekeys) => {
        for (const o of rekeys)
          check(
            await csrSignatureValid(csrOf(o)),
            `CSR from the ${label(o)}: the PKCS#10 signature does not verify with the request's own public key`,
          );
      });
    },
  }),
  rule({
    id: 'RF-CSR-002',
    title: 'The private key is not part of CSRString',
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/RekeyResponse/properties/CSRString',
      quote: 'The private key should not be part of the string.',
    },
    faults: ['csr-includes-private-key'],
    async check(t) {
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys)
          check(
            !hasPrivateKey(o.csrText),
            `CSR from the ${label(o)}: CSRString contains a PRIVATE KEY block`,
          );
      });
    },
  }),
  rule({
    id: 'RF-CSR-003',
    title: "The CSR carries a new public key, different from the current certificate's",
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey',
      quote: 'This action shall use the certificate data to generate a new key-pair for a certificate.',
    },
    faults: ['rekey-reuses-current-key'],
    async check(t) {
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys) {
          const current = Buffer.from(certificateOf(o.before).publicKey.rawData);
          check(
            !csrOf(o).spki.equals(current),
            `CSR from the ${label(o)}: the public key is the current certificate's key (that is a Renew, not a Rekey)`,
          );
        }
      });
    },
  }),
  rule({
    id: 'RF-CSR-004',
    title: 'Each Rekey generates another key: two consecutive CSRs of one certificate carry different keys',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'seed',
      section: 'POST – Certificate Rekey',
      quote:
        'Rekey action generates a new key pair for an existing certificate by using the existing certificate data.',
    },
    faults: ['rekey-repeats-pending-key', 'rekey-reuses-current-key'],
    async check(t) {
      const [first, second] = await twoRekeys(t);
      const a = await requireCsrOf(t, first);
      const b = await requireCsrOf(t, second);
      check(
        !a.spki.equals(b.spki),
        `two consecutive Rekeys of ${first.cert.uri} returned CSRs with the same public key`,
      );
    },
  }),
  rule({
    id: 'RF-CSR-005',
    title: 'A CSR for an RSA key has exactly the KeyBitLength requested',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'seed',
      section: 'Request',
      quote: 'KeyBitLength | Number | The length of the key, in bits',
    },
    faults: ['csr-ignores-keybitlength'],
    async check(t) {
      const usual = t.ctx.params.keyBitLength ?? 2048;
      // KeyBitLength is the length "if needed based on the KeyPairAlgorithm" (Certificate schema): the sweep names
      // no algorithm, so only its RSA CSRs are held to it (a certificate with an EC key keeps its curve).
      await judgeSweep(t, 'csr', async (rekeys) => {
        for (const o of rekeys.filter((x) => csrOf(x).publicKey.asymmetricKeyType === 'rsa'))
          checkEqual(
            rekeyBitsOf(csrOf(o)),
            usual,
            `CSR from the ${label(o)} for KeyBitLength ${usual}: RSA modulus bits`,
          );
        const alt = await alternateLength(t);
        const o = await rekeyOnce(t, alt.cert, await rsaBody(t, alt.cert, alt.bits));
        checkEqual(
          keyDescription((await requireCsrOf(t, o)).publicKey),
          `RSA ${alt.bits}`,
          `CSR from the ${label(o)} for ${show(o.request)}`,
        );
      });
    },
  }),
  rule({
    id: 'RF-CSR-006',
    title: "The CSR subject is the current certificate's subject",
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'seed',
      section: 'POST – Certificate Rekey',
      quote: 'by using the existing certificate data',
    },
    faults: ['csr-subject-differs'],
    async check(t) {
      const sorted = (name: string) =>
        nameParts(name)
          .map(([k, v]) => `${k}=${v}`)
          .sort();
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys)
          checkEqual(
            sorted(csrOf(o).csr.subject),
            sorted(certificateOf(o.before).subject),
            `CSR from the ${label(o)}: subject (attributes, any order)`,
          );
      });
    },
  }),
  rule({
    id: 'RF-CSR-007',
    title:
      'The CSR holds an RFC 2985 challengePassword attribute exactly when ChallengePassword was sent, with its value',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey/parameters/ChallengePassword',
      quote:
        "This property shall contain the challenge password to apply to the certificate for revocation requests as defined by the RFC2985 'challengePassword' attribute.",
    },
    faults: ['csr-drops-challenge-password', 'csr-adds-challenge-password'],
    async check(t) {
      await judgeSweep(t, 'csr', async (rekeys) => {
        for (const o of rekeys) {
          const found = challengePasswords(csrOf(o));
          check(
            found.length === 0,
            `CSR from the ${label(o)}: Rekey without ChallengePassword, yet the CSR has ${found.length} challengePassword attribute(s)`,
          );
        }
        const { outcome, password } = await challengeRekey(t);
        const found = challengePasswords(await requireCsrOf(t, outcome));
        check(
          found.length === 1,
          `Rekey of ${outcome.cert.uri} with a ChallengePassword: expected one challengePassword attribute (OID 1.2.840.113549.1.9.7), found ${found.length}`,
        );
        check(
          found[0] === password,
          `Rekey of ${outcome.cert.uri}: the challengePassword attribute is not the value sent`,
        );
      });
    },
  }),
  rule({
    id: 'RF-CSR-008',
    title: 'Rekey does not replace the certificate: the resource keeps it until a signed one is installed',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: replacedAfterSigning,
    faults: ['rekey-replaces-immediately'],
    async check(t) {
      await judgeSweep(t, 'accepted', (rekeys) => {
        for (const o of rekeys)
          checkEqual(fingerprintOf(o.after), fingerprintOf(o.before), `${label(o)} right after Rekey`);
      });
    },
  }),
  rule({
    id: 'RF-CSR-009',
    title: 'After Rekey of the HTTPS certificate the HTTPS port keeps presenting the installed certificate',
    level: 'MUST',
    destructive: true,
    requires: ['rekey', 'https-rekey', 'https-transport'],
    cite: replacedAfterSigning,
    faults: ['rekey-replaces-immediately'],
    async check(t) {
      const isHttps = (o: RekeyOutcome) => o.cert.kind === 'https';
      await judgeSweep(
        t,
        'accepted',
        async ([https]) => {
          if (!https) notApplicable('the HTTPS certificate was not rekeyed');
          const current = await readJson<Json>(t.ctx.http, https.cert.uri, `read ${https.cert.uri}`);
          const peer = await peerCertificate(t.target);
          const installed = Buffer.from(certificateOf(https.before).rawData);
          check(
            peer.raw.equals(installed),
            `after Rekey of ${https.cert.uri} the HTTPS port presents a certificate that is not the one installed before the Rekey`,
          );
          check(
            Buffer.from(certificateOf(current).rawData).equals(installed),
            `${https.cert.uri} changed after Rekey`,
          );
        },
        isHttps,
      );
    },
  }),
  rule({
    id: 'RF-CSR-010',
    title:
      'A Rekey with KeyPairAlgorithm TPM_ALG_ECDSA and a KeyCurveId the RekeyActionInfo allows returns a CSR for an EC key on that curve',
    level: 'MUST',
    destructive: true,
    requires: ['rekey', 'ecdsa-rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey/parameters/KeyCurveId',
      quote:
        'This parameter shall contain the curve ID to use with the key, if needed based on the `KeyPairAlgorithm` parameter value.',
    },
    faults: ['ec-curve-ignored'],
    async check(t) {
      const cert = await primaryCert(t);
      for (const id of await ecdsaCurves(t, cert)) {
        const o = await rekeyOnce(t, cert, { KeyPairAlgorithm: 'TPM_ALG_ECDSA', KeyCurveId: id });
        checkEqual(
          keyDescription((await requireCsrOf(t, o)).publicKey),
          `ECDSA ${TCG_CURVES[id]}`,
          `CSR for ${show(o.request)}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-SEC-001',
    title: 'The ChallengePassword never appears in a response, a task monitor answer or a Task',
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'task-schema',
      section: '#/definitions/Task/properties/HidePayload',
      quote:
        'This property shall indicate whether the contents of the payload should be hidden from view after the task has been created.',
    },
    faults: ['task-payload-echoes-password'],
    async check(t) {
      const { outcome, password } = await challengeRekey(t);
      const texts: Array<[string, string]> = [['the Rekey response', outcome.initial.text]];
      if (outcome.final && outcome.final !== outcome.initial)
        texts.push(['the task monitor result', outcome.final.text]);
      for (const [uri, snaps] of outcome.tasks)
        for (const s of snaps) texts.push([`Task ${uri}`, JSON.stringify(s.body ?? '')]);
      for (const [where, text] of texts)
        check(
          !text.includes(password),
          `the ChallengePassword sent to ${outcome.cert.uri} appears in ${where}`,
        );
      t.note(`looked at ${texts.length} answer(s) of the Rekey with ChallengePassword`);
    },
  }),
];
