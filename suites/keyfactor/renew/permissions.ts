import { check, show } from '../../../src/core/check.ts';
import { checkRefused, kfRule, noteIssued, param, refusal, renewBody } from '../context.ts';
import { RENEW } from './flows.ts';

const COLLECTION_ID = '#/paths/~1Enrollment~1Renew/post/parameters/0 (collectionId)';

export const renewNeedsCollectionId = kfRule({
  id: 'KF-AUTH-004',
  title: 'Renew refuses a user with only collection permissions that does not pass collectionId',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: COLLECTION_ID,
    quote: 'The collection id for the given certificate',
  },
  destructive: true,
  requires: ['collection-user', 'renewable-certificate'],
  judgesServerErrors: true,
  faults: ['renew-collection-scope-ignored'],
  async check(t) {
    const id = param(t, 'collectionCertificateId');
    const body = renewBody(t, { CertificateId: id });
    const res = await refusal(() =>
      t.ctx.kf.post(RENEW, body, { as: 'collectionUser', refusalExpected: true }),
    );
    // No document gives the status (403 is the usual one, always accepted).
    checkRefused(
      t,
      res,
      `POST /Enrollment/Renew of certificate ${id} as the collection-scoped user without collectionId`,
      [403],
    );
  },
});

export const renewWithCollectionId = kfRule({
  id: 'KF-AUTH-005',
  title:
    'Renew lets a user with only collection permissions renew a certificate of its collection when it passes collectionId',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: COLLECTION_ID,
    quote: 'The collection id for the given certificate',
  },
  destructive: true,
  requires: ['collection-user', 'renewable-certificate'],
  faults: ['renew-collection-id-ignored'],
  async check(t) {
    const id = param(t, 'collectionCertificateId');
    const collectionId = param(t, 'collectionId');
    const res = await t.ctx.kf.post(RENEW, renewBody(t, { CertificateId: id }), {
      as: 'collectionUser',
      query: { collectionId },
    });
    if (res.status < 300)
      noteIssued(t, safeJson(res.text), `renewal of certificate ${id} by the collection-scoped user`);
    // Only the permission is at stake here; the exact success status is KF-REN-001's.
    check(
      res.status >= 200 && res.status < 300,
      `POST /Enrollment/Renew?collectionId=${collectionId} of certificate ${id} as the collection-scoped user: expected success, got ${res.status} ${show(res.text)}`,
    );
  },
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
