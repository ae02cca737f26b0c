import type { RuleRun } from '../../../../src/core/api.ts';
import { check } from '../../../../src/core/check.ts';
import { pemBlocks } from '../../../../src/pki/pem.ts';
import type { SbcClient } from '../../client.ts';
import { csrOfResponse, csrTextOf } from '../../csr.ts';
import { expectStatus, rule } from '../../rule.ts';

/** A record with a first CSR, then generateRequest again with reGenerate=true (shared by the two rules). */
function regenerated(t: RuleRun<SbcClient>) {
  return t.shared('regenerated-csr', async () => {
    const name = `${t.ctx.params.recordName}-regen`;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const first = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
    expectStatus(first, 200, `first PUT generateRequest?recordName=${name}`);
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
    const blocks = pemBlocks(csrTextOf(second)).filter((b) => b.label === 'CERTIFICATE REQUEST');
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

export const regenerateRules = [regenerateAnswers, regenerateNewKey];
