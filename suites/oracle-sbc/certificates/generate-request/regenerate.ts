import type { RuleRun } from '../../../../src/core/api.ts';
import { check, expectHelperStatus, notApplicable } from '../../../../src/core/check.ts';
import { pemBlocks } from '../../../../src/pki/pem.ts';
import type { SbcClient } from '../../client.ts';
import { csrOfResponse, csrTextOf, recordWithKey, refusesReissue } from '../../csr.ts';
import { expectStatus, rule } from '../../rule.ts';
import { scratchRecord } from '../../scratch.ts';

/** A record with a first CSR, then generateRequest again with reGenerate=true (shared by the two rules). */
function regenerated(t: RuleRun<SbcClient>) {
  return t.shared('regenerated-csr', async () => {
    const name = scratchRecord(t.ctx.params, 'regen');
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const first = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
    expectHelperStatus(first, [200], `first PUT generateRequest?recordName=${name}`);
    const second = await t.ctx.generateRequest(t.ctx.admin, { recordName: name, reGenerate: 'true' });
    return { name, first, second };
  });
}

export const regenerateAnswers = rule({
  id: 'SBC-GEN-014',
  title:
    'generateRequest with reGenerate=true on a record that already has a CSR answers 200 with a new CSR.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Query Parameters: reGenerate',
    quote: 'Flag to indicate whether to regenerate CSR or not',
  },
  destructive: true,
  faults: ['regenerate-refused'],
  async check(t) {
    const { name, second } = await regenerated(t);
    expectStatus(second, 200, `PUT generateRequest?recordName=${name}&reGenerate=true`);
    const blocks = pemBlocks(csrTextOf(second)).filter(
      (b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST',
    );
    check(
      blocks.length === 1,
      `reGenerate=true: expected one PEM CERTIFICATE REQUEST block, found ${blocks.length}`,
    );
  },
});

export const regenerateNewKey = rule({
  id: 'SBC-GEN-015',
  title: 'reGenerate=true generates a new key pair: the new CSR carries a different public key.',
  level: 'SHOULD',
  cite: {
    source: 'oracle-generate-request',
    section: 'Description',
    quote: 'The generated private key is stored in the certificate-record configuration element.',
  },
  destructive: true,
  faults: ['regenerate-reuses-key', 'regenerate-refused', 'csr-lines-shuffled'],
  async check(t) {
    const { first, second } = await regenerated(t);
    const before = csrOfResponse(first);
    const after = csrOfResponse(second);
    check(
      !before.spki.equals(after.spki),
      'reGenerate=true: the new CSR carries the same public key as the first one',
    );
  },
});

export const noRegenerateSameKey = rule({
  id: 'SBC-GEN-019',
  title:
    'generateRequest with reGenerate absent or false on a record that already has a key does not regenerate it: a CSR it answers carries the same key.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.1 PUT /rest/{version}/configuration/certificates/generateRequest',
    quote: '`reGenerate` (optional, `true|false`, default `false`; "whether to regenerate CSR or not")',
  },
  destructive: true,
  faults: ['csr-fetch-regenerates'],
  async check(t) {
    // The private key "is stored in the certificate-record"; not regenerating means that key is kept. Whether
    // the device answers the CSR again or refuses is open ("probably returns the existing CSR or fails").
    const { name, csr } = await recordWithKey(t, 'gen-keep');
    const queries: Array<Record<string, string>> = [
      { recordName: name },
      { recordName: name, reGenerate: 'false' },
    ];
    let answered = 0;
    for (const query of queries) {
      const what = `PUT generateRequest?${new URLSearchParams(query)}`;
      const res = await t.ctx.generateRequest(t.ctx.admin, query);
      if (refusesReissue(res)) {
        t.note(`${what} was refused (${res.status}): the device does not hand out the CSR again`);
        continue;
      }
      answered++;
      expectStatus(res, 200, what);
      check(
        csrOfResponse(res).spki.equals(csr.spki),
        `${what}: the CSR carries another public key than the record's first CSR (the key was regenerated)`,
      );
    }
    if (answered === 0)
      notApplicable('the device refuses generateRequest without reGenerate=true on a record with a CSR');
  },
});

export const regenerateRules = [regenerateAnswers, regenerateNewKey, noRegenerateSameKey];
