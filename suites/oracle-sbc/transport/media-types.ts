import { check, confirmServerError } from '../../../src/core/check.ts';
import { OPERATIONS, served } from '../operations.ts';
import { expectEnvelope, expectStatus, isSuccess, rejectedLogin, rule } from '../rule.ts';

const TEMPLATE = 'configuration/elementTypes/template';
const TEMPLATE_QUERY = { elementType: 'certificate-record' };

export const successIsXmlEnvelope = rule({
  id: 'SBC-TRN-003',
  title: 'Successful answers are application/xml <response> envelopes with data, messages and links.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§2 Envelope',
    quote:
      'Every body (success and error) is <response><data>…</data><messages>…</messages><links>…</links></response>',
  },
  auth: 'none',
  faults: ['content-type-not-xml', 'token-answer-json'],
  async check(t) {
    // The answers no other rule owns; the answer of each other operation is judged by the rule that owns it.
    const versions = served(await t.ctx.discovery('/rest/api/supportedversions'), OPERATIONS.discovery);
    const token = await t.ctx.admin.login();
    rejectedLogin(token, t.ctx.admin.username);
    served(token, OPERATIONS.login);
    for (const res of [versions, token]) {
      // The status is SBC-VER-001's and SBC-AUTH-001's requirement; this rule judges a successful answer's form.
      check(isSuccess(res), `${res.method} ${res.url}: expected a success, got ${res.status}`);
      expectEnvelope(res);
    }
  },
});

export const errorIsXmlEnvelope = rule({
  id: 'SBC-TRN-004',
  title: 'Error answers (401, 404, 406) are application/xml <response> envelopes too.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§2 Envelope',
    quote:
      'Every body (success and error) is <response><data>…</data><messages>…</messages><links>…</links></response>',
  },
  auth: 'none',
  faults: ['error-body-not-envelope', 'missing-bearer-accepted'],
  async check(t) {
    // Error answers the suite can provoke without credentials or changes; the 423s are judged by SBC-LOCK-003.
    const unauthorized = served(
      await t.ctx.raw('GET', TEMPLATE, {}, { query: TEMPLATE_QUERY }),
      OPERATIONS.template,
    );
    expectStatus(unauthorized, 401, 'GET elementTypes/template without Authorization');
    expectEnvelope(unauthorized, '401 answer');
    const others = [
      await t.ctx.raw('GET', t.ctx.path(TEMPLATE, 'v9.9'), {}, { query: TEMPLATE_QUERY }),
      await t.ctx.raw('GET', '/rest/api/supportedversions', { accept: 'application/json' }),
    ];
    // Whether these are refused is other rules' business (SBC-VER-004, SBC-TRN-005): an error answer is judged.
    for (const res of others)
      if (res.status >= 400 && res.status < 500) expectEnvelope(res, `${res.status} answer`);
  },
});

export const wrongAcceptRefused = rule({
  id: 'SBC-TRN-005',
  title: 'A request that accepts only application/json is refused with 406 Not Acceptable.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Wrong Accept / Content-Type',
    quote: '406 Not Acceptable / 415 Unsupported Media Type',
  },
  auth: 'none',
  unversioned: true,
  judgesServerErrors: true,
  faults: ['accept-ignored'],
  async check(t) {
    const res = served(
      await confirmServerError(() =>
        t.ctx.discovery('/rest/api/supportedversions', { accept: 'application/json' }),
      ),
      OPERATIONS.discovery,
    );
    expectStatus(res, 406, 'GET /rest/api/supportedversions with Accept: application/json');
  },
});

export const wrongContentTypeRefused = rule({
  id: 'SBC-TRN-006',
  title: 'A JSON request body is refused with 415 Unsupported Media Type.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Wrong Accept / Content-Type',
    quote: '406 Not Acceptable / 415 Unsupported Media Type',
  },
  // The import is the documented request with a body that changes nothing when refused.
  requires: ['certificate-import'],
  judgesServerErrors: true,
  faults: ['content-type-ignored'],
  async check(t) {
    await t.ctx.acquire(t);
    const body = JSON.stringify({
      ImportCertificate: {
        recordName: t.ctx.params.unknownRecordName,
        format: 'x509',
        certificateRequest: '',
      },
    });
    const res = await confirmServerError(() =>
      t.ctx.importCertificate(body, { headers: { 'content-type': 'application/json' } }),
    );
    expectStatus(res, 415, 'PUT certificates/import with Content-Type: application/json');
  },
});

export const wrongVerbRefused = rule({
  id: 'SBC-TRN-007',
  title: 'An unsupported verb on a known resource is refused with 405 Method Not Allowed.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Wrong verb',
    quote: '405 Method Not Allowed',
  },
  judgesServerErrors: true,
  faults: ['wrong-verb-404'],
  async check(t) {
    // Unlock is POST, not DELETE: a DELETE on the lock resource must not be mistaken for "no such resource".
    const res = await confirmServerError(() => t.ctx.admin.request('DELETE', 'configuration/lock'));
    expectStatus(res, 405, 'DELETE configuration/lock');
  },
});

export const mediaTypeRules = [
  successIsXmlEnvelope,
  errorIsXmlEnvelope,
  wrongAcceptRefused,
  wrongContentTypeRefused,
  wrongVerbRefused,
];
