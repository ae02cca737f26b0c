import { randomBytes } from 'node:crypto';
import { generateCertificate } from '../../src/pki/generate.ts';
import { RSA_SHA256 } from '../../src/pki/keys.ts';
import { subtle, x509, type CryptoKeyPair } from '../../src/pki/x509.ts';
import { newUuid } from './model.ts';
import type { CertRequest, Certificate, MockContext, Signer } from './world.ts';

const YEAR_MS = 365 * 86_400_000;

/**
 * The authority of an EC RA profile: a P-384 CA made at start (TEST ONLY, EC generation is cheap) that signs
 * ECDSA with SHA-384, as a real CZERTAINLY with an EC CA behind the RA profile issues.
 */
export async function createEcCa(): Promise<Signer> {
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-384' };
  const notBefore = new Date(Date.now() - 3_600_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: 'CN=certconform EC test CA (P-384), O=certconform, C=CZ',
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * YEAR_MS),
    signingAlgorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    cert,
    async issue(opts) {
      const from = new Date(Date.now() - 60_000);
      return generateCertificate({
        serialNumber: opts.serialNumber ?? '01' + randomBytes(15).toString('hex'),
        subject: opts.subject,
        issuer: cert.subject,
        notBefore: from,
        notAfter: new Date(from.getTime() + YEAR_MS),
        signingAlgorithm,
        publicKey: opts.publicKey,
        signingKey: keys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          await x509.AuthorityKeyIdentifierExtension.create(cert, false),
        ],
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The platform's CA side: signing what it issues (and the faults that spoil it) and the issuance queue. */
export function createCa({ world, behaviour, fault }: MockContext) {
  const { ca, timers, seenProcessing } = world;

  async function sign(request: CertRequest, v2: boolean): Promise<x509.X509Certificate> {
    let subject = request.subject;
    let publicKey = request.publicKey;
    if (request.fromCsr && v2 && fault('issue-wrong-subject')) {
      const parts = subject.split(/,\s*/);
      if (parts.length > 1) subject = parts.slice(0, -1).join(', ');
    }
    if (request.fromCsr && v2 && fault('issue-wrong-key')) publicKey = world.substituteKey.keys.publicKey;
    let serialNumber: string | undefined;
    if (v2 && fault('duplicate-serials')) serialNumber = world.fixedSerial ??= '0badc0de0badc0de';
    if (fault('sign-with-rogue-ca')) {
      const notBefore = new Date(Date.now() - 60_000);
      return generateCertificate({
        serialNumber: serialNumber ?? '01' + newUuid().replace(/-/g, '').slice(0, 30),
        subject,
        issuer: ca.cert.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + 365 * 86_400_000),
        signingAlgorithm: RSA_SHA256,
        publicKey,
        signingKey: world.rogueKey.keys.privateKey,
        extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
      });
    }
    return ca.issue({ subject, publicKey, ...(serialNumber ? { serialNumber } : {}) });
  }

  /** Runs an action after the variant's queue delay (immediately when the delay is 0). */
  async function enqueue(action: () => Promise<void>): Promise<void> {
    if (behaviour.queueDelayMs === 0) return action();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void action().catch(() => undefined);
    }, behaviour.queueDelayMs);
    timers.add(timer);
  }

  async function approval(c: Certificate): Promise<void> {
    if (behaviour.approvalMs === undefined) return;
    c.state = 'pending_approval';
    await sleep(behaviour.approvalMs);
  }

  async function processIssue(c: Certificate): Promise<void> {
    if (fault('state-unknown-value')) {
      // The undocumented state lasts until a client has read it (at most the mock profile's 20 s operation
      // timeout), so the fault does not hinge on a poll landing in a short window on a busy machine.
      c.state = 'processing';
      for (let waited = 0; waited < 20_000 && !seenProcessing.has(c.uuid); waited += 20) await sleep(20);
    }
    await approval(c);
    try {
      c.cert = await sign(c.request!, c.v2);
      c.state = 'issued';
    } catch {
      c.state = 'failed';
    }
  }

  function queueIssue(c: Certificate, after?: () => void): Promise<void> {
    return enqueue(async () => {
      await processIssue(c);
      if (c.state === 'issued') after?.();
    });
  }

  /** Drops what the queue still holds (when the app closes). */
  function stop(): void {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  }

  return { sign, enqueue, approval, queueIssue, stop };
}

export type MockCa = ReturnType<typeof createCa>;
