import { check, notApplicable, show } from '../../../src/core/check.ts';
import { DEFAULT_UNKNOWN_CERTIFICATE_ID } from '../params.ts';
import {
  noteIssued,
  checkRefused,
  field,
  idValue,
  kfRule,
  okJson,
  originalCertificate,
  param,
  REFUSAL,
  refusal,
  renewalTypeOf,
  renewBody,
  timestamp,
  type Run,
} from '../context.ts';
import { RENEW } from './flows.ts';

const INPUT_TABLE = 'Table 342: POST Enrollment Renew Input Parameters';

/** The Thumbprint Command records for a certificate: a helper read, so a missing one is a precondition error. */
export function thumbprintOf(t: Run, id: number): Promise<string> {
  return t.setup(`thumbprint of certificate ${id}`, async () => {
    const rec = await originalCertificate(t, id);
    const tp = field(rec.json, 'Thumbprint')?.value;
    check(
      typeof tp === 'string' && tp !== '',
      `GET /Certificates/${id}: expected a Thumbprint, got ${show(tp)}`,
    );
    return tp;
  });
}

/** The certificate used for "required unless one-click" rules must not offer one-click renewal. */
async function withoutOneClick(t: Run): Promise<number> {
  const id = param(t, 'certificateId');
  const type = await renewalTypeOf(t, id);
  if (type === 2)
    notApplicable(
      `certificate ${id} offers one-click renewal (AvailableRenewalType 2): CertificateAuthority and Template are optional for it`,
    );
  return id;
}

export const renewByThumbprint = kfRule({
  id: 'KF-REN-005',
  title: 'Renew accepts a certificate named by its Thumbprint instead of its CertificateId',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: Thumbprint`,
    quote:
      'The thumbprint for the certificate that needs to be renewed. Either the CertificateId or the Thumbprint is required but not both.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-by-thumbprint-unsupported'],
  async check(t) {
    const id = param(t, 'certificateId');
    const thumbprint = await thumbprintOf(t, id);
    const body = okJson(
      await t.ctx.kf.post(RENEW, renewBody(t, { Thumbprint: thumbprint })),
      `POST /Enrollment/Renew by Thumbprint ${thumbprint}`,
    );
    const newId = idValue(body, 'KeyfactorID');
    check(
      newId !== undefined && newId !== id,
      `KeyfactorID: expected the ID of a new certificate, got ${show(field(body, 'KeyfactorID')?.value)}`,
    );
    t.note(`renewed certificate ${id} (by thumbprint) into ${newId}`);
  },
});

export const renewRefusesBothIds = kfRule({
  id: 'KF-REN-006',
  title: 'Renew refuses a request that carries both CertificateId and Thumbprint',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: CertificateId`,
    quote: 'Either the CertificateId or the Thumbprint is required but not both.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  judgesServerErrors: true,
  faults: ['renew-accepts-both-ids'],
  async check(t) {
    const id = param(t, 'certificateId');
    const body = renewBody(t, { CertificateId: id, Thumbprint: await thumbprintOf(t, id) });
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, 'POST /Enrollment/Renew with CertificateId and Thumbprint');
  },
});

export const renewRefusesNoId = kfRule({
  id: 'KF-REN-007',
  title: 'Renew refuses a request that carries neither CertificateId nor Thumbprint',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: CertificateId`,
    quote: 'Required*. The integer for the certificate in Keyfactor Command that needs to be renewed.',
  },
  requires: ['renewable-certificate'],
  judgesServerErrors: true,
  faults: ['renew-accepts-no-id'],
  async check(t) {
    const body = renewBody(t, {});
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, 'POST /Enrollment/Renew without CertificateId or Thumbprint');
  },
});

export const renewRequiresTimestamp = kfRule({
  id: 'KF-REN-008',
  title: 'Renew refuses a request without Timestamp',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: Timestamp`,
    quote: 'Required. The current date and time.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  judgesServerErrors: true,
  faults: ['renew-timestamp-optional'],
  async check(t) {
    const body = renewBody(t, { CertificateId: param(t, 'certificateId') });
    delete body.Timestamp;
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, 'POST /Enrollment/Renew without Timestamp');
  },
});

export const renewAcceptsExampleTimestamp = kfRule({
  id: 'KF-REN-010',
  title: 'Renew accepts a UTC Timestamp without milliseconds, as in the documented example',
  // The format is a "should" and names milliseconds (.000Z) its own example leaves out: a SHOULD at most.
  level: 'SHOULD',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: Timestamp`,
    quote: '(e.g. 2021-05-19T16:23:01Z)',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-requires-milliseconds'],
  async check(t) {
    const ts = timestamp().replace(/\.\d{3}Z$/, 'Z');
    const res = await t.ctx.kf.post(
      RENEW,
      renewBody(t, { CertificateId: param(t, 'certificateId'), Timestamp: ts }),
    );
    noteIssued(
      t,
      okJson(res, `POST /Enrollment/Renew with Timestamp ${ts}`),
      'renewal with a Timestamp without milliseconds',
    );
  },
});

export const renewRequiresCa = kfRule({
  id: 'KF-REN-011',
  title: 'Renew refuses a request without CertificateAuthority for a certificate without one-click renewal',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: CertificateAuthority`,
    quote: 'This field is required if one-click renewal is not supported for the certificate',
  },
  destructive: true,
  requires: ['renewable-certificate', 'available-renewal'],
  judgesServerErrors: true,
  faults: ['renew-defaults-ca'],
  async check(t) {
    const body = renewBody(t, { CertificateId: await withoutOneClick(t) });
    delete body.CertificateAuthority;
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, 'POST /Enrollment/Renew without CertificateAuthority');
  },
});

export const renewRequiresTemplate = kfRule({
  id: 'KF-REN-012',
  title: 'Renew refuses a request without Template for a certificate without one-click renewal',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: Template`,
    quote: 'This field is required if one-click renewal is not supported for the certificate',
  },
  destructive: true,
  requires: ['renewable-certificate', 'available-renewal'],
  judgesServerErrors: true,
  faults: ['renew-defaults-template'],
  async check(t) {
    const body = renewBody(t, { CertificateId: await withoutOneClick(t) });
    delete body.Template;
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, 'POST /Enrollment/Renew without Template');
  },
});

export const renewOneClick = kfRule({
  id: 'KF-REN-013',
  title: 'Renew of a certificate with one-click renewal succeeds without CertificateAuthority and Template',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: `${INPUT_TABLE}: CertificateAuthority, Template`,
    quote: 'This field is required if one-click renewal is not supported for the certificate',
  },
  destructive: true,
  requires: ['one-click-certificate', 'available-renewal'],
  faults: ['renew-one-click-requires-ca'],
  async check(t) {
    const id = param(t, 'oneClickCertificateId');
    const type = await renewalTypeOf(t, id);
    if (type !== 2)
      notApplicable(
        `params.oneClickCertificateId ${id} reports AvailableRenewalType ${type}, not 2 (one-click)`,
      );
    const body = okJson(
      await t.ctx.kf.post(RENEW, { CertificateId: id, Timestamp: timestamp() }),
      `POST /Enrollment/Renew (one-click) of certificate ${id}`,
    );
    noteIssued(t, body, `one-click renewal of certificate ${id}`);
    const newId = idValue(body, 'KeyfactorID');
    check(
      newId !== undefined && newId !== id,
      `KeyfactorID: expected the ID of a new certificate, got ${show(field(body, 'KeyfactorID')?.value)}`,
    );
  },
});

export const renewRefusesUnknownCertificate = kfRule({
  id: 'KF-REN-014',
  title: 'Renew refuses a CertificateId that does not exist with a client error, not a server error',
  level: 'SHOULD',
  cite: {
    source: 'kf-doc-renew',
    section: 'POST Enrollment Renew',
    quote: 'is used to enroll for a certificate renewal for a certificate that exists in Keyfactor Command',
  },
  requires: ['renewable-certificate'],
  // The server error is the finding; a Renew of a certificate that does not exist changes nothing, so it is
  // sent once more to tell a transient error page from the answer.
  judgesServerErrors: true,
  parallelSafe: true,
  faults: ['renew-unknown-id-500'],
  async check(t) {
    const id = t.ctx.params.unknownCertificateId ?? DEFAULT_UNKNOWN_CERTIFICATE_ID;
    const body = renewBody(t, { CertificateId: id });
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, `POST /Enrollment/Renew of unknown certificate ${id}`, [404]);
  },
});
