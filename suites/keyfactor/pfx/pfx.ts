import { check, show, violation } from '../../../src/core/check.ts';
import { sha1Hex } from '../../../src/pki/ca.ts';
import {
  checkRefused,
  field,
  isThumbprintOf,
  kfRule,
  noteIssued,
  okJson,
  param,
  refusal,
  type Run,
} from '../context.ts';
import { seededPfxRenewal } from '../renew/flows.ts';
import {
  certificatesOf,
  derOf,
  keyDescriptionOf,
  keyMatches,
  leafOf,
  openPfx,
  PfxError,
  type OpenedPfx,
} from './pkcs12.ts';

const PFX_GLOSSARY = 'POST Enrollment Renew (glossary: PFX)';

interface Pfx {
  body: Record<string, unknown>;
  der: Buffer;
  answered?: string;
  supplied: string;
  /** CertificateInformation of the answer. */
  info: unknown;
}

/**
 * Seeded PFX renewal of params.certificateId, shared by the PFX rules. Whether it answers a PFX at all is
 * KF-PFX-001's requirement; for the other PFX rules a missing archive is a precondition error.
 */
async function renewedPfx(t: Run): Promise<Pfx> {
  const id = param(t, 'certificateId');
  const pfx = await t.shared(
    'pfx-renewal',
    async () => {
      const { res, supplied } = await seededPfxRenewal(t, id);
      const body = okJson(res, `POST /Enrollment/PFX with RenewalCertificateId ${id}`);
      const info = field(body, 'CertificateInformation')?.value;
      const blob = field(info, 'Pkcs12Blob')?.value;
      const pw = field(info, 'Password')?.value;
      if (typeof pw === 'string') t.secret(pw);
      check(
        typeof blob === 'string' && blob.length > 0,
        `CertificateInformation.Pkcs12Blob: expected the PFX (base64), got ${blob === undefined ? 'nothing' : typeof blob}`,
      );
      return {
        body,
        der: Buffer.from(blob, 'base64'),
        answered: typeof pw === 'string' && pw !== '' ? pw : undefined,
        supplied,
        info,
      };
    },
    { owner: 'KF-PFX-001' },
  );
  noteIssued(t, pfx.body, `seeded PFX renewal of certificate ${id}`);
  return pfx;
}

/** Opens the PFX with the answered password, else the requested one: for rules about its content, not its password. */
function openEither(pfx: Pfx): OpenedPfx {
  const errors: string[] = [];
  for (const pw of new Set([pfx.answered, pfx.supplied].filter((p): p is string => !!p))) {
    try {
      return openPfx(pfx.der, pw);
    } catch (err) {
      if (!(err instanceof PfxError)) throw err;
      errors.push(err.message);
    }
  }
  return violation(
    `Pkcs12Blob opens neither with the answered nor with the requested password: ${errors.join('; ')}`,
  );
}

export const pfxOpensWithPassword = kfRule({
  id: 'KF-PFX-001',
  title: 'The PFX a PFX enrollment answers opens with the Password it answers',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: PFX_GLOSSARY,
    quote:
      'is a single, password-protected certificate archive that contains both the public and matching private key',
  },
  destructive: true,
  requires: ['renewable-certificate', 'pfx-enrollment'],
  // Also the owner of "POST /Enrollment/PFX not served" (one finding for every PFX rule).
  faults: ['pfx-password-mismatch', 'pfx-not-routed'],
  async check(t) {
    const pfx = await renewedPfx(t);
    // Command echoes the requested password or generates one; either way the answered one must open the archive.
    const password = pfx.answered ?? pfx.supplied;
    try {
      openPfx(pfx.der, password);
    } catch (err) {
      if (!(err instanceof PfxError)) throw err;
      check(
        false,
        `Pkcs12Blob does not open with the ${pfx.answered ? 'answered' : 'requested'} Password: ${err.message}`,
      );
    }
  },
});

export const pfxHoldsMatchingKey = kfRule({
  id: 'KF-PFX-002',
  title: 'The PFX a PFX enrollment answers holds the private key matching its certificate',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: PFX_GLOSSARY,
    quote: 'contains both the public and matching private key',
  },
  destructive: true,
  requires: ['renewable-certificate', 'pfx-enrollment'],
  faults: ['pfx-wrong-key'],
  async check(t) {
    const opened = openEither(await renewedPfx(t));
    const leaf = leafOf(certificatesOf(opened));
    check(leaf, 'Pkcs12Blob holds no certificate');
    check(opened.keys.length > 0, 'Pkcs12Blob holds no private key');
    check(
      opened.keys.some((k) => keyMatches(k, leaf)),
      `Pkcs12Blob: none of its ${opened.keys.length} private key(s) (${opened.keys.map(keyDescriptionOf).join(', ')}) matches the public key of ${show(leaf.subject)} (${keyDescriptionOf(leaf)})`,
    );
  },
});

export const pfxHoldsAnsweredCertificate = kfRule({
  id: 'KF-PFX-004',
  title: 'The PFX a PFX renewal answers holds the new certificate the answer names (its Thumbprint)',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Enrollment~1PFX/post/responses/200 (example CertificateInformation)',
    quote: 'Thumbprint: <hex thumbprint> KeyfactorId: 0 Pkcs12Blob: <binary certificate data>',
  },
  destructive: true,
  requires: ['renewable-certificate', 'pfx-enrollment'],
  faults: ['pfx-holds-old-certificate'],
  async check(t) {
    const pfx = await renewedPfx(t);
    const answered = field(pfx.info, 'Thumbprint')?.value;
    check(
      typeof answered === 'string' && answered !== '',
      `CertificateInformation.Thumbprint: expected the new certificate's thumbprint, got ${show(answered)}`,
    );
    const leaf = leafOf(certificatesOf(openEither(pfx)));
    check(leaf, 'Pkcs12Blob holds no certificate');
    const der = derOf(leaf);
    check(
      isThumbprintOf(answered, der),
      `Pkcs12Blob: its end-entity certificate has SHA-1 thumbprint ${sha1Hex(der)}, the answer names ${answered}`,
    );
  },
});

export const pfxRequiresFormatHeader = kfRule({
  id: 'KF-PFX-003',
  title: 'PFX enrollment refuses a request without the x-certificateformat header',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Enrollment~1PFX/post/parameters/2 (x-certificateformat, required: true)',
    quote: 'Desired format [PFX, Zip, STORE]',
  },
  destructive: true,
  requires: ['renewable-certificate', 'pfx-enrollment'],
  judgesServerErrors: true,
  faults: ['certificate-format-optional'],
  async check(t) {
    const id = param(t, 'certificateId');
    const res = await refusal(
      async () => (await seededPfxRenewal(t, id, { omitFormat: true, refusalExpected: true })).res,
    );
    checkRefused(t, res, 'POST /Enrollment/PFX without x-certificateformat');
  },
});
