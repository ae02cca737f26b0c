import { check, checkEqual, requireServed, show } from '../../../../src/core/check.ts';
import { rule, VENDOR } from '../../rule.ts';
import { expectErrorMessage } from '../../lib/expect.ts';
import { issueAttributesAnswer, refused, v2 } from '../../lib/flow.ts';
import type { HttpResponse } from '../../../../src/http/client.ts';

function checkDefinitions(res: HttpResponse, what: string): void {
  checkEqual(res.status, 200, `${what}: status`);
  const body = res.json();
  check(Array.isArray(body), `${what}: expected a JSON array of attribute definitions, got ${show(body)}`);
  for (const [i, a] of (body as Array<Record<string, unknown>>).entries()) {
    for (const field of ['uuid', 'name', 'type']) {
      check(typeof a?.[field] === 'string', `${what}: definition #${i} has no string ${field}: ${show(a)}`);
    }
  }
}

export const listIssueAttributes = rule({
  id: 'CZ-ATT-001',
  title: 'The issue attributes of the RA profile are listed as a JSON array of attribute definitions.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'GET .../attributes/issue (listIssueCertificateAttributes), responses."200"',
    quote: 'description: Attributes list obtained',
  },
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  faults: ['issue-attributes-object'],
  async check(t) {
    // Not served at all is this rule's finding (and the cause for the rules that read the same path).
    checkDefinitions(await issueAttributesAnswer(t), 'listIssueCertificateAttributes');
  },
});

export const listRevokeAttributes = rule({
  id: 'CZ-ATT-002',
  title: 'The revoke attributes of the RA profile are listed as a JSON array of attribute definitions.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'GET .../attributes/revoke (listRevokeCertificateAttributes), responses."200"',
    quote: 'description: Attributes obtained',
  },
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  faults: ['revoke-attributes-object'],
  async check(t) {
    const res = await t.ctx.http.get(v2(t.ctx, '/attributes/revoke'));
    checkDefinitions(
      requireServed(res, 'listRevokeCertificateAttributes', 'CZ-ATT-002'),
      'listRevokeCertificateAttributes',
    );
  },
});

export const validateIssueAttributes = rule({
  id: 'CZ-ATT-003',
  title: 'The issue attributes the profile uses validate with 200.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../attributes/issue/validate (validateIssueCertificateAttributes), responses."200"',
    quote: 'description: Attributes validated',
  },
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  faults: ['validate-issue-rejects'],
  async check(t) {
    const res = await t.ctx.http.post(v2(t.ctx, '/attributes/issue/validate'), {
      json: t.ctx.params.issueAttributes ?? [],
    });
    requireServed(res, 'validateIssueCertificateAttributes', 'CZ-ATT-003');
    check(
      res.status === 200,
      `validateIssueCertificateAttributes: expected 200, got ${res.status} (${show(res.text)})`,
    );
  },
});

export const validateRevokeAttributes = rule({
  id: 'CZ-ATT-004',
  title: 'The revoke attributes the profile uses validate with 200.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section: 'POST .../attributes/revoke/validate (validateRevokeCertificateAttributes), responses."200"',
    quote: 'description: Attributes validated',
  },
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  faults: ['validate-revoke-rejects'],
  async check(t) {
    const res = await t.ctx.http.post(v2(t.ctx, '/attributes/revoke/validate'), {
      json: t.ctx.params.revokeAttributes ?? [],
    });
    requireServed(res, 'validateRevokeCertificateAttributes', 'CZ-ATT-004');
    check(
      res.status === 200,
      `validateRevokeCertificateAttributes: expected 200, got ${res.status} (${show(res.text)})`,
    );
  },
});

export const attributesOfDisabledProfile404 = rule({
  id: 'CZ-ATT-005',
  title: 'Attribute lists of a disabled RA profile answer 404 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section:
      'service/v2/impl/ClientOperationServiceImpl.listIssueCertificateAttributes (RA profile looked up with enabled=true)',
    quote: "Object of type 'RaProfile' identified by",
  },
  requires: ['disabled-ra-profile'],
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  // The refusal's status is the finding: a 500 is read once more, then judged.
  judgesServerErrors: true,
  faults: ['attributes-on-disabled-profile'],
  async check(t) {
    // The 404 is this rule's subject only where the path is served at all (CZ-ATT-001's request).
    const res = await refused(t, 'listIssueCertificateAttributes', () =>
      t.ctx.http.get(v2(t.ctx, '/attributes/issue', { raProfileUuid: t.ctx.params.disabledRaProfileUuid! })),
    );
    expectErrorMessage(res, 404, 'listIssueCertificateAttributes on a disabled RA profile');
  },
});

export const v2OnLegacyProfile404 = rule({
  id: 'CZ-ATT-006',
  title: 'v2 operations on a legacy (v1-only) RA profile answer 404 {message}.',
  level: 'VENDOR',
  vendor: VENDOR,
  cite: {
    source: 'core-impl',
    section: 'service/v2/impl/ClientOperationServiceImpl (legacy connector behind a v2 endpoint)',
    quote: 'Legacy Authority. V2 Implementation not found on the connector',
  },
  requires: ['legacy-v1'],
  // Reads (or validates) attribute definitions: changes nothing.
  parallelSafe: true,
  judgesServerErrors: true,
  faults: ['v2-on-legacy-profile-served'],
  async check(t) {
    const p = t.ctx.params;
    const res = await refused(t, 'listIssueCertificateAttributes', () =>
      t.ctx.http.get(
        v2(t.ctx, '/attributes/issue', {
          raProfileUuid: p.legacyRaProfileUuid!,
          authorityUuid: p.legacyAuthorityUuid ?? p.authorityUuid,
        }),
      ),
    );
    expectErrorMessage(res, 404, 'listIssueCertificateAttributes on the legacy RA profile');
  },
});
