import { check, show } from '../../../src/core/check.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import {
  certificateRecord,
  field,
  idValue,
  okJson,
  originalCertificate,
  param,
  renewBody,
  suitePassword,
  timestamp,
  type CertificateRecord,
  type Run,
} from '../context.ts';

/** Renewals shared by several rules: each is made once per run and its evidence is shown in every rule using it. */

export const RENEW = '/Enrollment/Renew';

/** POST /Enrollment/Renew for params.certificateId with an explicit CA and template. */
export function renewById(t: Run): Promise<HttpResponse> {
  const id = param(t, 'certificateId');
  const body = renewBody(t, { CertificateId: id });
  return t.shared('renew-by-id', () => t.ctx.kf.post(RENEW, body));
}

export interface Renewed {
  res: HttpResponse;
  body: Record<string, unknown>;
  newId: number;
  old: CertificateRecord;
  renewed: CertificateRecord;
}

/** The renewal by ID, followed to the new certificate Command now holds. */
export async function renewedById(t: Run): Promise<Renewed> {
  const res = await renewById(t);
  const body = okJson(res, 'POST /Enrollment/Renew');
  const newId = idValue(body, 'KeyfactorID');
  check(
    newId !== undefined,
    `POST /Enrollment/Renew: no KeyfactorID in ${show(body)}; cannot look at the new certificate`,
  );
  const old = await originalCertificate(t, param(t, 'certificateId'));
  const renewed = await t.shared(`certificate:${newId}`, () => certificateRecord(t, newId));
  t.note(`renewed certificate ${param(t, 'certificateId')} into ${newId}`);
  return { res, body, newId, old, renewed };
}

/** Renewal of the certificate that sits in stores (params.storeCertificateId). */
export async function renewedStoreCertificate(
  t: Run,
): Promise<{ body: Record<string, unknown>; newId: number; oldId: number }> {
  const oldId = param(t, 'storeCertificateId');
  const res = await t.shared('renew-store-certificate', () =>
    t.ctx.kf.post(RENEW, renewBody(t, { CertificateId: oldId })),
  );
  const body = okJson(res, `POST /Enrollment/Renew (certificate ${oldId})`);
  const newId = idValue(body, 'KeyfactorID');
  check(newId !== undefined, `POST /Enrollment/Renew: no KeyfactorID in ${show(body)}`);
  t.note(`renewed store certificate ${oldId} into ${newId}`);
  return { body, newId, oldId };
}

/** The certificate store IDs Command lists for a certificate (GET /Certificates/{id}?includeLocations=true). */
export async function storeIdsOf(t: Run, id: number): Promise<string[]> {
  const rec = await certificateRecord(t, id, true);
  const locations = field(rec.json, 'Locations')?.value;
  check(
    Array.isArray(locations),
    `GET /Certificates/${id}?includeLocations=true: expected a Locations array, got ${show(locations)}`,
  );
  return locations.map((l) => String(field(l, 'CertStoreId')?.value ?? '').toLowerCase()).filter(Boolean);
}

export interface PfxEnrollment {
  res: HttpResponse;
  /** The password the suite sent; the answer's Password is what must open the PFX. */
  supplied: string;
}

/** Seeded PFX renewal: POST /Enrollment/PFX with RenewalCertificateId and x-certificateformat: PFX. */
export async function seededPfxRenewal(
  t: Run,
  id: number,
  opts: { omitFormat?: boolean } = {},
): Promise<PfxEnrollment> {
  const old = await originalCertificate(t, id);
  const supplied = suitePassword(t);
  const res = await t.ctx.kf.post(
    '/Enrollment/PFX',
    {
      RenewalCertificateId: id,
      Subject: old.cert.subject,
      CertificateAuthority: param(t, 'certificateAuthority'),
      Template: param(t, 'template'),
      Password: supplied,
      IncludeChain: true,
      Timestamp: timestamp(),
    },
    { headers: opts.omitFormat ? {} : { 'x-certificateformat': 'PFX' } },
  );
  return { res, supplied };
}
