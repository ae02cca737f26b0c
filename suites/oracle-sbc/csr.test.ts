import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Violation } from '../../src/core/errors.ts';
import { KeyPool } from '../../src/pki/keys.ts';
import { csrSignatureValid } from '../../src/pki/csr.ts';
import { repoPath } from '../../src/paths.ts';
import {
  buildCsr,
  newKey,
  shuffleBase64Lines,
  CERTIFICATE_RECORD_DEFAULTS,
} from '../../mocks/oracle-sbc/records.ts';
import { parseSbcCsr } from './csr.ts';

const seedCsr = readFileSync(repoPath('fixtures/oracle-sbc/seed-example-csr.pem'), 'utf8');

async function mockCsr(): Promise<string> {
  const rec = { ...CERTIFICATE_RECORD_DEFAULTS, name: ['rest-server'], 'common-name': ['sbc.example'] };
  return buildCsr(rec, await newKey(rec, new KeyPool(), new Set()), new Set());
}

describe("the suite's CSR checks", () => {
  it("reject the seed's example CSR (base64 lines out of order) with a message saying so", () => {
    expect(seedCsr).toContain('-----BEGIN CERTIFICATE REQUEST-----');
    expect(() => parseSbcCsr(seedCsr)).toThrow(Violation);
    expect(() => parseSbcCsr(seedCsr)).toThrow(/not a valid PKCS#10 structure.*lines out of order/);
  });

  it('accept a well-formed PKCS#10 PEM whose signature verifies', async () => {
    const parsed = parseSbcCsr(await mockCsr());
    expect(await csrSignatureValid(parsed)).toBe(true);
    expect(parsed.csr.subject).toContain('CN=sbc.example');
  });

  it("reject the same CSR once its lines are shuffled like the seed's", async () => {
    const shuffled = shuffleBase64Lines(await mockCsr());
    expect(() => parseSbcCsr(shuffled)).toThrow(/lines out of order/);
  });

  it('reject a CSR followed by its private key', async () => {
    const rec = { ...CERTIFICATE_RECORD_DEFAULTS, name: ['r'] };
    const pem = await buildCsr(
      rec,
      await newKey(rec, new KeyPool(), new Set()),
      new Set(['csr-includes-private-key']),
    );
    expect(() => parseSbcCsr(pem)).toThrow(/PRIVATE KEY/);
  });
});
