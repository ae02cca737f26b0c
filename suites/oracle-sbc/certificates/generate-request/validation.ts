import { isDeepStrictEqual } from 'node:util';
import { check, notApplicable, show } from '../../../../src/core/check.ts';
import { MESSAGES } from '../../client.ts';
import { expectStatus, rule } from '../../rule.ts';

export const missingRecordName = rule({
  id: 'SBC-GEN-003',
  title: 'generateRequest without recordName answers 400.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 400',
    quote:
      'The request is malformed in some way or is missing required information and therefore cannot be processed.',
  },
  faults: ['missing-record-name-404'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await t.ctx.generateRequest(t.ctx.admin, {});
    expectStatus(res, 400, 'PUT generateRequest without recordName');
  },
});

export const unknownRecord = rule({
  id: 'SBC-GEN-004',
  title: 'generateRequest for a certificate-record that does not exist answers 404.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 404',
    quote: 'Certificate specified with recordName key attribute is not found',
  },
  faults: ['unknown-record-500'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await t.ctx.generateRequest(t.ctx.admin, { recordName: t.ctx.params.unknownRecordName });
    expectStatus(
      res,
      404,
      `PUT generateRequest?recordName=${t.ctx.params.unknownRecordName} (no such record)`,
    );
  },
});

export const unknownRecordMessage = rule({
  id: 'SBC-GEN-005',
  title: 'The unknown-record 404 says "Certificate specified with recordName key attribute is not found".',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 404',
    quote: 'Certificate specified with recordName key attribute is not found',
  },
  faults: ['unknown-record-message-missing', 'unknown-record-500'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await t.ctx.generateRequest(t.ctx.admin, { recordName: t.ctx.params.unknownRecordName });
    expectStatus(
      res,
      404,
      `PUT generateRequest?recordName=${t.ctx.params.unknownRecordName} (no such record)`,
    );
    check(
      res.text.includes(MESSAGES.recordNotFound),
      `404 body: expected the message "${MESSAGES.recordNotFound}", got ${show(res.text.trim())}`,
    );
  },
});

export const invalidRegenerate = rule({
  id: 'SBC-GEN-016',
  title: 'generateRequest with a reGenerate value other than true or false answers 400.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Response: 400',
    quote:
      'The request is malformed in some way or is missing required information and therefore cannot be processed.',
  },
  destructive: true,
  faults: ['regenerate-value-unchecked'],
  async check(t) {
    const name = `${t.ctx.params.recordName}-gen-badflag`;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const res = await t.ctx.generateRequest(t.ctx.admin, { recordName: name, reGenerate: 'maybe' });
    expectStatus(res, 400, `PUT generateRequest?recordName=${name}&reGenerate=maybe`);
  },
});

export const refusedLeavesRecord = rule({
  id: 'SBC-GEN-017',
  title: 'A refused generateRequest leaves the certificate-record exactly as it was.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Description',
    quote: 'this request fails and the certificate-record configuration is left unmodified.',
  },
  destructive: true,
  faults: ['refused-generate-modifies-record'],
  async check(t) {
    const name = `${t.ctx.params.recordName}-gen-refused`;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const before = (await t.ctx.getRecord(name)).attributes;
    check(before, `certificate-record "${name}" not found after it was created`);
    let refusals = 0;
    const compare = async (what: string) => {
      const after = (await t.ctx.getRecord(name)).attributes;
      check(after, `certificate-record "${name}" disappeared after ${what}`);
      for (const attr of new Set([...before.keys(), ...after.keys()])) {
        check(
          isDeepStrictEqual(after.get(attr), before.get(attr)),
          `certificate-record "${name}" attribute ${attr} changed after ${what}: before ${show(before.get(attr))}, after ${show(after.get(attr))}`,
        );
      }
    };
    const invalid = await t.ctx.generateRequest(t.ctx.admin, { recordName: name, reGenerate: 'maybe' });
    if (invalid.status >= 400) {
      refusals++;
      await compare(`a refused generateRequest with reGenerate=maybe (${invalid.status})`);
    }
    await t.ctx.admin.unlock();
    const unlocked = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
    if (unlocked.status >= 400) {
      refusals++;
      await compare(`a refused generateRequest without the lock (${unlocked.status})`);
    }
    if (refusals === 0)
      notApplicable('neither generateRequest was refused; SBC-GEN-001 and SBC-GEN-016 report that');
  },
});

export const generateValidationRules = [missingRecordName, unknownRecord, unknownRecordMessage];
/** After the CSR and reGenerate rules in the catalog (their IDs came later). */
export const generateRefusalRules = [invalidRegenerate, refusedLeavesRecord];
