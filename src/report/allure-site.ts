import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';

/**
 * Builds the Allure HTML site of a run offline, with the Allure 3 report generator (the `allure` package):
 * one self-contained `allure-report/index.html` next to `allure-results/`. Allure's page carries an analytics
 * tag that would call out to the network when opened; it is removed, so the report makes no request.
 */
export async function buildAllureSite(runDir: string): Promise<string> {
  const results = resolve(runDir, 'allure-results');
  if (!existsSync(results))
    throw new UsageError(`report: ${runDir} has no allure-results/ (is it a run directory?)`);
  const output = resolve(runDir, 'allure-report');
  const work = mkdtempSync(join(tmpdir(), 'certconform-allure-'));
  try {
    const config = join(work, 'allurerc.mjs');
    writeFileSync(
      config,
      `export default ${JSON.stringify({ name: 'certconform', plugins: { awesome: { options: { singleFile: true, reportName: 'certconform' } } } })};\n`,
    );
    // The package exports only its library entry (dist/index.js); its CLI sits at the package root.
    const cli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
    await new Promise<void>((done, fail) => {
      const child = spawn(
        process.execPath,
        [cli, 'generate', results, '--config', config, '--output', output],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('exit', (code) =>
        code === 0
          ? done()
          : fail(new Error(`allure generate exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`)),
      );
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const index = join(output, 'index.html');
  writeFileSync(index, withoutAnalytics(readFileSync(index, 'utf8')));
  return index;
}

/** Drops the Google Tag Manager loader and its inline configuration from Allure's page. */
export function withoutAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*src="https:\/\/www\.googletagmanager\.com[^"]*"[^>]*><\/script>/g, '')
    .replace(/<script>\s*window\.dataLayer[\s\S]*?<\/script>/g, '');
}
