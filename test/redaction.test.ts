import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyApi } from '../src/core/api.ts';
import { runConformance } from '../src/run.ts';
import { quiet, readTree, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, TOY_PASSWORD, toyApi } from './toy/api.ts';

describe('no secret in any output', () => {
  it('a failing run against a target with known secrets writes none of them anywhere', async () => {
    const api = toyApi as unknown as AnyApi;
    // The fault makes the destructive rule fail, so its request body (which carries the password) becomes evidence.
    const mock = await api.startMock({ variant: 'widgets', faults: ['status-not-ok'] });
    try {
      const dir = tempDir();
      const profile = writeTemp(
        dir,
        'p.yaml',
        [
          'name: secretive',
          'api: toy',
          'vendor: toyco',
          `baseUrl: ${mock.url}`,
          'allowDestructive: true',
          'params: { widgetId: w1 }',
          'auth: { scheme: basic, username: admin, password: "${TOY_PW}" }',
        ].join('\n'),
      );
      process.env.TOY_PW = TOY_PASSWORD;
      const out = join(dir, 'out');
      const { run } = await runConformance({ profiles: [profile], out, print: quiet, apis: TOY_APIS });
      expect(run.results.find((r) => r.rule === 'TOY-WIDGET-001')?.status).toBe('fail');

      const files = readTree(out);
      expect(files.map((f) => f.file.replace(out, ''))).toEqual(
        expect.arrayContaining([
          '/results.json',
          '/junit.xml',
          '/summary.md',
          expect.stringMatching(/^\/allure-results\/.*-result\.json$/),
          expect.stringMatching(/-attachment\.json$/),
        ]),
      );
      const basic = Buffer.from(`admin:${TOY_PASSWORD}`).toString('base64');
      for (const { file, text } of files) {
        expect(text, file).not.toContain(TOY_PASSWORD);
        expect(text, file).not.toContain(basic);
      }
      // The evidence is still there, masked.
      expect(files.find((f) => f.file.endsWith('results.json'))!.text).toContain('\\"password\\":\\"***\\"');
    } finally {
      delete process.env.TOY_PW;
      await mock.close();
    }
  });
});
