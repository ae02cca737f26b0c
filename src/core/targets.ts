import type { AnyApi, RunningMock, Target } from './api.ts';

export const DEFAULT_TIMEOUTS: Target['timeouts'] = {
  requestMs: 15_000,
  operationMs: 60_000,
  ruleMs: 180_000,
};

/** The target a started bundled mock represents. Destructive rules are allowed: a mock is disposable. */
export function mockTarget(
  api: AnyApi,
  variant: string,
  mock: RunningMock,
  name = `mock:${api.id}:${variant}`,
): Target {
  return {
    name,
    api: api.id,
    timeouts: { ...DEFAULT_TIMEOUTS, requestMs: 10_000, operationMs: 20_000, ruleMs: 60_000 },
    concurrency: 1,
    allowDestructive: true,
    // The harness started it on this machine: no proxy of the environment leads there.
    proxy: 'none',
    ...api.mockTarget(variant, mock),
    mockVariant: variant,
  };
}
