import { check, show } from '../../../src/core/check.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import {
  certificateRecord,
  idValue,
  okJson,
  originalCertificate,
  param,
  renewBody,
  storeLocationsOf,
  storesBefore,
  suitePassword,
  timestamp,
  type CertificateRecord,
  type Run,
  type StoreLocation,
} from '../context.ts';

/**
 * Renewals shared by several rules: each is made once per run and its evidence is shown in every rule using
 * it. Each is judged inside the shared setup, on behalf of the one rule whose requirement it is (`owner`):
 * when it fails, only that rule fails; the others end as `error` "precondition … failed".
 */

export const RENEW = '/Enrollment/Renew';

export interface Renewal {
  res: HttpResponse;
  body: Record<string, unknown>;
}

/** POST /Enrollment/Renew for params.certificateId with an explicit CA and template; a 2xx JSON answer. */
export function renewById(t: Run): Promise<Renewal> {
  const id = param(t, 'certificateId');
  const body = renewBody(t, { CertificateId: id });
  return t.shared(
    'renew-by-id',
    async () => {
      const res = await t.ctx.kf.post(RENEW, body);
      return { res, body: okJson(res, `POST /Enrollment/Renew of certificate ${id}`) };
    },
    { owner: 'KF-REN-001' },
  );
}

export interface Renewed extends Renewal {
  newId: number;
  old: CertificateRecord;
  renewed: CertificateRecord;
}

/** The renewal by ID, followed to the new certificate Command now holds (the answered KeyfactorID is real). */
export async function renewedById(t: Run): Promise<Renewed> {
  const { res, body } = await renewById(t);
  const oldId = param(t, 'certificateId');
  const old = await originalCertificate(t, oldId);
  const { newId, renewed } = await t.shared(
    'renewed-by-id',
    async () => {
      const newId = idValue(body, 'KeyfactorID');
      check(
        newId !== undefined,
        `POST /Enrollment/Renew: no KeyfactorID in ${show(body)}; cannot look at the new certificate`,
      );
      return { newId, renewed: await certificateRecord(t, newId) };
    },
    { owner: 'KF-REN-002' },
  );
  t.note(`renewed certificate ${oldId} into ${newId}`);
  return { res, body, newId, old, renewed };
}

export interface StoreRenewal {
  body: Record<string, unknown>;
  newId: number;
  oldId: number;
  /** Where the old certificate sat before the run changed anything. */
  oldStores: StoreLocation[];
  /** Where the new certificate sat right after Renew answered (read before anything else could move it). */
  newStoresAfterRenew: StoreLocation[];
}

/** Renewal of the certificate that sits in stores (params.storeCertificateId). */
export async function renewedStoreCertificate(t: Run): Promise<StoreRenewal> {
  const oldId = param(t, 'storeCertificateId');
  const oldStores = await t.setup('stores of params.storeCertificateId', async () => {
    const stores = await storesBefore(t, oldId);
    check(
      stores.length > 0,
      `certificate ${oldId} (params.storeCertificateId) is in no certificate store; the store rules need one that is`,
    );
    return stores;
  });
  const renewal = await t.shared(
    'renew-store-certificate',
    async () => {
      const res = await t.ctx.kf.post(RENEW, renewBody(t, { CertificateId: oldId }));
      const body = okJson(res, `POST /Enrollment/Renew (certificate ${oldId})`);
      const newId = idValue(body, 'KeyfactorID');
      check(newId !== undefined, `POST /Enrollment/Renew: no KeyfactorID in ${show(body)}`);
      return { body, newId, newStoresAfterRenew: await storeLocationsOf(t, newId) };
    },
    { owner: 'KF-REN-015' },
  );
  t.note(`renewed store certificate ${oldId} into ${renewal.newId}`);
  return { ...renewal, oldId, oldStores };
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
  opts: { omitFormat?: boolean; refusalExpected?: boolean } = {},
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
    {
      headers: opts.omitFormat ? {} : { 'x-certificateformat': 'PFX' },
      ...(opts.refusalExpected ? { refusalExpected: true } : {}),
    },
  );
  return { res, supplied };
}
