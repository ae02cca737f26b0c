import { check, checkEqual, notApplicable, show } from '../../../src/core/check.ts';
import { KIND_LABEL } from '../context.ts';
import { sweepOf, type RekeyOutcome } from '../rekey.ts';
import { parseOdataType, validateAs } from '../schemas.ts';
import { rule } from '../rule.ts';

const label = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;

/** Outcomes whose result body was returned (synchronously or through the monitor). */
async function withResult(outcomes: Promise<RekeyOutcome[]>): Promise<RekeyOutcome[]> {
  const list = (await outcomes).filter((o) => o.final && o.final.status === 200 && o.finalBody);
  if (list.length === 0) notApplicable('no Rekey returned 200 with a body (see RF-RESP-001 / RF-ASYNC-004)');
  return list;
}

export const responseRules = [
  rule({
    id: 'RF-RESP-001',
    title: 'Rekey of every certificate succeeds with 200 and a body, or with 202 and a task monitor',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey',
      quote: 'The response shall contain a signing request that a certificate authority (CA) will sign.',
    },
    faults: ['rekey-returns-201'],
    async check(t) {
      for (const o of await sweepOf(t)) {
        check(
          [200, 202].includes(o.initial.status),
          `Rekey of the ${label(o)}: expected 200 with a RekeyResponse or 202 with a task monitor, got ${o.initial.status} ${show(o.initial.text)}`,
        );
        if (o.initial.status === 200)
          check(
            o.initialBody && typeof o.initialBody === 'object',
            `Rekey of the ${label(o)}: 200 without a JSON body`,
          );
      }
    },
  }),
  rule({
    id: 'RF-RESP-002',
    title:
      'The Rekey result validates against the RekeyResponse schema (CSRString and Certificate, nothing else)',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/RekeyResponse (additionalProperties: false)',
      quote: 'This type shall contain the properties found in the response body for the `Rekey` action.',
    },
    faults: ['rekey-response-extra-property'],
    async check(t) {
      for (const o of await withResult(sweepOf(t))) {
        const type = parseOdataType(o.before?.['@odata.type']);
        const version =
          type && (type.major > 1 || type.minor >= 1)
            ? type
            : { namespace: 'Certificate', major: 1, minor: 11, errata: 0, type: 'Certificate' };
        const errors = validateAs(o.finalBody, version, 'RekeyResponse');
        check(
          errors.length === 0,
          `Rekey of the ${label(o)}: the response does not validate against Certificate.v${version.major}_${version.minor} RekeyResponse: ${errors.join('; ')}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-RESP-003',
    title: 'RekeyResponse.Certificate is a reference to the certificate being rekeyed',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/RekeyResponse/properties/Certificate',
      quote:
        'This property shall contain a link to a resource of type `Certificate` that is replaced after the certificate authority (CA) signs the certificate.',
    },
    faults: ['rekey-response-wrong-link'],
    async check(t) {
      for (const o of await withResult(sweepOf(t))) {
        const link = o.finalBody.Certificate;
        check(
          link && typeof link === 'object',
          `Rekey of the ${label(o)}: Certificate is ${show(link)}, expected {"@odata.id": ...}`,
        );
        checkEqual(link['@odata.id'], o.cert.uri, `Rekey of the ${label(o)}: Certificate["@odata.id"]`);
        const extra = Object.keys(link).filter((k) => k !== '@odata.id');
        check(
          extra.length === 0,
          `Rekey of the ${label(o)}: the Certificate reference carries more than @odata.id: ${extra.join(', ')}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-RESP-004',
    title: 'The Rekey result carries OData-Version 4.0, Content-Type application/json and Cache-Control',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Response headers',
      quote:
        '`Cache-Control` | Yes | Shall be supported and indicates whether a response can or cannot be cached.',
    },
    faults: ['rekey-response-no-odata-version'],
    async check(t) {
      for (const o of await withResult(sweepOf(t))) {
        const res = o.final!;
        checkEqual(res.header('odata-version'), '4.0', `Rekey of the ${label(o)}: OData-Version header`);
        checkEqual(res.contentType, 'application/json', `Rekey of the ${label(o)}: Content-Type media type`);
        check(res.header('cache-control') !== undefined, `Rekey of the ${label(o)}: no Cache-Control header`);
      }
    },
  }),
];
