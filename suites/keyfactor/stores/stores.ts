import { check, describeAnswer, show } from '../../../src/core/check.ts';
import { NotServed } from '../../../src/core/errors.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import {
  checkRefused,
  field,
  kfRule,
  okJson,
  param,
  REFUSAL,
  refusal,
  suitePassword,
  timestamp,
  type Run,
  type StoreLocation,
} from '../context.ts';
import { renewedById, renewedStoreCertificate } from '../renew/flows.ts';
import { SCRATCH_PREFIX } from '../../../src/core/scratch.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPLACE = '#/paths/~1Enrollment~1PFX~1Replace/post';
const DEPLOY = '#/paths/~1Enrollment~1PFX~1Deploy/post';
const IMMEDIATE = { Immediate: true };

/** The store lists of a Replace/Deploy answer, when it has them (for undoing what it scheduled). */
function listedStores(res: HttpResponse | undefined): string[] {
  if (!res || res.status >= 300) return [];
  try {
    const body: unknown = JSON.parse(res.text);
    return ['SuccessfulStores', 'FailedStores']
      .map((n) => field(body, n)?.value)
      .filter(Array.isArray)
      .flat()
      .map((s) => String(s).toLowerCase());
  } catch {
    return [];
  }
}

/** What a Replace or Deploy was answered, for its undo: nothing was scheduled when it was refused or not served. */
interface Sent {
  res?: HttpResponse;
  notServed?: boolean;
}

async function keep(sent: Sent, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return (sent.res = await send());
  } catch (err) {
    if (err instanceof NotServed) sent.notServed = true;
    throw err;
  }
}

const scheduledNothing = (sent: Sent) => sent.notServed || (sent.res !== undefined && sent.res.status >= 300);

/** A store-management request that must be accepted for an undo to count: anything else is thrown. */
async function storeJob(t: Run, path: string, json: unknown): Promise<void> {
  const res = await t.ctx.kf.post(path, json);
  if (res.status !== 200) throw new Error(describeAnswer(res));
}

/**
 * Undoes a Replace: the old certificate goes back under its aliases (Overwrite), and the new one leaves any
 * other store the answer named. Jobs run in the order they are scheduled, so this also holds when the Replace
 * job has not run yet. Harmless when the Replace never happened (the old certificate is re-added in place).
 */
async function undoReplace(
  t: Run,
  oldId: number,
  oldStores: StoreLocation[],
  newAlias: string | undefined,
  sent: Sent,
): Promise<void> {
  if (scheduledNothing(sent)) return;
  await storeJob(t, '/CertificateStores/Certificates/Add', {
    CertificateId: oldId,
    CertificateStores: oldStores.map((l) => ({
      CertificateStoreId: l.storeId,
      Alias: l.alias,
      Overwrite: true,
      IncludePrivateKey: true,
    })),
    Schedule: IMMEDIATE,
  });
  const others = listedStores(sent.res).filter((s) => !oldStores.some((l) => l.storeId === s));
  if (others.length && newAlias)
    await storeJob(t, '/CertificateStores/Certificates/Remove', {
      CertificateStores: others.map((s) => ({ CertificateStoreId: s, Alias: newAlias })),
      Schedule: IMMEDIATE,
    });
}

/** POST /Enrollment/PFX/Replace for the renewed store certificate, once per run; a 2xx JSON answer. */
async function replaced(t: Run) {
  const { body: renewal, newId, oldId, oldStores } = await renewedStoreCertificate(t);
  const password = field(renewal, 'Password')?.value;
  const thumbprint = field(renewal, 'Thumbprint')?.value;
  const replace = await t.shared(
    'pfx-replace',
    async () => {
      const sent: Sent = {};
      // Registered before the call: a Replace whose answer is lost may still have been scheduled.
      t.cleanup(`PFX/Replace of certificate ${oldId} by ${newId} in ${oldStores.length} store(s)`, () =>
        undoReplace(t, oldId, oldStores, typeof thumbprint === 'string' ? thumbprint : undefined, sent),
      );
      const res = await keep(sent, () =>
        t.ctx.kf.post('/Enrollment/PFX/Replace', {
          ExistingCertificateId: oldId,
          CertificateId: newId,
          ...(typeof password === 'string' ? { Password: password } : {}),
          JobTime: timestamp(),
        }),
      );
      return { res, body: okJson(res, 'POST /Enrollment/PFX/Replace') };
    },
    { owner: 'KF-DEP-001' },
  );
  return { ...replace, oldId, oldStores };
}

function storeList(body: Record<string, unknown>, name: string): unknown {
  return field(body, name)?.value;
}

/**
 * POST /Enrollment/PFX/Deploy of a certificate into params.deployStoreId, with its undo registered first. A
 * request that must be refused (`refused`) is sent once more after a 5xx before it is judged.
 */
async function deploy(
  t: Run,
  certificateId: number,
  password: string | undefined,
  alias: string,
  refused = false,
) {
  const storeId = param(t, 'deployStoreId');
  const sent: Sent = {};
  t.cleanup(`PFX/Deploy of certificate ${certificateId} into store ${storeId} as "${alias}"`, async () => {
    if (scheduledNothing(sent)) return;
    await storeJob(t, '/CertificateStores/Certificates/Remove', {
      CertificateStores: [{ CertificateStoreId: storeId, Alias: alias }],
      Schedule: IMMEDIATE,
    });
  });
  const body = {
    Stores: [{ StoreId: storeId, Alias: alias, Overwrite: false, Properties: {} }],
    CertificateId: certificateId,
    ...(password === undefined ? {} : { Password: password }),
    JobTime: timestamp(),
  };
  const send = () => t.ctx.kf.post('/Enrollment/PFX/Deploy', body, refused ? REFUSAL : {});
  return keep(sent, () => (refused ? refusal(send) : send()));
}

export const replaceAnswersStoreLists = kfRule({
  id: 'KF-DEP-001',
  title:
    'PFX/Replace answers 200; its SuccessfulStores and FailedStores, where given, are arrays of store UUIDs',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section:
      '#/paths/~1Enrollment~1PFX~1Replace/post/responses/200 (example; schema KeyfactorAPI.Models.Enrollment.EnrollmentManagementResponse)',
    quote:
      'SuccessfulStores: - 00000000-0000-0000-0000-000000000000 - 00000000-0000-0000-0000-000000000000 FailedStores: - 00000000-0000-0000-0000-000000000000',
  },
  destructive: true,
  requires: ['store-certificate', 'renewable-certificate', 'store-jobs'],
  faults: ['replace-failed-stores-not-array'],
  async check(t) {
    const { res, body } = await replaced(t);
    check(
      res.status === 200,
      `POST /Enrollment/PFX/Replace: expected 200, got ${res.status} ${show(res.text)}`,
    );
    for (const name of ['SuccessfulStores', 'FailedStores']) {
      const list = storeList(body, name);
      // The schema requires neither list (an empty one may be left out), and marks neither nullable.
      if (list === undefined) continue;
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
  requires: ['store-certificate', 'renewable-certificate', 'store-jobs'],
  faults: ['replace-wrong-stores'],
  async check(t) {
    // "Before" was read before the Replace: a job that finishes at once has moved the old certificate by now.
    const { body, oldId, oldStores } = await replaced(t);
    const expected = [...new Set(oldStores.map((l) => l.storeId))].sort();
    const lists = ['SuccessfulStores', 'FailedStores'].map((n) => storeList(body, n)).filter(Array.isArray);
    const named = [...new Set(lists.flat().map((s) => String(s).toLowerCase()))].sort();
    check(
      named.length > 0,
      `POST /Enrollment/PFX/Replace names no store; certificate ${oldId} is in ${expected.join(', ')}`,
    );
    check(
      JSON.stringify(named) === JSON.stringify(expected),
      `stores of the Replace jobs: expected those of certificate ${oldId} (${expected.join(', ')}), got ${named.join(', ')}`,
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
  requires: ['deploy-store', 'renewable-certificate', 'store-jobs'],
  faults: ['deploy-ignores-store'],
  async check(t) {
    const { newId } = await renewedById(t);
    // The documented Password may differ from the one Renew answered: the suite uses its own.
    const res = await deploy(t, newId, suitePassword(t), `${SCRATCH_PREFIX}${newId}`);
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
  requires: ['deploy-store', 'renewable-certificate', 'store-jobs'],
  judgesServerErrors: true,
  faults: ['deploy-password-optional'],
  async check(t) {
    const { newId } = await renewedById(t);
    const res = await deploy(t, newId, undefined, `${SCRATCH_PREFIX}${newId}-no-password`, true);
    checkRefused(t, res, 'POST /Enrollment/PFX/Deploy without Password');
  },
});
