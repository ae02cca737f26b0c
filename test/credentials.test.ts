/**
 * A profile whose password (or token) is wrong, against each standalone mock: the device is not at fault, so
 * no rule fails or warns, the run exits 3, and the console names the rejected account once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import { API_IDS } from '../src/core/api.ts';
import { mockTarget } from '../src/core/targets.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { runConformance } from '../src/run.ts';
import { tempDir } from './helpers.ts';

describe('wrong credentials are the profile’s problem, not the device’s', () => {
  for (const id of API_IDS) {
    it(`${id}: 0 fail, 0 warn, exit 3, the rejected account named once`, async () => {
      const api = APIS[id];
      const mock = await api.startMock({ variant: api.defaultVariant, faults: [] });
      try {
        const dir = tempDir();
        const target = mockTarget(api, api.defaultVariant, mock, `wrong-${id}`);
        const spoil = (v: string | undefined) => (v ? `${v}x` : v);
        target.auth = {
          ...target.auth,
          password: spoil(target.auth.password),
          token: spoil(target.auth.token),
        };
        const { profile } = writeMockProfile(join(dir, 'p.yaml'), target);
        const lines: string[] = [];
        const { run, exitCode } = await runConformance({
          profiles: [profile],
          out: join(dir, 'out'),
          print: (...l) => lines.push(...l),
        });
        expect(run.summary.fail).toBe(0);
        expect(run.summary.warn).toBe(0);
        expect(run.summary.error).toBeGreaterThan(0);
        expect(exitCode).toBe(3);
        const said = lines.filter((l) => /credentials for .* were rejected by/.test(l));
        expect(said).toHaveLength(1);
        expect(said[0]).toContain(target.auth.username ?? '');
      } finally {
        await mock.close();
      }
    }, 120_000);
  }
});
