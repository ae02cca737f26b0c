import { readFileSync } from 'node:fs';
import type { MockOptions, RunningMock, Target } from '../../src/core/api.ts';
import { repoPath } from '../../src/paths.ts';
import type { Fault } from './faults.ts';
import { startSbcMock, type SbcMock } from './server.ts';
import { VARIANT_CONFIG, type Variant } from './variants.ts';

export { FAULTS, type Fault } from './faults.ts';
export { VARIANTS, VARIANT_CONFIG, type Variant } from './variants.ts';

export function startMock(opts: MockOptions<Fault, Variant>): Promise<SbcMock> {
  return startSbcMock(opts);
}

/** What a started mock of `variant` looks like to the suite: accounts, params and the test CA to trust. */
export function mockTarget(
  variant: Variant,
  mock: RunningMock,
): Omit<Target, 'name' | 'api' | 'timeouts' | 'concurrency' | 'allowDestructive'> {
  const config = VARIANT_CONFIG[variant];
  const httpUrl = (mock as Partial<SbcMock>).httpUrl;
  if (!httpUrl) throw new Error('not an oracle-sbc mock: no plain-HTTP URL');
  return {
    baseUrl: mock.url,
    vendor: 'oracle',
    tls: { ca: readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8') },
    auth: { scheme: 'basic', username: config.admin.username, password: config.admin.password },
    accounts: { nonAdmin: config.nonAdmin, otherAdmin: config.otherAdmin },
    params: {
      recordName: config.recordName,
      record: { keySize: config.keySize },
      tokenLifetimeSeconds: config.tokenLifetimeSeconds,
      httpUrl,
      pollIntervalMs: 20,
    },
  };
}
