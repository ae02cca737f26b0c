import { check, confirmServerError, show } from '../../../src/core/check.ts';
import { Inconclusive } from '../../../src/core/errors.ts';
import { MESSAGES, recordExists } from '../client.ts';
import { OPERATIONS, served } from '../operations.ts';
import { recordProblems } from '../record-values.ts';
import { expectEnvelope, expectLocked, expectStatus, rule } from '../rule.ts';
import { configAttributes, configElementXml, elementTypeOf, envelope } from '../xml.ts';
import { scratchRecord } from '../scratch.ts';

const sameValues = (a: string[] = [], b: string[] = []) =>
  [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

export const templateListsAttributes = rule({
  id: 'SBC-REC-001',
  title: 'The certificate-record template is a configElement listing the attributes a CSR is built from.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.4 Related config calls: template',
    quote:
      'GET /rest/v1.2/configuration/elementTypes/template?elementType=certificate-record → template <configElement> with defaults',
  },
  faults: ['template-missing-key-size', 'content-type-not-xml', 'record-key-algor-uppercase'],
  async check(t) {
    const res = served(
      await t.ctx.admin.request('GET', 'configuration/elementTypes/template', {
        query: { elementType: 'certificate-record' },
      }),
      OPERATIONS.template,
    );
    expectStatus(res, 200, 'GET elementTypes/template?elementType=certificate-record');
    expectEnvelope(res, 'template answer');
    const data = envelope(res).data;
    check(
      elementTypeOf(data) === 'certificate-record',
      `template: expected configElement/elementType "certificate-record", got ${show(elementTypeOf(data))}`,
    );
    const attrs = configAttributes(data);
    check(attrs, 'template: no configElement attributes in the data section');
    const missing = t.ctx
      .recordAttributes('x')
      .map(([name]) => name)
      .filter((name) => !attrs.has(name));
    check(
      missing.length === 0,
      `template: the certificate-record attributes ${missing.join(', ')} are missing (got ${show([...attrs.keys()])})`,
    );
    // Its defaults are certificate-record values like any other.
    const problems = recordProblems(attrs, { template: true });
    check(problems.length === 0, `template: ${problems.join('; ')}`);
  },
});

export const recordCreated = rule({
  id: 'SBC-REC-002',
  title:
    'A certificate-record created with POST configElements under the lock is stored with every attribute as sent.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.4 Related config calls: configElements',
    quote: 'POST /rest/{v}/configuration/configElements (create)',
  },
  destructive: true,
  faults: ['record-ignores-trusted', 'content-type-not-xml', 'record-key-algor-uppercase'],
  async check(t) {
    const name = scratchRecord(t.ctx.params, 'rec');
    await t.ctx.acquire(t);
    // Owner of "configElements is served": createRecord and getRecord report 404 (no route), 405, 501 as its finding.
    const created = await t.ctx.createRecord(t, name, { subject: true });
    // What the create answers is not documented; a body it has is the envelope, a record in it a certificate-record.
    if (created.text.trim()) {
      expectEnvelope(created, 'POST configElements answer');
      const echoed = configAttributes(envelope(created).data);
      const problems = echoed ? recordProblems(echoed) : [];
      check(problems.length === 0, `POST configElements answer: ${problems.join('; ')}`);
    }
    const { res, attributes } = await t.ctx.getRecord(name);
    check(attributes, `GET configElements: certificate-record "${name}" not found after it was created`);
    expectEnvelope(res, 'GET configElements answer');
    // Every attribute the device holds, also those it set itself (key-algor and the like), has a documented value.
    const problems = recordProblems(attributes);
    check(problems.length === 0, `certificate-record "${name}" as stored: ${problems.join('; ')}`);
    for (const [attr, sent] of t.ctx.recordAttributes(name)) {
      const stored = attributes.get(attr);
      check(
        sameValues(stored, sent),
        `certificate-record "${name}" attribute ${attr}: sent ${show(sent)}, stored ${show(stored)}`,
      );
    }
  },
});

export const createNeedsLock = rule({
  id: 'SBC-REC-003',
  title:
    'Creating a configuration element without the lock answers 423 "User does not have the lock" and creates nothing.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§4 Configuration lock: Any config-modifying call without the lock',
    quote: '423 Locked (same two messages)',
  },
  destructive: true,
  judgesServerErrors: true,
  faults: ['configelements-without-lock', 'lock-messages-swapped'],
  async check(t) {
    const name = scratchRecord(t.ctx.params, 'nolock');
    const before = await t.ctx.getRecord(name);
    if (before.attributes) recordExists(name);
    await t.ctx.ensureLockFree(t);
    t.cleanup(`scratch certificate-record ${name}`, () => t.ctx.deleteRecord(name));
    const res = await confirmServerError(async () =>
      served(
        await t.ctx.admin.request('POST', 'configuration/configElements', {
          body: configElementXml(t.ctx.recordAttributes(name)),
        }),
        OPERATIONS.createRecord,
      ),
    );
    expectLocked(res, MESSAGES.noLock, 'POST configElements without the lock');
    const after = await t.ctx.getRecord(name);
    check(!after.attributes, `certificate-record "${name}" exists after a refused create`);
  },
});

export const recordDeleted = rule({
  id: 'SBC-REC-004',
  title: 'DELETE configElements under the lock answers 204 and the record is gone.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.4 Related config calls: configElements',
    quote: 'DELETE …/configElements?elementType=…&name=X → 204',
  },
  destructive: true,
  faults: ['record-delete-answers-200'],
  async check(t) {
    const name = scratchRecord(t.ctx.params, 'del');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const res = served(
      await t.ctx.admin.request('DELETE', 'configuration/configElements', {
        query: { elementType: 'certificate-record', name },
      }),
      OPERATIONS.deleteRecord,
    );
    // A DELETE resent on a fresh connection (its first answer was lost) finds the record already gone.
    if (res.status === 404 && res.evidence.retried)
      throw new Inconclusive(
        `DELETE configElements "${name}" was resent after a lost answer and found nothing: the first one may have answered 204`,
      );
    expectStatus(res, 204, `DELETE configElements certificate-record "${name}"`);
    check(res.body.length === 0, `DELETE configElements: 204 must have no body, got ${show(res.text)}`);
    const after = await t.ctx.getRecord(name);
    check(!after.attributes, `certificate-record "${name}" still exists after DELETE answered 204`);
  },
});

export const recordRules = [templateListsAttributes, recordCreated, createNeedsLock, recordDeleted];
