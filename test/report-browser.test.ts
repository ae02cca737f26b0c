/**
 * report.html as a person sees it: headless Chromium (Debian's package, driven by playwright-core) opens the
 * report of a one-target run and of a four-target run from disk, and checks that the verdicts, a finding with
 * its evidence and the filters work, with no console error and no network request. Screenshots land in the
 * run's report folder. Under CI this must run; elsewhere it skips when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir } from './helpers.ts';

/** A table row as the page sees it (the project compiles without the DOM library). */
type Row = { style: { display: string }; dataset: Record<string, string | undefined> };

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install chromium`);
if (!available) console.log('report-browser: skipped, Chromium is missing (apt-get install -y chromium)');

describe.skipIf(!available)('report.html in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => browser?.close());

  async function open(out: string) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    return { page, errors, requests };
  }

  it('one target: verdict, a finding with its exchanges, filters', async () => {
    const out = join(tempDir(), 'one');
    const { run } = await runConformance({ profiles: [], only: ['keyfactor'], out, print: quiet });
    const { page, errors, requests } = await open(out);
    const verdicts = await page.locator('table.verdicts').innerText();
    expect(verdicts).toContain(run.targets[0]!.name);
    expect(verdicts).toContain('conforms');
    const rows = page.locator('#matrix tbody tr');
    const total = await rows.count();
    expect(total).toBe(run.results.length);
    await page.selectOption('#f-status', 'pass');
    const shown = await rows.evaluateAll(
      (rs) => rs.filter((r) => (r as unknown as Row).style.display !== 'none').length,
    );
    expect(shown).toBe(run.results.filter((r) => r.status === 'pass').length);
    expect(await page.locator('#f-count').innerText()).toBe(`${shown} of ${total} rules`);
    await page.selectOption('#f-status', '');
    await page.screenshot({ path: join(out, 'report.png'), fullPage: false });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);

  it('four targets: the side-by-side matrix with a verdict per target and clickable findings', async () => {
    const out = join(tempDir(), 'four');
    const { run } = await runConformance({ profiles: [], out, print: quiet });
    expect(run.targets).toHaveLength(4);
    const { page, errors, requests } = await open(out);
    expect(await page.locator('table.verdicts tr').count()).toBe(5);
    expect(await page.locator('#matrix thead th').count()).toBe(4 + 4);
    // The bundled AMI expectations make one xfail: a finding with its citation and exchanges.
    const finding = page.locator('article.finding').first();
    expect(await finding.count()).toBe(1);
    expect(await finding.locator('blockquote').isVisible()).toBe(true);
    expect(await finding.locator('details').first().isVisible()).toBe(true);
    await finding.locator('details.all > summary').click();
    await page.selectOption('#f-api', 'redfish');
    const visibleApis = await page
      .locator('#matrix tbody tr')
      .evaluateAll((rs) => [
        ...new Set(
          rs
            .filter((r) => (r as unknown as Row).style.display !== 'none')
            .map((r) => (r as unknown as Row).dataset.api),
        ),
      ]);
    expect(visibleApis).toEqual(['redfish']);
    await page.selectOption('#f-api', '');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(out, 'report.png'), fullPage: false });
    await page.locator('h2', { hasText: 'Findings' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(out, 'report-findings.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    console.log(`report-browser: screenshots in ${out}`);
  }, 180_000);
});
