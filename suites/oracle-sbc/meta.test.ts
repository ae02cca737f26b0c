import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validatorFor, firstError } from '../../src/core/schema.ts';
import { repoPath } from '../../src/paths.ts';
import { oracleSbcApi } from './index.ts';
import { OPERATIONS } from './operations.ts';
import { SOURCES } from './sources.ts';

/** Markdown emphasis and code marks are not part of the wording; whitespace is not either. */
const normalize = (text: string) => text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ');

describe('oracle-sbc metadata', () => {
  it('every citation quote occurs verbatim in the pinned copy of its source', () => {
    const texts = Object.fromEntries(
      Object.entries(SOURCES).map(([id, s]) => [id, normalize(readFileSync(repoPath(s.local), 'utf8'))]),
    );
    const missing = oracleSbcApi.rules
      .filter((r) => !texts[r.cite.source]!.includes(normalize(r.cite.quote)))
      .map((r) => `${r.id}: ${r.cite.quote}`);
    expect(missing).toEqual([]);
  });

  it('has at least 24 rules, each with a fault of its own vocabulary', () => {
    expect(oracleSbcApi.rules.length).toBeGreaterThanOrEqual(24);
    for (const r of oracleSbcApi.rules)
      expect(r.id).toMatch(/^SBC-(TRN|VER|AUTH|LOCK|REC|GEN|IMP|MGT)-\d{3}$/);
  });

  it('the README profile example is valid for paramsSchema and names only known account roles', () => {
    const readme = readFileSync(repoPath('suites/oracle-sbc/README.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const profile = parse(yaml!) as { api: string; params: unknown; accounts: Record<string, unknown> };
    expect(profile.api).toBe('oracle-sbc');
    const validate = validatorFor(oracleSbcApi.paramsSchema);
    expect(validate(profile.params) ? 'valid' : firstError(validate.errors)).toBe('valid');
    for (const role of Object.keys(profile.accounts)) expect(oracleSbcApi.accountRoles).toContain(role);
  });

  it('every operation that is not optional is owned by a rule of the suite (one cause, one finding)', () => {
    const ids = new Set(oracleSbcApi.rules.map((r) => r.id));
    for (const [name, op] of Object.entries(OPERATIONS))
      if ('owner' in op) expect(ids.has(op.owner), `${name}: ${op.owner}`).toBe(true);
    // The owner fails by NotServed: it must not be a SHOULD rule (a missing operation is a violation).
    for (const op of Object.values(OPERATIONS))
      if ('owner' in op) expect(oracleSbcApi.rules.find((r) => r.id === op.owner)?.level).toBe('MUST');
  });

  it('the README lists every not-tested statement', () => {
    const readme = normalize(readFileSync(repoPath('suites/oracle-sbc/README.md'), 'utf8'));
    for (const n of oracleSbcApi.notTested) expect(readme, n.statement).toContain(normalize(n.statement));
  });
});
