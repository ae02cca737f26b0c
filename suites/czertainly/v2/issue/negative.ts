import { seededUuid } from '../../../../src/core/random.ts';
import type { RuleRun } from '../../../../src/core/api.ts';
import type { HttpResponse } from '../../../../src/http/client.ts';
import type { Ctx } from '../../context.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectErrorMessage, expectMessageList, expectRefused } from '../../lib/expect.ts';
import { refused, v2, type Scope } from '../../lib/flow.ts';
import { newCsr } from '../../lib/pki.ts';

/** An issue request the target should refuse (see `refused`): nothing is issued from a refused request. */
function refusedIssue(t: RuleRun<Ctx>, json: unknown, scope?: Scope): Promise<HttpResponse> {
  return refused(t, 'issueCertificate', () => t.ctx.http.post(v2(t.ctx, '/certificates', scope), { json }));
}

export const issueNeedsCsrOrKey = rule({
  id: 'CZ-ISS-009',
  title: 'An issue request with neither a CSR nor a platform key is refused.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: tokenProfileUuid / keyUuid',
    quote: 'tokenProfileUuid | string <uuid> Token Profile UUID. Required if CSR is not uploaded',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['issue-without-csr-accepted'],
  async check(t) {
    const res = await refusedIssue(t, { attributes: t.ctx.params.issueAttributes ?? [] });
    expectRefused(res, 'issue without request, keyUuid and tokenProfileUuid');
  },
});

export const issueRefusesGarbageCsr = rule({
  id: 'CZ-ISS-010',
  title: 'An issue request whose request is not a Base64 PKCS#10 CSR is refused.',
  level: 'MUST',
  cite: {
    source: 'seed',
    section: 'Issue Certificate, request body: request',
    quote: 'request required | string Certificate signing request encoded as Base64 string',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['garbage-csr-accepted'],
  async check(t) {
    const garbage = Buffer.from('this is not a certificate signing request').toString('base64');
    const res = await refusedIssue(t, { attributes: [], request: garbage, format: 'pkcs10' });
    expectRefused(res, 'issue with a request that is not a CSR');
  },
});

export const unknownRaProfile404 = rule({
  id: 'CZ-ISS-012',
  title: 'Issuing on an RA profile UUID that does not exist answers 404 {message}.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../raProfiles/{raProfileUuid}/certificates (issueCertificate), responses."404"',
    quote: 'description: Not Found',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['unknown-ra-profile-422'],
  async check(t) {
    const csr = await newCsr(t.ctx, 'norap');
    // A 404 is this rule's subject only where issue is served at all (else no route, not "no RA profile").
    const res = await refusedIssue(
      t,
      { attributes: [], request: csr.base64, format: 'pkcs10' },
      { raProfileUuid: seededUuid() },
    );
    expectErrorMessage(res, 404, 'issue on an unknown RA profile');
  },
});

export const disabledRaProfile422 = rule({
  id: 'CZ-ISS-013',
  title: 'Issuing on a disabled RA profile is refused with 422 and a list of messages.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl.issueCertificate',
    quote: 'Cannot issue certificate with disabled RA profile.',
  },
  destructive: true,
  requires: ['disabled-ra-profile'],
  judgesServerErrors: true,
  faults: ['disabled-ra-profile-issues'],
  async check(t) {
    const csr = await newCsr(t.ctx, 'disabled');
    const res = await refusedIssue(
      t,
      { attributes: t.ctx.params.issueAttributes ?? [], request: csr.base64, format: 'pkcs10' },
      { raProfileUuid: t.ctx.params.disabledRaProfileUuid! },
    );
    expectMessageList(res, 'issue on a disabled RA profile');
  },
});
