import { check, checkEqual } from '../../../src/core/check.ts';
import { expectStatus, rejectedLogin, rule } from '../rule.ts';
import { envelope } from '../xml.ts';

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
    const versions = await t.ctx.discovery('/rest/api/supportedversions');
    const token = await t.ctx.admin.login();
    rejectedLogin(token, t.ctx.admin.username);
    for (const res of [versions, token]) {
      check(
        res.status >= 200 && res.status < 300,
        `${res.method} ${res.url}: expected a success, got ${res.status}`,
      );
      checkEqual(
        res.contentType,
        'application/xml',
        `${res.method} ${new URL(res.url).pathname} Content-Type`,
      );
      const env = envelope(res);
      check(
        env.missing.length === 0,
        `${res.method} ${new URL(res.url).pathname}: the <response> envelope lacks ${env.missing.join(', ')}`,
      );
    }
  },
});

export const errorIsXmlEnvelope = rule({
  id: 'SBC-TRN-004',
  title: 'Error answers are application/xml <response> envelopes too.',
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
    const res = await t.ctx.raw(
      'GET',
      'configuration/elementTypes/template',
      {},
      { query: { elementType: 'certificate-record' } },
    );
    expectStatus(res, 401, 'GET elementTypes/template without Authorization');
    checkEqual(res.contentType, 'application/xml', '401 answer Content-Type');
    const env = envelope(res, '401 answer');
    check(env.missing.length === 0, `401 answer: the <response> envelope lacks ${env.missing.join(', ')}`);
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
  faults: ['accept-ignored'],
  async check(t) {
    const res = await t.ctx.discovery('/rest/api/supportedversions', { accept: 'application/json' });
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
    const res = await t.ctx.admin.request('PUT', 'configuration/certificates/import', {
      body,
      headers: { 'content-type': 'application/json' },
    });
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
  faults: ['wrong-verb-404'],
  async check(t) {
    // Unlock is POST, not DELETE: a DELETE on the lock resource must not be mistaken for "no such resource".
    const res = await t.ctx.admin.request('DELETE', 'configuration/lock');
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
