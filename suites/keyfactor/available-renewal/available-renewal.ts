import { check, checkEqual, notApplicable } from '../../../src/core/check.ts';
import { RENEW, seededPfxRenewal } from '../renew/flows.ts';
import { thumbprintOf } from '../renew/request.ts';
import {
  noteIssued,
  checkRefused,
  field,
  idValue,
  kfRule,
  okJson,
  param,
  profileCertificates,
  REFUSAL,
  refusal,
  renewalTypeOf,
  renewBody,
  type Run,
} from '../context.ts';
import { MODELS, validateModel } from '../models/openapi.ts';

const BY_ID = '#/paths/~1Enrollment~1AvailableRenewal~1Id~1{id}/get';
const TYPES_TABLE = 'Available Renewal Types: 0 None, 1 Seeded PFX, 2 One-click';

/** The certificates the profile names with a renewal type of their own (the others' types are not examined). */
function configuredCertificates(t: Run): Array<{ id: number; role: string }> {
  const p = t.ctx.params;
  const out: Array<{ id: number; role: string }> = [];
  if (p.certificateId) out.push({ id: p.certificateId, role: 'certificateId' });
  if (p.oneClickCertificateId) out.push({ id: p.oneClickCertificateId, role: 'oneClickCertificateId' });
  if (p.noRenewalCertificateId) out.push({ id: p.noRenewalCertificateId, role: 'noRenewalCertificateId' });
  if (out.length === 0)
    notApplicable(
      'the profile names no certificate (params.certificateId, oneClickCertificateId, noRenewalCertificateId)',
    );
  return out;
}

export const availableRenewalType = kfRule({
  id: 'KF-AVL-001',
  title:
    'AvailableRenewal (by ID and by thumbprint) answers its model: AvailableRenewalType the integer 0, 1 or 2, Message a string',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/components/schemas/Models.Enrollment.AvailableRenewal/properties/AvailableRenewalType',
    quote: 'AvailableRenewalType: enum: - 0 - 1 - 2 format: int32 type: integer',
  },
  requires: ['available-renewal'],
  parallelSafe: true,
  faults: ['available-renewal-type-string'],
  async check(t) {
    // Every certificate the profile names, by both lookups: the model is judged wherever it appears.
    const failures: string[] = [];
    for (const { id, role } of profileCertificates(t)) {
      const tp = await thumbprintOf(t, id);
      for (const path of [
        `/Enrollment/AvailableRenewal/Id/${id}`,
        `/Enrollment/AvailableRenewal/Thumbprint/${encodeURIComponent(tp)}`,
      ]) {
        const body = okJson(await t.ctx.kf.get(path), `GET ${path} (params.${role})`);
        const problems = validateModel(body, MODELS.availableRenewal);
        if (problems.length) failures.push(`GET ${path}: ${problems.join('; ')}`);
      }
    }
    check(
      failures.length === 0,
      `AvailableRenewal answers depart from ${MODELS.availableRenewal}: ${failures.join(' | ')}`,
    );
  },
});

export const availableRenewalByThumbprint = kfRule({
  id: 'KF-AVL-002',
  title: 'AvailableRenewal by thumbprint answers the same renewal type as by ID for the same certificate',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Enrollment~1AvailableRenewal~1Thumbprint~1{thumbprint}/get',
    quote: 'Returns the type of renewal available for a given certificate.',
  },
  requires: ['available-renewal'],
  parallelSafe: true,
  faults: ['available-renewal-thumbprint-none'],
  async check(t) {
    for (const { id } of configuredCertificates(t)) {
      const byId = await renewalTypeOf(t, id);
      const tp = await thumbprintOf(t, id);
      const body = okJson(
        await t.ctx.kf.get(`/Enrollment/AvailableRenewal/Thumbprint/${encodeURIComponent(tp)}`),
        `GET /Enrollment/AvailableRenewal/Thumbprint/${tp}`,
      );
      checkEqual(
        idValue(body, 'AvailableRenewalType'),
        byId,
        `certificate ${id} AvailableRenewalType by thumbprint (by ID: ${byId})`,
      );
    }
  },
});

export const renewHonoursTypeNone = kfRule({
  id: 'KF-AVL-003',
  title: 'Renew refuses a certificate whose AvailableRenewalType is 0 (none)',
  level: 'SHOULD',
  cite: { source: 'kf-openapi', section: `${BY_ID}/description (${TYPES_TABLE})`, quote: '| 0 | None |' },
  destructive: true,
  requires: ['no-renewal-certificate', 'renewable-certificate', 'available-renewal'],
  judgesServerErrors: true,
  faults: ['renew-ignores-type-none'],
  async check(t) {
    const id = param(t, 'noRenewalCertificateId');
    const type = await renewalTypeOf(t, id);
    if (type !== 0)
      notApplicable(`params.noRenewalCertificateId ${id} reports AvailableRenewalType ${type}, not 0`);
    const body = renewBody(t, { CertificateId: id });
    const res = await refusal(() => t.ctx.kf.post(RENEW, body, REFUSAL));
    checkRefused(t, res, `POST /Enrollment/Renew of certificate ${id} (renewal type 0)`);
  },
});

export const oneClickAlsoSeeded = kfRule({
  id: 'KF-AVL-004',
  title: 'A certificate with one-click renewal (type 2) can also be renewed as a seeded PFX (type 1)',
  level: 'MUST',
  cite: {
    source: 'kf-doc-available-renewal',
    section: 'GET Enrollment Available Renewal ID: response AvailableRenewalType',
    quote: 'if 2, 1 is also supported',
  },
  destructive: true,
  requires: ['one-click-certificate', 'renewable-certificate', 'available-renewal', 'pfx-enrollment'],
  faults: ['one-click-refuses-seeded'],
  async check(t) {
    const id = param(t, 'oneClickCertificateId');
    const type = await renewalTypeOf(t, id);
    if (type !== 2)
      notApplicable(`params.oneClickCertificateId ${id} reports AvailableRenewalType ${type}, not 2`);
    const { res } = await seededPfxRenewal(t, id);
    const body = okJson(res, `POST /Enrollment/PFX with RenewalCertificateId ${id}`);
    noteIssued(t, body, `seeded PFX renewal of one-click certificate ${id}`);
    const info = field(body, 'CertificateInformation')?.value;
    const blob = field(info, 'Pkcs12Blob')?.value;
    check(
      typeof blob === 'string' && blob.length > 0,
      `CertificateInformation.Pkcs12Blob: expected the PFX, got ${blob === undefined ? 'nothing' : typeof blob}`,
    );
  },
});
