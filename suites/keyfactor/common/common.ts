import { check, checkEqual, notApplicable, show } from '../../../src/core/check.ts';
import { DEFAULT_UNKNOWN_CERTIFICATE_ID } from '../params.ts';
import { checkRefused, field, isObject, kfRule, param, refusal } from '../context.ts';

const availableRenewal = (id: number) => `/Enrollment/AvailableRenewal/Id/${id}`;

export const requestedWithRequired = kfRule({
  id: 'KF-HDR-001',
  title: 'Command refuses a request without the x-keyfactor-requested-with header',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section:
      '#/paths/~1Enrollment~1AvailableRenewal~1Id~1{id}/get/parameters/3 (x-keyfactor-requested-with, required: true)',
    quote: 'Type of the request [XMLHttpRequest, APIClient]',
  },
  requires: ['renewable-certificate', 'available-renewal'],
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['requested-with-optional'],
  async check(t) {
    const id = param(t, 'certificateId');
    const res = await refusal(() =>
      t.ctx.kf.get(availableRenewal(id), { omitRequestedWith: true, refusalExpected: true }),
    );
    checkRefused(t, res, `GET ${availableRenewal(id)} without x-keyfactor-requested-with`);
  },
});

export const authenticationRequired = kfRule({
  id: 'KF-AUTH-001',
  title: 'Command answers 401 to a request without credentials',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/components/securitySchemes/basicAuth',
    quote: 'basicAuth: scheme: basic type: http',
  },
  requires: ['renewable-certificate', 'available-renewal'],
  // It sends no credentials: it still runs (and can fail) when the profile's were rejected.
  auth: 'none',
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['anonymous-allowed'],
  async check(t) {
    const id = param(t, 'certificateId');
    const res = await refusal(() =>
      t.ctx.kf.get(availableRenewal(id), { as: 'anonymous', refusalExpected: true }),
    );
    checkEqual(res.status, 401, `GET ${availableRenewal(id)} without credentials: status`);
  },
});

export const collectionScopeEnforced = kfRule({
  id: 'KF-AUTH-002',
  title: 'A user with only collection permissions is refused when it does not pass collectionId',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Enrollment~1AvailableRenewal~1Id~1{id}/get/parameters/1 (collectionId)',
    quote: 'The collection id for the given certificate',
  },
  requires: ['collection-user', 'available-renewal'],
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['collection-scope-ignored'],
  async check(t) {
    const id = param(t, 'collectionCertificateId');
    const res = await refusal(() =>
      t.ctx.kf.get(availableRenewal(id), { as: 'collectionUser', refusalExpected: true }),
    );
    // No document gives the status (403 is the usual one, always accepted).
    checkRefused(
      t,
      res,
      `GET ${availableRenewal(id)} as the collection-scoped user without collectionId`,
      [403],
    );
  },
});

export const collectionIdGrantsAccess = kfRule({
  id: 'KF-AUTH-003',
  title:
    'A user with only collection permissions reaches a certificate of its collection when it passes collectionId',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Enrollment~1AvailableRenewal~1Id~1{id}/get/parameters/1 (collectionId)',
    quote: 'The collection id for the given certificate',
  },
  requires: ['collection-user', 'available-renewal'],
  parallelSafe: true,
  faults: ['collection-id-ignored'],
  async check(t) {
    const id = param(t, 'collectionCertificateId');
    const collectionId = param(t, 'collectionId');
    const res = await t.ctx.kf.get(availableRenewal(id), { as: 'collectionUser', query: { collectionId } });
    checkEqual(
      res.status,
      200,
      `GET ${availableRenewal(id)}?collectionId=${collectionId} as the collection-scoped user: status`,
    );
  },
});

export const errorBodyShape = kfRule({
  id: 'KF-ERR-001',
  title: 'Command answers errors with a JSON body carrying ErrorCode and Message',
  level: 'SHOULD',
  cite: {
    source: 'kf-clients',
    section: 'api/client.go error handling; recorded answer of a Command server',
    quote:
      '{"ErrorCode":"0xA0110007","Message":"You must supply a certificate format in the \'X-CertificateFormat\' header of the request."}',
  },
  requires: ['available-renewal'],
  parallelSafe: true,
  faults: ['error-body-plain'],
  async check(t) {
    const id = t.ctx.params.unknownCertificateId ?? DEFAULT_UNKNOWN_CERTIFICATE_ID;
    const res = await t.ctx.kf.get(availableRenewal(id));
    // The rule is about the shape of an error; which answer an unknown certificate gets is not documented.
    if (res.status < 400)
      notApplicable(
        `GET ${availableRenewal(id)} (unknown certificate) answered ${res.status}: no error to look at`,
      );
    const body = res.json();
    check(isObject(body), `error body: expected a JSON object, got ${show(body)}`);
    const code = field(body, 'ErrorCode')?.value;
    const message = field(body, 'Message')?.value;
    check(
      typeof code === 'string' && code !== '',
      `error body ErrorCode: expected a string (e.g. "0xA0110007"), got ${show(code)}`,
    );
    check(
      typeof message === 'string' && message !== '',
      `error body Message: expected a non-empty string, got ${show(message)}`,
    );
  },
});
