import type { MockOptions, RunningMock, Target } from '../../src/core/api.ts';
import type { Fault } from './faults.ts';
import { TEST_CA_PEM, startRedfishMock } from './server.ts';
import { MOCK_ACCOUNTS, VARIANTS, VARIANT_CONFIG, type Variant } from './variants.ts';

export { FAULTS, type Fault } from './faults.ts';
export { VARIANTS, type Variant } from './variants.ts';

export function startMock(opts: MockOptions<Fault, Variant>): Promise<RunningMock> {
  return startRedfishMock(opts);
}

/** What a started mock of this variant looks like to the suite: a profile for it. */
export function mockTarget(
  variant: Variant,
  mock: RunningMock,
): Omit<Target, 'name' | 'api' | 'timeouts' | 'concurrency' | 'allowDestructive'> {
  const cfg = VARIANT_CONFIG[variant];
  const { admin, operator, readOnly } = MOCK_ACCOUNTS;
  // dmtf-sync logs in with a session although Basic works, so both paths are exercised.
  const scheme = !cfg.basicAuth || variant === 'dmtf-sync' ? 'session' : 'basic';
  const spec = VARIANTS[variant] as { vendor: string; expectations?: string };
  return {
    baseUrl: mock.url,
    vendor: spec.vendor,
    tls: { ca: TEST_CA_PEM() },
    auth: { scheme, username: admin.username, password: admin.password },
    accounts: {
      operator: { username: operator.username, password: operator.password },
      readOnly: { username: readOnly.username, password: readOnly.password },
    },
    // No short TLS-switch wait of its own: the profile's timeouts.operationMs bounds it, so a slow machine never
    // reads a late switch as a violation (the mock switches at once; only its fault waits the bound out).
    params: { taskPollIntervalMs: 20 },
    ...(spec.expectations ? { expectations: spec.expectations } : {}),
  };
}
