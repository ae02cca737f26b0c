import { at, check, checkEqual, show } from '../../../src/core/check.ts';
import { field, kfRule } from '../context.ts';
import { renewById, renewedById } from './flows.ts';

const SEED = 'POST Enrollment Renew';
const RESPONSE_TABLE = 'Table 343: POST Enrollment Renew Response Data';

export const renewAnswers200 = kfRule({
  id: 'KF-REN-001',
  title: 'A successful Renew answers HTTP 200 OK',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: SEED,
    quote: 'This method returns HTTP 200 OK on a success with details of the new certificate.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  // Also the owner of "POST /Enrollment/Renew not served": the documented operation must answer (one finding).
  faults: ['renew-status-201', 'renew-not-served'],
  async check(t) {
    const { res } = await renewById(t);
    checkEqual(
      res.status,
      200,
      `POST /Enrollment/Renew of certificate ${t.ctx.params.certificateId}: status`,
    );
  },
});

export const renewReportsIds = kfRule({
  id: 'KF-REN-002',
  title: 'Renew answers the new certificate ID (KeyfactorID, any casing) and request ID as integers',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: RESPONSE_TABLE,
    quote: 'KeyfactorID | ID of the certificate in Keyfactor Command.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-keyfactor-id-string'],
  async check(t) {
    const { body } = await renewById(t);
    for (const name of ['KeyfactorID', 'KeyfactorRequestID']) {
      const f = field(body, name);
      check(f, `${name} (compared without regard to case): missing from ${show(body)}`, at(body, `/${name}`));
      check(
        Number.isInteger(f.value) && (f.value as number) > 0,
        `${f.key}: expected a positive integer, got ${show(f.value)}`,
        at(body, `/${f.key}`),
      );
    }
    const oldId = t.ctx.params.certificateId;
    const id = field(body, 'KeyfactorID')!;
    check(
      id.value !== oldId,
      `KeyfactorID: expected the ID of a new certificate, got the renewed one's (${oldId})`,
      at(body, `/${id.key}`),
    );
    // The answered ID names the certificate Command now holds (looked up by GET /Certificates/{id}).
    await renewedById(t);
  },
});

export const renewReportsDisposition = kfRule({
  id: 'KF-REN-003',
  title:
    'Renew answers the request state (RequestDisposition) and the enrollment message (DispositionMessage)',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: RESPONSE_TABLE,
    quote: 'RequestDisposition | State of the request (e.g. issued).',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-omits-disposition'],
  async check(t) {
    const { body } = await renewById(t);
    const disposition = field(body, 'RequestDisposition')?.value;
    check(
      typeof disposition === 'string' && disposition !== '',
      `RequestDisposition: expected the request state (e.g. "Issued"), got ${show(disposition)}`,
    );
    const message = field(body, 'DispositionMessage')?.value;
    check(typeof message === 'string', `DispositionMessage: expected a string, got ${show(message)}`);
  },
});

export const renewReportsPassword = kfRule({
  id: 'KF-REN-004',
  title: 'Renew answers a generated Password for installing the new certificate into a store',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: RESPONSE_TABLE,
    quote: 'Password | A password generated for convenience for use on installation to a certificate store.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-omits-password'],
  async check(t) {
    const { body } = await renewById(t);
    const pw = field(body, 'Password')?.value;
    if (typeof pw === 'string') t.secret(pw);
    check(
      typeof pw === 'string' && pw.length > 0,
      `Password: expected a non-empty string, got ${pw === undefined ? 'no Password field' : typeof pw}`,
    );
  },
});
