import { at, atHeader, check, checkEqual, checkSchema, show } from '../../../src/core/check.ts';
import { KIND_LABEL } from '../context.ts';
import { judgeSweep, sweepOf, type RekeyOutcome } from '../rekey.ts';
import { parseOdataType, problemsAs } from '../schemas.ts';
import { rule } from '../rule.ts';

const label = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;

export const responseRules = [
  rule({
    id: 'RF-RESP-001',
    title: 'Rekey of every certificate succeeds with 200 and a CSR, or with 202 and a task monitor',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey',
      quote: 'The response shall contain a signing request that a certificate authority (CA) will sign.',
    },
    faults: ['rekey-returns-201', 'rekey-refused'],
    async check(t) {
      // The owner of "a valid Rekey succeeds": every rule that needed a Rekey it refused is not evaluated by it.
      for (const o of await sweepOf(t)) {
        check(
          [200, 202].includes(o.initial.status),
          `Rekey of the ${label(o)} with ${show(o.request)}: expected 200 with a RekeyResponse or 202 with a task monitor, got ${o.initial.status} ${show(o.initial.text)}`,
          { pointer: 'status', value: o.initial.status, exchange: o.initial.evidence },
        );
        if (o.initial.status === 200) {
          check(
            o.initialBody && typeof o.initialBody === 'object',
            `Rekey of the ${label(o)}: 200 without a JSON body${o.initialProblem ? ` (${o.initialProblem})` : ''}`,
            { pointer: 'body', value: o.initial.text, exchange: o.initial.evidence },
          );
          check(
            typeof o.csrText === 'string',
            `Rekey of the ${label(o)}: 200 without a CSRString, the signing request the response shall contain`,
            at(o.initialBody, '/CSRString', o.initial),
          );
        }
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
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys) {
          const type = parseOdataType(o.before?.['@odata.type']);
          const version =
            type && (type.major > 1 || type.minor >= 1)
              ? type
              : { namespace: 'Certificate', major: 1, minor: 11, errata: 0, type: 'Certificate' };
          checkSchema(
            problemsAs(o.finalBody, version, 'RekeyResponse'),
            `Rekey of the ${label(o)}: the response does not validate against Certificate.v${version.major}_${version.minor} RekeyResponse`,
            o.finalBody,
            o.final,
          );
        }
      });
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
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys) {
          const link = o.finalBody.Certificate;
          const where = at(o.finalBody, '/Certificate', o.final);
          check(
            link && typeof link === 'object',
            `Rekey of the ${label(o)}: Certificate is ${show(link)}, expected {"@odata.id": ...}`,
            where,
          );
          checkEqual(
            link['@odata.id'],
            o.cert.uri,
            `Rekey of the ${label(o)}: Certificate["@odata.id"]`,
            at(o.finalBody, '/Certificate/@odata.id', o.final),
          );
          const extra = Object.keys(link).filter((k) => k !== '@odata.id');
          check(
            extra.length === 0,
            `Rekey of the ${label(o)}: the Certificate reference carries more than @odata.id: ${extra.join(', ')}`,
            where,
          );
        }
      });
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
      await judgeSweep(t, 'csr', (rekeys) => {
        for (const o of rekeys) {
          const res = o.final!;
          checkEqual(
            res.header('odata-version'),
            '4.0',
            `Rekey of the ${label(o)}: OData-Version header`,
            atHeader(res, 'OData-Version'),
          );
          checkEqual(
            res.contentType,
            'application/json',
            `Rekey of the ${label(o)}: Content-Type media type`,
            atHeader(res, 'Content-Type'),
          );
          check(
            res.header('cache-control') !== undefined,
            `Rekey of the ${label(o)}: no Cache-Control header`,
            atHeader(res, 'Cache-Control'),
          );
        }
      });
    },
  }),
];
