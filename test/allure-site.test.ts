import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildAllureSite } from '../src/report/allure-site.ts';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir } from './helpers.ts';

it('builds the Allure site offline: one file, no analytics or other network script, outcomes mapped', async () => {
  const out = join(tempDir(), 'run');
  const { run } = await runConformance({ profiles: [], only: ['redfish'], out, print: quiet });
  const index = await buildAllureSite(out);
  const html = readFileSync(index, 'utf8');
  expect(html).not.toMatch(/googletagmanager|<script[^>]+src="https?:/);
  // Each result is one Allure test; an xfail is skipped and tagged, never shown as passed.
  const results = readdirSync(join(out, 'allure-results'))
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(out, 'allure-results', f), 'utf8')) as Record<string, unknown>);
  expect(results).toHaveLength(run.results.length);
  const xfail = results.find((r) => (r.labels as Array<{ value: string }>).some((l) => l.value === 'xfail'));
  expect(xfail?.status).toBe('skipped');
}, 120_000);
