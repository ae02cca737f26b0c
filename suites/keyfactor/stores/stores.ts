import { check, show } from '../../../src/core/check.ts';
import {
  checkRefused,
  field,
  kfRule,
  okJson,
  param,
  suitePassword,
  timestamp,
  type Run,
} from '../context.ts';
import { renewedById, renewedStoreCertificate, storeIdsOf } from '../renew/flows.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPLACE = '#/paths/~1Enrollment~1PFX~1Replace/post';
const DEPLOY = '#/paths/~1Enrollment~1PFX~1Deploy/post';

/** POST /Enrollment/PFX/Replace for the renewed store certificate, once per run. */
async function replaced(t: Run) {
  const { body: renewal, newId, oldId } = await renewedStoreCertificate(t);
  const password = field(renewal, 'Password')?.value;
  const res = await t.shared('pfx-replace', () =>
    t.ctx.kf.post('/Enrollment/PFX/Replace', {
      ExistingCertificateId: oldId,
      CertificateId: newId,
      ...(typeof password === 'string' ? { Password: password } : {}),
      JobTime: timestamp(),
    }),
  );
  return { res, oldId, newId };
}

function storeList(body: Record<string, unknown>, name: string): unknown {
  return field(body, name)?.value;
}

function deployBody(t: Run, certificateId: number, password: string | undefined) {
  return {
    Stores: [
      {
        StoreId: param(t, 'deployStoreId'),
        Alias: `certconform-${certificateId}`,
        Overwrite: false,
        Properties: {},
      },
    ],
    CertificateId: certificateId,
    ...(password === undefined ? {} : { Password: password }),
    JobTime: timestamp(),
  };
}

export const replaceAnswersStoreLists = kfRule({
  id: 'KF-DEP-001',
  title: 'PFX/Replace answers 200 with SuccessfulStores and FailedStores, arrays of store UUIDs',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section:
      '#/paths/~1Enrollment~1PFX~1Replace/post/responses/200 (example; schema KeyfactorAPI.Models.Enrollment.EnrollmentManagementResponse)',
    quote:
      'SuccessfulStores: - 00000000-0000-0000-0000-000000000000 - 00000000-0000-0000-0000-000000000000 FailedStores: - 00000000-0000-0000-0000-000000000000',
  },
  destructive: true,
  requires: ['store-certificate', 'renewable-certificate'],
  faults: ['replace-omits-failed-stores'],
  async check(t) {
    const { res } = await replaced(t);
    check(
      res.status === 200,
      `POST /Enrollment/PFX/Replace: expected 200, got ${res.status} ${show(res.text)}`,
    );
    const body = okJson(res, 'POST /Enrollment/PFX/Replace');
    for (const name of ['SuccessfulStores', 'FailedStores']) {
      const list = storeList(body, name);
      check(Array.isArray(list), `${name}: expected an array of store UUIDs, got ${show(list)}`);
      const bad = list.filter((s) => typeof s !== 'string' || !UUID.test(s));
      check(bad.length === 0, `${name}: expected store UUIDs, got ${show(bad)}`);
    }
  },
});

export const replaceTargetsOldStores = kfRule({
  id: 'KF-DEP-002',
  title: 'PFX/Replace schedules the new certificate into exactly the stores that hold the old one',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: `${REPLACE}/summary`,
    quote:
      'Creates management jobs to install a newly enrolled pfx into the same certificate stores as the previous certificate',
  },
  destructive: true,
  requires: ['store-certificate', 'renewable-certificate'],
  faults: ['replace-wrong-stores'],
  async check(t) {
    const { res, oldId } = await replaced(t);
    const body = okJson(res, 'POST /Enrollment/PFX/Replace');
    const expected = [...new Set(await storeIdsOf(t, oldId))].sort();
    const lists = ['SuccessfulStores', 'FailedStores'].map((n) => storeList(body, n)).filter(Array.isArray);
    const named = [...new Set(lists.flat().map((s) => String(s).toLowerCase()))].sort();
    check(
      named.length > 0 || expected.length === 0,
      `POST /Enrollment/PFX/Replace names no store; certificate ${oldId} is in ${expected.join(', ')}`,
    );
    check(
      JSON.stringify(named) === JSON.stringify(expected),
      `stores of the Replace jobs: expected those of certificate ${oldId} (${expected.join(', ') || 'none'}), got ${named.join(', ') || 'none'}`,
    );
  },
});

export const deploySchedulesStore = kfRule({
  id: 'KF-DEP-003',
  title: 'PFX/Deploy of a renewed certificate schedules the requested store and lists it in SuccessfulStores',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: `${DEPLOY}/summary`,
    quote: 'Creates management jobs to install a newly enrolled pfx in to one or more certificate stores',
  },
  destructive: true,
  requires: ['deploy-store', 'renewable-certificate'],
  faults: ['deploy-ignores-store'],
  async check(t) {
    const { newId } = await renewedById(t);
    // The documented Password may differ from the one Renew answered: the suite uses its own.
    const res = await t.ctx.kf.post('/Enrollment/PFX/Deploy', deployBody(t, newId, suitePassword(t)));
    const body = okJson(res, 'POST /Enrollment/PFX/Deploy');
    const store = param(t, 'deployStoreId').toLowerCase();
    const ok = storeList(body, 'SuccessfulStores');
    check(
      Array.isArray(ok) && ok.some((s) => String(s).toLowerCase() === store),
      `SuccessfulStores: expected to contain ${store}, got ${show(ok)} (FailedStores ${show(storeList(body, 'FailedStores'))})`,
    );
  },
});

export const deployRequiresPassword = kfRule({
  id: 'KF-DEP-004',
  title: 'PFX/Deploy refuses a request without Password',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/components/schemas/KeyfactorApi.Models.Enrollment.EnrollmentManagementRequest/required',
    quote: 'required: - Password',
  },
  destructive: true,
  requires: ['deploy-store', 'renewable-certificate'],
  faults: ['deploy-password-optional'],
  async check(t) {
    const { newId } = await renewedById(t);
    const res = await t.ctx.kf.post('/Enrollment/PFX/Deploy', deployBody(t, newId, undefined));
    checkRefused(t, res, 'POST /Enrollment/PFX/Deploy without Password');
  },
});
