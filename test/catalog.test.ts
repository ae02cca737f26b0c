import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { LEVELS } from '../src/core/outcome.ts';
import { repoPath } from '../src/paths.ts';
import { catalogMarkdown } from '../src/report/catalog.ts';

const apis = Object.values(APIS);

describe('rule metadata', () => {
  it('docs/RULES.md is in sync with the rules (regenerate with npm run docs)', () => {
    expect(readFileSync(repoPath('docs/RULES.md'), 'utf8')).toBe(catalogMarkdown(apis));
  });

  it('rule IDs are unique and carry their API prefix', () => {
    const ids = apis.flatMap((a) => a.rules.map((r) => r.id));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const api of apis)
      for (const r of api.rules) expect(r.id).toMatch(new RegExp(`^${api.rulePrefix}-[A-Z0-9]+-\\d{3}$`));
  });

  it('a retired rule ID is never given to another rule', () => {
    for (const api of apis) {
      const active = new Set(api.rules.map((r) => r.id));
      expect(
        Object.keys(api.retired ?? {}).filter((id) => active.has(id)),
        api.id,
      ).toEqual([]);
    }
  });

  it.each(apis.map((a) => [a.id, a] as const))(
    '%s: every rule has a title, level, citation with a quote, and a fault',
    (_, api) => {
      for (const r of api.rules) {
        const where = `${r.id}`;
        expect(r.title.length, where).toBeGreaterThan(10);
        expect(LEVELS, where).toContain(r.level);
        expect(api.sources, where).toHaveProperty([r.cite.source]);
        expect(r.cite.section.trim(), where).not.toBe('');
        expect(r.cite.quote.trim().length, where).toBeGreaterThan(5);
        expect(r.faults.length, where).toBeGreaterThan(0);
        for (const f of r.faults) expect(api.faults, where).toHaveProperty([f]);
        for (const c of r.requires ?? []) expect(api.capabilities, where).toHaveProperty([c]);
        if (r.level === 'VENDOR') expect(r.vendor, `${where} is VENDOR and names its vendor`).toBeTruthy();
      }
    },
  );

  it.each(apis.map((a) => [a.id, a] as const))('%s: every variant and fault is described', (_, api) => {
    for (const [id, v] of Object.entries(api.variants)) expect(v.description.length, id).toBeGreaterThan(5);
    for (const [id, f] of Object.entries(api.faults)) {
      expect(f.description.length, id).toBeGreaterThan(5);
      if (f.variant) expect(api.variants, id).toHaveProperty([f.variant]);
    }
  });
});
