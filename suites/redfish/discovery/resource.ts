import {
  broken,
  check,
  checkEqual,
  checkSchema,
  notApplicable,
  show,
  violation,
} from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import { hasPrivateKey } from '../../../src/pki/pem.ts';
import {
  actionInfoOf,
  discover,
  primaryCert,
  type CertResource,
  type Json,
  type RedfishCtx,
} from '../context.ts';
import { parseOdataType, payloadProblems, pinnedProblems } from '../schemas.ts';
import { rule } from '../rule.ts';

/**
 * Every Certificate resource discovery reached (the documented locations and CertificateService's
 * CertificateLocations), Rekey or not: the same defect gets the same verdict wherever the certificate is linked.
 */
async function everyCertificate(t: RuleRun<RedfishCtx>): Promise<CertResource[]> {
  const d = await discover(t);
  if (d.allCerts.length === 0 && d.unreadable.length === 0)
    notApplicable('no certificate was found in the documented locations or in CertificateLocations');
  t.note(`${d.allCerts.length} certificate(s) examined`);
  return d.allCerts;
}

/** Certificates that could not be read leave the rule unevaluated for them: error, after the others were judged. */
async function noneUnreadable(t: RuleRun<RedfishCtx>): Promise<void> {
  const { unreadable } = await discover(t);
  if (unreadable.length)
    broken(
      `${unreadable.length} certificate(s) listed in CertificateLocations could not be read: ${unreadable.join('; ')}`,
    );
}

const REKEY_PARAMETERS: Record<string, string> = {
  ChallengePassword: 'String',
  KeyBitLength: 'Number',
  KeyCurveId: 'String',
  KeyPairAlgorithm: 'String',
};

export const resourceRules = [
  rule({
    id: 'RF-DISC-004',
    title:
      'Certificate resources validate against the DMTF Certificate schema version their @odata.type names',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'Resources / Properties',
      quote:
        'Every property included in a Redfish response payload shall be defined in the schema for that resource.',
    },
    faults: [
      'certificate-schema-invalid',
      'certificate-version-too-old',
      'rekey-action-extra-member',
      'location-certificate-date-invalid',
    ],
    async check(t) {
      for (const c of await everyCertificate(t)) {
        checkSchema(
          payloadProblems(c.body),
          `${c.via} ${c.uri} (${show(c.body['@odata.type'])}) does not validate`,
          c.body,
        );
      }
      await noneUnreadable(t);
    },
  }),
  rule({
    id: 'RF-DISC-005',
    title:
      'A certificate that advertises Rekey claims Certificate v1_1_0 or later (the version that added Rekey)',
    level: 'MUST',
    requires: ['rekey'],
    parallelSafe: true,
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey versionAdded v1_1_0',
      quote:
        'This action generates a new key-pair for a certificate and produces a certificate signing request.',
    },
    faults: ['certificate-version-too-old'],
    async check(t) {
      const advertising = (await discover(t)).allCerts.filter((c) => c.body?.Actions?.['#Certificate.Rekey']);
      for (const c of advertising) {
        const type = parseOdataType(c.body['@odata.type']);
        check(
          type && type.namespace === 'Certificate',
          `${c.uri}: @odata.type ${show(c.body['@odata.type'])} is not a versioned Certificate type`,
        );
        check(
          type.major > 1 || type.minor >= 1,
          `${c.uri}: @odata.type ${c.body['@odata.type']} predates Rekey (added in Certificate v1_1_0)`,
        );
      }
    },
  }),
  rule({
    id: 'RF-DISC-006',
    title:
      'Each certificate has @odata.id, @odata.type, Id and Name, and Id equals the last segment of its URI',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'Resources / Properties',
      quote:
        'Responses for a single resource shall contain the following properties: `@odata.id`, `@odata.type`, `Id`, `Name`.',
    },
    faults: ['certificate-id-mismatch'],
    async check(t) {
      for (const c of await everyCertificate(t)) {
        for (const p of ['@odata.id', '@odata.type', 'Id', 'Name'])
          check(typeof c.body[p] === 'string', `${c.via} ${c.uri}: required property ${p} missing`);
        checkEqual(c.body['@odata.id'], c.uri, `${c.via} ${c.uri}: @odata.id`);
        checkEqual(c.body.Id, c.uri.split('/').pop(), `${c.via} ${c.uri}: Id`);
      }
      await noneUnreadable(t);
    },
  }),
  rule({
    id: 'RF-DISC-007',
    title: 'Certificate resources never reveal a private key or a Password',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Certificate/properties/CertificateString',
      quote:
        'If the certificate contains any private keys, they shall be removed from the string in responses.',
    },
    faults: ['certificate-string-leaks-key'],
    async check(t) {
      for (const c of await everyCertificate(t)) {
        check(
          !('Password' in c.body),
          `${c.via} ${c.uri}: the write-only Password property is present in the response`,
        );
        check(
          typeof c.body.CertificateString !== 'string' || !hasPrivateKey(c.body.CertificateString),
          `${c.via} ${c.uri}: CertificateString contains a PRIVATE KEY block`,
        );
      }
      await noneUnreadable(t);
    },
  }),
  rule({
    id: 'RF-DISC-008',
    title: "Every object under a certificate's Oem property carries @odata.type",
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'OEM extensions',
      quote:
        'The OEM-specified object shall also include a type property that provides the location of the schema',
    },
    faults: ['oem-without-odata-type'],
    async check(t) {
      const withOem = (await everyCertificate(t)).filter(
        (c) => c.body?.Oem && typeof c.body.Oem === 'object' && Object.keys(c.body.Oem).length > 0,
      );
      for (const c of withOem) {
        for (const [name, value] of Object.entries(c.body.Oem as Record<string, Json>)) {
          check(value && typeof value === 'object', `${c.via} ${c.uri}: Oem.${name} is not an object`);
          check(
            typeof value['@odata.type'] === 'string',
            `${c.via} ${c.uri}: Oem.${name} has no @odata.type`,
          );
        }
      }
      await noneUnreadable(t);
      if (withOem.length === 0) notApplicable('no certificate has an Oem property');
    },
  }),
  rule({
    id: 'RF-DISC-009',
    title:
      'The RekeyActionInfo is a valid ActionInfo naming only Rekey parameters, with the schema data types',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'actioninfo-schema',
      section: '#/definitions/Parameters/properties/DataType',
      quote: 'This property shall contain the JSON property type for this parameter.',
    },
    requires: ['rekey', 'action-info'],
    faults: ['action-info-wrong-datatype'],
    async check(t) {
      const cert = await primaryCert(t);
      const info = await actionInfoOf(t, cert);
      checkEqual(info.res.status, 200, `GET ${info.uri} status`);
      checkSchema(
        payloadProblems(info.body),
        `${info.uri} does not validate as ActionInfo`,
        info.body,
        info.res,
      );
      for (const p of (info.body.Parameters ?? []) as Json[]) {
        const expected = REKEY_PARAMETERS[p.Name];
        if (!expected)
          violation(
            `${info.uri}: parameter ${show(p.Name)} is not a Rekey parameter (${Object.keys(REKEY_PARAMETERS).join(', ')})`,
          );
        if (p.DataType !== undefined) checkEqual(p.DataType, expected, `${info.uri}: DataType of ${p.Name}`);
        check(
          !(p.Required === true && 'DefaultValue' in p),
          `${info.uri}: ${p.Name} is Required and yet has a DefaultValue`,
        );
      }
    },
  }),
  rule({
    id: 'RF-DISC-011',
    title:
      'The service resources of the certificate flow (certificate and task collections, CertificateService, CertificateLocations, TaskService) validate against their schemas',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'Additional Properties annotation',
      quote:
        'Types that do not support additional properties shall not contain properties beyond those described in the schema.',
    },
    faults: ['service-resource-schema-invalid'],
    async check(t) {
      let checked = 0;
      for (const r of (await discover(t)).resources) {
        const problems = pinnedProblems(r.body);
        if (problems === undefined) continue;
        checked++;
        checkSchema(problems, `${r.uri} (${show(r.body?.['@odata.type'])}) does not validate`, r.body);
      }
      if (checked === 0) notApplicable('no service resource with a pinned schema was found');
      t.note(`${checked} service resource(s) validated`);
    },
  }),
];
