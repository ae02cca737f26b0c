import type { RuleRun } from '../../../src/core/api.ts';
import {
  check,
  checkEqual,
  checkSchema,
  confirmServerError,
  notApplicable,
  readJson,
  show,
} from '../../../src/core/check.ts';
import { TransportError } from '../../../src/core/errors.ts';
import type { HttpResponse, RequestOptions } from '../../../src/http/client.ts';
import {
  actionInfoRange,
  discover,
  memberUris,
  primaryCert,
  type Json,
  type RedfishCtx,
} from '../context.ts';
import { expectRedfishError, extendedInfo, messageIds, splitMessageId } from '../expect.ts';
import { fingerprintOf, rekeyOnce, requireCsrOf, rsaBody, sweepBody, type RekeyOutcome } from '../rekey.ts';
import { keyDescription } from '../../../src/pki/csr.ts';
import { BASE_REGISTRY, errorProblems } from '../schemas.ts';
import { rule } from '../rule.ts';
import { rekeyServed, requireRekeyServed, servedOrOwnFinding } from '../served.ts';

export const UNKNOWN_PARAMETER = 'CertconformUnknownParameter';
/** A ChallengePassword of the wrong type (a number); distinctive, so an echo of it is recognised. */
const REFUSED_CHALLENGE = 73105296;

interface BadRequest {
  name: string;
  what: string;
  opts: RequestOptions;
}

interface BadResult extends BadRequest {
  res: HttpResponse;
  /** Certificate fields that differ after the request, if any. */
  changed: string[];
  newTasks: string[];
}

function badRequests(bits: number): BadRequest[] {
  const json = (body: unknown, headers?: Record<string, string>): RequestOptions => ({
    json: body,
    ...(headers ? { headers } : {}),
  });
  return [
    {
      name: 'unknownParameter',
      what: `an unknown parameter ${UNKNOWN_PARAMETER}`,
      opts: json({ KeyBitLength: bits, [UNKNOWN_PARAMETER]: 1 }),
    },
    {
      name: 'keyBitLengthString',
      what: 'KeyBitLength as a string',
      opts: json({ KeyBitLength: String(bits) }),
    },
    {
      name: 'keyBitLengthFraction',
      what: 'KeyBitLength with a fraction',
      opts: json({ KeyBitLength: bits + 0.5 }),
    },
    { name: 'keyBitLengthBoolean', what: 'KeyBitLength as a boolean', opts: json({ KeyBitLength: true }) },
    {
      name: 'challengePasswordNumber',
      what: 'ChallengePassword as a number',
      opts: json({ KeyBitLength: bits, ChallengePassword: REFUSED_CHALLENGE }),
    },
    {
      name: 'malformedJson',
      what: 'malformed JSON',
      opts: { body: `{"KeyBitLength": ${bits},`, headers: { 'content-type': 'application/json' } },
    },
    {
      name: 'odataVersion5',
      what: 'OData-Version: 5.0',
      opts: json({ KeyBitLength: bits }, { 'OData-Version': '5.0' }),
    },
    {
      name: 'opensslAlgorithmName',
      what: 'KeyPairAlgorithm "RSA" (not a TCG name)',
      opts: json({ KeyBitLength: bits, KeyPairAlgorithm: 'RSA' }),
    },
  ];
}

async function taskSet(t: RuleRun<RedfishCtx>): Promise<Set<string>> {
  const d = await discover(t);
  return new Set(d.tasksUri ? await memberUris(t.ctx.http, d.tasksUri) : []);
}

const readCert = async (t: RuleRun<RedfishCtx>, uri: string, when: string) =>
  fingerprintOf(await readJson<Json>(t.ctx.http, uri, `read ${uri} ${when}`));

/**
 * The malformed Rekey requests, sent once to the primary certificate, with the certificate read around each. An
 * answer that says the action is not served at all (404, 405, 501) is RF-REQ-019's finding, not theirs; only the
 * OData-Version request is exempt (any 4xx rejects it, RF-REQ-012).
 */
export async function battery(t: RuleRun<RedfishCtx>): Promise<Map<string, BadResult>> {
  const cert = await primaryCert(t);
  return t.shared('badRequests', async () => {
    const out = new Map<string, BadResult>();
    for (const req of badRequests(t.ctx.params.keyBitLength ?? 2048)) {
      // Helper reads must answer 200: a lost read is never taken for "the certificate changed".
      const before = await readCert(t, cert.uri, `before the Rekey with ${req.what}`);
      const tasksBefore = await taskSet(t);
      const res = await resendOnLoss(() => t.ctx.http.post(cert.rekeyTarget, req.opts));
      if (req.name !== 'odataVersion5') requireRekeyServed(res);
      const after = await readCert(t, cert.uri, `after the Rekey with ${req.what}`);
      const changed = Object.keys(before).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      );
      const newTasks = [...(await taskSet(t))].filter((u) => !tasksBefore.has(u));
      out.set(req.name, { ...req, res, changed, newTasks });
    }
    return out;
  });
}

async function bad(t: RuleRun<RedfishCtx>, name: string): Promise<BadResult> {
  const r = (await battery(t)).get(name)!;
  return r;
}

/**
 * For rules that judge a 5xx: the battery's answer, or when it was a server error, the same request sent again
 * (a refused request changes nothing), so a transient error page is not taken for the finding.
 */
async function badConfirmed(t: RuleRun<RedfishCtx>, name: string): Promise<BadResult> {
  const r = await bad(t, name);
  if (r.res.status < 500) return r;
  const cert = await primaryCert(t);
  // Two fresh sends in a row (confirmServerError): one transient error page cannot answer both.
  const res = await confirmServerError(() => t.ctx.http.post(cert.rekeyTarget, r.opts));
  return { ...r, res: r.name === 'odataVersion5' ? res : requireRekeyServed(res) };
}

const what = (r: BadResult) => `Rekey with ${r.what}`;

/**
 * A request the service must refuse, sent once more when its answer was lost in transport: without an
 * answer nothing was learnt, and a refused request changes nothing when repeated.
 */
async function resendOnLoss(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof TransportError) return send();
    throw err;
  }
}

/** GET, PUT, PATCH and DELETE on the Rekey action URI; a 5xx is sent again (RF-REQ-009 judges the status). */
async function methodAnswers(t: RuleRun<RedfishCtx>): Promise<HttpResponse[]> {
  const cert = await primaryCert(t);
  return t.shared('actionMethods', async () => {
    const out: HttpResponse[] = [];
    for (const m of ['GET', 'PUT', 'PATCH', 'DELETE'])
      out.push(
        await confirmServerError(() =>
          resendOnLoss(() =>
            t.ctx.http.request(m, cert.rekeyTarget, m === 'PUT' || m === 'PATCH' ? { json: {} } : {}),
          ),
        ),
      );
    return out;
  });
}

export const requestRules = [
  rule({
    id: 'RF-REQ-001',
    title: 'Rekey with an empty JSON object is accepted (no Rekey parameter is required)',
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'POST (Action)',
      quote:
        'If an action does not have any required parameters, the service should accept an empty JSON object in the HTTP body for the action request.',
    },
    faults: ['empty-body-rejected'],
    async check(t) {
      const o = await emptyBodyRekey(t);
      await requireCsrOf(t, o);
    },
  }),
  rule({
    id: 'RF-REQ-002',
    title: 'A KeyBitLength that is not an integer is refused with 400 and an extended error',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'base-registry',
      section: 'Messages.ActionParameterValueTypeError',
      quote:
        "The value '%1' for the parameter %2 in the action %3 is not a type that the parameter can accept.",
    },
    judgesServerErrors: true,
    faults: ['keybitlength-type-unchecked'],
    async check(t) {
      for (const name of ['keyBitLengthString', 'keyBitLengthFraction', 'keyBitLengthBoolean']) {
        const r = await badConfirmed(t, name);
        expectRedfishError(t, r.res, [400], ['ActionParameterValueTypeError'], what(r));
      }
    },
  }),
  rule({
    id: 'RF-REQ-003',
    title: 'A ChallengePassword that is not a string is refused with 400',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey/parameters/ChallengePassword (type string)',
      quote: 'The challenge password to apply to the certificate for revocation requests.',
    },
    judgesServerErrors: true,
    faults: ['challenge-password-type-unchecked'],
    async check(t) {
      const r = await badConfirmed(t, 'challengePasswordNumber');
      expectRedfishError(
        t,
        r.res,
        [400],
        ['ActionParameterValueTypeError', 'ActionParameterValueError'],
        what(r),
      );
    },
  }),
  rule({
    id: 'RF-REQ-018',
    title: 'The answer to a Rekey with an invalid ChallengePassword does not repeat the value',
    level: 'SHOULD',
    requires: ['rekey'],
    cite: {
      source: 'base-registry',
      section: 'Messages.ActionParameterValueError (LongDescription)',
      quote:
        'This message shall indicate that a parameter was given an invalid value, and the value cannot or should not be included in the message.',
    },
    faults: ['challenge-password-echoed'],
    async check(t) {
      const r = await bad(t, 'challengePasswordNumber');
      check(
        !r.res.text.includes(String(REFUSED_CHALLENGE)),
        `${what(r)}: the ${r.res.status} answer repeats the ChallengePassword value ${REFUSED_CHALLENGE}: ${show(r.res.text)}`,
      );
    },
  }),
  rule({
    id: 'RF-REQ-004',
    title: 'An unknown Rekey parameter is refused with 400 and an extended error',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'POST (Action)',
      quote: 'The client provides a parameter that the service does not support.',
    },
    judgesServerErrors: true,
    faults: ['unknown-parameter-ignored'],
    async check(t) {
      const r = await badConfirmed(t, 'unknownParameter');
      expectRedfishError(t, r.res, [400], ['ActionParameterUnknown'], what(r));
    },
  }),
  rule({
    id: 'RF-REQ-005',
    title: 'Error messages carry the MessageArgs their Base registry entry defines, in registry order',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Message object',
      quote:
        'If the parameterized message defines a `MessageId`, the service shall include the `MessageArgs` in the response.',
    },
    faults: ['message-args-swapped'],
    async check(t) {
      let seen = 0;
      for (const r of (await battery(t)).values()) {
        if (r.res.status < 400 || r.res.status >= 500 || !r.res.text.trim()) continue;
        for (const m of extendedInfo(r.res.json())) {
          const { registry, key } = splitMessageId(String(m?.MessageId ?? ''));
          const def = registry === 'Base' ? BASE_REGISTRY.Messages[key] : undefined;
          if (!def) continue;
          seen++;
          const n = def.NumberOfArgs ?? 0;
          const args = (m.MessageArgs ?? []) as unknown[];
          check(
            args.length === n,
            `${what(r)}: ${m.MessageId} needs ${n} MessageArgs, got ${show(m.MessageArgs)}`,
          );
          if (key === 'ActionParameterUnknown') {
            check(
              /Rekey/.test(String(args[0])) && args[1] === UNKNOWN_PARAMETER,
              `${what(r)}: ActionParameterUnknown MessageArgs must be [action, parameter], got ${show(args)}`,
            );
          }
        }
      }
      if (seen === 0) notApplicable('no rejected request carried a Base registry message');
    },
  }),
  rule({
    id: 'RF-REQ-006',
    title: 'A malformed JSON body is refused with 400 and an extended error',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'base-registry',
      section: 'Messages.MalformedJSON',
      quote:
        'The request body submitted was malformed JSON and could not be parsed by the receiving service.',
    },
    faults: ['malformed-json-500'],
    judgesServerErrors: true,
    async check(t) {
      const r = await badConfirmed(t, 'malformedJson');
      expectRedfishError(t, r.res, [400], ['MalformedJSON'], what(r));
    },
  }),
  rule({
    id: 'RF-REQ-007',
    title: 'Content-Type application/json;charset=utf-8 is accepted',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Request headers',
      quote:
        'Services shall accept `Content-Type` header values of `application/json` or `application/json;charset=utf-8`.',
    },
    faults: ['charset-content-type-rejected'],
    async check(t) {
      const o = await rekeyOnce(t, await primaryCert(t), sweepBody(t), {
        headers: { 'content-type': 'application/json;charset=utf-8' },
      });
      await requireCsrOf(t, o);
    },
  }),
  rule({
    id: 'RF-REQ-009',
    title: 'GET, PUT, PATCH and DELETE on the Rekey action URI are refused with 405 (or 501)',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'HTTP methods',
      quote:
        'For HTTP methods not supported by the Redfish Service or not listed in the table, an HTTP 405 status code shall be returned by the Redfish Service.',
    },
    judgesServerErrors: true,
    faults: ['action-uri-accepts-patch'],
    async check(t) {
      for (const res of await methodAnswers(t)) {
        // A 404 to every method may mean the action is not there at all: RF-REQ-019's finding, if so.
        if (res.status === 404) await servedOrOwnFinding(t, res);
        expectRedfishError(
          t,
          res,
          [405, 501],
          ['OperationNotAllowed', 'ActionNotSupported'],
          `${res.method} on the Rekey action URI`,
        );
      }
    },
  }),
  rule({
    id: 'RF-REQ-010',
    title: 'A 405 on the Rekey action URI lists the allowed methods (POST) in Allow',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Status codes',
      quote:
        'The response shall include an `Allow` header, that provides a list of methods that are supported by the resource',
    },
    faults: ['method-not-allowed-without-allow'],
    async check(t) {
      const answers = (await methodAnswers(t)).filter((r) => r.status === 405);
      if (answers.length === 0) notApplicable('no method was answered with 405');
      // Allow must list POST because POST is served: when it is not (RF-REQ-019), this was not evaluated.
      if (answers.some((res) => !/\bPOST\b/i.test(res.header('allow') ?? ''))) await rekeyServed(t);
      for (const res of answers) {
        const allow = res.header('allow');
        check(
          allow !== undefined,
          `${res.method} on the Rekey action URI answered 405 without an Allow header`,
        );
        check(
          /\bPOST\b/i.test(allow),
          `${res.method} on the Rekey action URI: Allow ${show(allow)} does not list POST`,
        );
      }
    },
  }),
  rule({
    id: 'RF-REQ-011',
    title: 'Rekey on a certificate that does not exist is answered 404',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Status codes',
      quote: '404 Not Found | The request specified a URI of a resource that does not exist.',
    },
    faults: ['unknown-certificate-500'],
    judgesServerErrors: true,
    async check(t) {
      const cert = await primaryCert(t);
      const collection = cert.uri.slice(0, cert.uri.lastIndexOf('/'));
      const res = await confirmServerError(() =>
        t.ctx.http.post(`${collection}/certconform-no-such-certificate/Actions/Certificate.Rekey`, {
          json: sweepBody(t),
        }),
      );
      // 405/501 here may be a service that serves no Rekey at all (RF-REQ-019's finding).
      if (res.status !== 404) await servedOrOwnFinding(t, res);
      expectRedfishError(t, res, [404], ['ResourceNotFound'], 'Rekey on a certificate that does not exist');
    },
  }),
  rule({
    id: 'RF-REQ-012',
    title: 'A Rekey with an unsupported OData-Version (5.0) is rejected (412 recommended)',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Request headers',
      quote: 'Services shall reject requests that specify an unsupported OData version.',
    },
    judgesServerErrors: true,
    faults: ['odata-version-ignored'],
    async check(t) {
      const r = await badConfirmed(t, 'odataVersion5');
      // "shall reject"; 412 is only what it "should" use.
      check(
        r.res.status >= 400 && r.res.status < 500,
        `${what(r)}: expected a 4xx rejection (412 recommended), got ${r.res.status} ${show(r.res.text)}`,
      );
      if (r.res.status !== 412)
        t.note(`${what(r)} was rejected with ${r.res.status}; DSP0266 recommends 412`);
    },
  }),
  rule({
    id: 'RF-REQ-013',
    title: 'A rejected Rekey leaves the certificate unchanged and starts no task',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Data modification requests — Modification error responses',
      quote: 'the resource shall not have been modified or created as a result of the operation',
    },
    faults: ['rejected-request-reissues-certificate'],
    async check(t) {
      const rejected = [...(await battery(t)).values()].filter((r) => r.res.status >= 400);
      if (rejected.length === 0)
        notApplicable('the service rejected none of the malformed requests (see the other RF-REQ rules)');
      for (const r of rejected) {
        check(
          r.changed.length === 0,
          `${what(r)} was rejected (${r.res.status}) but the certificate changed: ${r.changed.join(', ')}`,
        );
        check(
          r.newTasks.length === 0,
          `${what(r)} was rejected (${r.res.status}) but task(s) appeared: ${r.newTasks.join(', ')}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-REQ-014',
    title:
      '400 rejections carry an extended error that validates against redfish-error, with well-formed MessageIds',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Status codes',
      quote:
        'An extended error shall be returned in the response body, as defined in clause Error responses.',
    },
    faults: ['error-body-extra-member'],
    async check(t) {
      let seen = 0;
      for (const r of (await battery(t)).values()) {
        // Only the 400 row says "An extended error shall be returned"; for other 4xx it is a "should".
        if (r.res.status !== 400) continue;
        seen++;
        check(r.res.text.trim() !== '', `${what(r)}: ${r.res.status} without a body`);
        const body = r.res.json();
        checkSchema(
          errorProblems(body),
          `${what(r)}: error body does not validate against redfish-error.v1_0_2`,
          body,
          r.res,
        );
        for (const id of messageIds(body))
          check(
            /^[A-Za-z0-9]+\.\d+\.\d+(\.\d+)?\.[A-Za-z0-9]+$/.test(id),
            `${what(r)}: MessageId ${show(id)} is not Registry.Major.Minor[.Errata].Key`,
          );
      }
      if (seen === 0) notApplicable('no request was rejected with 400');
    },
  }),
  rule({
    id: 'RF-REQ-015',
    title: 'A KeyPairAlgorithm that is not a TCG algorithm name ("RSA") is refused with 400',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'certificate-schema',
      section: '#/definitions/Rekey/parameters/KeyPairAlgorithm',
      quote: "shall be the strings in the 'Algorithm Name' field of the 'TCG_ALG_ID Constants' table",
    },
    judgesServerErrors: true,
    faults: ['openssl-algorithm-name-accepted'],
    async check(t) {
      const r = await badConfirmed(t, 'opensslAlgorithmName');
      expectRedfishError(
        t,
        r.res,
        [400],
        [
          'ActionParameterValueNotInList',
          'ActionParameterNotSupported',
          'ActionParameterUnknown',
          'ActionParameterValueError',
        ],
        what(r),
      );
    },
  }),
  rule({
    id: 'RF-REQ-016',
    title: 'KeyBitLength outside the RekeyActionInfo MinimumValue..MaximumValue is refused with 400',
    level: 'MUST',
    requires: ['rekey', 'action-info-range'],
    cite: {
      source: 'actioninfo-schema',
      section: '#/definitions/Parameters/properties/MinimumValue',
      quote: 'This integer or number property shall contain the minimum value that this service supports.',
    },
    judgesServerErrors: true,
    faults: ['action-info-range-not-enforced'],
    async check(t) {
      const cert = await primaryCert(t);
      const range = (await actionInfoRange(t, cert))!;
      for (const bits of [range.min - 1, range.max + 1]) {
        const json = await rsaBody(t, cert, bits);
        const res = await confirmServerError(() => t.ctx.http.post(cert.rekeyTarget, { json }));
        // 404/405/501: RF-REQ-019's finding when Rekey is not served at all, else this rule's.
        await servedOrOwnFinding(t, res);
        expectRedfishError(
          t,
          res,
          [400],
          ['ActionParameterValueOutOfRange', 'ActionParameterValueNotInList'],
          `Rekey with KeyBitLength ${bits} (ActionInfo range ${range.min}..${range.max})`,
        );
      }
    },
  }),
  rule({
    id: 'RF-REQ-017',
    title: 'KeyBitLength equal to the RekeyActionInfo MinimumValue and MaximumValue is accepted and honoured',
    level: 'MUST',
    destructive: true,
    requires: ['rekey', 'action-info-range'],
    cite: {
      source: 'actioninfo-schema',
      section: '#/definitions/Parameters/properties/MaximumValue',
      quote: 'This integer or number property shall contain the maximum value that this service supports.',
    },
    faults: ['action-info-max-rejected'],
    async check(t) {
      const cert = await primaryCert(t);
      const range = (await actionInfoRange(t, cert))!;
      for (const bits of [...new Set([range.min, range.max])]) {
        const o = await rekeyOnce(t, cert, await rsaBody(t, cert, bits));
        checkEqual(
          keyDescription((await requireCsrOf(t, o)).publicKey),
          `RSA ${bits}`,
          `CSR key for ${show(o.request)}`,
        );
      }
    },
  }),
];

/** Rekey of the primary certificate with `{}`, shared by RF-REQ-001 and the AMI default-length rule. */
export async function emptyBodyRekey(t: RuleRun<RedfishCtx>): Promise<RekeyOutcome> {
  const cert = await primaryCert(t);
  return t.shared('emptyBodyRekey', () => rekeyOnce(t, cert, {}));
}
