import { isDeepStrictEqual } from 'node:util';
import {
  broken,
  check,
  confirmServerError,
  describeAnswer,
  notApplicable,
  show,
} from '../../../../src/core/check.ts';
import { checkSameKey, recordWithKey, storedKey } from '../../csr.ts';
import { expectStatus, rule } from '../../rule.ts';

export const generateServed = rule({
  id: 'SBC-GEN-018',
  title:
    'PUT /rest/v1.2/configuration/certificates/generateRequest is served: no 405 or 501, and no 404 outside the SBC envelope.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Title and path; Path Parameters: version',
    quote: 'put /rest/{version}/configuration/certificates/generateRequest',
  },
  faults: ['generate-not-served'],
  async check(t) {
    // The owner of "generateRequest is served" (one cause, one finding): every other rule that needs the
    // operation and meets a 405, a 501 or a 404 without the SBC's envelope is not evaluated. A request that
    // changes nothing (no lock, an unknown record) suffices: whatever the SBC refuses it with, it is served.
    const res = await confirmServerError(() =>
      t.ctx.generateRequest(t.ctx.admin, { recordName: t.ctx.params.unknownRecordName }),
    );
    // generateRequest() threw NotServed if it is not served; a server error shows nothing either way.
    if (res.status >= 500) broken(`PUT generateRequest: ${describeAnswer(res)}`);
  },
});

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
  judgesServerErrors: true,
  faults: ['missing-record-name-404', 'missing-record-name-500'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await confirmServerError(() => t.ctx.generateRequest(t.ctx.admin, {}));
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
  judgesServerErrors: true,
  faults: ['unknown-record-500'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await confirmServerError(() =>
      t.ctx.generateRequest(t.ctx.admin, { recordName: t.ctx.params.unknownRecordName }),
    );
    expectStatus(
      res,
      404,
      `PUT generateRequest?recordName=${t.ctx.params.unknownRecordName} (no such record)`,
    );
  },
});

export const refusedLeavesRecord = rule({
  id: 'SBC-GEN-017',
  title:
    'A refused generateRequest leaves the certificate-record exactly as it was: the same attributes and the same key.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Description',
    quote: 'this request fails and the certificate-record configuration is left unmodified.',
  },
  destructive: true,
  faults: ['refused-generate-modifies-record', 'refused-regenerate-rekeys', 'csr-fetch-regenerates'],
  async check(t) {
    // A record that already has a key and a CSR: a refused request must keep exactly that key.
    const { name, csr } = await recordWithKey(t, 'gen-refused');
    const before = await t.setup('read the record', async () => (await t.ctx.getRecord(name)).attributes);
    if (!before) broken(`certificate-record "${name}" not found after it was created`);
    let refusals = 0;
    const compare = async (what: string) => {
      refusals++;
      const after = (await t.ctx.getRecord(name)).attributes;
      check(after, `certificate-record "${name}" disappeared after ${what}`);
      for (const attr of new Set([...before.keys(), ...after.keys()])) {
        check(
          isDeepStrictEqual(after.get(attr), before.get(attr)),
          `certificate-record "${name}" attribute ${attr} changed after ${what}: before ${show(before.get(attr))}, after ${show(after.get(attr))}`,
        );
      }
      const key = await storedKey(t, name);
      if (key) checkSameKey(csr.spki, key, `after ${what}`);
      else
        t.note(
          `the key after ${what} is not observable: the device hands out no CSR without reGenerate=true`,
        );
    };
    // Whether an unknown reGenerate value is refused is not documented; when it is, nothing may change.
    const invalid = await t.ctx.generateRequest(t.ctx.admin, { recordName: name, reGenerate: 'maybe' });
    if (invalid.status >= 400 && invalid.status < 500)
      await compare(`a refused generateRequest with reGenerate=maybe (${invalid.status})`);
    await t.ctx.unlockForRule();
    const unlocked = await t.ctx.generateRequest(t.ctx.admin, { recordName: name, reGenerate: 'true' });
    await t.ctx.acquire(t);
    if (unlocked.status >= 400 && unlocked.status < 500)
      await compare(`a refused generateRequest?reGenerate=true without the lock (${unlocked.status})`);
    if (refusals === 0)
      notApplicable('neither generateRequest was refused; SBC-GEN-001 reports a missing lock check');
  },
});

export const generateValidationRules = [generateServed, missingRecordName, unknownRecord];
/** After the CSR and reGenerate rules in the catalog (their IDs came later). */
export const generateRefusalRules = [refusedLeavesRecord];
