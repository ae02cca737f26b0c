import { check, checkEqual, show } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectErrorMessage } from '../../lib/expect.ts';
import { csrAttributes, issueBody, issueFromKey, refused, v2 } from '../../lib/flow.ts';
import { commonName, uniqueSubject } from '../../lib/pki.ts';

export const issueFromPlatformKey = rule({
  id: 'CZ-ISS-008',
  title:
    'Issuing from a platform key (tokenProfileUuid, keyUuid, csrAttributes) certifies that key with the requested subject.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: keyUuid',
    quote: 'keyUuid | string <uuid> Key UUID. Required if CSR is not uploaded',
  },
  destructive: true,
  requires: ['platform-keys'],
  faults: ['key-issue-wrong-key'],
  async check(t) {
    const keyUuid = t.ctx.params.keyUuids![0]!;
    const issued = await t.shared('cz:issue:key', () => issueFromKey(t, 'keyissue', keyUuid), {
      owner: 'CZ-ISS-008',
    });
    checkEqual(issued.detail.key?.uuid, keyUuid, `certificate ${issued.uuid}: detail.key.uuid`);
    check(
      commonName(issued.cert.subject) === commonName(issued.subject),
      `certificate ${issued.uuid}: expected CN ${show(commonName(issued.subject))} from csrAttributes, got subject ${show(issued.cert.subject)}`,
    );
  },
});

export const crmfNeedsCsr = rule({
  id: 'CZ-ISS-016',
  title:
    'Issuing from a platform key with format crmf is refused with 400 (the platform generates PKCS#10 only).',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.issueCertificate (request submission)',
    quote: 'CRMF format is not supported for CSR generation',
  },
  destructive: true,
  requires: ['platform-keys'],
  judgesServerErrors: true,
  faults: ['crmf-key-issue-accepted'],
  async check(t) {
    const { ctx } = t;
    const subject = uniqueSubject(ctx, 'crmf');
    const res = await refused(t, 'issueCertificate', () =>
      ctx.http.post(v2(ctx, '/certificates'), {
        json: issueBody(ctx, {
          format: 'crmf',
          tokenProfileUuid: ctx.params.tokenProfileUuid,
          keyUuid: ctx.params.keyUuids![0],
          csrAttributes: csrAttributes(ctx, subject),
        }),
      }),
    );
    expectErrorMessage(res, 400, 'issue from a platform key with format crmf');
  },
});
